"""`train` takes two parameters and is given three positional arguments."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset, lr: float = 0.01) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data, 0.1, 10)
