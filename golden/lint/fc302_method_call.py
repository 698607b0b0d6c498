"""`bucket.strip("/")` calls a method on a parameter; the flow body only wires steps."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data/") -> None:
    ingest(bucket.strip("/"))
