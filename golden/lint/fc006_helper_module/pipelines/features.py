"""Feature steps; `featurise` was renamed `featurize` last sprint."""

from flowc import Dataset, step


@step
def featurize(data: Dataset, window: int = 7) -> Dataset:
    return "features.parquet"
