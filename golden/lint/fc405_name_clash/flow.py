"""Two different `clean` functions would be shipped into one script: one would replace the other."""

from helpers import normalize

from flowc import flow, step


def clean(text: str) -> str:
    return text.strip()


@step
def tidy(text: str) -> str:
    return normalize(clean(text))


@flow
def pipeline(text: str = " A ") -> None:
    tidy(text)
