"""The fan-out goes over a dict output (per-table row counts); fan-outs need a list."""

from flowc import flow, step


@step
def row_counts(schema: str) -> dict[str, int]:
    return {"orders": 10}


@step
def vacuum(table: str) -> None:
    print(table)


@flow
def maintenance(schema: str = "public") -> None:
    counts = row_counts(schema)
    for table in counts:
        vacuum(table)
