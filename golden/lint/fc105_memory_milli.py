"""`memory="512m"` is 0.512 bytes: lowercase `m` is milli. A warning, the step still compiles."""

from flowc import Dataset, flow, step


@step(memory="512m")
def featurize(data: Dataset) -> Dataset:
    return "features.parquet"


@flow
def pipeline(data: Dataset) -> None:
    featurize(data)
