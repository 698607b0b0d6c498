"""`return` inside an `if` branch; a flow returns once, as its last statement."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset, skip: bool = False) -> None:
    if skip:
        return
    train(data)
