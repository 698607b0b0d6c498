"""The cron schedule lost a field: "0 2 * *" has four."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow(schedule="0 2 * *")
def nightly(bucket: str = "raw-data") -> None:
    ingest(bucket)
