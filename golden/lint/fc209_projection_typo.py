"""Selecting `r.acc` from collected results whose field is `accuracy`."""

from typing import NamedTuple

from flowc import Dataset, Model, flow, step


class TrainResult(NamedTuple):
    model: Model
    accuracy: float


@step
def train(data: Dataset, lr: float) -> TrainResult:
    return TrainResult("model.pkl", 0.9)


@step
def pick_best(scores: list[float]) -> float:
    return max(scores)


@flow
def sweep(data: Dataset, rates: list[float] = [0.1, 0.01]) -> None:
    results = [train(data, lr=r) for r in rates]
    accs = [r.acc for r in results]
    pick_best(accs)
