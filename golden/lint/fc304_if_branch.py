"""`model` is trained only when `retrain` is true, then deployed unconditionally."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@step
def deploy(model: Model) -> None:
    print(model)


@flow
def pipeline(data: Dataset, retrain: bool = True) -> None:
    if retrain:
        model = train(data)
    deploy(model)
