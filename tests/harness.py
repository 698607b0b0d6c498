"""Shared test helpers: lint flow source written to a temporary project, compare codes.

Tests assert codes and positions, never message wording.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowc.compiler.diagnostics import Diagnostic
from flowc.compiler.frontend.loader import LoadResult, load_file, load_flow
from flowc.compiler.lint import lint_paths
from flowc.compiler.rules import RULES

ALL_CODES = frozenset(RULES)


def write_project(root: Path, files: dict[str, str]) -> None:
    """Write `files` (relative path → source, dedented) under `root`, with a pyproject.toml."""
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n')
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def compile_to_file(folder: Path, loaded: LoadResult, target: str) -> Path:
    """The loaded flow compiled for `target` (which must succeed), its one file written into
    `folder`."""
    from flowc.targets import CompileOptions, load_target

    assert loaded.ok and loaded.program is not None, loaded.diagnostics
    result = load_target(target).compile(loaded.program, CompileOptions(sources=loaded.sources))
    assert result.ok, [(d.code, d.message) for d in result.diagnostics]
    (output,) = result.outputs
    path = folder / output.name
    path.write_bytes(output.data)
    return path


def load_source(tmp_path: Path, source: str, name: str = "flow.py", **others: str) -> LoadResult:
    """`load_file` on `source` saved as `name`; `others` are extra modules (`lib__steps="..."`
    writes lib/steps.py)."""
    files = {name: source} | {k.replace("__", "/") + ".py": v for k, v in others.items()}
    write_project(tmp_path, files)
    return load_file(tmp_path / name)


def load_one(tmp_path: Path, source: str, flow: str | None = None) -> LoadResult:
    write_project(tmp_path, {"flow.py": source})
    return load_flow(tmp_path / "flow.py", flow)


def lint_source(tmp_path: Path, source: str, name: str = "flow.py", **others: str) -> list[Diagnostic]:
    """Full lint (suppressions and unused-suppression checks included) of one file."""
    files = {name: source} | {k.replace("__", "/") + ".py": v for k, v in others.items()}
    write_project(tmp_path, files)
    return lint_paths([tmp_path / name], ALL_CODES).diagnostics


def codes(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> list[str]:
    return [d.code for d in diagnostics]


def positions(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.col) for d in diagnostics]


def assert_codes(tmp_path: Path, source: str, *expected: str, **others: str) -> list[Diagnostic]:
    """Lint `source` and assert exactly these codes (in location order) are reported."""
    found = lint_source(tmp_path, source, **others)
    assert codes(found) == list(expected), [(d.code, d.span.line, d.span.col, d.message) for d in found]
    return found


# A flow with one warning and two errors: FC206 (warning) at 8:13, FC201 at 18:9, FC202 at 19:5.
MIXED_DIAGNOSTICS = """
from flowc import flow, step

@step
def make() -> int:
    return 1

@step
def untyped(x) -> None:
    print(x)

@step
def use(x: str, y: int) -> None:
    print(x, y)

@flow
def pipeline() -> None:
    a = make()
    use(a, y=1)
    use("s")
    untyped(a)
"""
