"""`best` is bound before the `for` block and rebound in its body; Python would report the last
item's score, the graph would report the baseline (and score every item against it)."""

from flowc import Dataset, flow, step


@step
def evaluate(data: Dataset, lr: float) -> float:
    return lr


@step
def compare(score: float, best: float) -> float:
    return max(score, best)


@step
def report(score: float) -> None:
    print(score)


@flow
def sweep(data: Dataset, rates: list[float] = [0.1, 0.01]) -> None:
    best = evaluate(data, lr=0.0)
    for r in rates:
        score = evaluate(data, lr=r)
        best = compare(score, best)
    report(best)
