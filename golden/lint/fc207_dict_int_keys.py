"""Dict keys must be str (values travel as JSON): `dict[int, float]` is rejected."""

from flowc import Dataset, flow, step


@step
def class_weights(data: Dataset) -> dict[int, float]:
    return {0: 1.0, 1: 3.0}


@flow
def pipeline(data: Dataset) -> None:
    class_weights(data)
