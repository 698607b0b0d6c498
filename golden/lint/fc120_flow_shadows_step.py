"""A flow reuses the function name of a step (`evaluate`): the flow replaces the step."""

from flowc import Model, flow, step


@step
def evaluate(model: Model) -> float:
    return 0.9


@step
def publish_report(model: Model) -> None:
    print(model)


@flow
def evaluate(model: Model) -> None:
    publish_report(model)
