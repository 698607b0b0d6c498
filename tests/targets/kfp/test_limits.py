"""What Kubeflow Pipelines can't express, or its SDK or backend would reject or silently change,
is an FC5xx naming the target: never a silently different pipeline (../shared/LIMITS.md §3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flowc.targets import CompileOptions, CompileResult, load_target

from tests.harness import load_one
from tests.oracles.kfp import load_documents, require_kfp, strict_parse
from tests.targets.kfp import TARGET

HEADER = """
from flowc import Retry, step, flow, Dataset

@step
def make(i: int) -> Dataset: ...

@step
def merge(parts: list[Dataset]) -> int: ...

@step
def show(text: str) -> None: ...

@step
def count(n: int) -> None: ...

@step
def take(rows: list[str]) -> None: ...
"""
MAX_PARAMETER_BYTES = 10_000  # kfp backend/src/common/util/consts.go
MAX_SAFE_INTEGER = 2**53 - 1  # NUMBER_INTEGER travels as a protobuf double


def compile_source(tmp_path: Path, body: str, flow: str = "f") -> CompileResult:
    loaded = load_one(tmp_path, HEADER + body, flow)
    assert loaded.ok and loaded.program is not None, loaded.diagnostics
    return load_target(TARGET).compile(loaded.program, CompileOptions(sources=loaded.sources))


def codes(result: CompileResult) -> list[str]:
    return [d.code for d in result.diagnostics]


def assert_rejected(result: CompileResult, code: str) -> None:
    """`code` reported as an error naming KFP, and nothing written."""
    assert code in codes(result), [(d.code, d.message) for d in result.diagnostics]
    assert not result.ok
    assert result.outputs == ()
    assert any("KFP" in d.message or "Kubeflow" in d.message for d in result.diagnostics if d.code == code)


def assert_compiles(result: CompileResult) -> None:
    """Within the limits: compiled, and the KFP API server's strict parse accepts it."""
    assert result.ok, [(d.code, d.message) for d in result.diagnostics]
    assert [c for c in codes(result) if c.startswith("FC5")] == []
    (output,) = result.outputs
    require_kfp()
    assert strict_parse(load_documents(output.data)) == []


def rows_default(size: int) -> str:
    """A `list[str]` literal whose JSON is about `size` bytes."""
    return repr(["x" * 98] * (size // 100))


# --- run-parameter defaults over MAX_PARAMETER_BYTES ------------------------------------------


def test_a_run_parameter_default_over_10000_bytes_is_fc502(tmp_path: Path) -> None:
    body = f"\n@flow\ndef f(rows: list[str] = {rows_default(10_400)}) -> None:\n    take(rows)\n"
    assert len(json.dumps(["x" * 98] * 104)) > MAX_PARAMETER_BYTES
    assert_rejected(compile_source(tmp_path, body), "FC502")


def test_a_string_default_over_10000_bytes_is_fc502(tmp_path: Path) -> None:
    body = f"\n@flow\ndef f(text: str = {'y' * 10_050!r}) -> None:\n    show(text)\n"
    assert_rejected(compile_source(tmp_path, body), "FC502")


def test_defaults_over_10000_bytes_together_are_fc502(tmp_path: Path) -> None:
    """The limit is on the JSON of all of a run's parameters, not on each one."""
    body = (
        f"\n@flow\ndef f(a: list[str] = {rows_default(6_000)}, b: list[str] = {rows_default(6_000)}) -> None:\n"
        "    take(a)\n    take(b)\n"
    )
    assert_rejected(compile_source(tmp_path, body), "FC502")


def test_run_parameter_defaults_under_10000_bytes_compile(tmp_path: Path) -> None:
    body = f"\n@flow\ndef f(rows: list[str] = {rows_default(9_000)}) -> None:\n    take(rows)\n"
    assert_compiles(compile_source(tmp_path, body))


# --- integers KFP would round ------------------------------------------------------------------

UNSAFE_INTEGERS = {
    "parameter default": f"\n@flow\ndef f(n: int = {2**53 + 1}) -> None:\n    count(n)\n",
    "negative default": f"\n@flow\ndef f(n: int = {-(2**53) - 1}) -> None:\n    count(n)\n",
    "constant argument": f"\n@flow\ndef f() -> None:\n    count({2**63})\n",
    "inside a list default": (
        f"\n@step\ndef total(ns: list[int]) -> int: ...\n\n"
        f"@flow\ndef f(ns: list[int] = [1, {2**60}]) -> None:\n    total(ns)\n"
    ),
}


@pytest.mark.parametrize("body", UNSAFE_INTEGERS.values(), ids=list(UNSAFE_INTEGERS))
def test_an_integer_beyond_2_53_is_fc501(tmp_path: Path, body: str) -> None:
    assert_rejected(compile_source(tmp_path, body), "FC501")


def test_the_largest_safe_integers_compile(tmp_path: Path) -> None:
    body = (
        f"\n@flow\ndef f(n: int = {MAX_SAFE_INTEGER}, m: int = {-MAX_SAFE_INTEGER}) -> None:\n"
        f"    count(n)\n    count(m)\n    count({MAX_SAFE_INTEGER})\n"
    )
    result = compile_source(tmp_path, body)
    assert_compiles(result)
    doc = load_documents(result.outputs[0].data)[0]
    defaults = {k: v.get("defaultValue") for k, v in doc["root"]["inputDefinitions"]["parameters"].items()}
    assert defaults == {"n": MAX_SAFE_INTEGER, "m": -MAX_SAFE_INTEGER}


# --- names ------------------------------------------------------------------------------------


def test_a_pipeline_name_over_128_characters_is_fc504(tmp_path: Path) -> None:
    name = "a_flow_" + "x" * 125
    body = f"\n@flow\ndef {name}() -> None:\n    show('x')\n"
    assert_rejected(compile_source(tmp_path, body, name), "FC504")


def test_a_pipeline_name_of_128_characters_compiles(tmp_path: Path) -> None:
    name = "a_flow_" + "x" * 121
    body = f"\n@flow\ndef {name}() -> None:\n    show('x')\n"
    result = compile_source(tmp_path, body, name)
    assert_compiles(result)
    assert load_documents(result.outputs[0].data)[0]["pipelineInfo"]["name"] == name.replace("_", "-")


# --- names that collide after KFP's sanitising (FC505) ------------------------------------------

COLLISIONS = {
    "steps differing in case": """
@step
def load_data(n: int) -> int: ...

@step
def Load_Data(n: int) -> int: ...

@flow
def f(n: int = 1) -> None:
    load_data(n)
    Load_Data(n)
""",
    "a name= and a function name": """
@step(name="prep-data")
def a(n: int) -> int: ...

@step
def prep_data(n: int) -> int: ...

@flow
def f(n: int = 1) -> None:
    a(n)
    prep_data(n)
""",
    "underscores and dashes": """
@step
def prep__data(n: int) -> int: ...

@step
def prep_data(n: int) -> int: ...

@flow
def f(n: int = 1) -> None:
    prep__data(n)
    prep_data(n)
""",
    "a task and a loop group": """
@step
def for_loop_i(n: int) -> int: ...

@flow
def f(items: list[int] = [1, 2]) -> None:
    for_loop_i(0)
    for i in items:
        count(i)
""",
}


@pytest.mark.parametrize("body", COLLISIONS.values(), ids=list(COLLISIONS))
def test_names_colliding_after_kfp_sanitising_are_fc505(tmp_path: Path, body: str) -> None:
    assert_rejected(compile_source(tmp_path, body), "FC505")


def test_names_that_only_change_when_sanitised_compile(tmp_path: Path) -> None:
    body = """
@step
def Load_Data(n: int) -> int: ...

@flow
def My_Flow(n: int = 1) -> None:
    Load_Data(n)
    Load_Data(n)
"""
    result = compile_source(tmp_path, body, "My_Flow")
    assert_compiles(result)
    doc = load_documents(result.outputs[0].data)[0]
    assert doc["pipelineInfo"]["name"] == "my-flow"
    assert sorted(doc["root"]["dag"]["tasks"]) == ["load-data", "load-data-2"]


# --- constructs KFP can't express (FC501; `grep FC501 targets/kfp`) -----------------------------

UNSUPPORTED = {
    "an f-string with a placeholder": """
@flow
def f(name: str = "x") -> None:
    show(f"{{{{$.inputs.parameters['x']}}}} {name}")
""",
    "an f-string over a bool": """
@step
def check(flag: bool) -> bool: ...

@flow
def f(flag: bool = True) -> None:
    ok = check(flag)
    show(f"ok={ok}")
""",
    "a loop over artifacts": """
@step
def size(data: Dataset) -> int: ...

@flow
def f(items: list[int] = [1, 2]) -> None:
    parts = [make(i) for i in items]
    for part in parts:
        size(part)
""",
    "a loop item key with a quote": """
@flow
def f(rows: list[dict[str, str]] = [{'a"b': "c"}]) -> None:
    for row in rows:
        show(row['a"b'])
""",
    "an exit handler on a sub-flow": """
@step
def bye() -> None: ...

@flow(on_exit=bye)
def inner(n: int) -> None:
    count(n)

@flow
def f(n: int = 1) -> None:
    inner(n)
""",
    "a flow output that is no task's output": """
@flow
def f(n: int = 1) -> int:
    count(n)
    return n
""",
    "a condition on an Optional's value": """
@step
def owner(table: str) -> str | None: ...

@flow
def f(table: str = "t") -> None:
    who = owner(table)
    if who == "me":
        show(table)
""",
    "the truth of an Optional": """
@step
def owner(table: str) -> str | None: ...

@flow
def f(table: str = "t") -> None:
    who = owner(table)
    if who:
        show(table)
""",
    "`in` over a string": """
@flow
def f(text: str = "abc") -> None:
    if "b" in text:
        show(text)
""",
}


@pytest.mark.parametrize("body", UNSUPPORTED.values(), ids=list(UNSUPPORTED))
def test_unsupported_constructs_are_fc501(tmp_path: Path, body: str) -> None:
    assert_rejected(compile_source(tmp_path, body), "FC501")


FLOW_OPTIONS = {
    "schedule": "schedule='0 1 * * *'",
    "namespace": "namespace='ml'",
    "service_account": "service_account='runner'",
    "labels": "labels={'team': 'ml'}",
    "annotations": "annotations={'a.io/b': 'c'}",
    "ttl": "ttl='1h'",
    "max_parallel": "max_parallel=2",
}


@pytest.mark.parametrize("option", FLOW_OPTIONS.values(), ids=list(FLOW_OPTIONS))
def test_flow_options_a_pipeline_spec_has_no_place_for_are_fc507_warnings(
    tmp_path: Path, option: str
) -> None:
    """Said, never dropped silently; set per run or per cluster, so the pipeline still compiles."""
    result = compile_source(tmp_path, f"\n@flow({option})\ndef f() -> None:\n    show('x')\n")
    assert codes(result) == ["FC507"]
    assert not result.diagnostics[0].is_error
    assert result.ok and len(result.outputs) == 1


def test_retrying_only_on_some_errors_is_an_fc507_warning(tmp_path: Path) -> None:
    body = """
@step(retries=Retry(limit=2, on="transient"))
def flaky(n: int) -> None: ...

@flow
def f(n: int = 1) -> None:
    flaky(n)
"""
    result = compile_source(tmp_path, body)
    assert codes(result) == ["FC507"]
    assert result.ok


def test_within_limits_compiles(tmp_path: Path) -> None:
    assert_compiles(compile_source(tmp_path, "\n@flow\ndef f() -> None:\n    show('x')\n"))


def test_collected_artifacts_compile(tmp_path: Path) -> None:
    """Unlike Argo, KFP collects a list of artifacts from a fan-out (`dsl.Collected`)."""
    body = "\n@flow\ndef f(items: list[int] = [1, 2]) -> int:\n    parts = [make(i) for i in items]\n    return merge(parts)\n"
    result = compile_source(tmp_path, body)
    assert_compiles(result)


@pytest.mark.parametrize(
    "body",
    [
        # a parameter called `Output` beside a single output, which KFP calls `Output` too
        "@step\ndef save(Output: str) -> Dataset: ...\n\n@flow\ndef f() -> None:\n    save('x')\n",
        # NamedTuple fields `output` and `Output`: the first becomes the second's key
        "from typing import NamedTuple\n\nclass Two(NamedTuple):\n    Output: str\n    output: int\n\n"
        "@step\ndef two() -> Two: ...\n\n@flow\ndef f() -> None:\n    two()\n",
    ],
)
def test_inputs_and_outputs_that_share_a_kfp_key(tmp_path: Path, body: str) -> None:
    assert_rejected(compile_source(tmp_path, body), "FC501")


def test_a_float_in_an_f_string_is_warned_of(tmp_path: Path) -> None:
    """The backend renders a float placeholder with Go's FormatFloat(v, 'f', -1): `2.0` as `2`."""
    body = "@flow\ndef f(rate: float = 2.0, n: int = 3) -> None:\n    show(f'{rate} {n}')\n"
    result = compile_source(tmp_path, body)
    assert result.ok
    warned = [d for d in result.diagnostics if d.code == "FC507"]
    assert [(d.span.line, d.span.col) for d in warned] == [(len(HEADER.splitlines()) + 2, 13)]
