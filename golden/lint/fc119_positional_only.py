"""A positional-only parameter (`/`) cannot be passed by name by the engines."""

from flowc import Dataset, flow, step


@step
def featurize(data: Dataset, /, window: int = 7) -> Dataset:
    return "features.parquet"


@flow
def pipeline(data: Dataset) -> None:
    featurize(data)
