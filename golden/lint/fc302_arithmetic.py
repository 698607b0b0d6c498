"""`base_lr * 2` is arithmetic in the flow body; compute it in a step."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset, lr: float = 0.01) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset, base_lr: float = 0.01) -> None:
    train(data, lr=base_lr * 2)
