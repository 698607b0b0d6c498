"""Helpers shared by the Metaflow target's tests: compiling flows and running them with Metaflow."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flowc.targets import CompileResult

from tests.targets import examples
from tests.targets.examples import EXAMPLES, REPO

__all__ = ["EXAMPLES", "GOLDEN", "REPO", "TARGET", "compile_example", "compile_result", "golden_name"]

GOLDEN = REPO / "golden" / "metaflow"
TARGET = "metaflow"


def golden_name(path: Path, flow: str) -> str:
    return f"{path.with_suffix('').name}.{flow}.py"


def compile_result(path: Path, flow: str) -> CompileResult:
    return examples.compile_result(TARGET, path, flow)


def compile_example(path: Path, flow: str) -> bytes:
    """The one FlowSpec file the metaflow target compiles `flow` of `path` to."""
    return examples.compile_example(TARGET, path, flow)


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
