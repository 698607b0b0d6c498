"""Shared steps; someone broke the file (a missing colon) in the last commit."""

from flowc import Dataset, step


@step
def ingest(bucket: str) -> Dataset
    return f"s3://{bucket}/raw.parquet"
