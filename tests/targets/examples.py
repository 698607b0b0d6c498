"""The example flows as every target's tests compile them, and their golden files."""

from __future__ import annotations

import os
from pathlib import Path

from flowc.compiler.frontend.loader import load_file, load_flow
from flowc.targets import CompileOptions, CompileResult, load_target

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


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


def compile_result(target: str, path: Path, flow: str, **options: object) -> CompileResult:
    loaded = load_flow(path, flow)
    assert loaded.ok and loaded.program is not None, loaded.diagnostics
    compile_options = CompileOptions(sources=loaded.sources, **options)  # type: ignore[arg-type]
    return load_target(target).compile(loaded.program, compile_options)


def compile_example(target: str, path: Path, flow: str, **options: object) -> bytes:
    """The one file `target` compiles `flow` of `path` to, as bytes."""
    result = compile_result(target, path, flow, **options)
    assert result.ok, [(d.code, d.span, d.message) for d in result.diagnostics]
    (output,) = result.outputs
    return output.data


def check_golden(data: bytes, golden: Path, test_file: str) -> None:
    """`data` equals the golden file byte for byte; `FLOWC_REGEN_GOLDEN=1` rewrites it instead,
    on request only, never under CI."""
    if os.environ.get("FLOWC_REGEN_GOLDEN"):
        assert not os.environ.get("CI"), "golden files are regenerated on request, never under CI"
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(data)
        return
    assert golden.exists(), f"missing golden file {golden}: run FLOWC_REGEN_GOLDEN=1 pytest {test_file}"
    assert data == golden.read_bytes(), f"{golden} differs from the compiled output"
