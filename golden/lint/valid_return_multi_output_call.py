"""Valid: a flow returns a multi-output step's result directly (no diagnostic expected).

`return train(data)` means the same as `result = train(data); return result`, which flowc
accepts: the flow returns both fields.
"""

from typing import NamedTuple

from flowc import Dataset, Model, flow, step


class TrainResult(NamedTuple):
    model: Model
    accuracy: float


@step
def train(data: Dataset) -> TrainResult:
    return TrainResult("model.pkl", 0.9)


@flow
def training(data: Dataset) -> tuple[Model, float]:
    return train(data)
