"""`cpu="2 cores"` is not a Kubernetes quantity."""

from flowc import Dataset, flow, step


@step(cpu="2 cores")
def featurize(data: Dataset) -> Dataset:
    return "features.parquet"


@flow
def pipeline(data: Dataset) -> None:
    featurize(data)
