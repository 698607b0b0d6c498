"""`timezone="Paris"` is not an IANA time zone name ("Europe/Paris" is)."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow(schedule="0 6 * * 1", timezone="Paris")
def weekly(bucket: str = "raw-data") -> None:
    ingest(bucket)
