"""Durations have no `w` unit: `ttl="1w"` must be written "7d"."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow(ttl="1w")
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
