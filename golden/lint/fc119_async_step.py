"""An `async def` step: steps run as plain scripts, not coroutines."""

from flowc import Dataset, flow, step


@step
async def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
