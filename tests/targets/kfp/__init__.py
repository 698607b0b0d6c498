"""Helpers shared by the Kubeflow Pipelines target's tests: the example flows and compiling them."""

from __future__ import annotations

from pathlib import Path

from flowc.compiler.frontend.loader import load_file, load_flow
from flowc.targets import CompileOptions, CompileResult, load_target

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
GOLDEN = REPO / "golden" / "kfp"
TARGET = "kfp"


def example_flows(examples: Path = EXAMPLES) -> list[tuple[Path, str]]:
    """(file, flow) for every flow defined in an example file (`examples/lib/` holds the
    sub-flows and steps they import, compiled as part of them)."""
    found = []
    for path in sorted(examples.glob("*.py")):
        result = load_file(path)
        if result.program is not None:
            found += [
                (path, f.function) for f in result.program.flows if Path(f.path).resolve() == path.resolve()
            ]
    return found


def golden_name(path: Path, flow: str) -> str:
    return f"{path.with_suffix('').name}.{flow}.yaml"


def compile_result(path: Path, flow: str) -> CompileResult:
    loaded = load_flow(path, flow)
    assert loaded.ok and loaded.program is not None, loaded.diagnostics
    return load_target(TARGET).compile(loaded.program, CompileOptions(sources=loaded.sources))


def compile_example(path: Path, flow: str) -> bytes:
    """The one file the kfp target compiles `flow` of `path` to, as bytes."""
    result = compile_result(path, flow)
    assert result.ok, [(d.code, d.span, d.message) for d in result.diagnostics]
    (output,) = result.outputs
    return output.data
