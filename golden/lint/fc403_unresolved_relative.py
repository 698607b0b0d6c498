"""A relative import that flowc cannot resolve: there is no `text_utils.py` next to this file."""

from flowc import flow, step

from .text_utils import normalize


@step
def tidy(text: str) -> str:
    return normalize(text)


@flow
def pipeline(text: str = " a ") -> None:
    tidy(text)
