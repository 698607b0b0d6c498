"""Steps written as methods of a class: flowc needs module-level functions."""

from flowc import Dataset, flow, step


class Pipeline:
    @step
    def ingest(self, bucket: str) -> Dataset:
        return f"s3://{bucket}/raw.parquet"


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
