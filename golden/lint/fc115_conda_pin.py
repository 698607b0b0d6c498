"""`pandas=2.2.3` is conda syntax; pip needs `pandas==2.2.3`."""

from flowc import Dataset, flow, step


@step(packages=["pandas=2.2.3", "pyarrow>=15"])
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
