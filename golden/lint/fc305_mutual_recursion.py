"""Two flows call each other; there is no finite graph."""

from flowc import Dataset, flow, step


@step
def clean(data: Dataset) -> Dataset:
    return "clean.parquet"


@flow
def prepare(data: Dataset) -> None:
    cleaned = clean(data)
    validate(cleaned)


@flow
def validate(data: Dataset) -> None:
    prepare(data)
