"""A step is called inside the `if` test; bind its result first."""

from flowc import Model, flow, step


@step
def evaluate(model: Model) -> float:
    return 0.9


@step
def deploy(model: Model) -> None:
    print(model)


@flow
def gate(model: Model) -> None:
    if evaluate(model) > 0.9:
        deploy(model)
