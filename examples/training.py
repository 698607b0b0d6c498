"""Train a model: ingest, score learning rates in parallel, train the best, deploy if good.

The flow of DESIGN §2, made runnable with the standard library only. It shows:

- module-level constants in decorator arguments (``IMAGE``, ``GPU_TYPE``) and module-level
  helpers (``synth_rows``, ``fit``) that flowc ships with the steps that use them;
- a fan-out over a list parameter (``[score(data, lr=r) for r in rates]``) and its fan-in;
- a step with several outputs (the ``TrainResult`` NamedTuple) read as ``result.field``;
- a condition on a task output against a flow parameter, and an f-string argument;
- step resources (``cpu``, ``memory``, ``gpu``, ``gpu_type``), a full ``Retry`` policy,
  ``timeout`` and ``cache=True``;
- a scheduled flow with an exit handler that receives the run's ``RunStatus``.

The "model" is a straight line fitted by gradient descent to rows that are generated
deterministically from the bucket name, so every runner computes the same numbers.
"""

import json
from pathlib import Path
from typing import NamedTuple

from flowc import Dataset, Model, Retry, RunStatus, flow, step

IMAGE = "ghcr.io/acme/ml:1.4"
GPU_TYPE = "nvidia-tesla-t4"
EPOCHS = 25  # short on purpose: the learning rate matters after 25 epochs


def synth_rows(bucket: str, limit: int) -> list[list[float]]:
    """Stand-in for reading ``limit`` rows from object storage: y ≈ 3x + 0.5 with jitter.

    The jitter depends on the bucket name only, so a bucket always yields the same rows.
    """
    seed = sum(map(ord, bucket)) % 3
    return [[x / 10, 3 * x / 10 + 0.5 + ((x + seed) % 3 - 1) / 20] for x in range(1, limit + 1)]


def fit(rows: list[list[float]], lr: float) -> tuple[float, float, float]:
    """Fit y = w*x + b by full-batch gradient descent; return (w, b, mean squared error)."""
    w = b = 0.0
    for _ in range(EPOCHS):
        grad_w = sum(2 * (w * x + b - y) * x for x, y in rows) / len(rows)
        grad_b = sum(2 * (w * x + b - y) for x, y in rows) / len(rows)
        w, b = w - lr * grad_w, b - lr * grad_b
    mse = sum((w * x + b - y) ** 2 for x, y in rows) / len(rows)
    return w, b, mse


class TrainResult(NamedTuple):
    """The two outputs of ``train``: the flow reads them as ``result.model``/``.accuracy``."""

    model: Model
    accuracy: float


@step(image=IMAGE)
def ingest(bucket: str, limit: int = 20) -> Dataset:
    out = Path("raw.json")
    out.write_text(json.dumps(synth_rows(bucket, limit)))
    return out  # an artifact output is the path the step wrote


@step(image=IMAGE, cpu=2, memory="4Gi")
def score(data: Dataset, lr: float) -> float:
    """Validation loss of a model trained with learning rate ``lr`` (lower is better)."""
    _, _, mse = fit(json.loads(data.read_text()), lr)
    return round(mse, 6)


@step
def pick_best(scores: list[float], rates: list[float]) -> float:
    """The learning rate with the lowest loss (the first one on a tie)."""
    best = min(range(len(scores)), key=lambda i: scores[i])
    return rates[best]


@step(
    image=IMAGE,
    cpu=4,
    memory="16Gi",
    gpu=1,
    gpu_type=GPU_TYPE,
    retries=Retry(limit=3, backoff="30s", factor=2, max_backoff="10m", on="transient"),
    timeout="2h",
    cache=True,
)
def train(data: Dataset, lr: float = 0.01) -> TrainResult:
    rows = json.loads(data.read_text())
    w, b, mse = fit(rows, lr)
    mean_y = sum(y for _, y in rows) / len(rows)
    variance = sum((y - mean_y) ** 2 for _, y in rows) / len(rows)
    out = Path("model.json")
    out.write_text(json.dumps({"w": round(w, 6), "b": round(b, 6), "lr": lr}))
    # accuracy is the R² score: 1.0 is a perfect fit
    return TrainResult(model=out, accuracy=round(1 - mse / variance, 4))


@step(retries=2)
def deploy(model: Model, stage: str = "prod") -> None:
    params = json.loads(model.read_text())
    print(f"deploy: w={params['w']} b={params['b']} -> {stage}")


@step
def notify(status: RunStatus) -> None:
    """Exit handler: runs once the flow has finished, whatever its outcome."""
    # compared with strings: in a container the status arrives as a plain str
    if status == "Succeeded":
        print("notify: training succeeded")
    elif status == "Failed":
        print("notify: training failed, paging the on-call")
    else:
        print("notify: training errored (a platform problem), paging the on-call")


@flow(schedule="0 2 * * *", on_exit=notify)
def training(
    bucket: str = "my-data-bucket",
    threshold: float = 0.85,
    rates: list[float] = [0.3, 0.1, 0.01],
) -> tuple[float, float]:
    """Nightly training: pick the best learning rate, train with it, deploy if accurate."""
    data = ingest(bucket)
    scores = [score(data, lr=r) for r in rates]  # fan-out, then fan-in
    best = pick_best(scores, rates)
    result = train(data, lr=best)
    if result.accuracy > threshold:  # conditional
        deploy(result.model, stage=f"prod-{bucket}")
    return (best, result.accuracy)
