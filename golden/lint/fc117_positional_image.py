"""The image is passed positionally: `@step(...)` options are keyword-only."""

from flowc import Dataset, flow, step


@step("python:3.12-slim")
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
