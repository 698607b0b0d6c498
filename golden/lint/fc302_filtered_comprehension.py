"""A filter in a fan-out comprehension; filter inside a step instead."""

from flowc import Dataset, flow, step


@step
def score(data: Dataset, lr: float) -> float:
    return lr


@flow
def sweep(data: Dataset, rates: list[float] = [0.1, 0.0, 0.01]) -> None:
    scores = [score(data, lr=r) for r in rates if r > 0]
