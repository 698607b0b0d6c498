"""A copy-pasted suppression names FC201, but the line's problem is an unknown keyword (FC203).

FC203 is reported, and the FC201 suppression is reported as unused (FC010).
"""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def train(data: Dataset, lr: float = 0.01) -> float:
    return lr


@flow
def pipeline(bucket: str = "raw-data") -> None:
    data = ingest(bucket)
    train(data, learning_rate=0.1)  # flowc: ignore[FC201]
