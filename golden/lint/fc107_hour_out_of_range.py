"""Hour 25 does not exist: the schedule can never fire."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow(schedule="30 25 * * *")
def nightly(bucket: str = "raw-data") -> None:
    ingest(bucket)
