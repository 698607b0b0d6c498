"""The default "quick" is not one of the Literal's values."""

from typing import Literal

from flowc import Dataset, flow, step


@step
def validate(data: Dataset, mode: Literal["fast", "full"] = "quick") -> bool:
    return True


@flow
def checks(data: Dataset) -> None:
    validate(data)
