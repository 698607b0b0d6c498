"""Steps shared by the team's flows."""

from flowc import Dataset, Model, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def train(data: Dataset, lr: float = 0.01) -> Model:
    return "model.pkl"
