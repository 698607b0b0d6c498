"""Columns are character offsets: the accented note before the bad argument must not shift it.

The learning rate is passed as the string "0.1"; FC201 points at that string.
"""

from flowc import Dataset, Model, flow, step


@step
def train(data: Dataset, note: str = "", lr: float = 0.01) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data, note="données nettoyées", lr="0.1")
