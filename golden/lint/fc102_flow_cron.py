"""`cron=` is not a flow option; the option is `schedule`."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow(cron="0 2 * * *")
def nightly(bucket: str = "raw-data") -> None:
    ingest(bucket)
