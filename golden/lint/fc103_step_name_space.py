"""A step `name` with a space cannot become a template or component name."""

from flowc import Dataset, Model, flow, step


@step(name="train model")
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
