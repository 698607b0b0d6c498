"""`timeout="2 hours"` is not a duration; "2h" is."""

from flowc import Dataset, Model, flow, step


@step(timeout="2 hours")
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
