"""`parallel(shards, max=0)` would run nothing; `max` must be a positive integer."""

from flowc import Dataset, flow, parallel, step


@step
def process(shard: str) -> Dataset:
    return f"{shard}.parquet"


@flow
def backfill(shards: list[str] = ["2024-01", "2024-02"]) -> None:
    for shard in parallel(shards, max=0):
        process(shard)
