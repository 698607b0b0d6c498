"""`clean` has no annotations at all: three FC206 warnings, no FC201 where it is wired."""

from flowc import Dataset, Model, flow, step


@step
def clean(data, threshold=0.5):
    return "clean.parquet"


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    cleaned = clean(data, threshold="high")
    train(cleaned)
