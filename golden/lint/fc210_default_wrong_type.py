"""The threshold's default is the string "0.85", not a float."""

from flowc import Model, flow, step


@step
def evaluate(model: Model, threshold: float = "0.85") -> bool:
    return True


@flow
def gate(model: Model) -> None:
    evaluate(model)
