"""`threshold += 0.05` computes in the flow body; compute in a step instead."""

from flowc import Model, flow, step


@step
def evaluate(model: Model, threshold: float) -> bool:
    return True


@flow
def gate(model: Model, threshold: float = 0.8) -> None:
    threshold += 0.05
    evaluate(model, threshold)
