"""The imported sub-flow `prepare` returns a Dataset, passed on to a step that wants a Model."""

from flowc import Dataset, Model, flow, step
from prep import prepare


@step
def deploy(model: Model) -> None:
    print(model)


@flow
def release(data: Dataset) -> None:
    prepared = prepare(data)
    deploy(prepared)
