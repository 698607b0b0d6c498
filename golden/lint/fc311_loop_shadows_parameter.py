"""The loop variable `lr` shadows the flow parameter `lr`, which the final step means."""

from flowc import Dataset, flow, step


@step
def score(data: Dataset, lr: float) -> float:
    return lr


@flow
def sweep(data: Dataset, lr: float = 0.01, rates: list[float] = [0.1, 0.01]) -> None:
    for lr in rates:
        score(data, lr=lr)
    score(data, lr=lr)
