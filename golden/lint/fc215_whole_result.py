"""The whole TrainResult is passed where only its `model` field is wanted."""

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
    result = train(data)
    deploy(result)
