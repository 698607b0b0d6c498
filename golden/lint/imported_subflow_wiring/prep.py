"""A reusable preparation sub-flow returning the cleaned Dataset."""

from flowc import Dataset, flow, step


@step
def clean(data: Dataset) -> Dataset:
    return "clean.parquet"


@flow
def prepare(data: Dataset) -> Dataset:
    return clean(data)
