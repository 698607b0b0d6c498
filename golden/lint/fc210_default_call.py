"""The flow parameter's default is computed at import time (`date.today()`), not a literal."""

from datetime import date

from flowc import Dataset, flow, step


@step
def extract(table: str, day: str) -> Dataset:
    return f"{table}/{day}.parquet"


@flow
def daily(table: str = "orders", day: str = date.today().isoformat()) -> None:
    extract(table, day)
