"""`data` has no annotation: its wiring cannot be checked (a warning)."""

from flowc import Dataset, flow, step


@step
def clean(data, drop_na: bool = True) -> Dataset:
    return "clean.parquet"


@flow
def pipeline(data: Dataset) -> None:
    clean(data)
