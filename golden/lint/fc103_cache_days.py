"""`cache=3` (meant as "three days") is neither a bool nor a version string."""

from flowc import Dataset, flow, step


@step(cache=3)
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
