"""`retries=-1` (meant as "retry forever") is not a retry limit."""

from flowc import Dataset, flow, step


@step(retries=-1)
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
