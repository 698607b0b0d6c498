"""The imported step's bad option is reported once, in steps.py, though two tasks use it."""

from flowc import Dataset, flow
from steps import train


@flow
def pipeline(data: Dataset, holdout: Dataset) -> None:
    train(data)
    train(holdout)
