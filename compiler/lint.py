"""`flowc lint`'s engine: find flow files, load each, suppress, select, collect.

Pure apart from reading files: returns diagnostics and sources; rendering is the CLI's job.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flowc.compiler.batch import collector_paused
from flowc.compiler.diagnostics import Diagnostic, FlowcError, Span, sort_diagnostics
from flowc.compiler.frontend.loader import load_file
from flowc.compiler.frontend.resolve import display_path
from flowc.compiler.rules import diagnostic
from flowc.compiler.shipping import shipping_diagnostics

_IMPORTS_FLOWC = re.compile(
    rb"^[ \t]*(from[ \t]+flowc[ \t.]|import[ \t]+([\w.]+([ \t]+as[ \t]+\w+)?[ \t]*,[ \t]*)*flowc\b)",
    re.MULTILINE,
)
_PYTHON_SUFFIXES = frozenset({".py", ".pyw", ""})
_SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "env",
        "__pycache__",
        "node_modules",
        "build",
        "dist",
        "site-packages",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".flowc",
        ".eggs",
    }
)


@dataclass
class LintResult:
    """What `flowc lint` found: diagnostics, module texts and the files checked."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # files checked (those that use flowc)

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors


def discover(paths: list[Path], exclude: list[str] = ()) -> Iterator[Path]:  # type: ignore[assignment]
    """Python files under `paths`, in a stable order. A missing path is a usage error."""
    for path in paths:
        if not path.exists():
            raise FlowcError(f"{path}: no such file or directory")
        if path.is_dir():
            yield from (p for p in _walk(path) if not _excluded(p, exclude))
        elif path.suffix in _PYTHON_SUFFIXES:  # pre-commit may pass any file; only Python is ours
            yield path


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in _SKIP_DIRS and not d.startswith(".") and not d.endswith(".egg-info")
        )
        yield from (Path(dirpath, f) for f in sorted(filenames) if f.endswith(".py"))


def _excluded(path: Path, patterns: list[str]) -> bool:
    text = path.as_posix()
    return any(fnmatch.fnmatch(text, p) or fnmatch.fnmatch(path.name, p) for p in patterns)


def uses_flowc(path: Path) -> bool:
    """A cheap textual check: files that never import flowc are not flow files."""
    try:
        return _IMPORTS_FLOWC.search(path.read_bytes().removeprefix(b"\xef\xbb\xbf")) is not None
    except OSError:
        return True  # let the loader report why it cannot be read


def lint_paths(paths: list[Path], enabled: frozenset[str], exclude: list[str] = ()) -> LintResult:  # type: ignore[assignment]
    with collector_paused():
        return _lint_paths(paths, enabled, list(exclude))


def _lint_paths(paths: list[Path], enabled: frozenset[str], exclude: list[str]) -> LintResult:
    result = LintResult()
    seen: set[Path] = set()
    for path in discover(paths, exclude):
        key = path.resolve()
        if key in seen or not uses_flowc(path):
            continue
        seen.add(key)
        _lint_one(path, result)
    from flowc.compiler.suppress import apply_suppressions  # `compile` imports this module too

    kept = apply_suppressions(result.diagnostics, result.sources, enabled, set(result.files))
    result.diagnostics = sort_diagnostics([d for d in kept if d.code in enabled])
    return result


def _lint_one(path: Path, result: LintResult) -> None:
    shown = display_path(path.resolve())
    result.files.append(shown)
    try:
        loaded = load_file(path, shown)
    except Exception as exc:  # the one place an unexpected failure becomes a diagnostic, not a traceback
        result.diagnostics.append(internal_error(shown, "linting", exc))
        return
    result.diagnostics.extend(loaded.diagnostics)
    shipped, texts = shipping_diagnostics(loaded.program, loaded.sources)
    result.diagnostics.extend(shipped)
    for module_path, text in texts.items():
        result.sources.setdefault(module_path, text)
    result.sources.update(loaded.sources)


def internal_error(path: str, stage: str, exc: BaseException) -> Diagnostic:
    return diagnostic("FC901", Span.file(path), stage=stage, detail=f"{type(exc).__name__}: {exc}")
