"""A model report: every artifact kind, passed between steps as files.

``Dataset``, ``Model``, ``Metrics``, ``HTML``, ``Markdown`` and the generic ``Artifact`` are
files a step writes and returns as a path; the next step receives a path to read. The
compiler checks the kinds (a ``Dataset`` can't go where a ``Model`` is expected) and lets
any kind go where an ``Artifact`` is expected, as ``fingerprint(data)`` does below. It shows:

- a fan-out over a literal list (``for k in ["fit", "residuals"]``) producing HTML fragments,
  collected into a ``list[str]`` input (values fan in on every engine; Argo cannot collect a
  list of artifacts);
- a step returning ``dict[str, Any]``;
- artifact contents that don't depend on where the files are, so every runner produces the
  same bytes and the same fingerprints.

The data are eight points around the line y = 2x + 1, with residuals of exactly ±1, so the
fitted line, the metrics and the reports can be checked by hand.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

from flowc import HTML, Artifact, Dataset, Markdown, Metrics, Model, flow, step

NOISE = [1, -1, -1, 1]  # symmetric, so least squares recovers slope 2 and intercept 1


def load_points(data: Dataset) -> list[tuple[int, int]]:
    lines = data.read_text().splitlines()[1:]  # skip the CSV header
    return [(int(x), int(y)) for x, y in (line.split(",") for line in lines)]


def predict(model: Model, x: float) -> float:
    params = json.loads(model.read_text())
    return float(params["slope"] * x + params["intercept"])


@step
def collect_measurements(n: int = 8) -> Dataset:
    out = Path("measurements.csv")
    rows = [f"{x},{2 * x + 1 + NOISE[(x - 1) % 4]}" for x in range(1, n + 1)]
    out.write_text("\n".join(["x,y", *rows]) + "\n")
    return out


@step
def fingerprint(item: Artifact) -> str:
    """A short content hash of any artifact."""
    return hashlib.sha256(item.read_bytes()).hexdigest()[:12]


@step
def fit_line(data: Dataset) -> Model:
    """Ordinary least squares for y = slope * x + intercept."""
    points = load_points(data)
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    out = Path("model.json")
    out.write_text(json.dumps({"slope": slope, "intercept": mean_y - slope * mean_x}))
    return out


@step
def evaluate(model: Model, data: Dataset) -> Metrics:
    points = load_points(data)
    residuals = [y - predict(model, x) for x, y in points]
    mean_y = sum(y for _, y in points) / len(points)
    total = sum((y - mean_y) ** 2 for _, y in points)
    scores = {
        "mae": round(sum(abs(r) for r in residuals) / len(points), 4),
        "n": len(points),
        "r2": round(1 - sum(r * r for r in residuals) / total, 4),
        "rmse": round((sum(r * r for r in residuals) / len(points)) ** 0.5, 4),
    }
    out = Path("metrics.json")
    out.write_text(json.dumps(scores, sort_keys=True))
    return out


@step
def render_chart(data: Dataset, model: Model, kind: str) -> str:
    """An HTML table of the fitted values or of the residuals, as a fragment of the report."""
    cells = []
    for x, y in load_points(data):
        value = predict(model, x) if kind == "fit" else y - predict(model, x)
        cells.append(f"<tr><td>{x}</td><td>{y}</td><td>{value:g}</td></tr>")
    return f"<table class='{kind}'>{''.join(cells)}</table>\n"


@step
def render_report(metrics: Metrics, charts: list[str], title: str) -> HTML:
    scores = json.loads(metrics.read_text())
    items = "".join(f"<li>{k}: {v}</li>" for k, v in scores.items())
    body = "".join(charts)
    out = Path("report.html")
    out.write_text(f"<html><h1>{title}</h1><ul>{items}</ul>{body}</html>\n")
    return out


@step
def render_summary(metrics: Metrics, model: Model, title: str) -> Markdown:
    scores = json.loads(metrics.read_text())
    params = json.loads(model.read_text())
    table = "".join(f"| {k} | {v} |\n" for k, v in scores.items())
    out = Path("summary.md")
    out.write_text(
        f"# {title}\n\n| metric | value |\n|---|---|\n{table}\n"
        f"Model: y = {params['slope']} * x + {params['intercept']}\n"
    )
    return out


@step
def package_release(report: HTML, summary: Markdown, model: Model, data_id: str) -> Artifact:
    """A release manifest: what was released, by content hash rather than by path."""
    manifest = {
        "data": data_id,
        **{
            role: hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            for role, path in [("model", model), ("report", report), ("summary", summary)]
        },
    }
    out = Path("release.json")
    out.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return out


@step
def read_metrics(metrics: Metrics) -> dict[str, Any]:
    return dict(json.loads(metrics.read_text()))


@flow
def model_report(n: int = 8, title: str = "Weekly model report") -> tuple[dict[str, Any], str]:
    """Fit, evaluate and document a model; return its metrics and the release fingerprint."""
    data = collect_measurements(n)
    data_id = fingerprint(data)  # a Dataset is an Artifact
    model = fit_line(data)
    metrics = evaluate(model, data)
    charts = [render_chart(data, model, kind=k) for k in ["fit", "residuals"]]
    report = render_report(metrics, charts, title=title)
    summary = render_summary(metrics, model, title=title)
    release = package_release(report, summary, model, data_id=data_id)
    scores = read_metrics(metrics)
    release_id = fingerprint(release)
    return (scores, release_id)
