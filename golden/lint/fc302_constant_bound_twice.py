"""A module constant bound twice has no value flowc can read without running the module: using
it in the flow body is FC302, not an undefined name."""

import os

from flowc import flow, step

BATCH = 32
if os.environ.get("CI"):
    BATCH = 4


@step
def train(batch: int) -> None:
    print(batch)


@flow
def nightly() -> None:
    train(BATCH)
