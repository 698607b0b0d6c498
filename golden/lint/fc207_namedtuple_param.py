"""A NamedTuple is only valid as a step's return type, not as a parameter type."""

from typing import NamedTuple

from flowc import Dataset, Model, flow, step


class TrainResult(NamedTuple):
    model: Model
    accuracy: float


@step
def train(data: Dataset) -> TrainResult:
    return TrainResult("model.pkl", 0.9)


@step
def deploy(result: TrainResult) -> None:
    print(result)


@flow
def release(data: Dataset) -> None:
    train(data)
