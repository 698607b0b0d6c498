"""The loop variable `model` shadows the task result `model` bound just before."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@step
def evaluate(model: Model, data: Dataset) -> float:
    return 0.9


@flow
def pipeline(data: Dataset, baselines: list[Model] = []) -> None:
    model = train(data)
    for model in baselines:
        evaluate(model, data)
