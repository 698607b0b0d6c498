"""`train` is declared to take a Model, but the flow passes it the Dataset from `ingest`."""

from flowc import Dataset, Model, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def train(data: Model, lr: float = 0.01) -> Model:
    return "model.pkl"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    data = ingest(bucket)
    train(data)
