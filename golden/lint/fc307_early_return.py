"""`return` in the middle of the flow; the steps after it would still be compiled and run."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@step
def deploy(model: Model) -> None:
    print(model)


@flow
def pipeline(data: Dataset) -> Model:
    model = train(data)
    return model
    deploy(model)
