"""Reading modules statically: parse once, index module-level names, resolve imports.

A `Module` knows its flowc and typing aliases, its constants, steps, flows, NamedTuple
classes and imports. A `Project` finds the modules a flow imports under the search roots
(the flow file's directory, the project root, `src/`) without executing anything.
"""

from __future__ import annotations

import ast
import errno
import functools
import os
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from flowc.compiler.diagnostics import Diagnostic, Span, path_error, source_lines
from flowc.compiler.frontend.encoding import decode_source
from flowc.compiler.rules import diagnostic

FLOWC_EXPORTS = frozenset(
    {
        "step",
        "flow",
        "Artifact",
        "Dataset",
        "Model",
        "Metrics",
        "HTML",
        "Markdown",
        "Retry",
        "RunStatus",
        "parallel",
        "after",
    }
)
TYPING_MODULES = frozenset({"typing", "typing_extensions"})
# what `from typing import *` binds among the names flowc reads in annotations
_TYPING_STAR = frozenset(
    {"Any", "Optional", "Union", "List", "Dict", "Literal", "NamedTuple", "Sequence", "Mapping", "Tuple"}
)
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def span_of(node: ast.AST, path: str) -> Span:
    try:
        line, col = node.lineno, node.col_offset + 1  # type: ignore[attr-defined]
    except AttributeError:  # nodes without a position (e.g. `ast.arguments`)
        return Span(path, 1, 1, 1, 1)
    end_line = getattr(node, "end_lineno", None) or line
    end_col = (getattr(node, "end_col_offset", None) or col - 1) + 1
    return Span(path, line, col, end_line, end_col)


@dataclass
class Import:
    """An import statement's target, as written."""

    module: str  # as written, without the leading dots
    level: int  # relative-import dots
    attr: str | None  # None for `import a.b as c`
    node: ast.AST


@dataclass
class Module:
    """A parsed module and its index of module-level names."""

    name: str
    path: str
    text: str
    tree: ast.Module
    flowc_names: dict[str, str] = field(default_factory=dict)  # local alias → flowc export
    flowc_modules: set[str] = field(default_factory=set)  # aliases of `import flowc`
    typing_names: dict[str, str] = field(default_factory=dict)
    typing_modules: set[str] = field(default_factory=set)
    constants: dict[str, ast.expr] = field(default_factory=dict)
    reassigned: set[str] = field(default_factory=set)
    functions: dict[str, FunctionNode] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    imports: dict[str, Import] = field(default_factory=dict)
    stars: list[Import] = field(default_factory=list)  # `from mod import *` of other modules
    nested_decorated: list[tuple[FunctionNode, str]] = field(default_factory=list)
    redefined: list[tuple[ast.stmt, int]] = field(default_factory=list)  # (def, first line)
    _lines: list[str] = field(default_factory=list, repr=False)

    def span(self, node: ast.AST) -> Span:
        span = span_of(node, self.path)
        if self.text.isascii():
            return span
        # ast counts columns in UTF-8 bytes; diagnostics count characters
        return Span(
            span.path,
            span.line,
            self._chars(span.line, span.col),
            span.end_line,
            self._chars(span.end_line, span.end_col),
        )

    def _chars(self, line: int, byte_col: int) -> int:
        if not self._lines:
            self._lines = source_lines(self.text)
        if not 1 <= line <= len(self._lines):
            return byte_col
        prefix = self._lines[line - 1].encode("utf-8")[: byte_col - 1]
        return len(prefix.decode("utf-8", errors="ignore")) + 1

    def flowc_name(self, node: ast.expr) -> str | None:
        """Which flowc export an expression names (`step`, `fc.step`, aliases), if any."""
        if isinstance(node, ast.Name):
            return self.flowc_names.get(node.id)
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            return None
        return node.attr if node.value.id in self.flowc_modules and node.attr in FLOWC_EXPORTS else None

    def typing_name(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.typing_names.get(node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return node.attr if node.value.id in self.typing_modules else None
        return None

    def decorator_kind(self, fn: FunctionNode) -> tuple[str, ast.expr] | None:
        """("step" | "flow", decorator node) for a flowc-decorated function."""
        for deco in fn.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            kind = self.flowc_name(target)
            if kind in ("step", "flow"):
                return kind, deco
        return None

    def is_step(self, name: str) -> bool:
        fn = self.functions.get(name)
        return fn is not None and (self.decorator_kind(fn) or ("", None))[0] == "step"

    def is_flow(self, name: str) -> bool:
        fn = self.functions.get(name)
        return fn is not None and (self.decorator_kind(fn) or ("", None))[0] == "flow"

    @property
    def uses_flowc(self) -> bool:
        return bool(self.flowc_names or self.flowc_modules)


@functools.lru_cache(maxsize=64)
def parse_source(text: str, path: str) -> ast.Module:
    """Parse once per text: lint and compile read a module's tree in the frontend and again to
    ship its steps. Callers must not mutate the tree. The tree is compiled too (not run), for
    the errors only the compiler finds (`f(a=1, a=2)`, `return` outside a function), which
    Python would raise on import; its warnings are not the module's problems to print here."""
    tree = ast.parse(text, filename=path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compile(tree, path, "exec", dont_inherit=True)
    return tree


def parse_module(name: str, path: str, text: str) -> Module | Diagnostic:
    try:
        tree = parse_source(text, path)
    except SyntaxError as exc:
        line, col = exc.lineno or 1, exc.offset or 1
        end_line, end_col = exc.end_lineno or line, exc.end_offset or col
        end_line, end_col = max((end_line, end_col), (line, col))
        span = Span(path, line, max(col, 1), end_line, max(end_col, 1))
        return diagnostic("FC001", span, detail=exc.msg)
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, absurd nesting
        return diagnostic("FC001", Span.file(path), detail=str(exc) or type(exc).__name__)
    module = Module(name, path, text, tree)
    _index(module)
    return module


def _index(module: Module) -> None:
    seen: set[str] = set()
    for stmt in module.tree.body:
        _index_stmt(module, stmt, seen)
    _find_nested(module, module.tree, top=True)


def _index_stmt(module: Module, stmt: ast.stmt, seen: set[str]) -> None:
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            _record_import(module, alias.asname or alias.name.partition(".")[0], alias, stmt, seen)
    elif isinstance(stmt, ast.ImportFrom):
        for alias in stmt.names:
            _record_from(module, stmt, alias, seen)
    elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        _bind(module, stmt.name, seen)
        if stmt.name in module.functions:
            module.redefined.append((stmt, module.functions[stmt.name].lineno))
        module.functions[stmt.name] = stmt
    elif isinstance(stmt, ast.ClassDef):
        _bind(module, stmt.name, seen)
        module.classes[stmt.name] = stmt
    elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        _record_assignment(module, stmt, seen)
    else:
        _record_conditional(module, stmt)


def _record_conditional(module: Module, stmt: ast.stmt) -> None:
    """`if TYPE_CHECKING:`, `try: import` …: names bound there are not constants."""
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            module.reassigned.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            module.reassigned.update(a.asname or a.name.partition(".")[0] for a in node.names)


def _bind(module: Module, name: str, seen: set[str]) -> None:
    if name in seen:
        module.reassigned.add(name)
    seen.add(name)


def _record_import(module: Module, local: str, alias: ast.alias, stmt: ast.Import, seen: set[str]) -> None:
    _bind(module, local, seen)
    if alias.name == "flowc":
        module.flowc_modules.add(local)
    elif alias.name in TYPING_MODULES:
        module.typing_modules.add(local)
    else:
        # `import a.b` binds `a`; `import a.b as c` binds c → a.b
        target = alias.name if alias.asname else alias.name.partition(".")[0]
        module.imports[local] = Import(target, 0, None, stmt)


def _record_from(module: Module, stmt: ast.ImportFrom, alias: ast.alias, seen: set[str]) -> None:
    local = alias.asname or alias.name
    if alias.name == "*":
        _record_star(module, stmt, seen)
        return
    _bind(module, local, seen)
    source = stmt.module or ""
    if stmt.level == 0 and source == "flowc" and alias.name in FLOWC_EXPORTS:
        module.flowc_names[local] = alias.name
    elif stmt.level == 0 and source in TYPING_MODULES:
        module.typing_names[local] = alias.name
    else:
        module.imports[local] = Import(source, stmt.level, alias.name, alias)  # located at the name


def _record_star(module: Module, stmt: ast.ImportFrom, seen: set[str]) -> None:
    """`from flowc import *` and `from typing import *` bind the names flowc reads from them;
    other star imports are searched when a name is not bound otherwise (`Resolver`)."""
    source = stmt.module or ""
    names = {"flowc": FLOWC_EXPORTS, **dict.fromkeys(TYPING_MODULES, _TYPING_STAR)}.get(source)
    if stmt.level or names is None:
        module.stars.append(Import(source, stmt.level, "*", stmt))
        return
    table = module.flowc_names if source == "flowc" else module.typing_names
    for name in sorted(names):
        _bind(module, name, seen)
        table[name] = name


def _record_assignment(
    module: Module, stmt: ast.Assign | ast.AnnAssign | ast.AugAssign, seen: set[str]
) -> None:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    value = stmt.value
    for target in targets:
        if isinstance(target, ast.Name) and not isinstance(stmt, ast.AugAssign):
            _bind(module, target.id, seen)
            if value is not None:
                module.constants[target.id] = value
            continue
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                module.reassigned.add(node.id)
                seen.add(node.id)


def _find_nested(module: Module, node: ast.AST, top: bool) -> None:
    """Steps and flows defined inside functions or classes, which flowc cannot use."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and not top:
            kind = module.decorator_kind(child)
            if kind is not None:
                module.nested_decorated.append((child, kind[0]))
        if isinstance(
            child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.Try, ast.With)
        ):
            _find_nested(module, child, top=False)


class Project:
    """Finds and caches project modules by dotted name under the search roots."""

    def __init__(self, roots: tuple[Path, ...]) -> None:
        self.roots = roots
        self._by_path: dict[Path, Module | Diagnostic] = {}

    @staticmethod
    def for_file(path: Path) -> Project:
        here = path.resolve().parent
        root = next((d for d in (here, *here.parents) if (d / "pyproject.toml").is_file()), None)
        package_root = here
        while (package_root / "__init__.py").is_file() and package_root.parent != package_root:
            package_root = package_root.parent  # a module of a package imports from above the package
        roots = [here, package_root]
        if root is not None:
            roots += [root, root / "src"]
        return Project(tuple(dict.fromkeys(r for r in roots if r.is_dir())))

    def load_path(self, path: Path, name: str, display: str) -> Module | Diagnostic:
        key = path.resolve()
        if key not in self._by_path:
            self._by_path[key] = _read(key, name, display)
        return self._by_path[key]

    def modules(self) -> list[Module]:
        return [m for m in self._by_path.values() if isinstance(m, Module)]

    def find(self, dotted: str, level: int, importer: Module) -> Path | None:
        """The file of module `dotted` imported from `importer`, or None outside the project."""
        parts = [p for p in dotted.split(".") if p]
        if level:
            base = Path(importer.path).resolve().parent
            for _ in range(level - 1):
                base = base.parent
            return _module_file(base, parts)
        return next((f for r in self.roots if (f := _module_file(r, parts)) is not None), None)

    def module_name(self, path: Path) -> str:
        resolved = path.resolve()
        # the innermost root that holds the file: `src/pkg/m.py` is `pkg.m`, not `src.pkg.m`
        for root in sorted(self.roots, key=lambda r: len(r.parts), reverse=True):
            if resolved.is_relative_to(root):
                rel = resolved.relative_to(root).with_suffix("")
                parts = [p for p in rel.parts if p != "__init__"]
                return ".".join(parts) or resolved.stem
        return resolved.stem


def _module_file(base: Path, parts: list[str]) -> Path | None:
    if not parts:
        init = base / "__init__.py"
        return init if _visible(init) else None
    target = base.joinpath(*parts)
    for candidate in (target.with_suffix(".py"), target / "__init__.py"):
        if _visible(candidate):
            return candidate
    return None


def _visible(path: Path) -> bool:
    """Whether Python's import system would find the module file `path`: one it cannot look at
    (a name too long, a folder it may not search) it passes over, as it does a missing one."""
    try:
        return path.is_file()
    except OSError:
        return False


def path_mode(path: Path) -> int | None:
    """The type and mode of a path the user named, None when there is nothing there; one that
    cannot be looked at (a folder that may not be searched, a name too long) is a usage error
    naming it."""
    try:
        return path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise path_error(path, exc) from None


def read_regular(path: Path) -> bytes:
    """The bytes of `path`, which must be a regular file: reading a FIFO waits for a writer
    forever and a device like /dev/zero never ends, so those are an OSError like any file that
    cannot be read. Opened without blocking (which a FIFO would), then checked, so nothing can
    swap the file in between."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    with open(os.open(path, flags), "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", os.fspath(path))
        return file.read()


def read_source(path: Path, display: str) -> str | Diagnostic:
    """A module's text, decoded as Python would (its BOM or `# coding:` declaration)."""
    try:
        data = read_regular(path)
    except OSError as exc:
        return diagnostic("FC002", Span.file(display), detail=str(exc))
    return decode_source(data, display)


def _read(path: Path, name: str, display: str) -> Module | Diagnostic:
    text = read_source(path, display)
    return text if isinstance(text, Diagnostic) else parse_module(name, display, text)
