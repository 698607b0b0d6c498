"""The toleration operator is "Exists", not "Exist"."""

from flowc import Dataset, Model, flow, step


@step(gpu=1, tolerations=[{"key": "nvidia.com/gpu", "operator": "Exist", "effect": "NoSchedule"}])
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
