"""`check_drift` returns nothing; testing its result in an `if` is meaningless."""

from flowc import Dataset, Model, flow, step


@step
def check_drift(data: Dataset) -> None:
    print(data)


@step
def retrain(data: Dataset) -> Model:
    return "model.pkl"


@flow
def monitor(data: Dataset) -> None:
    drifted = check_drift(data)
    if drifted:
        retrain(data)
