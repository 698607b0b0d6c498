"""`dataa` is a typo for the task result `data`."""

from flowc import Dataset, Model, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    data = ingest(bucket)
    train(dataa)
