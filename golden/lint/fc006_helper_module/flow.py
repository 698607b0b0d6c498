"""The flow still imports the old name `featurise` from `pipelines.features`."""

from flowc import Dataset, flow, step
from pipelines.features import featurise


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    raw = ingest(bucket)
    featurise(raw, window=14)
