"""`find_owner` may return None, but `notify` requires a str: `str | None` is not `str`."""

from flowc import flow, step


@step
def find_owner(table: str) -> str | None:
    return None


@step
def notify(owner: str, message: str) -> None:
    print(owner, message)


@flow
def audit(table: str = "orders") -> None:
    owner = find_owner(table)
    notify(owner, message="audit done")
