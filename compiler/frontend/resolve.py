"""Name resolution across project modules, constant folding, and annotations → types.

Everything is static: a name is followed through `import`s to the module that defines it,
whose source is read, never imported.
"""

from __future__ import annotations

import ast
import importlib.util
import math
import operator
import os
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from flowc.compiler import types as t
from flowc.compiler.diagnostics import Diagnostic
from flowc.compiler.frontend.modules import Import, Module, Project
from flowc.compiler.frozen import frozen
from flowc.compiler.rules import diagnostic

RefKind = Literal["step", "flow", "function", "class", "constant", "module", "flowc", "typing"]


@frozen
class Ref:
    """A module-level name, found in the module that defines it."""

    module: Module
    name: str
    kind: RefKind


@frozen
class External:
    """A name imported from a module outside the project (installed, or missing)."""

    module: str
    installed: bool


class ResolutionFailed(Exception):
    """An import could not be followed; the reason is already reported."""


class NotConstant(Exception):
    def __init__(self, node: ast.AST) -> None:
        super().__init__()
        self.node = node


class NonStringKey(NotConstant):
    """A literal dict with a key that is not a string: a literal, but not a JSON object."""


class Unsupported(Exception):
    def __init__(self, node: ast.AST, detail: str) -> None:
        super().__init__(detail)
        self.node = node
        self.detail = detail


def display_path(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


class Resolver:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.diagnostics: list[Diagnostic] = []
        self._reported: set[tuple[str, str]] = set()

    def lookup(self, module: Module, name: str) -> Ref | External | None:
        """What `name` means at module level of `module`; None when it is not bound there or
        when following its import failed (already reported: see `import_failed`)."""
        try:
            return self._lookup(module, name, frozenset())
        except ResolutionFailed:
            return None

    def attribute(self, module: Module, attr: str) -> Ref | External | None:
        """`module.attr`: a module-level name, or a submodule of a package."""
        try:
            return self._attribute(module, attr, frozenset())
        except ResolutionFailed:
            return None

    def import_failed(self, module: Module, name: str) -> bool:
        """Whether `name` is imported from a project module that could not be followed."""
        return name in module.imports and self.lookup(module, name) is None

    def _lookup(self, module: Module, name: str, stack: frozenset[str]) -> Ref | External | None:
        # The last `def` or `class` wins, as in Python; constants must be bound exactly once.
        if name in module.functions:
            kind = module.decorator_kind(module.functions[name])
            return Ref(module, name, kind[0] if kind else "function")  # type: ignore[arg-type]
        if name in module.classes:
            return Ref(module, name, "class")
        if name in module.constants and name not in module.reassigned:
            return Ref(module, name, "constant")
        if name in module.flowc_names or name in module.flowc_modules:
            return Ref(module, name, "flowc")
        if name in module.typing_names or name in module.typing_modules:
            return Ref(module, name, "typing")
        if name in module.imports:
            return self._follow(module, name, stack)
        for star in module.stars:
            found = self._from_star(module, star, name, stack)
            if found is not None:
                return found
        return None

    def _from_star(self, module: Module, star: Import, name: str, stack: frozenset[str]) -> Ref | None:
        """`name` as `from mod import *` binds it: a public name of a project module, or one in
        its `__all__`. A module outside the project binds nothing flowc can see."""
        path = self.project.find(star.module, star.level, module)
        target = self.load(path) if path is not None else None
        key = f"{path}:*{name}"
        if target is None or key in stack or not _star_binds(target, name):
            return None
        found = self._lookup(target, name, stack | {key})
        return found if isinstance(found, Ref) else None

    def _follow(self, module: Module, name: str, stack: frozenset[str]) -> Ref | External | None:
        imp = module.imports[name]
        path = self.project.find(imp.module, imp.level, module)
        if path is None:
            top = imp.module.partition(".")[0]
            return External(imp.module or ".", bool(top) and imp.level == 0 and _installed(top))
        target = self.load(path)
        if target is None:
            raise ResolutionFailed  # the module does not parse: reported as FC001/FC002
        if imp.attr is None:
            return Ref(target, "", "module")
        if target.path == module.path:
            # `from . import steps` in a package's own `__init__`: Python imports the submodule
            submodule = self._submodule(target, imp.attr)
            if submodule is None:
                self._report_once("FC006", module, imp.node, module=target.name, name=imp.attr)
                raise ResolutionFailed
            return submodule
        key = f"{target.path}:{imp.attr}"
        if key in stack:
            self._report_once("FC007", module, imp.node, module=target.name, name=imp.attr)
            raise ResolutionFailed
        found = self._attribute(target, imp.attr, stack | {key})
        if found is None:
            self._report_once("FC006", module, imp.node, module=target.name, name=imp.attr)
            raise ResolutionFailed
        return found

    def _attribute(self, module: Module, attr: str, stack: frozenset[str]) -> Ref | External | None:
        found = self._lookup(module, attr, stack)
        return found if found is not None else self._submodule(module, attr)

    def _submodule(self, package: Module, name: str) -> Ref | None:
        """The submodule `name` of `package` (an `__init__.py`), when the project has it."""
        if not package.path.endswith("__init__.py"):
            return None
        sub = self.project.find(name, 1, package)
        loaded = self.load(sub) if sub is not None else None
        return Ref(loaded, "", "module") if loaded is not None else None

    def load(self, path: Path) -> Module | None:
        loaded = self.project.load_path(path, self.project.module_name(path), display_path(path))
        if isinstance(loaded, Diagnostic):
            if loaded not in self.diagnostics:
                self.diagnostics.append(loaded)
            return None
        return loaded

    def resolve_expr(self, module: Module, node: ast.expr) -> Ref | External | None:
        """Resolve a `Name` or dotted `Attribute` chain to what it denotes."""
        if isinstance(node, ast.Name):
            return self.lookup(module, node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve_expr(module, node.value)
            if isinstance(base, Ref) and base.kind == "module":
                return self.attribute(base.module, node.attr)
            if isinstance(base, External):
                return External(f"{base.module}.{node.attr}", base.installed)
        return None

    def _report_once(self, code: str, module: Module, node: ast.AST, /, **fields: object) -> None:
        key = (code, f"{module.path}:{getattr(node, 'lineno', 0)}:{fields}")
        if key not in self._reported:
            self._reported.add(key)
            self.diagnostics.append(diagnostic(code, module.span(node), **fields))


def _star_binds(module: Module, name: str) -> bool:
    """Whether `from module import *` binds `name`: listed in `__all__`, or public."""
    exported = module.constants.get("__all__")
    if isinstance(exported, (ast.List, ast.Tuple)):
        return any(isinstance(e, ast.Constant) and e.value == name for e in exported.elts)
    return not name.startswith("_")


def _installed(top: str) -> bool:
    """Whether a top-level package is installed, found without importing it."""
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


# --- constant folding --------------------------------------------------------------------

_MAX_INT = 2**256
_MAX_LEN = 100_000
_BINOPS: dict[type[ast.operator], Callable[[t.JsonValue, t.JsonValue], t.JsonValue]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}


class Folder:
    """Evaluates literal expressions and module constants without running user code."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._active: set[tuple[str, str]] = set()

    def fold(self, module: Module, node: ast.expr) -> t.JsonValue:
        if isinstance(node, ast.Constant):
            return _constant(node)
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.fold(module, e) for e in node.elts]
        if isinstance(node, ast.Dict):
            return self._dict(module, node)
        if isinstance(node, (ast.Name, ast.Attribute)):
            return self._name(module, node)
        if isinstance(node, ast.UnaryOp):
            return _unary(node, self.fold(module, node.operand))
        if isinstance(node, ast.BinOp):
            return _binop(node, self.fold(module, node.left), self.fold(module, node.right))
        if isinstance(node, ast.JoinedStr):
            return "".join(self._fstring_part(module, v) for v in node.values)
        if isinstance(node, ast.FormattedValue):
            return self.fold_formatted(module, node)
        raise NotConstant(node)

    def _dict(self, module: Module, node: ast.Dict) -> dict[str, t.JsonValue]:
        out: dict[str, t.JsonValue] = {}
        for k, v in zip(node.keys, node.values, strict=True):
            if k is None:
                raise NotConstant(v)  # `**other`
            key = self.fold(module, k)
            if not isinstance(key, str):
                raise NonStringKey(k)
            out[key] = self.fold(module, v)
        return out

    def _name(self, module: Module, node: ast.Name | ast.Attribute) -> t.JsonValue:
        ref = self.resolver.resolve_expr(module, node)
        if not isinstance(ref, Ref) or ref.kind != "constant":
            raise NotConstant(node)
        key = (ref.module.path, ref.name)
        if key in self._active:
            raise NotConstant(node)
        self._active.add(key)
        try:
            return self.fold(ref.module, ref.module.constants[ref.name])
        except NotConstant as exc:
            raise NotConstant(node) from exc
        finally:
            self._active.discard(key)

    def _fstring_part(self, module: Module, part: ast.expr) -> str:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            return part.value
        if not isinstance(part, ast.FormattedValue):
            raise NotConstant(part)
        return self.fold_formatted(module, part)

    def fold_formatted(self, module: Module, part: ast.FormattedValue) -> str:
        """One `{value!conv:spec}` of an f-string over constants."""
        value = self.fold(module, part.value)
        spec = self.fold(module, part.format_spec) if part.format_spec is not None else ""
        conversions: dict[int, Callable[[object], str]] = {115: str, 114: repr, 97: ascii}
        conv = conversions.get(part.conversion)
        try:
            return format(conv(value) if conv else value, str(spec))
        except (ValueError, TypeError) as exc:
            raise NotConstant(part.value) from exc  # `part` is placed differently by Python 3.11 and 3.12+


def _constant(node: ast.Constant) -> t.JsonValue:
    value = node.value
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    raise NotConstant(node)


def _unary(node: ast.UnaryOp, value: t.JsonValue) -> t.JsonValue:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(node.op, ast.USub):
            return -value
        if isinstance(node.op, ast.UAdd):
            return value
    if isinstance(node.op, ast.Not):
        return not value
    raise NotConstant(node)


def _binop(node: ast.BinOp, left: t.JsonValue, right: t.JsonValue) -> t.JsonValue:
    op = _BINOPS.get(type(node.op))
    if op is None or not _safe_operands(node.op, left, right):
        raise NotConstant(node)
    try:
        result = op(left, right)
    except (ArithmeticError, TypeError, ValueError) as exc:
        raise NotConstant(node) from exc
    if isinstance(result, float) and not math.isfinite(result):
        raise NotConstant(node)
    if isinstance(result, int) and abs(result) >= _MAX_INT:
        raise NotConstant(node)
    return result


def _safe_operands(op: ast.operator, left: t.JsonValue, right: t.JsonValue) -> bool:
    """Refuse operations that could take unbounded time or memory (`9**9**9`, `"a" * 10**9`)."""

    def num(v: t.JsonValue) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    if isinstance(op, ast.Pow):
        return num(left) and num(right) and abs(right) <= 256  # type: ignore[arg-type]
    if isinstance(op, ast.Mult) and isinstance(left, (str, list)) != isinstance(right, (str, list)):
        seq, count = (left, right) if isinstance(left, (str, list)) else (right, left)
        return isinstance(count, int) and len(seq) * max(count, 0) <= _MAX_LEN  # type: ignore[arg-type]
    if isinstance(op, ast.Add) and isinstance(left, (str, list)):
        return True
    return num(left) and num(right)


# --- annotations → types -------------------------------------------------------------------

_SCALAR_NAMES = {"str", "int", "float", "bool"}


class TypeReader:
    """Turns annotation expressions into `types.Type`, following imports for NamedTuples."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._named: dict[tuple[str, str], t.NamedTupleT] = {}
        self._aliases: set[tuple[str, str]] = set()  # being read: an alias of itself is refused

    def read(
        self, module: Module, node: ast.expr, *, allow_named: bool = False, allow_tuple: bool = False
    ) -> t.Type:
        if isinstance(node, ast.Constant):
            return self._constant(module, node, allow_named, allow_tuple)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return _union([self.read(module, node.left), self.read(module, node.right)], node)
        if isinstance(node, ast.Subscript):
            return self._generic(module, node, allow_tuple)
        if isinstance(node, (ast.Name, ast.Attribute)):
            return self._named_type(module, node, allow_named)
        raise Unsupported(
            node,
            "use str, int, float, bool, list[T], dict[str, T], Optional[T], Literal[...], Any or an artifact type",
        )

    def _constant(self, module: Module, node: ast.Constant, allow_named: bool, allow_tuple: bool) -> t.Type:
        if node.value is None:
            return t.NONE
        if isinstance(node.value, str):  # a string annotation: "Dataset"
            try:
                inner = ast.parse(node.value, mode="eval").body
            except SyntaxError as exc:
                raise Unsupported(node, "the string annotation does not parse") from exc
            ast.copy_location(inner, node)
            for sub in ast.walk(inner):
                ast.copy_location(sub, node)
            return self.read(module, inner, allow_named=allow_named, allow_tuple=allow_tuple)
        raise Unsupported(node, "annotations are types, not values")

    def _named_type(self, module: Module, node: ast.Name | ast.Attribute, allow_named: bool) -> t.Type:
        flowc_name = module.flowc_name(node)
        if flowc_name in t.ARTIFACT_KINDS:
            return t.ArtifactT(flowc_name)
        if flowc_name == "RunStatus":
            return t.RunStatusT()
        typing_name = module.typing_name(node)
        if typing_name == "Any":
            return t.ANY
        if typing_name in ("List", "Dict"):
            return t.ListT(t.ANY) if typing_name == "List" else t.DictT(t.ANY)
        if (
            isinstance(node, ast.Name)
            and node.id in _SCALAR_NAMES
            and self.resolver.lookup(module, node.id) is None
        ):
            return t.Scalar(node.id)  # type: ignore[arg-type]
        if isinstance(node, ast.Name) and node.id in ("list", "dict"):
            return t.ListT(t.ANY) if node.id == "list" else t.DictT(t.ANY)
        ref = self.resolver.resolve_expr(module, node)
        if isinstance(ref, Ref) and ref.kind == "constant":
            return self._alias(ref, node, allow_named)
        if isinstance(ref, Ref) and ref.kind == "class" and self._is_namedtuple(ref):
            if not allow_named:
                raise Unsupported(node, "a NamedTuple is only valid as a step's return type")
            return self._namedtuple(ref)
        raise Unsupported(node, "pass it between steps as an artifact (e.g. Dataset) or a JSON-like type")

    def _alias(self, ref: Ref, node: ast.expr, allow_named: bool) -> t.Type:
        """A type alias, `Scores = list[float]` (or `Scores: TypeAlias = ...`): its value read
        as an annotation, in its own module."""
        key = (ref.module.path, ref.name)
        if key in self._aliases:
            raise Unsupported(node, "a type alias that refers to itself")
        self._aliases.add(key)
        try:
            return self.read(ref.module, ref.module.constants[ref.name], allow_named=allow_named)
        except Unsupported as exc:
            raise Unsupported(node, f"it is an alias of `{ast.unparse(exc.node)}`: {exc.detail}") from exc
        finally:
            self._aliases.discard(key)

    def _generic(self, module: Module, node: ast.Subscript, allow_tuple: bool) -> t.Type:
        head = node.value
        name = module.typing_name(head) or (head.id if isinstance(head, ast.Name) else None)
        args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if name in ("list", "List", "Sequence") and len(args) == 1:
            return t.ListT(self.read(module, args[0]))
        if name in ("dict", "Dict", "Mapping") and len(args) == 2:
            if not (isinstance(args[0], ast.Name) and args[0].id == "str"):
                raise Unsupported(args[0], "dict keys must be str (values travel as JSON)")
            return t.DictT(self.read(module, args[1]))
        if name == "Optional" and len(args) == 1:
            return _union([self.read(module, args[0]), t.NONE], node)
        if name == "Union":
            return _union([self.read(module, a) for a in args], node)
        if name == "Literal":
            return t.LiteralT(tuple(_literal_value(a) for a in args))
        if name in ("tuple", "Tuple") and allow_tuple:
            return t.TupleT(tuple(self.read(module, a) for a in args))
        raise Unsupported(node, "use list[T], dict[str, T], Optional[T] or Literal[...]")

    def _is_namedtuple(self, ref: Ref) -> bool:
        cls = ref.module.classes[ref.name]
        return any(ref.module.typing_name(b) == "NamedTuple" for b in cls.bases)

    def _namedtuple(self, ref: Ref) -> t.NamedTupleT:
        key = (ref.module.path, ref.name)
        if key not in self._named:
            cls = ref.module.classes[ref.name]
            fields = tuple(
                (stmt.target.id, self.read(ref.module, stmt.annotation))
                for stmt in cls.body
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
            )
            self._named[key] = t.NamedTupleT(ref.name, fields)
        return self._named[key]


def _union(members: list[t.Type], node: ast.AST) -> t.Type:
    others = [m for m in members if m != t.NONE]
    if len(others) == 1 and len(members) == 2:
        return t.OptionalT(others[0])
    if len(others) == 1:
        return others[0]
    raise Unsupported(node, "unions other than Optional[T] (T | None) cannot be passed between steps")


def _literal_value(node: ast.expr) -> t.LiteralValue:
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, (str, int, bool))):
        return node.value
    if (
        (
            isinstance(node, ast.UnaryOp)
            and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant)
        )
        and isinstance(node.operand.value, int)
        and not isinstance(node.operand.value, bool)
    ):
        return -node.operand.value
    raise Unsupported(node, "Literal values must be str, int, bool or None literals")
