"""`after(loaded)` called as a statement orders nothing; it must be `with after(loaded):`."""

from flowc import Dataset, after, flow, step


@step
def load(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def report() -> None:
    print("loaded")


@flow
def pipeline(bucket: str = "raw-data") -> None:
    loaded = load(bucket)
    after(loaded)
    report()
