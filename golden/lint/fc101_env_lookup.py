"""The image is read from the environment at import time; flowc cannot fold it statically."""

import os

from flowc import Dataset, flow, step


@step(image=os.environ["TRAIN_IMAGE"])
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
