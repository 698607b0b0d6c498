"""`print` in a flow body has no task in the compiled graph: it would never run on the cluster."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
    print("ingest scheduled")
