"""A logging helper defined inside the flow body: one FC301.

Calling the rejected helper later is not reported again as an undefined name.
"""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    def log(message: str) -> None:
        print(message)

    ingest(bucket)
    log("ingest scheduled")
