"""The sub-flow `prepare` passes an int to a str parameter; two flows call it, one FC201."""

from flowc import Dataset, flow, step


@step
def extract(table: str, day: str) -> Dataset:
    return f"{table}/{day}.parquet"


@flow
def prepare(table: str, day: int = 1) -> Dataset:
    return extract(table, day)


@flow
def daily(table: str = "orders") -> None:
    prepare(table)


@flow
def backfill(table: str = "orders") -> None:
    prepare(table, day=30)
