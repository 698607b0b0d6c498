"""Two steps share `name="preprocess"`: both would become the same template."""

from flowc import Dataset, flow, step


@step(name="preprocess")
def clean(data: Dataset) -> Dataset:
    return "clean.parquet"


@step(name="preprocess")
def normalize(data: Dataset) -> Dataset:
    return "normalized.parquet"


@flow
def pipeline(data: Dataset) -> None:
    cleaned = clean(data)
    normalize(cleaned)
