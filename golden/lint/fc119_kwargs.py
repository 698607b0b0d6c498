"""Hyperparameters as `**hyperparams`: each parameter of a step must be declared."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset, **hyperparams: float) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
