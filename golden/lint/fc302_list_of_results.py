"""A list literal built from two task results; pass them as separate arguments."""

from flowc import Dataset, flow, step


@step
def evaluate(data: Dataset, model_name: str) -> float:
    return 0.5


@step
def pick_best(scores: list[float]) -> float:
    return max(scores)


@flow
def compare(data: Dataset) -> None:
    xgb = evaluate(data, "xgb")
    lgbm = evaluate(data, "lgbm")
    pick_best([xgb, lgbm])
