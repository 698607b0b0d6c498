"""`train` returns one Model; unpacking it into (model, metrics) cannot work."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@step
def deploy(model: Model) -> None:
    print(model)


@flow
def pipeline(data: Dataset) -> None:
    model, metrics = train(data)
    deploy(model)
