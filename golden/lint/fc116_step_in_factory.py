"""A step built inside a factory function cannot be shipped or referenced by a flow."""

from flowc import Dataset, Model, flow, step


def make_trainer(model_name: str):
    @step
    def train(data: Dataset) -> Model:
        return f"{model_name}.pkl"

    return train


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
