"""`with after(load):` names the step, not a task result (the example of the rule's doc)."""

from flowc import Dataset, after, flow, step


@step
def load(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@step
def report() -> None:
    print("loaded")


@flow
def pipeline(bucket: str = "raw-data") -> None:
    load(bucket)
    with after(load):
        report()
