"""PersistentVolumeClaim names are lowercase DNS names: "Training_Data" is rejected."""

from flowc import Dataset, flow, step


@step(volumes={"/mnt/data": "Training_Data"})
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
