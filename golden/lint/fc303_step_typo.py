"""`ingset` is a typo for the step `ingest`.

One FC303: the result `data`, used later, is not reported again.
"""

from flowc import Dataset, Model, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    data = ingset(bucket)
    model = train(data)
    train(data)
