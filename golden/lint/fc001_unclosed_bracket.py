"""The fan-out comprehension is missing its closing bracket: the file does not parse."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def score(data: Dataset, lr: float) -> float:
    return lr


@flow
def sweep(bucket: str = "raw-data", rates: list[float] = [0.1, 0.01]) -> None:
    data = ingest(bucket)
    scores = [score(data, lr=r) for r in rates
