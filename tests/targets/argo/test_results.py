"""A step's one JSON value travels as its standard output (`outputs.result`), run through the
Argo simulator: whatever the step prints goes to the log, never into the value."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from flowc.compiler.frontend.loader import load_flow
from flowc.targets import CompileOptions, load_target

from tests.oracles.argo import argo_lint
from tests.oracles.argo_sim import run_workflow

NOISY = """
import os
import subprocess
import sys

from flowc import flow, parallel, step


def noise(tag: str) -> None:
    print("print", tag, "{\\"not\\": \\"json\\"}")
    sys.stdout.write("write " + tag + "\\n")
    sys.stdout.flush()
    os.write(1, b"fd one\\n")
    subprocess.run(["echo", "a child process"], check=True)


@step
def total(xs: list[int]) -> int:
    noise("total")
    return sum(xs)


@step
def describe(n: int) -> dict[str, float]:
    noise("describe")
    return {"n": float(n), "half": n / 2}


@step
def maybe(n: int) -> int | None:
    noise("maybe")
    return None if n > 100 else n


@step
def label(n: int) -> str:
    noise("label")
    return '{"looks": "like json"}\\n' if n % 2 else "plain"


@step(cache=True)
def cached(n: int) -> list[int]:
    return [n, n]


@step
def combine(d: dict[str, float], ds: list[dict[str, float]], m: int | None, tag: str, tags: list[str], c: list[int]) -> str:
    noise("combine")
    return json.dumps([d, ds, m, tag, tags, c], sort_keys=True)


@flow
def noisy(xs: list[int] = [1, 2, 3]) -> tuple[int, str]:
    n = total(xs)
    d = describe(n)
    ds = [describe(x) for x in parallel(xs)]
    tags = [label(x) for x in parallel(xs)]
    return n, combine(d, ds, maybe(n), label(n), tags, cached(n))
"""


def compile_text(source: str, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "flows.py"
    path.write_text("import json\n" + textwrap.dedent(source), encoding="utf-8")
    loaded = load_flow(path, None)
    assert loaded.program is not None, [(d.code, d.message) for d in loaded.diagnostics]
    result = load_target("argo").compile(loaded.program, CompileOptions(sources=loaded.sources))
    assert result.ok, [(d.code, d.message) for d in result.diagnostics]
    (tmp_path / "wf.yaml").write_bytes(result.outputs[0].data)
    document: dict[str, Any] = yaml.safe_load(result.outputs[0].data)
    return document


def template(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in document["spec"]["templates"] if t["name"] == name)


def test_printed_noise_never_reaches_a_value(tmp_path: Path) -> None:
    document = compile_text(NOISY, tmp_path)
    run = run_workflow(yaml.safe_dump(document), {}, workdir=tmp_path / "run", secrets={}, timeout=120)
    assert run.status == "Succeeded", run.message
    assert json.loads(run.outputs["output_0"]) == 6
    d = {"half": 3.0, "n": 6.0}
    ds = [{"half": x / 2, "n": float(x)} for x in (1, 2, 3)]
    tags = ['{"looks": "like json"}\n' if x % 2 else "plain" for x in (1, 2, 3)]
    expected = [d, ds, 6, "plain", tags, [6, 6]]
    assert json.loads(run.outputs["output_1"]) == expected


def test_which_steps_hand_on_their_value_as_a_result(tmp_path: Path) -> None:
    document = compile_text(NOISY, tmp_path)
    for name in ("total", "describe", "maybe"):
        assert "outputs" not in template(document, name), name  # the value is `outputs.result`
    # raw text could be taken for JSON when Argo collects results: a file parameter
    assert template(document, "label")["outputs"]["parameters"][0]["name"] == "output"
    # Argo memoizes declared outputs only
    assert template(document, "cached")["outputs"]["parameters"][0]["name"] == "output"
    text = yaml.safe_dump(document)
    assert "{{tasks.total.outputs.result}}" in text
    assert "{{tasks.label.outputs.parameters.output}}" in text


def test_argo_accepts_the_result_references(tmp_path: Path) -> None:
    compile_text(NOISY, tmp_path)
    results = argo_lint([tmp_path / "wf.yaml"])
    assert all(r.ok for r in results), [r.errors for r in results]


@pytest.mark.parametrize("value", ["7", "null"])
def test_an_optional_value_travels_as_a_result(tmp_path: Path, value: str) -> None:
    source = """
    from flowc import flow, step

    @step
    def choose(n: int) -> int | None:
        print("choosing")
        return None if n < 0 else n

    @step
    def show(m: int | None) -> str:
        return repr(m)

    @flow
    def pick(n: int = 1) -> str:
        return show(choose(n))
    """
    document = compile_text(source, tmp_path)
    n = "-1" if value == "null" else value
    run = run_workflow(yaml.safe_dump(document), {"n": n}, workdir=tmp_path / "run", secrets={}, timeout=120)
    assert run.status == "Succeeded", run.message
    assert run.outputs["output"] == ("None" if value == "null" else value)


def test_collected_json_texts_are_refused_rather_than_altered(tmp_path: Path) -> None:
    """Argo re-encodes a fan-out's `str` outputs when every one is JSON object text (README)."""
    source = """
    from flowc import flow, parallel, step

    @step
    def encode(n: int) -> str:
        return json.dumps({"n": n, "a": [n]})

    @step
    def count(texts: list[str]) -> int:
        return len(texts)

    @flow
    def texts(ns: list[int] = [1, 2]) -> int:
        return count([encode(n) for n in parallel(ns)])
    """
    document = compile_text(source, tmp_path)
    run = run_workflow(yaml.safe_dump(document), {}, workdir=tmp_path / "run", secrets={}, timeout=120)
    assert run.status == "Failed"
    failed = [n for n in run.nodes if n.phase == "Failed" and n.task_path == ("count",)]
    assert failed and "flowc: input `texts`" in failed[0].stderr
