"""`on="OOMKilled"` is not a retry policy; engines know always/failure/error/transient."""

from flowc import Dataset, Model, Retry, flow, step


@step(memory="8Gi", retries=Retry(limit=2, on="OOMKilled"))
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(data: Dataset) -> None:
    train(data)
