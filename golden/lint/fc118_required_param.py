"""The exit handler needs a `channel` nobody can supply: it has no default."""

from flowc import Dataset, RunStatus, flow, step


@step
def notify(status: RunStatus, channel: str) -> None:
    print(channel, status)


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow(on_exit=notify)
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
