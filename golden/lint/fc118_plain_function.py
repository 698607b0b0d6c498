"""`on_exit` names a plain function, not a `@step`: it would not run on the cluster."""

from flowc import Dataset, flow, step


def send_slack_message() -> None:
    print("flow finished")


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow(on_exit=send_slack_message)
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
