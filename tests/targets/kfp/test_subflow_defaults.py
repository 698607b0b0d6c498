"""A sub-flow's parameter defaults hold in its sub-DAG, whatever the caller's parameters are
named (kfp.local fills an omitted sub-DAG input from the caller's input of the same name)."""

from __future__ import annotations

from pathlib import Path

from flowc.compiler.frontend.loader import load_flow

from tests.harness import compile_to_file
from tests.oracles.kfp import load_documents, require_kfp, run_local_logged

SOURCE = """
from flowc import flow, step

@step
def add(a: int, b: int) -> int:
    return a + b

@flow
def inner(x: int, y: int = 10) -> int:
    return add(x, y)

@flow
def outer(y: int = 5) -> tuple[int, int]:
    return (inner(1), inner(2, y=y))
"""


def compiled(tmp_path: Path) -> Path:
    (tmp_path / "flows.py").write_text(SOURCE)
    return compile_to_file(tmp_path, load_flow(tmp_path / "flows.py", "outer"), "kfp")


def test_an_omitted_sub_flow_parameter_is_passed_its_default(tmp_path: Path) -> None:
    spec = load_documents(compiled(tmp_path).read_bytes())[0]
    tasks = spec["root"]["dag"]["tasks"]
    assert tasks["inner"]["inputs"]["parameters"]["y"] == {"runtimeValue": {"constant": 10}}


def test_kfp_local_runs_the_sub_flow_with_its_own_default(tmp_path: Path) -> None:
    require_kfp()
    run = run_local_logged(compiled(tmp_path), {}, tmp_path / "root")
    assert run.outputs == {"output_0": 11, "output_1": 7}
