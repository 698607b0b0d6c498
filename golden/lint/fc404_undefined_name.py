"""The step calls `tokenize`, which the module neither defines nor imports."""

from flowc import flow, step


def normalize(text: str) -> str:
    return " ".join(tokenize(text))


@step
def clean(text: str) -> str:
    return normalize(text).title() + SUFFIX


@flow
def pipeline(text: str = "a b") -> None:
    clean(text)
