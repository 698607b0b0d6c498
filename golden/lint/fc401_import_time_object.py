"""`CLIENT` is built by a call when the module is imported: shipped, but rebuilt in the container."""

import os

from flowc import flow, step

CLIENT = os.environ.get("WAREHOUSE_URL", "localhost")
PORT = 5432


@step
def fetch(table: str) -> str:
    return f"{CLIENT}:{PORT}/{table}"


@flow
def pipeline(table: str = "orders") -> None:
    fetch(table)
