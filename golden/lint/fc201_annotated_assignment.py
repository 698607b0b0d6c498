"""The result of `evaluate` is a float, annotated in the flow as an int."""

from flowc import Model, flow, step


@step
def evaluate(model: Model) -> float:
    return 0.9


@step
def report(accuracy: float) -> None:
    print(accuracy)


@flow
def scoring(model: Model) -> None:
    accuracy: int = evaluate(model)
    report(accuracy)
