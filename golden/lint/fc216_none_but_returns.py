"""Annotated `-> None`, the flow nevertheless returns the trained model."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def training(data: Dataset) -> None:
    model = train(data)
    return model
