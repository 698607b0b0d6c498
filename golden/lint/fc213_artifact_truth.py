"""`if data:` tests an artifact (a file) for truth; there is no value to test."""

from flowc import Dataset, Model, flow, step


@step
def extract(table: str) -> Dataset:
    return f"{table}.parquet"


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(table: str = "orders") -> None:
    data = extract(table)
    if data:
        train(data)
