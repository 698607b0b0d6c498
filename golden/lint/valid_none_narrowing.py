"""A condition that proves an Optional value is not None narrows it inside the branch, as mypy
does: `is not None`, `!= None`, truth, `and`, `not`, an `else` or `elif` after `is None`, and a
NamedTuple field."""

from typing import NamedTuple, Optional

from flowc import flow, step


class Trained(NamedTuple):
    model: Optional[str]
    score: float


@step
def train(lr: float) -> Trained:
    return Trained("model", 0.9)


@step
def find_owner(table: str) -> str | None:
    return None


@step
def notify(owner: str) -> None:
    print(owner)


@step
def deploy(model: str, score: float) -> None:
    print(model, score)


@flow
def narrowing(table: str = "orders", backup: Optional[str] = None, loud: bool = False) -> None:
    owner = find_owner(table)
    if owner is not None:
        notify(owner)
    if owner != None and loud:  # noqa: E711
        notify(owner)
    if owner:
        notify(owner)
    if not (owner is None or loud):
        notify(owner)
    if owner is None:
        pass
    elif loud:
        notify(owner)
    else:
        notify(owner)
    if None is backup:
        pass
    else:
        notify(backup)
    r = train(0.1)
    if r.model is not None:
        deploy(r.model, r.score)
