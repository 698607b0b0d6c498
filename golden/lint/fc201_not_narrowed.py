"""Only what a condition proves is narrowed: an `Optional` value stays `Optional` where the test
could have been true of None (an `else` of `is not None`, an `or`, `not` of truth, after the
`if`), and another name or field is not narrowed at all."""

from typing import NamedTuple, Optional

from flowc import flow, step


class Trained(NamedTuple):
    model: Optional[str]
    backup: Optional[str]


@step
def train(lr: float) -> Trained:
    return Trained("model", None)


@step
def find_owner(table: str) -> str | None:
    return None


@step
def notify(owner: str) -> None:
    print(owner)


@flow
def not_narrowed(table: str = "orders", loud: bool = False) -> None:
    owner = find_owner(table)
    other = find_owner("users")
    if owner is not None:
        notify(other)
    else:
        notify(owner)
    if owner is not None or loud:
        notify(owner)
    if not owner:
        notify(owner)
    if owner == "x" and loud:
        notify(owner)
    notify(owner)
    r = train(0.1)
    if r.model is not None:
        notify(r.backup)
