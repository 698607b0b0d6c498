"""`preprocess` is defined twice (a copy-paste); Python keeps only the second."""

from flowc import Dataset, flow, step


@step
def preprocess(data: Dataset) -> Dataset:
    return "clean.parquet"


@step
def preprocess(data: Dataset, drop_na: bool = True) -> Dataset:
    return "clean.parquet"


@flow
def pipeline(data: Dataset) -> None:
    preprocess(data)
