"""A data-quality gate: decide what happens to a table with ``if``/``elif``/``else``.

It shows conditions over task outputs, parameters and literals:

- an ``if``/``elif``/``elif``/``else`` chain where exactly one branch runs, with
  comparisons (``<``, ``>``, ``==``, ``!=``), ``and``, ``or`` and ``in``;
- ``not`` of a ``bool`` output, an ``Optional`` output compared with ``None``; where the
  test proves it is not ``None`` (here in the ``else``), it is passed as a plain ``str``;
- a ``Literal[...]`` parameter tested with ``in`` a literal list and ``==``, next to
  ``not in`` a task output, and an ``else: pass`` branch;
- ``Optional[T]`` and ``T | None`` parameters and outputs, a step returning a ``Literal``.

Names bound inside a branch (``masked``) are used only inside that branch: whether a branch
runs is known only at run time. Every step prints what it does, which is how the branches
taken show up in the logs.
"""

from typing import Literal, NamedTuple, Optional

from flowc import flow, step

# Stand-ins for the warehouse's catalogue: (rows, null cells, tags, age in days) per table.
TABLES = {
    "orders": (12000, 120, ["finance"], 0),
    "users": (5000, 50, ["pii"], 1),
    "clicks": (800, 0, ["events"], 3),
    "payments": (4000, 400, ["finance", "pii"], 0),
}
OWNERS = {
    "orders": "sales-data@acme.io",
    "users": "identity@acme.io",
    "payments": "finance-data@acme.io",
}


class Profile(NamedTuple):
    rows: int
    null_rate: float
    tags: list[str]


@step
def profile_table(table: str, sample: Optional[int] = None) -> Profile:  # noqa: UP045 (both spellings are supported)
    """Row count, null rate and tags; only the first ``sample`` rows when it is given."""
    total, nulls, tags, _ = TABLES[table]
    rows = total if sample is None else min(total, sample)
    return Profile(rows=rows, null_rate=round(nulls / total, 4), tags=tags)


@step
def assess_risk(tags: list[str], null_rate: float) -> Literal["low", "medium", "high"]:
    sensitive = "pii" in tags
    dirty = null_rate > 0.05
    if sensitive and dirty:
        return "high"
    if sensitive or dirty:
        return "medium"
    return "low"


@step
def find_owner(table: str, override: str | None = None) -> str | None:
    """The table's owner, ``override`` if given; ``None`` for an orphaned table."""
    return override if override is not None else OWNERS.get(table)


@step
def is_fresh(table: str, max_age_days: int = 1) -> bool:
    return TABLES[table][3] <= max_age_days


@step
def reject(table: str, reason: str) -> None:
    print(f"reject {table}: {reason}")


@step
def mask_columns(table: str, tags: list[str]) -> str:
    print(f"mask {table} ({', '.join(tags)})")
    return f"{table}_masked"


@step
def publish(table: str, stage: str, dry_run: bool = False) -> None:
    print(f"{'would publish' if dry_run else 'publish'} {table} to {stage}")


@step
def page_oncall(table: str, owner: str | None) -> None:
    print(f"page on-call about {table} (owner: {owner or 'nobody'})")


@step
def notify_owner(table: str, owner: str) -> None:
    print(f"tell {owner} that {table} is fresh")


@step
def check_schema(table: str) -> None:
    print(f"check schema of {table}")


@step
def write_audit_log(table: str, owner: str | None) -> None:
    print(f"audit {table} for {owner}")


@step
def spot_check(table: str, rows: int) -> None:
    print(f"spot-check 5 of {rows} rows of {table}")


@flow
def quality_gate(
    table: str = "orders",
    mode: Literal["fast", "full", "audit"] = "full",
    min_rows: int = 1000,
    max_null_rate: float = 0.05,
    sample: Optional[int] = None,  # noqa: UP045 (both spellings are supported)
    owner: str | None = None,
    dry_run: bool = False,
) -> tuple[str, str | None]:
    """Publish, mask or reject a table depending on its profile; return (risk, owner)."""
    prof = profile_table(table, sample=sample)
    risk = assess_risk(prof.tags, prof.null_rate)
    contact = find_owner(table, override=owner)
    fresh = is_fresh(table)

    # exactly one branch of the chain runs
    if prof.rows < min_rows:
        reject(table, reason=f"only {prof.rows} rows")
    elif prof.null_rate > max_null_rate and mode != "fast":
        reject(table, reason=f"null rate {prof.null_rate} above {max_null_rate}")
    elif risk == "high" or "pii" in prof.tags:
        masked = mask_columns(table, prof.tags)
        publish(masked, stage="restricted", dry_run=dry_run)
    else:
        publish(table, stage="prod", dry_run=dry_run)

    # an Optional output compared with None, `not` of a bool output; in the `else`, `contact`
    # is known not to be None, so it fits `notify_owner`'s `str` parameter
    if contact is None or not fresh:
        page_oncall(table, contact)
    else:
        notify_owner(table, contact)

    # a Literal parameter `in` a literal list, and `not in` a task output
    if mode in ["full", "audit"] and "events" not in prof.tags:
        check_schema(table)

    if mode == "audit":
        write_audit_log(table, contact)
    elif mode == "full":
        spot_check(table, rows=prof.rows)
    else:
        pass  # "fast": no extra checks

    return (risk, contact)
