"""`model-dir` is not a portable environment variable name."""

from flowc import Dataset, Model, flow, step


@step(env={"model-dir": "/mnt/models"})
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
