"""The fan-out iterates over model names (str) but feeds each into an int parameter."""

from flowc import Dataset, flow, step


@step
def evaluate(data: Dataset, seed: int) -> float:
    return 0.5


@flow
def sweep(data: Dataset, models: list[str] = ["xgb", "lgbm"]) -> None:
    scores = [evaluate(data, seed=m) for m in models]
