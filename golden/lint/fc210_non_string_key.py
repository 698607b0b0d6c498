"""A dict default with a key that is not a string: reported at the key, and the parameter still
has a default, so calls that omit it are not also FC202."""

from flowc import flow, step


@step
def weigh(weights: dict[str, int] = {1: 2}) -> None:
    print(weights)


@flow
def nightly() -> None:
    weigh()
