"""The wiring was fixed (train now takes a Dataset) but the old suppression stayed: FC010."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def train(data: Dataset, lr: float = 0.01) -> float:
    return lr


@flow
def pipeline(bucket: str = "raw-data") -> None:
    data = ingest(bucket)
    train(data)  # flowc: ignore[FC201]
