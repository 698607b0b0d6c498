"""The mount path "data" is relative; volumes mount at absolute paths."""

from flowc import Dataset, flow, step


@step(volumes={"data": "training-data"})
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
