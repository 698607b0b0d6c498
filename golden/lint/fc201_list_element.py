"""`list[int]` does not flow into `list[str]`: element types are checked."""

from flowc import flow, step


@step
def list_partitions(table: str) -> list[int]:
    return [1, 2, 3]


@step
def compact(partitions: list[str]) -> None:
    print(partitions)


@flow
def maintenance(table: str = "events") -> None:
    parts = list_partitions(table)
    compact(parts)
