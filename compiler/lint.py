"""`flowc lint`'s engine: find flow files, load each, suppress, select, collect.

Pure apart from reading files: returns diagnostics and sources; rendering is the CLI's job.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from flowc.compiler.batch import collector_paused
from flowc.compiler.diagnostics import Diagnostic, FlowcError, Span, path_error, sort_diagnostics
from flowc.compiler.frontend.encoding import decode_source
from flowc.compiler.frontend.loader import load_file
from flowc.compiler.frontend.modules import path_mode, read_regular
from flowc.compiler.frontend.resolve import display_path
from flowc.compiler.frozen import frozen
from flowc.compiler.rules import diagnostic
from flowc.compiler.shipping import shipping_diagnostics

# A statement can import flowc only if it names both flowc and `import` or `from` on one line
# (once `\` continuations are joined). Loose on purpose: a false match only costs a parse,
# while a flow file skipped would pass unchecked; and linear, whatever the file holds.
_FLOWC = re.compile(r"\bflowc\b")
_IMPORT = re.compile(r"\b(?:import|from)\b")
_CONTINUATION = re.compile(r"\\(?:\r\n|\r|\n)")
_STATEMENT_END = re.compile(r"[\r\n;]")  # Python's line ends, and `;`
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
    """Python files under `paths` with their Scope, in a stable order. A missing path, one that
    cannot be looked at, and a named file that is not a regular file are usage errors. Files
    named in `paths` are kept even when excluded (ruff's rule: naming a file asks for it)
    unless `force_exclude`: pre-commit names every file it checks."""
    for path in paths:
        mode = path_mode(path)
        if mode is None:
            raise FlowcError(f"{path}: no such file or directory")
        if stat.S_ISDIR(mode):
            where = path.resolve()
            if not (force_exclude and _excluded(where, scope_of(where))):
                yield from _walk(path, where, scope_of)
        elif path.suffix in _PYTHON_SUFFIXES:  # pre-commit may pass any file; only Python is ours
            if not stat.S_ISREG(mode):  # a FIFO would hang the read, /dev/zero never end it
                raise FlowcError(f"{path}: not a regular file")
            where = path.parent.resolve()  # not the file's own link: it is governed by where it is
            scope = scope_of(where)
            if not (force_exclude and _excluded(where / path.name, scope)):
                yield path, scope


def _walk(root: Path, where: Path, scope_of: ScopeOf) -> Iterator[tuple[Path, Scope]]:
    # links to folders are not followed, so `here` has no links either
    for dirpath, dirnames, filenames in os.walk(root, onerror=_unreadable):
        here = where / os.path.relpath(dirpath, root)
        dirnames[:] = sorted(
            d for d in dirnames if _walked(d) and not _excluded(here / d, scope_of(here / d))
        )
        scope = scope_of(here)
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if name.endswith(".py") and _source_file(path) and not _excluded(here / name, scope):
                yield path, scope


def _unreadable(exc: OSError) -> None:
    """A folder of the tree that cannot be listed stops the run (exit 2), rather than being
    passed over: its flows would go unchecked, and as a diagnostic it could be ignored or
    `--exit-zero`ed into a pass."""
    raise path_error(exc.filename, exc) from None


def _source_file(path: Path) -> bool:
    """Whether a file found in a walk can be a source file: FIFOs, sockets and devices are not
    (reading one may never end). One that cannot be looked at (a broken link) is kept, so that
    the loader reports why it cannot be read."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return True


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
        data = read_regular(path)
    except OSError:
        return True  # let the loader report why it cannot be read
    text = _text(data)
    return _imports_flowc(text) or (not text.isascii() and _imports_flowc(_identifiers(text)))


def _imports_flowc(text: str) -> bool:
    if _FLOWC.search(text) is None:  # most files never name flowc: one pass decides
        return False
    statements = _STATEMENT_END.split(_CONTINUATION.sub(" ", text))
    return any(_FLOWC.search(s) and _IMPORT.search(s) for s in statements)


def _text(data: bytes) -> str:
    """The file decoded as Python decodes it. One Python cannot read (FC001, FC002) is a flow
    file if it reads as one: in UTF-16 or UTF-32 once its zero bytes go, in any other encoding
    based on ASCII as Latin-1."""
    decoded = decode_source(data, "")
    return (decoded if isinstance(decoded, str) else data.decode("latin-1")).replace("\0", "")


def _identifiers(text: str) -> str:
    """`text` with identifiers as Python reads them: NFKC-normalised, so that `import` of a
    fullwidth `flowc` imports flowc."""
    import unicodedata  # only a non-ASCII file that names no flowc pays for it

    return unicodedata.normalize("NFKC", text)


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
