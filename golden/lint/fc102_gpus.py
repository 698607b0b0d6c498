"""`gpus=1` is not a step option; the option is `gpu`."""

from flowc import Dataset, Model, flow, step


@step(gpus=1, memory="16Gi")
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
