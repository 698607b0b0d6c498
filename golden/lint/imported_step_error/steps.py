"""Shared steps; `train` asks for "16GB" of memory, which is not a quantity."""

from flowc import Dataset, Model, step


@step(memory="16GB")
def train(data: Dataset) -> Model:
    return "model.pkl"
