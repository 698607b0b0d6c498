"""A RunStatus parameter on the flow itself: only the exit handler receives the status."""

from flowc import Dataset, RunStatus, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(status: RunStatus, bucket: str = "raw-data") -> None:
    ingest(bucket)
