"""`evaluate` calls the steps `train` (imported) and `load` itself: they would run inside
`evaluate`'s container, without their own image, GPU and retries."""

from steps import train

from flowc import Dataset, Model, flow, step


@step(retries=3)
def load(bucket: str) -> Dataset:
    return f"s3://{bucket}/data.parquet"


def score(model: Model, data: Dataset) -> float:
    return float(len(str(model)) + len(str(data)))


@step
def evaluate(bucket: str) -> float:
    data = load(bucket)
    return score(train(data), data)


@flow
def pipeline(bucket: str = "raw-data") -> None:
    evaluate(bucket)
