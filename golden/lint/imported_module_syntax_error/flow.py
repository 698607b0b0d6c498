"""The imported module does not parse: one FC001 in steps.py.

The call of `ingest`, which flowc cannot read, is not also reported as an undefined name.
"""

from flowc import Dataset, Model, flow, step
from steps import ingest


@step
def train(data: Dataset) -> Model:
    return "model.pkl"


@flow
def pipeline(bucket: str = "raw-data") -> None:
    data = ingest(bucket)
    train(data)
