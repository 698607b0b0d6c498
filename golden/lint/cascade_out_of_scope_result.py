"""`model` is used after the `if` that binds it; `tuned`, built from it, is not reported again."""

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
def pipeline(data: Dataset, retrain: bool = True) -> None:
    if retrain:
        model = train(data)
    tuned = tune(model)
    deploy(tuned)
