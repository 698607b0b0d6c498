"""`flowc lint`'s engine: find flow files, load each, suppress, select, collect.

Pure apart from reading files: returns diagnostics and sources; rendering is the CLI's job.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from flowc.compiler.batch import collector_paused
from flowc.compiler.diagnostics import Diagnostic, FlowcError, Span, sort_diagnostics
from flowc.compiler.frontend.loader import load_file
from flowc.compiler.frontend.resolve import display_path
from flowc.compiler.frozen import frozen
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


@frozen
class Scope:
    """What governs the files of one configuration: the codes reported for them, and the
    `exclude` patterns with the directory those patterns are relative to."""

    enabled: frozenset[str]
    exclude: tuple[str, ...] = ()
    root: Path | None = None  # absolute, without symbolic links; None when nothing is excluded


ScopeOf = Callable[[Path], Scope]  # a directory (absolute, without links) → its Scope


def discover(
    paths: list[Path], scope_of: ScopeOf, force_exclude: bool = False
) -> Iterator[tuple[Path, Scope]]:
    """Python files under `paths` with their Scope, in a stable order. A missing path is a usage
    error. Files named in `paths` are kept even when excluded (ruff's rule: naming a file asks
    for it) unless `force_exclude`: pre-commit names every file it checks."""
    for path in paths:
        if not path.exists():
            raise FlowcError(f"{path}: no such file or directory")
        if path.is_dir():
            where = path.resolve()
            if not (force_exclude and _excluded(where, scope_of(where))):
                yield from _walk(path, where, scope_of)
        elif path.suffix in _PYTHON_SUFFIXES:  # pre-commit may pass any file; only Python is ours
            where = path.parent.resolve()  # not the file's own link: it is governed by where it is
            scope = scope_of(where)
            if not (force_exclude and _excluded(where / path.name, scope)):
                yield path, scope


def _walk(root: Path, where: Path, scope_of: ScopeOf) -> Iterator[tuple[Path, Scope]]:
    for dirpath, dirnames, filenames in os.walk(root):  # links to folders are not followed,
        here = where / os.path.relpath(dirpath, root)  # so `here` has no links either
        dirnames[:] = sorted(
            d for d in dirnames if _walked(d) and not _excluded(here / d, scope_of(here / d))
        )
        scope = scope_of(here)
        for name in sorted(filenames):
            if name.endswith(".py") and not _excluded(here / name, scope):
                yield Path(dirpath, name), scope


def _walked(name: str) -> bool:
    return name not in _SKIP_DIRS and not name.startswith(".") and not name.endswith(".egg-info")


def _excluded(path: Path, scope: Scope) -> bool:
    """Whether an `exclude` pattern matches `path` or a folder above it inside the scope's root,
    by its path relative to that root or by its name (ruff's rules). Relative to the root, not
    to the working directory, so it does not matter how the path was spelled or where from."""
    if not scope.exclude or scope.root is None:
        return False
    if not path.is_relative_to(scope.root):  # `--config` anchors at the working directory
        return _matches(path.name, scope.exclude)
    relative = PurePosixPath(path.relative_to(scope.root).as_posix())
    return any(
        _matches(part.as_posix(), scope.exclude) or _matches(part.name, scope.exclude)
        for part in (relative, *relative.parents[:-1])  # the last parent is the root itself: "."
        if part.name
    )


def _matches(text: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(text, p) for p in patterns)


def uses_flowc(path: Path) -> bool:
    """A cheap textual check: files that never import flowc are not flow files."""
    try:
        return _IMPORTS_FLOWC.search(path.read_bytes().removeprefix(b"\xef\xbb\xbf")) is not None
    except OSError:
        return True  # let the loader report why it cannot be read


def lint_paths(paths: list[Path], enabled: frozenset[str]) -> LintResult:
    """Lint `paths` with the codes `enabled`, excluding nothing."""
    return lint_project(paths, lambda _: Scope(enabled))


def lint_project(paths: list[Path], scope_of: ScopeOf, force_exclude: bool = False) -> LintResult:
    """Lint `paths`, each file under the Scope of its folder (see `discover`)."""
    with collector_paused():
        return _lint_project(paths, scope_of, force_exclude)


def _lint_project(paths: list[Path], scope_of: ScopeOf, force_exclude: bool) -> LintResult:
    by_scope: dict[Scope, LintResult] = {}
    seen: set[Path] = set()
    for path, scope in discover(paths, scope_of, force_exclude):
        key = path.resolve()
        if key in seen or not uses_flowc(path):
            continue
        seen.add(key)
        _lint_one(path, by_scope.setdefault(scope, LintResult()))
    result = LintResult()
    for scope, found in by_scope.items():
        _select(found, scope.enabled, result)
    result.diagnostics = sort_diagnostics(result.diagnostics)
    return result


def _select(found: LintResult, enabled: frozenset[str], into: LintResult) -> None:
    """Add to `into` what `found` holds, suppressions applied and only the `enabled` codes."""
    from flowc.compiler.suppress import apply_suppressions  # `compile` imports this module too

    kept = apply_suppressions(found.diagnostics, found.sources, enabled, set(found.files))
    into.diagnostics.extend(d for d in kept if d.code in enabled)
    into.files.extend(found.files)
    for module_path, text in found.sources.items():
        into.sources.setdefault(module_path, text)


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
