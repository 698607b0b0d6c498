"""A `while` loop retrains until the model is good enough; a flow is a static graph.

One FC301; `model`, bound only inside the rejected loop, is not reported again where it is used.
"""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@step
def deploy(model: Model) -> None:
    print(model)


@flow
def pipeline(data: Dataset, good_enough: bool = False) -> None:
    while not good_enough:
        model = train(data)
    deploy(model)
