"""`make_path` is a plain helper function, not a step: it cannot be called in a flow body."""

from flowc import Dataset, flow, step


def make_path(bucket: str) -> str:
    return f"s3://{bucket}/raw.parquet"


@step
def ingest(path: str) -> Dataset:
    return path


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(make_path(bucket))
