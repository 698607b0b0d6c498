"""The flow calls itself to "retry" training: graphs are static, recursion never ends."""

from flowc import Dataset, flow, step


@step
def train(data: Dataset) -> float:
    return 0.5


@flow
def training(data: Dataset, attempts: int = 3) -> None:
    train(data)
    training(data, attempts=attempts)
