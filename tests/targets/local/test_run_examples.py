"""Every example flow run with `flowc run` returns what the flow's Python returns.

The reference is the in-process call of the flow (an ordinary function; see
tests/examples/test_examples_inprocess.py for the hand-checked values). The run record printed
by `--output-format json` must carry the same outputs (a tuple result as `output_0..n`), and
the logs of its tasks the same lines the in-process call printed.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from flowc.compiler.frontend.loader import load_flow
from flowc.compiler.shipping import ship_all

from tests.targets.local import Run, check_record_shape, flowc_run, write_flow

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SECRET_ENV = ("WAREHOUSE_HOST", "WAREHOUSE_USER", "WAREHOUSE_PASSWORD")

# (example module, flow, parameters as Python values); defaults first, then other values
CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("training", "training", {}),
    ("map_reduce", "word_count", {}),
    ("conditions", "quality_gate", {}),
    ("subflows", "store_forecasts", {}),
    ("platform_settings", "churn_scoring", {}),
    ("reports", "model_report", {}),
    ("training", "training", {"threshold": 0.99, "rates": [0.01, 0.05]}),
    ("map_reduce", "word_count", {"num_shards": 2, "k": 5, "keywords": ["over"]}),
    ("conditions", "quality_gate", {"table": "users", "mode": "audit"}),
    ("conditions", "quality_gate", {"table": "payments", "mode": "fast", "dry_run": True}),
    ("conditions", "quality_gate", {"sample": 500}),
    ("conditions", "quality_gate", {"table": "clicks", "mode": "fast"}),  # a None output
    ("subflows", "store_forecasts", {"stores": ["oslo", "berlin"], "horizon": 3}),
    (
        "platform_settings",
        "churn_scoring",
        {
            "day": "2025-02-01",
            "partitions": [{"region": "us", "tier": "free"}, {"region": "apac", "tier": "gold"}],
            "rules": '{"churn_alert": 0.3}',  # a str parameter: passed as text, not decoded
        },
    ),
    ("reports", "model_report", {"n": 4, "title": "Smoke test"}),
]

# what the exit handlers print in a successful run (the in-process call has no exit handler)
EXIT_LINES = {
    "training": ["notify: training succeeded"],
    "churn_scoring": ["cleanup: released the scoring lock"],
}


def param_text(value: Any) -> str:
    """A value as `-p name=TEXT`: str-like parameters as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def as_outputs(result: Any) -> dict[str, Any]:
    """An in-process result in the record's shape: `output`, or `output_0..n` for a tuple."""
    if result is None:
        return {}
    if isinstance(result, tuple):
        return {f"output_{i}": v for i, v in enumerate(result)}
    return {"output": result}


def forget_examples() -> None:
    for name, module in list(sys.modules.items()):
        origin = getattr(module, "__file__", None)
        if origin is not None and Path(origin).is_relative_to(EXAMPLES):
            del sys.modules[name]


def in_process(
    module: str, flow: str, params: dict[str, Any], workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, list[str]]:
    """The flow called as plain Python in `workdir`: its result and the lines it printed."""
    workdir.mkdir()
    log = io.StringIO()
    with monkeypatch.context() as patch:
        patch.chdir(workdir)
        patch.syspath_prepend(str(EXAMPLES))
        forget_examples()
        try:
            with contextlib.redirect_stdout(log):
                result = getattr(importlib.import_module(module), flow)(**params)
        finally:
            forget_examples()
    return result, log.getvalue().splitlines()


def task_log_lines(run: Run) -> list[str]:
    """Every line the executed tasks printed, from their `stdout` files."""
    lines: list[str] = []
    for task in run.rec["tasks"]:
        if task["status"] != "Skipped":
            lines += (run.task_dir(task) / "stdout").read_text().splitlines()
    return lines


@pytest.fixture(autouse=True)
def _no_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Secret-backed variables unset, as on a laptop without the cluster's secrets."""
    for var in SECRET_ENV:
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize(
    ("module", "flow", "params"),
    CASES,
    ids=[f"{m}-{'defaults' if not p else '-'.join(p)}" for m, _, p in CASES],
)
def test_run_equals_the_python_call(
    module: str, flow: str, params: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected, printed = in_process(module, flow, params, tmp_path / "py", monkeypatch)
    monkeypatch.chdir(tmp_path)
    run = flowc_run(
        EXAMPLES / f"{module}.py",
        run_dir=tmp_path / "runs",
        params={k: param_text(v) for k, v in params.items()},
    )
    assert run.code == 0, run.describe()
    record = run.rec
    check_record_shape(record)
    assert record["status"] == "Succeeded"
    assert run.outputs == as_outputs(expected)
    for name, value in params.items():
        assert record["parameters"][name] == value

    # every task ran (or was skipped by a condition), with its directory and logs
    assert record["tasks"]
    for task in record["tasks"]:
        assert task["status"] in {"Succeeded", "Skipped"}, (task["path"], task["status"])
        if task["status"] == "Succeeded":
            assert len(task["attempts"]) >= 1, task["path"]
            assert task["attempts"][-1]["exit_code"] == 0
            folder = run.task_dir(task)
            assert folder.is_dir(), folder
            assert (folder / "stdout").is_file()
            assert (folder / "stderr").is_file()
    if (EXAMPLES.parent / ".git").exists():  # the examples are committed: the record says where
        assert isinstance(record["git"], dict)
        assert len(record["git"]["commit"]) == 40
        assert isinstance(record["git"]["dirty"], bool)
    assert (run.home / "run.json").is_file()
    on_disk = json.loads((run.home / "run.json").read_text())
    assert (on_disk["run_id"], on_disk["status"], on_disk["outputs"]) == (
        record["run_id"],
        "Succeeded",
        record["outputs"],
    )

    # the tasks printed what the in-process call printed, plus the exit handler's lines
    wanted = printed + EXIT_LINES.get(flow, [])
    got = task_log_lines(run)
    if flow == "churn_scoring":  # the step's `env=` sets the host: the laptop prints another one
        wanted = [line for line in wanted if not line.startswith("features for ")]
        got = [line for line in got if not line.startswith("features for ")]
    assert sorted(got) == sorted(wanted)


def test_fan_out_runs_one_task_per_item(tmp_path: Path) -> None:
    run = flowc_run(
        EXAMPLES / "training.py", run_dir=tmp_path / "runs", params={"rates": "[0.3, 0.2, 0.1, 0.05]"}
    )
    assert run.code == 0, run.describe()
    scores = run.tasks("score")
    assert len(scores) == 4
    assert len({t["path"] for t in scores}) == 4
    assert sorted(t["inputs"]["lr"] for t in scores) == [0.05, 0.1, 0.2, 0.3]
    assert {t["status"] for t in scores} == {"Succeeded"}


def test_condition_not_taken_skips_deploy(tmp_path: Path) -> None:
    run = flowc_run(EXAMPLES / "training.py", run_dir=tmp_path / "runs", params={"threshold": "0.9999"})
    assert run.code == 0, run.describe()
    assert run.ran("deploy") == []
    assert run.ran("train")[0]["status"] == "Succeeded"


def test_tasks_execute_the_shipped_step_scripts(tmp_path: Path) -> None:
    """The local runner executes the same scripts the cluster runs (DESIGN §3)."""
    loaded = load_flow(EXAMPLES / "training.py", "training")
    assert loaded.program is not None
    scripts = ship_all(loaded.program, loaded.sources)
    by_name = {s.name: scripts[s.key].source for s in loaded.program.steps}
    run = flowc_run(EXAMPLES / "training.py", run_dir=tmp_path / "runs")
    assert run.code == 0, run.describe()
    executed = [t for t in run.rec["tasks"] if t["status"] == "Succeeded"]
    assert {t["step"] for t in executed} == set(by_name)
    for task in executed:
        assert (run.task_dir(task) / "script.py").read_text() == by_name[task["step"]], task["path"]


# --- hostile parameter values --------------------------------------------------------------

ECHO_FLOW = """
from flowc import flow, step


@step
def echo(text: str) -> str:
    return text


@step
def each(item: str) -> str:
    return item


@flow
def hostile(text: str = "", items: list[str] = []) -> tuple[str, str, list[str]]:
    same = echo(text)
    framed = echo(f"<{same}|{text}>")
    copies = [each(i) for i in items]
    return (same, framed, copies)
"""

HOSTILE = {
    "single-quote": "it's",
    "double-quote": 'say "hi"',
    "triple-single": "'''",
    "triple-double": '"""; import os',
    "newlines": "line one\nline two\r\nthree",
    "trailing-newline": "  padded  \n",
    "argo-template": "{{workflow.name}} {{inputs.parameters.text}}",
    "shell": "$(rm -rf /) `id` ${HOME} $HOME; echo pwned | cat &",
    "backslashes": "C:\\temp\\new \\n \\\\ \\",
    "unicode": "ünïcödé 日本語 Ω",
    "emoji": "🚀🔥 ok",
    "json-looking": '{"a": [1, 2]}',
    "null-text": "null",
    "number-text": "3",
    "format-specs": "%s %(x)s {0} {x!r}",
    "equals-and-dash": "--help=a=b",
    "empty": "",
}


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_str_parameter_round_trips(value: str, tmp_path: Path) -> None:
    path = write_flow(tmp_path / "proj", ECHO_FLOW)
    run = flowc_run(path, run_dir=tmp_path / "runs", params={"text": value})
    assert run.code == 0, run.describe()
    assert run.outputs == {"output_0": value, "output_1": f"<{value}|{value}>", "output_2": []}
    assert run.rec["parameters"]["text"] == value
    assert run.task_dir(run.tasks("echo")[0]).is_dir()


def test_hostile_list_items_round_trip(tmp_path: Path) -> None:
    path = write_flow(tmp_path / "proj", ECHO_FLOW)
    items = list(HOSTILE.values())
    run = flowc_run(
        path,
        run_dir=tmp_path / "runs",
        params={"text": "x", "items": json.dumps(items)},
    )
    assert run.code == 0, run.describe()
    assert run.outputs["output_2"] == items
    assert sorted(t["outputs"]["output"] for t in run.tasks("each")) == sorted(items)
