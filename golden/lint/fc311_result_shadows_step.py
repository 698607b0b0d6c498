"""`features = features(data)` rebinds the step's name to its result.

Run in-process (the flow is plain Python) this raises UnboundLocalError, and the second call
cannot reach the step any more.
"""

from flowc import Dataset, flow, step


@step
def features(data: Dataset, window: int = 7) -> Dataset:
    return "features.parquet"


@step
def train(data: Dataset) -> float:
    return 0.9


@flow
def pipeline(data: Dataset) -> None:
    features = features(data)
    train(features)
