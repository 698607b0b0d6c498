"""Suppressions that do their job: nothing is reported.

A `# flowc: ignore[FC201]` written inside this docstring is text, not a comment, and is not
reported as unused.
"""

from flowc import Dataset, Model, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def train(data: Model, lr: float = 0.01) -> float:
    return lr


@flow
def pipeline(bucket: str = "raw-data") -> None:
    data = ingest(bucket)
    train(data)  # flowc: ignore[FC201]
    train(data, learning_rate=0.1)  # flowc: ignore
