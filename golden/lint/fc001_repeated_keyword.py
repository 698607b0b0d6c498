"""Python refuses a repeated keyword when it compiles the module, so flowc reports it too."""

from flowc import flow, step


@step(cpu=1, cpu=2)
def train() -> None:
    print("train")


@flow
def nightly() -> None:
    train()
