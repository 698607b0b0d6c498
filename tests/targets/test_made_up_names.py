"""Names flowc makes up (a loop's or a condition's DAG, a condition task, the exit handler) never
take a name the flow's own steps, flows or tasks have, and two steps or flows of one name are
reported rather than sharing a template. Each compiled flow runs on the engine's stand-in and
gives what `flowc run` gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from flowc.compiler.frontend.loader import load_flow
from flowc.targets import CompileOptions, load_target

from tests.harness import codes, compile_to_file, write_project
from tests.oracles import argo_sim
from tests.oracles.argo import argo_lint, require_go
from tests.oracles.kfp import require_kfp, run_local

# `condition_branch_1` is the KFP name of the `if`'s case, `branch_cond` the Argo name of its
# condition task, `exit_handler_1` the KFP exit handler's, and both flows loop `for x`.
SOURCE = """
from flowc import RunStatus, flow, step


@step
def sq(x: int) -> int:
    return x * x


@step
def neg(x: int) -> int:
    return -x


@step
def total(xs: list[int]) -> int:
    return sum(xs)


@step
def condition_branch_1(x: int) -> int:
    return x + 100


@step
def branch_cond(x: float) -> float:
    return x / 2


@step
def outer_for_x(x: int) -> int:
    return x


@step
def exit_handler_1(status: RunStatus) -> None:
    print(status)


@flow
def inner(xs: list[int]) -> int:
    return total([neg(x) for x in xs])


@flow(on_exit=exit_handler_1)
def outer(xs: list[int] = [3, 4]) -> tuple[int, int, int, float, int]:
    a = inner(xs)
    b = total([sq(x) for x in xs])
    c = condition_branch_1(b)
    d = branch_cond(2.5)
    if d > 1.0:
        sq(b)
    return (a, b, c, d, outer_for_x(1))
"""
EXPECTED = (-7, 25, 125, 1.25, 1)


def compiled(tmp_path: Path, target: str) -> Path:
    write_project(tmp_path, {"flows.py": SOURCE})
    return compile_to_file(tmp_path, load_flow(tmp_path / "flows.py", "outer"), target)


def test_argo_runs_it(tmp_path: Path) -> None:
    path = compiled(tmp_path, "argo")
    require_go()
    (lint,) = argo_lint([path])
    assert lint.ok, lint.errors
    run = argo_sim.run_workflow(path.read_text(), workdir=tmp_path / "run")
    assert run.status == "Succeeded", run.message
    assert tuple(run.outputs[f"output_{i}"] for i in range(5)) == tuple(str(v) for v in EXPECTED)


def test_kfp_runs_it(tmp_path: Path) -> None:
    path = compiled(tmp_path, "kfp")
    require_kfp()
    outputs = run_local(path, {}, tmp_path / "root")
    assert tuple(outputs[f"output_{i}"] for i in range(5)) == EXPECTED


@pytest.mark.parametrize("target", ["argo", "kfp", "metaflow"])
def test_two_steps_of_one_name_are_reported(tmp_path: Path, target: str) -> None:
    step = 'from flowc import step\n\n\n@step\ndef load(x: str) -> str:\n    return "{}" + x\n'
    flow = (
        "from flowc import flow\nfrom lib.a import load as load_a\nfrom lib.b import load as load_b\n\n\n"
        '@flow\ndef two(x: str = "x") -> tuple[str, str]:\n    return (load_a(x), load_b(x))\n'
    )
    files = {
        "flows.py": flow,
        "lib/__init__.py": "",
        "lib/a.py": step.format("a"),
        "lib/b.py": step.format("b"),
    }
    write_project(tmp_path, files)
    loaded = load_flow(tmp_path / "flows.py", None)
    assert loaded.ok and loaded.program is not None, loaded.diagnostics
    result = load_target(target).compile(loaded.program, CompileOptions(sources=loaded.sources))
    assert "FC505" in codes(result.diagnostics)
    assert not result.ok
