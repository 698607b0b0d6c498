"""Kubernetes namespaces are lowercase DNS labels: `ML_Team` is rejected by the cluster."""

from flowc import Dataset, flow, step


@step
def ingest(bucket: str) -> Dataset:
    return f"s3://{bucket}/raw.parquet"


@flow(namespace="ML_Team")
def pipeline(bucket: str = "raw-data") -> None:
    ingest(bucket)
