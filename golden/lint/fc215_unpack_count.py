"""The NamedTuple has two fields and is unpacked into three names."""

from typing import NamedTuple

from flowc import Dataset, Model, flow, step


class TrainResult(NamedTuple):
    model: Model
    accuracy: float


@step
def train(data: Dataset) -> TrainResult:
    return TrainResult("model.pkl", 0.9)


@step
def deploy(model: Model) -> None:
    print(model)


@flow
def pipeline(data: Dataset) -> None:
    model, accuracy, loss = train(data)
    deploy(model)
