"""The fan-out iterates over a str; the collected `scores` passed on is not reported again."""

from flowc import Dataset, flow, step


@step
def score(data: Dataset, lr: float) -> float:
    return lr


@step
def pick_best(scores: list[float]) -> float:
    return max(scores)


@flow
def sweep(data: Dataset, rates: str = "0.1,0.01") -> None:
    scores = [score(data, lr=r) for r in rates]
    pick_best(scores)
