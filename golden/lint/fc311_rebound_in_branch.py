"""`model` is bound before the `if` and rebound inside it; after the branch the graph would still
deploy the first model, where Python deploys the tuned one when the branch runs."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@step
def tune(model: Model) -> Model:
    return "tuned.pkl"


@step
def deploy(model: Model) -> None:
    print(model)


@flow
def pipeline(data: Dataset, tuning: bool = True) -> None:
    model = train(data)
    if tuning:
        model = tune(model)
    deploy(model)
