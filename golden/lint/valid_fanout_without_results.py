"""A fan-out of a step that returns nothing: its tasks can be waited for with `after`, and a
comprehension may stand as a statement, like a call whose result is not needed."""

from flowc import after, flow, step


@step
def notify(user: str) -> None:
    print("notify", user)


@step
def count(user: str) -> int:
    return len(user)


@step
def close_ticket() -> None:
    print("closed")


@flow
def announce(users: list[str] = ["ada", "grace"]) -> None:
    sent = [notify(u) for u in users]
    with after(sent):
        close_ticket()
    [count(u) for u in users]
