"""A `timezone` only applies to a `schedule`, and this flow has none."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow(timezone="Europe/Paris")
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
