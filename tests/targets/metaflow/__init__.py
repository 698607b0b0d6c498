"""Helpers shared by the Metaflow target's tests: compiling flows and running them with Metaflow."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flowc.compiler.frontend.loader import load_flow
from flowc.targets import CompileOptions, CompileResult, load_target

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
GOLDEN = REPO / "golden" / "metaflow"
TARGET = "metaflow"


def golden_name(path: Path, flow: str) -> str:
    return f"{path.with_suffix('').name}.{flow}.py"


def compile_result(path: Path, flow: str) -> CompileResult:
    loaded = load_flow(path, flow)
    assert loaded.ok and loaded.program is not None, loaded.diagnostics
    return load_target(TARGET).compile(loaded.program, CompileOptions(sources=loaded.sources))


def compile_example(path: Path, flow: str) -> bytes:
    """The one FlowSpec file the metaflow target compiles `flow` of `path` to."""
    result = compile_result(path, flow)
    assert result.ok, [(d.code, d.span, d.message) for d in result.diagnostics]
    (output,) = result.outputs
    return output.data


def metaflow_env() -> dict[str, str]:
    """What a local Metaflow run needs: a user name (there is no login here)."""
    return {**os.environ, "METAFLOW_USER": "flowc-tests"}


def metaflow_check(flow_file: Path) -> subprocess.CompletedProcess[str]:
    """`python flow.py --no-pylint check`: Metaflow's own graph linter."""
    return subprocess.run(
        [sys.executable, str(flow_file), "--no-pylint", "check"],
        capture_output=True,
        text=True,
        cwd=flow_file.parent,
        env=metaflow_env(),
        timeout=120,
        check=False,
    )
