"""A node selector value with spaces ("nvidia tesla t4") is not a valid label value."""

from flowc import Dataset, Model, flow, step


@step(gpu=1, node_selector={"cloud.google.com/gke-accelerator": "nvidia tesla t4"})
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
