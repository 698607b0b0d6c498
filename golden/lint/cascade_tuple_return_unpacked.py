"""`train` returns a plain tuple, which steps cannot (use a NamedTuple).

One FC207 at the annotation; unpacking the result in the flow is not reported again.
"""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset) -> tuple[Model, float]:
    return "model.pkl", 0.9


@step
def deploy(model: Model) -> None:
    print(model)


@flow
def pipeline(data: Dataset) -> None:
    model, accuracy = train(data)
    deploy(model)
