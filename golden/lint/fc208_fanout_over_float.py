"""The sweep iterates over `rate`, a single float, instead of the list `rates`."""

from flowc import Dataset, flow, step


@step
def score(data: Dataset, lr: float) -> float:
    return lr


@flow
def sweep(data: Dataset, rate: float = 0.1, rates: list[float] = [0.1, 0.01]) -> None:
    scores = [score(data, lr=r) for r in rate]
