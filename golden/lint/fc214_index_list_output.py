"""`top_models[0]` indexes a task output; indexing is only for dict loop items."""

from flowc import Dataset, Model, flow, step


@step
def rank_models(data: Dataset, k: int = 3) -> list[Model]:
    return ["a.pkl", "b.pkl", "c.pkl"][:k]


@step
def deploy(model: Model) -> None:
    print(model)


@flow
def release(data: Dataset) -> None:
    top_models = rank_models(data)
    deploy(top_models[0])
