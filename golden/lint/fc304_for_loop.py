"""`score` is bound once per item of a `for` block; after the loop there is no single value."""

from flowc import Dataset, flow, step


@step
def evaluate(data: Dataset, lr: float) -> float:
    return lr


@step
def report(score: float) -> None:
    print(score)


@flow
def sweep(data: Dataset, rates: list[float] = [0.1, 0.01]) -> None:
    for r in rates:
        score = evaluate(data, lr=r)
    report(score)
