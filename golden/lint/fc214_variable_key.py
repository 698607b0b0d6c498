"""`config[key]` uses a parameter as the key; only string literal keys can be resolved."""

from flowc import Dataset, flow, step


@step
def train(data: Dataset, lr: float) -> float:
    return lr


@flow
def sweep(data: Dataset, configs: list[dict[str, float]] = [{"lr": 0.1}], key: str = "lr") -> None:
    for config in configs:
        train(data, lr=config[key])
