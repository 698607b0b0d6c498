"""`from .features import featurize` names a module that does not exist next to this file."""

from flowc import Dataset, flow, step

from .features import featurize


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def features(bucket: str = "raw-data") -> None:
    raw = ingest(bucket)
    featurize(raw)
