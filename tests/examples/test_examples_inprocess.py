"""Every example flow, called in-process as plain Python.

A flow is an ordinary function, so calling it runs its steps sequentially in this process.
The expected values are worked out by hand from the examples' data (see each example's
docstring); they are the specification of the examples' behaviour, which the local runner,
kfp.local and Metaflow must reproduce.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from flowc import RunStatus

EXAMPLES = Path(__file__).parents[2] / "examples"

# example module -> its flows, each called at least once below
FLOWS = {
    "conditions": ["quality_gate"],
    "map_reduce": ["word_count"],
    "platform_settings": ["churn_scoring"],
    "reports": ["model_report"],
    "subflows": ["store_forecasts"],
    "training": ["training"],
    "lib.flows": ["forecast_store", "rank_stores"],
}

Loader = Callable[[str], ModuleType]


def _forget_examples() -> None:
    """Drop every cached module loaded from the examples, so each test imports afresh."""
    for name, module in list(sys.modules.items()):
        origin = getattr(module, "__file__", None)
        if origin is not None and Path(origin).is_relative_to(EXAMPLES):
            del sys.modules[name]


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Loader]:
    """Import an example module freshly, with the examples on sys.path and cwd in tmp_path."""
    monkeypatch.chdir(tmp_path)  # steps write their artifacts to the working directory
    monkeypatch.syspath_prepend(str(EXAMPLES))
    for var in ("WAREHOUSE_HOST", "WAREHOUSE_USER", "WAREHOUSE_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    _forget_examples()
    yield importlib.import_module
    _forget_examples()


def call(load: Loader, module: str, flow: str, **params: Any) -> Any:
    return getattr(load(module), flow)(**params)


def test_every_example_module_is_tested() -> None:
    modules = {
        ".".join(p.relative_to(EXAMPLES).with_suffix("").parts)
        for p in EXAMPLES.rglob("*.py")
        if p.name != "__init__.py"
    }
    assert modules - {"lib.steps"} == set(FLOWS)


# --- training.py -------------------------------------------------------------------------


def test_training_defaults(load: Loader, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # losses after 25 epochs: lr 0.3 -> 0.005079, 0.1 -> 0.07728, 0.01 -> 1.823248
    assert call(load, "training", "training") == (0.3, 0.9983)
    assert capsys.readouterr().out == "deploy: w=2.905141 b=0.619492 -> prod-my-data-bucket\n"
    model = json.loads((tmp_path / "model.json").read_text())
    assert model == {"w": 2.905141, "b": 0.619492, "lr": 0.3}
    assert len(json.loads((tmp_path / "raw.json").read_text())) == 20


def test_training_below_threshold_does_not_deploy(load: Loader, capsys: pytest.CaptureFixture[str]) -> None:
    result = call(load, "training", "training", threshold=0.99, rates=[0.01, 0.05])
    assert result == (0.05, 0.9465)
    assert capsys.readouterr().out == ""


def test_training_steps_directly(load: Loader) -> None:
    training = load("training")
    data = training.ingest("my-data-bucket")
    assert [training.score(data, lr=r) for r in [0.3, 0.1, 0.01]] == [0.005079, 0.07728, 1.823248]
    assert training.pick_best([0.5, 0.2, 0.2], [1.0, 2.0, 3.0]) == 2.0


def test_training_exit_handler(load: Loader, capsys: pytest.CaptureFixture[str]) -> None:
    notify = load("training").notify
    notify(RunStatus.SUCCEEDED)
    notify(RunStatus.FAILED)
    notify("Error")  # what a container receives: the plain string
    assert capsys.readouterr().out == (
        "notify: training succeeded\n"
        "notify: training failed, paging the on-call\n"
        "notify: training errored (a platform problem), paging the on-call\n"
    )


# --- map_reduce.py -----------------------------------------------------------------------


def test_word_count_defaults(load: Loader, capsys: pytest.CaptureFixture[str]) -> None:
    # the(4) dog(3) over(3) brown(2) fox(2) quick(2) and eight words seen once: 24 words
    assert call(load, "map_reduce", "word_count") == (["the", "dog", "over"], 24)
    assert capsys.readouterr().out == (
        "fox: 2 in 'the quick brown ...'\n"
        "dog: 0 in 'the quick brown ...'\n"
        "fox: 0 in 'jumps over the ...'\n"
        "dog: 2 in 'jumps over the ...'\n"
        "fox: 0 in 'the dog barks ...'\n"
        "dog: 1 in 'the dog barks ...'\n"
    )


def test_word_count_two_shards(load: Loader, capsys: pytest.CaptureFixture[str]) -> None:
    result = call(load, "map_reduce", "word_count", num_shards=2, k=5, keywords=["over"])
    assert result == (["the", "dog", "over", "brown", "fox"], 24)
    assert capsys.readouterr().out == ("over: 0 in 'the quick brown ...'\nover: 3 in 'jumps over the ...'\n")


def test_word_count_reduce_steps(load: Loader) -> None:
    mr = load("map_reduce")
    assert mr.split_corpus(3)[2] == "The dog barks.\nOver and over again."
    assert mr.count_words("The dog, the DOG!") == ({"dog": 2, "the": 2}, 4)
    assert mr.merge_counts([{"a": 1, "b": 2}, {"b": 1.0}]) == {"a": 1, "b": 3}


# --- conditions.py -----------------------------------------------------------------------

GATE_CASES = [
    pytest.param(
        {},
        ("low", "sales-data@acme.io"),
        "publish orders to prod\ntell sales-data@acme.io that orders is fresh\ncheck schema of orders\n"
        "spot-check 5 of 12000 rows of orders\n",
        id="defaults-else-branch",
    ),
    pytest.param(
        {"table": "users", "mode": "audit"},
        ("medium", "identity@acme.io"),
        "mask users (pii)\npublish users_masked to restricted\ntell identity@acme.io that users is fresh\n"
        "check schema of users\n"
        "audit users for identity@acme.io\n",
        id="pii-elif-audit",
    ),
    pytest.param(
        {"table": "clicks", "mode": "fast"},
        ("low", None),
        "reject clicks: only 800 rows\npage on-call about clicks (owner: nobody)\n",
        id="too-small-no-owner-fast",
    ),
    pytest.param(
        {"table": "payments", "owner": "oncall@acme.io"},
        ("high", "oncall@acme.io"),
        "reject payments: null rate 0.1 above 0.05\ntell oncall@acme.io that payments is fresh\n"
        "check schema of payments\n"
        "spot-check 5 of 4000 rows of payments\n",
        id="nulls-elif-owner-override",
    ),
    pytest.param(
        {"table": "payments", "mode": "fast", "dry_run": True},
        ("high", "finance-data@acme.io"),
        "mask payments (finance, pii)\nwould publish payments_masked to restricted\n"
        "tell finance-data@acme.io that payments is fresh\n",
        id="fast-skips-null-check-dry-run",
    ),
    pytest.param(
        {"sample": 500},
        ("low", "sales-data@acme.io"),
        "reject orders: only 500 rows\ntell sales-data@acme.io that orders is fresh\ncheck schema of orders\n"
        "spot-check 5 of 500 rows of orders\n",
        id="optional-sample",
    ),
    pytest.param(
        {"table": "clicks", "min_rows": 500, "max_null_rate": 0.0},
        ("low", None),
        "publish clicks to prod\npage on-call about clicks (owner: nobody)\n"
        "spot-check 5 of 800 rows of clicks\n",
        id="events-not-in-tags-skips-schema",
    ),
]


@pytest.mark.parametrize(("params", "expected", "log"), GATE_CASES)
def test_quality_gate(
    load: Loader,
    capsys: pytest.CaptureFixture[str],
    params: dict[str, Any],
    expected: tuple[str, str | None],
    log: str,
) -> None:
    assert call(load, "conditions", "quality_gate", **params) == expected
    assert capsys.readouterr().out == log


# --- subflows.py and lib/ ----------------------------------------------------------------


def test_store_forecasts_defaults(load: Loader, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # backtest MAE = swing * (3+2+1+0+1+2+3)/7: berlin 17.143, lisbon 6.857, oslo 12.0
    assert call(load, "subflows", "store_forecasts") == ("lisbon", 10.286)
    # a week's mean is base + 3 * swing: 150, 92, 81 units a day
    assert capsys.readouterr().out == (
        "calendar: 3 holidays\n"
        "order 1050 units for berlin\n"
        "order 644 units for lisbon\n"
        "order 567 units for oslo\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "sales-berlin.json",
        "sales-lisbon.json",
        "sales-oslo.json",
    ]


def test_store_forecasts_parameters(load: Loader, capsys: pytest.CaptureFixture[str]) -> None:
    assert call(load, "subflows", "store_forecasts", stores=["oslo", "berlin"]) == ("oslo", 5.143)
    # the last three days are weekdays 4, 5, 6: level base + 5 * swing, MAE 2 * swing
    assert call(load, "subflows", "store_forecasts", horizon=3) == ("lisbon", 12.0)
    assert "order 510 units for berlin\n" in capsys.readouterr().out


def test_sub_flows_called_directly(load: Loader) -> None:
    assert call(load, "lib.flows", "forecast_store", store="oslo") == 81.0
    assert call(load, "lib.flows", "forecast_store", store="berlin", horizon=3) == 170.0
    assert call(load, "lib.flows", "rank_stores", stores=["a", "b", "c"], errors=[3.0, 1.5, 2.0]) == (
        "b",
        1.5,
    )


# --- platform_settings.py ----------------------------------------------------------------


def test_churn_scoring_defaults(load: Loader, capsys: pytest.CaptureFixture[str]) -> None:
    # inactive days per customer: tier lag + 5*i + region lag; risk = mean(days) / 30
    summary = {"eu/gold": 0.317, "eu/free": 0.65, "us/gold": 0.383}
    assert call(load, "platform_settings", "churn_scoring") == (summary, ["eu/free"])
    assert capsys.readouterr().out == (
        "features for 2025-01-15 from localhost as anonymous\n"
        "dashboard: eu/gold = 0.317\n"
        "dashboard: eu/free = 0.65\n"
        "dashboard: us/gold = 0.383\n"
    )


def test_churn_scoring_parameters(
    load: Loader,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WAREHOUSE_USER", "batch")  # what the secret reference provides
    result = call(
        load,
        "platform_settings",
        "churn_scoring",
        day="2025-02-01",
        partitions=[{"region": "us", "tier": "free"}, {"region": "apac", "tier": "gold"}],
        rules='{"churn_alert": 0.3}',
    )
    assert result == ({"us/free": 0.717, "apac/gold": 0.25}, ["us/free"])
    assert capsys.readouterr().out.startswith("features for 2025-02-01 from localhost as batch\n")
    assert (tmp_path / "features-2025-02-01.json").is_file()


# --- reports.py --------------------------------------------------------------------------

SUMMARY_MD = """\
# Weekly model report

| metric | value |
|---|---|
| mae | 1.0 |
| n | 8 |
| r2 | 0.9545 |
| rmse | 1.0 |

Model: y = 2.0 * x + 1.0
"""


def test_model_report_defaults(load: Loader, tmp_path: Path) -> None:
    # residuals are exactly ±1 around y = 2x + 1; r2 = 1 - 8/176
    metrics = {"mae": 1.0, "n": 8, "r2": 0.9545, "rmse": 1.0}
    assert call(load, "reports", "model_report") == (metrics, "cdcf8d2a0f3c")
    assert (tmp_path / "summary.md").read_text() == SUMMARY_MD
    assert json.loads((tmp_path / "model.json").read_text()) == {"slope": 2.0, "intercept": 1.0}
    release = json.loads((tmp_path / "release.json").read_text())
    assert sorted(release) == ["data", "model", "report", "summary"]
    report = (tmp_path / "report.html").read_text()
    assert report.index("class='fit'") < report.index("class='residuals'")
    assert report.count("<tr>") == 16  # eight points in each of the two charts


def test_model_report_parameters(load: Loader, tmp_path: Path) -> None:
    # four points: SStot = 4 + 4 + 0 + 16, SSres = 4, so r2 = 1 - 4/24
    result = call(load, "reports", "model_report", n=4, title="Smoke test")
    assert result == ({"mae": 1.0, "n": 4, "r2": 0.8333, "rmse": 1.0}, "04ea6525b87e")
    assert (tmp_path / "summary.md").read_text().startswith("# Smoke test\n")
    assert (tmp_path / "measurements.csv").read_text() == "x,y\n1,4\n2,4\n3,6\n4,10\n"
