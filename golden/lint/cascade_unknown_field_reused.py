"""`result.acc` is not a field; `acc`, used twice afterwards, is not reported again."""

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
def pipeline(data: Dataset, threshold: float = 0.8) -> None:
    result = train(data)
    acc = result.acc
    report(acc)
    if acc > threshold:
        report(acc)
