"""Every example, compiled for Argo, executed with exactly what Argo pods get, returns what the
flow's Python returns: the shipped step scripts run as separate processes, without flowc, with
the environment variables, files and template substitution Argo gives them (`argo_sim`)."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from flowc.compiler.frontend.loader import load_flow
from flowc.targets import CompileOptions, load_target
from flowc.targets.argo.outputs import decode_outputs

from tests.oracles.argo_sim import run_workflow

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
SECRETS = {"warehouse-credentials": {"user": "reader", "password": "pw"}}
HOSTILE = 'it\'s "quoted" $(rm -rf /) `x` \\ back\nnew line ünï 🚀'

# (example, flow, parameters as `argo submit -p` text, the same as Python values)
CASES: list[tuple[str, str, dict[str, str], dict[str, Any]]] = [
    ("training", "training", {}, {}),
    ("training", "training", {"bucket": HOSTILE}, {"bucket": HOSTILE}),
    ("map_reduce", "word_count", {}, {}),
    ("map_reduce", "word_count", {"num_shards": "2", "k": "4"}, {"num_shards": 2, "k": 4}),
    # string loop items with quotes, backslashes, newlines and non-ASCII arrive unchanged
    ("map_reduce", "word_count", {"keywords": json.dumps([HOSTILE, "dog"])}, {"keywords": [HOSTILE, "dog"]}),
    ("conditions", "quality_gate", {}, {}),
    ("subflows", "store_forecasts", {}, {}),
    ("platform_settings", "churn_scoring", {}, {}),
    ("reports", "model_report", {}, {}),
]


def compile_document(example: str, flow: str) -> bytes:
    loaded = load_flow(EXAMPLES / f"{example}.py", flow)
    assert loaded.program is not None
    result = load_target("argo").compile(loaded.program, CompileOptions(sources=loaded.sources))
    assert result.ok, [(d.code, d.message) for d in result.diagnostics]
    return result.outputs[0].data


def in_process(
    example: str, flow: str, params: dict[str, Any], workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> Any:
    monkeypatch.chdir(workdir)
    monkeypatch.syspath_prepend(str(EXAMPLES))
    for name in [
        m for m, mod in sys.modules.items() if str(getattr(mod, "__file__", "")).startswith(str(EXAMPLES))
    ]:
        del sys.modules[name]
    return getattr(importlib.import_module(example), flow)(**params)


@pytest.mark.parametrize(
    ("example", "flow", "argo_params", "py_params"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_argo_run_equals_the_python_call(
    example: str,
    flow: str,
    argo_params: dict[str, str],
    py_params: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = compile_document(example, flow)
    run = run_workflow(
        document.decode(), argo_params, workdir=tmp_path / "argo", secrets=SECRETS, timeout=120
    )
    assert run.status == "Succeeded", run.message
    (tmp_path / "py").mkdir()
    expected = in_process(example, flow, py_params, tmp_path / "py", monkeypatch)
    loaded = load_flow(EXAMPLES / f"{example}.py", flow)
    assert loaded.program is not None
    entry = loaded.program.flow(loaded.program.entry or "")
    got = list(decode_outputs(entry, run.outputs).values())
    want = list(expected) if len(entry.outputs) > 1 else [expected] if entry.outputs else []
    assert got == want
