"""`timeout=timedelta(hours=2)` is a call: options must be literals such as "2h"."""

from datetime import timedelta

from flowc import Dataset, Model, flow, step


@step(timeout=timedelta(hours=2))
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
