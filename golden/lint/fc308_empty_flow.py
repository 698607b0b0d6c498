"""A flow stub that runs no step yet (a warning: engines reject empty graphs)."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    """TODO: wire the steps."""
    pass
