"""The flow calls itself; the result of that call, passed on, is not reported again."""

from flowc import Dataset, flow, step


@step
def clean(data: Dataset) -> Dataset:
    return "clean.parquet"


@flow
def cleaning(data: Dataset, passes: int = 2) -> Dataset:
    once = clean(data)
    twice = cleaning(once, passes=passes)
    return clean(twice)
