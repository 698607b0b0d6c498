"""`memory="16GB"` is not a Kubernetes quantity (it is "16Gi" or "16G")."""

from flowc import Dataset, Model, flow, step


@step(cpu=4, memory="16GB")
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
