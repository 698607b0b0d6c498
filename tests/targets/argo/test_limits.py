"""What Argo can't express, or the platform won't store, is an FC5xx naming it: never a silently
different workflow."""

from __future__ import annotations

from pathlib import Path

import pytest
from flowc.targets import CompileOptions, CompileResult, load_target

from tests.harness import load_one

HEADER = """
from flowc import step, flow, Dataset

@step
def make(i: int) -> Dataset: ...

@step
def merge(parts: list[Dataset]) -> int: ...

@step
def show(text: str) -> None: ...

@step
def check(flag: bool) -> bool: ...
"""


def compile_source(tmp_path: Path, body: str, flow: str | None = None, **options: object) -> CompileResult:
    loaded = load_one(tmp_path, HEADER + body, flow)
    assert loaded.ok and loaded.program is not None, loaded.diagnostics
    return load_target("argo").compile(loaded.program, CompileOptions(sources=loaded.sources, **options))  # type: ignore[arg-type]


def codes(result: CompileResult) -> list[str]:
    return [d.code for d in result.diagnostics]


CASES = {
    "collected artifacts": """
@flow
def f(items: list[int] = [1, 2]) -> int:
    parts = [make(i) for i in items]
    return merge(parts)
""",
    "f-string over a bool": """
@flow
def f(flag: bool = True) -> None:
    ok = check(flag)
    show(f"ok={ok}")
""",
    "a literal with a template tag": """
@flow
def f() -> None:
    show("{{workflow.name}}")
""",
    "a parameter name Argo refuses": """
@step
def weigh(größe: int) -> int: ...

@flow
def f() -> None:
    weigh(1)
""",
    "nested item keys": """
@flow
def f(rows: list[dict[str, dict[str, str]]] = [{"a": {"b": "c"}}]) -> None:
    for row in rows:
        show(row["a"]["b"])
""",
}


@pytest.mark.parametrize("body", CASES.values(), ids=list(CASES))
def test_unsupported_constructs_are_fc501(tmp_path: Path, body: str) -> None:
    result = compile_source(tmp_path, body)
    assert codes(result) == ["FC501"]
    assert result.outputs == ()


def test_object_over_the_size_budget_is_fc502_with_a_breakdown(tmp_path: Path) -> None:
    result = compile_source(tmp_path, "\n@flow\ndef f() -> None:\n    show('x')\n", size_budget=500)
    assert codes(result) == ["FC502"]
    assert any("template" in note for note in result.diagnostics[0].notes)
    assert result.outputs == ()


def test_large_step_script_is_fc503(tmp_path: Path) -> None:
    big = "BLOB = " + repr("x" * 110_000) + "\n\n@step\ndef uses_blob() -> int:\n    return len(BLOB)\n"
    result = compile_source(tmp_path, big + "\n@flow\ndef f() -> None:\n    uses_blob()\n", size_budget=10**7)
    assert "FC503" in codes(result)
    assert result.ok  # near the limit: a warning


def test_a_step_script_over_the_argument_limit_is_an_error(tmp_path: Path) -> None:
    big = "BLOB = " + repr("x" * 140_000) + "\n\n@step\ndef uses_blob() -> int:\n    return len(BLOB)\n"
    result = compile_source(tmp_path, big + "\n@flow\ndef f() -> None:\n    uses_blob()\n", size_budget=10**7)
    assert [d.code for d in result.diagnostics if d.is_error] == ["FC503"]
    assert result.outputs == ()


def test_long_cron_workflow_name_is_fc504(tmp_path: Path) -> None:
    name = "a_scheduled_flow_with_a_name_much_longer_than_argo_allows"
    body = f"\n@flow(schedule='0 1 * * *')\ndef {name}() -> None:\n    show('x')\n"
    assert codes(compile_source(tmp_path, body)) == ["FC504"]


def test_reserved_task_name_is_fc506(tmp_path: Path) -> None:
    body = "\n@step\ndef split(n: int) -> int: ...\n\n@flow\ndef f() -> None:\n    split(1)\n"
    result = compile_source(tmp_path, body)
    assert codes(result) == ["FC506"]
    assert result.ok  # a warning: the output is still written


def test_within_limits_compiles(tmp_path: Path) -> None:
    result = compile_source(tmp_path, "\n@flow\ndef f() -> None:\n    show('x')\n")
    assert result.ok and len(result.outputs) == 1


def test_a_sub_flows_exit_handler_is_fc501(tmp_path: Path) -> None:
    body = """
@step
def notify() -> None: ...

@flow(on_exit=notify)
def inner() -> None:
    show("x")

@flow
def f() -> None:
    inner()
"""
    assert codes(compile_source(tmp_path, body, "f")) == ["FC501"]


@pytest.mark.parametrize(
    ("options", "returns", "warned"),
    [
        ("cache=True", "dict[str, Any]", True),  # cached: collected from output parameters
        ("", "dict[str, Any]", False),  # its `outputs.result`, collected as written
        ("cache=True", "dict[str, float]", False),  # declared floats decode as floats again
    ],
)
def test_any_values_argo_rewrites_when_collecting_are_warned_of(
    tmp_path: Path, options: str, returns: str, warned: bool
) -> None:
    body = f"""
from typing import Any

@step({options})
def metrics(i: int) -> {returns}:
    return {{"acc": 1.0}}

@flow
def f(ns: list[int] = [0, 1]) -> list[{returns}]:
    return [metrics(i) for i in ns]
"""
    result = compile_source(tmp_path, body)
    assert result.ok
    assert ("FC507" in codes(result)) == warned
