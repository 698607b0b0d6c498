"""The step `train` is passed instead of its result: `train(data)` was meant."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@step
def deploy(model: Model) -> None:
    print(model)


@flow
def pipeline(data: Dataset) -> None:
    train(data)
    deploy(train)
