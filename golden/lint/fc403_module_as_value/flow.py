"""The project module `helpers` is used as a whole: it is not shipped with the step."""

import helpers as h

from flowc import flow, step


@step
def tidy(text: str) -> str:
    return h.clean(text)


@flow
def pipeline(text: str = " a ") -> None:
    tidy(text)
