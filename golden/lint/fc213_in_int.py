"""`"prod" in replicas` tests membership in an int."""

from flowc import Model, flow, step


@step
def deploy(model: Model, stage: str) -> None:
    print(model, stage)


@flow
def release(model: Model, stage: str = "prod", replicas: int = 3) -> None:
    if "prod" in replicas:
        deploy(model, stage)
