"""The sub-flow `prepare` needs a `bucket`, which the parent flow forgets."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow
def prepare(bucket: str) -> Dataset:
    return ingest(bucket)


@flow
def nightly(region: str = "eu") -> None:
    prepare()
