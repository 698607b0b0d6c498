"""The retry limit comes from `int(os.getenv(...))`: flowc cannot fold it."""

import os

from flowc import Dataset, Model, Retry, flow, step

MAX_RETRIES = int(os.getenv("MAX_RETRIES", "3"))


@step(retries=Retry(limit=MAX_RETRIES, backoff="30s"))
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
