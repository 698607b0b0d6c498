"""`on_exit` is a flow option; a step does not accept it."""

from flowc import Dataset, RunStatus, flow, step


@step
def notify(status: RunStatus) -> None:
    print(status)


@step(on_exit=notify)
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
