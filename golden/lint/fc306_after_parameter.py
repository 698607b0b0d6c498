"""`after(bucket)` names a flow parameter; ordering needs a task result."""

from flowc import Dataset, after, flow, step


@step
def load(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def report() -> None:
    print("loaded")


@flow
def pipeline(bucket: str = "raw-data") -> None:
    load(bucket)
    with after(bucket):
        report()
