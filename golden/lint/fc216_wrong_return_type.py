"""The flow says it returns the accuracy (float) but returns the model."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def training(data: Dataset) -> float:
    model = train(data)
    return model
