"""The exit handler is also called in the body, where no RunStatus exists."""

from flowc import Dataset, RunStatus, flow, step


@step
def notify(status: RunStatus) -> None:
    print(status)


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow(on_exit=notify)
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
    notify()
