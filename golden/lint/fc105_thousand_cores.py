"""`cpu=1000` asks for a thousand cores; "1000m" (one core) was meant."""

from flowc import Dataset, flow, step


@step(cpu=1000)
def featurize(data: Dataset) -> Dataset:
    return "features.parquet"


@flow
def pipeline(data: Dataset) -> None:
    featurize(data)
