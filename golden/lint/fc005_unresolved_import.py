"""The training steps are imported from `mlsteps`, a package that is not in this project.

One FC005 where the missing step is called; the task that uses its result is not reported again.
"""

from flowc import Dataset, Model, flow, step
from mlsteps.training import train_model


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def deploy(model: Model, stage: str = "prod") -> None:
    print(model, stage)


@flow
def pipeline(bucket: str = "raw-data") -> None:
    data = ingest(bucket)
    model = train_model(data)
    deploy(model)
