"""The accuracy (a float) is compared with the string "0.9"."""

from flowc import Model, flow, step


@step
def evaluate(model: Model) -> float:
    return 0.9


@step
def deploy(model: Model) -> None:
    print(model)


@flow
def gate(model: Model) -> None:
    accuracy = evaluate(model)
    if accuracy > "0.9":
        deploy(model)
