"""`evaluate` has no return annotation: its result is `Any` (a warning, and no follow-on errors)."""

from flowc import Model, flow, step


@step
def evaluate(model: Model):
    return 0.9


@step
def report(accuracy: float) -> None:
    print(accuracy)


@flow
def scoring(model: Model) -> None:
    accuracy = evaluate(model)
    report(accuracy)
