"""`evaluate` returns a plain float; it has no `.value` field."""

from flowc import Model, flow, step


@step
def evaluate(model: Model) -> float:
    return 0.9


@step
def report(accuracy: float) -> None:
    print(accuracy)


@flow
def scoring(model: Model) -> None:
    score = evaluate(model)
    report(score.value)
