"""`THRESHOLD` is assigned twice at module level: which value would the step see?"""

from flowc import flow, step

THRESHOLD = 0.5
THRESHOLD = 0.7


@step
def gate(score: float) -> bool:
    return score > THRESHOLD


@flow
def pipeline(score: float = 0.6) -> None:
    gate(score)
