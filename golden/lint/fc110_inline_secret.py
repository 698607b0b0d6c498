"""The password itself is pasted into `secrets`: it must be a "secret-name/key" reference."""

from flowc import Dataset, flow, step


@step(secrets={"DB_PASSWORD": "s3cr3t"})
def extract(table: str) -> Dataset:
    return f"{table}.parquet"


@flow
def pipeline(table: str = "orders") -> None:
    extract(table)
