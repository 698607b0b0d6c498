"""A `for ... else` block: the `else` has no meaning in a fan-out."""

from flowc import Dataset, flow, step


@step
def process(shard: str) -> Dataset:
    return f"{shard}.parquet"


@step
def alert(message: str) -> None:
    print(message)


@flow
def shards(names: list[str] = ["a", "b"]) -> None:
    for name in names:
        process(name)
    else:
        alert("all shards done")
