"""`parallel(...)` used as a value instead of as a loop's iterable."""

from flowc import Dataset, flow, parallel, step


@step
def process(shards: list[str]) -> Dataset:
    return "out.parquet"


@flow
def backfill(shards: list[str] = ["2024-01", "2024-02"]) -> None:
    process(parallel(shards, max=4))
