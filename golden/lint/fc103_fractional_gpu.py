"""`gpu=0.5`: a fractional GPU (as in Ray) is not a GPU count."""

from flowc import Dataset, Model, flow, step


@step(gpu=0.5)
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
