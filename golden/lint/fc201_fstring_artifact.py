"""An f-string interpolates a Dataset (a file at run time), not a printable value."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def announce(title: str) -> None:
    print(title)


@flow
def pipeline(bucket: str = "raw-data") -> None:
    data = ingest(bucket)
    announce(f"ingested {data}")
