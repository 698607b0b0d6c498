"""IMAGE is bound twice at module level (a local override left in), so it is not a constant."""

from flowc import Dataset, flow, step

IMAGE = "ghcr.io/acme/ml:1.4"
IMAGE = "ghcr.io/acme/ml:dev"


@step(image=IMAGE)
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
