"""Label values cannot contain spaces: Kubernetes rejects "ML Platform"."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow(labels={"team": "ML Platform"})
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
