"""The loop iterates over the step `list_shards` instead of calling it."""

from flowc import Dataset, flow, step


@step
def list_shards(table: str) -> list[str]:
    return ["a", "b"]


@step
def process(shard: str) -> Dataset:
    return f"{shard}.parquet"


@flow
def backfill(table: str = "events") -> None:
    for shard in list_shards:
        process(shard)
