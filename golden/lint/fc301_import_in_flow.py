"""An `import` in the flow body: imports belong in the steps that use them."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    import numpy as np
    ingest(bucket)
