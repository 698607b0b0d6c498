"""Environment values must be strings: `OMP_NUM_THREADS` is given the int 4."""

from flowc import Dataset, Model, flow, step


@step(env={"OMP_NUM_THREADS": 4})
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
