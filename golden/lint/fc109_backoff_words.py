"""The retry backoff "30 seconds" is not a duration."""

from flowc import Dataset, Model, Retry, flow, step


@step(retries=Retry(limit=3, backoff="30 seconds", factor=2))
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
