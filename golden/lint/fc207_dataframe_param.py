"""A pandas DataFrame cannot travel between tasks: pass a Dataset (a file) instead.

The parameter is then `Any`, so the call wiring is not reported again.
"""

import pandas as pd

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def clean(df: pd.DataFrame) -> Dataset:
    return "clean.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    clean(ingest(bucket))
