"""The suppression names `FC2010`, which is no rule: FC011, and the FC201 stays reported."""

from flowc import Dataset, Model, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def train(data: Model, lr: float = 0.01) -> float:
    return lr


@flow
def pipeline(bucket: str = "raw-data") -> None:
    data = ingest(bucket)
    train(data)  # flowc: ignore[FC2010]
