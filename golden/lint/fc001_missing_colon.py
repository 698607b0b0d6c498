"""A step definition lost the colon after its return annotation: the file does not parse."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
