"""`learning_rate=` is not a parameter of `train`; it is called `lr`."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset, lr: float = 0.01) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data, learning_rate=0.1)
