"""The learning rate is passed as the string "0.01" to a float parameter."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset, lr: float = 0.01) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data, lr="0.01")
