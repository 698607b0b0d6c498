"""A step with an invalid quantity is used by three tasks: one FC104, at the option."""

from flowc import Dataset, flow, step


@step(memory="4GB")
def featurize(data: Dataset, window: int) -> Dataset:
    return "features.parquet"


@flow
def features(data: Dataset) -> None:
    featurize(data, window=7)
    featurize(data, window=28)
    weekly = [featurize(data, window=w) for w in [7, 14]]
