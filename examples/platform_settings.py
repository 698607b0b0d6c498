"""Platform settings: a nightly batch job on a shared Kubernetes cluster.

Scores customer churn risk per segment every night and flags the risky segments. The logic
is small; the point is the settings a production job needs:

- flow level: ``name``, ``description``, a default ``image``, ``schedule`` with ``timezone``,
  an exit handler that takes no status (``on_exit=cleanup``), ``max_parallel``, default
  ``retries`` and ``timeout``, ``namespace``, ``service_account``, ``labels``,
  ``annotations`` and ``ttl`` (how long the finished run is kept);
- step level: ``env``, ``secrets`` (references to Kubernetes secrets, never values),
  ``volumes`` (a PVC mounted at a path), ``timeout``, ``retries``, a GPU node pool chosen
  with ``node_selector`` and ``tolerations``, ``packages`` installed before a step runs,
  and ``continue_on_failure`` for a best-effort step;
- a fan-out over a list of dicts, passing ``p["region"]`` and ``p["tier"]`` to each task.

Steps read settings with ``os.environ.get(..., default)`` and never require the secret or the
volume to exist, so the flow also runs on a laptop.
"""

import json
import os
from pathlib import Path

from flowc import Dataset, flow, step

BATCH_IMAGE = "ghcr.io/acme/batch:2.3"
GPU_IMAGE = "ghcr.io/acme/batch-gpu:2.3"
GPU_POOL = {"cloud.google.com/gke-nodepool": "gpu-pool"}

# Inactivity (in days) added per tier and per region: a stand-in for the feature store.
TIER_LAG = {"gold": 0, "free": 10}
REGION_LAG = {"eu": 2, "us": 4}


@step(
    env={"WAREHOUSE_HOST": "warehouse.internal:5432", "LOG_LEVEL": "info"},
    secrets={
        "WAREHOUSE_USER": "warehouse-creds/username",
        "WAREHOUSE_PASSWORD": "warehouse-creds/password",
    },
    volumes={"/mnt/features": "feature-store-pvc"},
    timeout="20m",
    retries=3,
)
def fetch_features(day: str, partitions: list[dict[str, str]]) -> Dataset:
    """One row per customer: days since the last login, for every partition."""
    host = os.environ.get("WAREHOUSE_HOST", "localhost")
    user = os.environ.get("WAREHOUSE_USER", "anonymous")
    print(f"features for {day} from {host} as {user}")
    rows = [
        {
            "region": p["region"],
            "tier": p["tier"],
            "customer": i,
            "inactive_days": TIER_LAG.get(p["tier"], 0) + 5 * i + REGION_LAG.get(p["region"], 0),
        }
        for p in partitions
        for i in range(4)
    ]
    out = Path(f"features-{day}.json")
    out.write_text(json.dumps(rows))
    return out


@step(
    image=GPU_IMAGE,
    cpu="500m",
    memory="2Gi",
    gpu=1,
    node_selector=GPU_POOL,
    tolerations=[
        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "dedicated", "operator": "Equal", "value": "ml-batch", "effect": "NoSchedule"},
    ],
    timeout="30m",
)
def score_partition(features: Dataset, region: str, tier: str) -> float:
    """Mean churn risk of one segment: a month without login counts as certain churn."""
    rows = json.loads(features.read_text())
    risks = [min(1.0, r["inactive_days"] / 30) for r in rows if r["region"] == region and r["tier"] == tier]
    return round(float(sum(risks)) / len(risks), 3)


@step(packages=["pyyaml>=6"])
def load_rules(rules: str) -> dict[str, float]:
    """Parse the alerting rules; they are YAML, and JSON is valid YAML."""
    try:
        import yaml
    except ImportError:  # e.g. in a local run without the package: JSON parses the same
        return dict(json.loads(rules))
    return dict(yaml.safe_load(rules))


@step
def summarize(partitions: list[dict[str, str]], scores: list[float]) -> dict[str, float]:
    return {f"{p['region']}/{p['tier']}": s for p, s in zip(partitions, scores, strict=True)}


@step
def flag_segments(summary: dict[str, float], rules: dict[str, float]) -> list[str]:
    return sorted(k for k, v in summary.items() if v >= rules["churn_alert"])


@step(continue_on_failure=True, retries=0)
def publish_dashboard(summary: dict[str, float]) -> None:
    """Best effort: a dashboard that is down must not fail the nightly run."""
    for segment, risk in summary.items():
        print(f"dashboard: {segment} = {risk}")


@step
def cleanup() -> None:
    """Exit handler without a status parameter: runs after the flow, whatever happened."""
    print("cleanup: released the scoring lock")


@flow(
    name="nightly-churn-scoring",
    description="Score churn risk per customer segment every night; flag risky segments.",  # or a docstring
    image=BATCH_IMAGE,
    schedule="30 1 * * *",
    timezone="Europe/Berlin",
    on_exit=cleanup,
    max_parallel=4,
    retries=2,
    timeout="3h",
    namespace="ml-batch",
    service_account="pipeline-runner",
    labels={"team": "ml-platform", "cost-center": "cc-1234"},
    annotations={
        "acme.io/owner": "ml-platform@acme.io",
        "acme.io/runbook": "https://wiki.acme.io/runbooks/churn-scoring",
    },
    ttl="48h",
)
def churn_scoring(
    day: str = "2025-01-15",
    partitions: list[dict[str, str]] = [
        {"region": "eu", "tier": "gold"},
        {"region": "eu", "tier": "free"},
        {"region": "us", "tier": "gold"},
    ],
    rules: str = '{"churn_alert": 0.5}',
) -> tuple[dict[str, float], list[str]]:
    features = fetch_features(day, partitions)
    scores = [score_partition(features, region=p["region"], tier=p["tier"]) for p in partitions]
    summary = summarize(partitions, scores)
    thresholds = load_rules(rules)
    flagged = flag_segments(summary, thresholds)
    publish_dashboard(summary)
    return (summary, flagged)
