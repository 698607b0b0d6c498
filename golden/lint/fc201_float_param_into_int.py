"""The flow parameter `epochs` is a float, the step wants an int."""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset, epochs: int = 10) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset, epochs: float = 10.0) -> None:
    train(data, epochs=epochs)
