"""Helpers shared by the Kubeflow Pipelines target's tests: the example flows and compiling them."""

from __future__ import annotations

from pathlib import Path

from flowc.targets import CompileResult

from tests.targets import examples
from tests.targets.examples import EXAMPLES, REPO, example_flows

__all__ = [
    "EXAMPLES",
    "GOLDEN",
    "REPO",
    "TARGET",
    "compile_example",
    "compile_result",
    "example_flows",
    "golden_name",
]

GOLDEN = REPO / "golden" / "kfp"
TARGET = "kfp"


def golden_name(path: Path, flow: str) -> str:
    return f"{path.with_suffix('').name}.{flow}.yaml"


def compile_result(path: Path, flow: str) -> CompileResult:
    return examples.compile_result(TARGET, path, flow)


def compile_example(path: Path, flow: str) -> bytes:
    """The one file the kfp target compiles `flow` of `path` to, as bytes."""
    return examples.compile_example(TARGET, path, flow)
