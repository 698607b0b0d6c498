"""A function without `return x` returns None, annotated or not: `log` and `nightly` need no
return annotation (no FC206), and using `log`'s result as a value is FC211."""

from flowc import flow, step


@step
def log(message: str):
    print(message)
    return


@step
def shout(message: str) -> str:
    return message.upper()


@flow
def nightly(message: str = "hi"):
    done = log(message)
    shout(done)
