"""A blanket `# flowc: ignore` on a line that has nothing to suppress: FC010."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def train(data: Dataset, lr: float = 0.01) -> float:
    return lr


@flow
def pipeline(bucket: str = "raw-data") -> None:
    data = ingest(bucket)  # flowc: ignore
    train(data)
