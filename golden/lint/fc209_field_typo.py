"""`result.acuracy` misspells the NamedTuple field `accuracy`."""

from typing import NamedTuple

from flowc import Dataset, Model, flow, step


class TrainResult(NamedTuple):
    model: Model
    accuracy: float


@step
def train(data: Dataset) -> TrainResult:
    return TrainResult("model.pkl", 0.9)


@step
def report(accuracy: float) -> None:
    print(accuracy)


@flow
def pipeline(data: Dataset) -> None:
    result = train(data)
    report(result.acuracy)
