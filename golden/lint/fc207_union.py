"""`int | str` is a union other than Optional: it has no portable representation."""

from flowc import Dataset, flow, step


@step
def load_partition(table: str, partition: int | str) -> Dataset:
    return f"{table}/{partition}.parquet"


@flow
def pipeline(table: str = "events") -> None:
    load_partition(table, partition=3)
