"""`train` requires a learning rate, and the flow does not pass one."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset, lr: float) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
