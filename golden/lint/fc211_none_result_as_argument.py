"""`validate` returns nothing, but its "result" is passed on to `train`."""

from flowc import Dataset, Model, flow, step


@step
def validate(data: Dataset) -> None:
    print(data)


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    validated = validate(data)
    train(validated)
