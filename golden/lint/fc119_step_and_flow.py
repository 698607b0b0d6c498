"""A function decorated with both `@step` and `@flow`."""

from flowc import Dataset, flow, step


@step
@flow
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
