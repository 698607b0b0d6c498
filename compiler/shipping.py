"""Step shipping: each step becomes a self-contained Python script, shared by every target.

A script is the step's *closure* — the module-level imports, helpers, classes and constants it
reads, found statically and transitively, across project modules imported by name — followed
by the step function without its `@step` decorator, after a stdlib-only runtime cut to what
this step needs (`shipping_runtime`): decoding only for the types of its parameters, artifact
handling only for artifacts, flowc's names only when its code uses them, as stand-ins (nothing
of flowc is needed in the image). Every byte counts: Argo repeats the script in each template
and stores the whole workflow as one object of at most ~1 MiB. The layout: a one-line header,
the runtime (no comments, no blank lines), the user's code verbatim, the call of the step with
its interface as literals. `value_reader` gives other generated scripts the same decoding.

The runtime contract every target relies on (implemented by `shipping_runtime.TEMPLATE`):

- A value parameter `p` arrives as text in the environment variable `FLOWC_IN_<p>`; when it is
  absent the argument is not passed and the Python default applies. Its text form is
  `encode_value`: str-like types (`str`, a `Literal` of strings, `RunStatus`) as they are,
  `None` of an `Optional[T]` as `null`, any other `Optional[T]` value as T's text, anything
  else as JSON. Decoding is lenient the way engines need: items of lists and dicts that arrive
  as strings are decoded again (Argo collects fanned-in outputs as a JSON list of texts), an
  integral float is an `int` where one is declared (KFP hands collected ints back as floats),
  and `Any` keeps text that is not JSON. A missing required value or an undecodable text exits
  non-zero with a message naming the input (`flowc: input …`).
- A parameter whose type holds an artifact arrives as the path `$FLOWC_INPUTS_DIR/<p>`
  (default `/tmp/flowc/inputs`), a `pathlib.Path`; a `list`/`dict` of artifacts is a directory
  whose entries are named by index (`0`, `1`, …) or key. A missing `Optional` artifact is `None`.
- Outputs go to `$FLOWC_OUTPUTS_DIR/<name>` (default `/tmp/flowc/outputs`): one output named
  `output`, or one per field of a NamedTuple return. A value output is written in its text
  form (JSON compact with sorted keys, NaN refused, numpy values through `tolist()`); an
  artifact output is the path the step returned, copied there (a directory stays a directory).
  With `ScriptParts.result_runtime` (a target's choice, for one output whose text is always
  JSON) that text goes to the process's standard output instead, and everything else the
  process writes there goes to standard error.
- A failing step prints its traceback and exits non-zero. Values are never put into code.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from flowc.compiler import ir
from flowc.compiler import types as t
from flowc.compiler.diagnostics import Diagnostic, Span, sort_diagnostics
from flowc.compiler.frontend.modules import FLOWC_EXPORTS, Module, Project, parse_module, read_source
from flowc.compiler.frontend.resolve import display_path
from flowc.compiler.frozen import frozen
from flowc.compiler.rules import diagnostic

ENV_PREFIX = "FLOWC_IN_"
INPUTS_DIR = "/tmp/flowc/inputs"
OUTPUTS_DIR = "/tmp/flowc/outputs"

Descriptor = dict[str, t.JsonValue]


@frozen
class ScriptParts:
    """A script in the pieces `Script.source` joins, for a target that ships the runtime once
    for every step that needs the same one (`linked`)."""

    future: str  # `from __future__ import annotations` (it must come first), or ""
    runtime: str  # flowc's runtime as this step needs it: imports and helpers, "" for none
    setup: str  # what runs before the user's code: stand-ins, package installs
    user: str  # the user's code, verbatim
    call: str  # the call of the step, its interface as literals
    # `runtime` writing the step's one value output to standard output instead of a file, for
    # an engine that collects it from there (Argo's `outputs.result`); "" when the step has
    # another interface, or an output whose text may not be JSON (str-like: raw text)
    result_runtime: str = ""

    def linked(self, runtime_line: str) -> str:
        """The script with `runtime_line` in place of the runtime (an engine puts the runtime
        back there, without its final line break), and without the header and the
        `__main__` guard: the same program, in fewer bytes."""
        runtime = f"{runtime_line}\n" if self.runtime else ""  # `result_runtime` implies one
        blocks = (self.future + runtime, self.setup + self.user, f"{self.call}\n")
        return "\n".join(b for b in blocks if b)  # a blank line between runtime, code and call


@frozen
class Script:
    """A step's shipped script, and what shipping it found."""

    step: str  # Step.key
    source: str  # a complete Python program; empty when the step's module can't be read
    diagnostics: tuple[Diagnostic, ...]  # FC4xx found while shipping
    parts: ScriptParts | None = None  # `source` in pieces; None when it is empty


def ship(program: ir.Program, step_key: str, sources: Mapping[str, str] | None = None) -> Script:
    """The script of one step of `program`. `sources` (display path → text, as `LoadResult`
    has them) saves reading files again."""
    return _Shipper(program, sources or {}).script(program.step(step_key))


def ship_all(program: ir.Program, sources: Mapping[str, str] | None = None) -> dict[str, Script]:
    """Every step's script, by step key; each module is read and parsed once."""
    shipper = _Shipper(program, sources or {})
    return {s.key: shipper.script(s) for s in program.steps}


def shipping_diagnostics(
    program: ir.Program | None, sources: Mapping[str, str]
) -> tuple[list[Diagnostic], dict[str, str]]:
    """What `ship_all` would report, without writing scripts (for `flowc lint`), and the texts
    of the modules read for it (for excerpts and suppression comments). A fault in a helper
    shared by several steps is reported once, for the first of them."""
    if program is None or not program.steps:
        return [], {}
    shipper = _Shipper(program, sources)
    found: dict[tuple[str, Span], Diagnostic] = {}
    for step in program.steps:
        for d in shipper.closure(step).diagnostics:
            found.setdefault((d.code, d.span), d)
    return list(found.values()), shipper.texts()


# --- types at run time -----------------------------------------------------------------------


def type_descriptor(typ: t.Type) -> Descriptor:
    """The literal the runner decodes a value by: `{"k": "list", "item": {"k": "float"}}`."""
    match typ:
        case t.Scalar(name=name):
            return {"k": name}
        case t.ListT(item=item):
            return {"k": "list", "item": type_descriptor(item)}
        case t.DictT(value=value):
            return {"k": "dict", "value": type_descriptor(value)}
        case t.OptionalT(inner=inner):
            return {"k": "optional", "inner": type_descriptor(inner)}
        case t.LiteralT(values=values):
            return {"k": "literal", "values": list(values)}
        case t.ArtifactT(kind=kind):
            return {"k": "artifact", "kind": kind}
        case t.RunStatusT():
            return {"k": "runstatus"}
        case t.NoneT():
            return {"k": "none"}
    return {"k": "any"}  # Any; NamedTuples and tuples are split into outputs before this


def is_str_like(typ: t.Type) -> bool:
    """Types whose values travel as raw text rather than JSON."""
    if isinstance(typ, t.LiteralT):
        return all(isinstance(v, str) for v in typ.values)
    return typ == t.STR or isinstance(typ, t.RunStatusT)


def encode_value(value: t.JsonValue, typ: t.Type) -> str:
    """A constant's text form for `FLOWC_IN_<p>`: what the runner decodes back to `value`."""
    if isinstance(typ, t.OptionalT):
        return "null" if value is None else encode_value(value, typ.inner)
    if isinstance(value, str) and is_str_like(typ):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


# --- reading modules --------------------------------------------------------------------------

BindingKind = Literal["def", "class", "assign", "import", "from", "other"]
_BUILTINS = frozenset(dir(builtins))  # `__name__` is one; `__file__` is not (there is none with `-c`)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what Python's tokenizer counts as a line end
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_SHIMS: dict[str, str] = {
    **dict.fromkeys(t.ARTIFACT_KINDS, "_flowc_Path"),
    "RunStatus": "_flowc_RunStatus",
    "Retry": "_flowc_Retry",
    "step": "_flowc_step",
    "flow": "_flowc_step",
    "parallel": "_flowc_parallel",
    "after": "_flowc_after",
}
_DEFINITIONS = ("def", "class", "assign")


@dataclass(slots=True)
class _Binding:
    """One module-level statement binding a name."""

    kind: BindingKind
    stmt: ast.stmt
    index: int  # position in the module body: source order
    alias: ast.alias | None = None
    sub: int = 0  # position of `alias` in its import statement


@dataclass
class _Mod:
    """A module read for shipping: its parsed text and its module-level bindings."""

    module: Module  # name, display path, text, tree
    lines: list[str]
    bindings: dict[str, list[_Binding]] = field(default_factory=dict)
    stars: list[tuple[int, ast.ImportFrom]] = field(default_factory=list)
    flowc_names: dict[str, str] = field(default_factory=dict)
    flowc_modules: set[str] = field(default_factory=set)
    lazy_annotations: bool = False  # `from __future__ import annotations`

    @property
    def name(self) -> str:
        return self.module.name

    def span(self, node: ast.AST) -> Span:
        return self.module.span(node)

    def flowc_export(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.flowc_names.get(node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return node.attr if node.value.id in self.flowc_modules else None
        return None

    def is_flowc_decorator(self, deco: ast.expr) -> bool:
        return self.flowc_export(deco.func if isinstance(deco, ast.Call) else deco) in ("step", "flow")


def _index(module: Module) -> _Mod:
    mod = _Mod(module, _LINE_BREAK.split(module.text))
    for index, stmt in enumerate(module.tree.body):
        for name, binding in _bindings_of(mod, stmt, index):
            mod.bindings.setdefault(name, []).append(binding)
    return mod


def _bindings_of(mod: _Mod, stmt: ast.stmt, index: int) -> Iterator[tuple[str, _Binding]]:
    if isinstance(stmt, ast.Import):
        for sub, alias in enumerate(stmt.names):
            local = alias.asname or alias.name.partition(".")[0]
            if alias.name == "flowc":
                mod.flowc_modules.add(local)
            yield local, _Binding("import", stmt, index, alias, sub)
    elif isinstance(stmt, ast.ImportFrom):
        yield from _from_bindings(mod, stmt, index)
    elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        yield stmt.name, _Binding("def", stmt, index)
    elif isinstance(stmt, ast.ClassDef):
        yield stmt.name, _Binding("class", stmt, index)
    elif _TYPE_ALIAS is not None and isinstance(stmt, _TYPE_ALIAS):  # `type X = ...`, one value
        yield _alias_name(stmt), _Binding("assign", stmt, index)
    elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in targets:
            yield from _target_bindings(target, stmt, index)
    else:  # `x += 1`, `del x`, and every name bound inside `if`/`try`/`for`/`with`/…
        yield from ((name, _Binding("other", stmt, index)) for name in _bound_names([stmt]))


def _from_bindings(mod: _Mod, stmt: ast.ImportFrom, index: int) -> Iterator[tuple[str, _Binding]]:
    if stmt.level == 0 and stmt.module == "__future__":
        mod.lazy_annotations |= any(a.name == "annotations" for a in stmt.names)
        return
    for sub, alias in enumerate(stmt.names):
        if alias.name == "*":
            mod.stars.append((index, stmt))
            continue
        local = alias.asname or alias.name
        if stmt.level == 0 and stmt.module == "flowc" and alias.name in FLOWC_EXPORTS:
            mod.flowc_names[local] = alias.name
        yield local, _Binding("from", stmt, index, alias, sub)


def _target_bindings(target: ast.expr, stmt: ast.stmt, index: int) -> Iterator[tuple[str, _Binding]]:
    if isinstance(target, ast.Name):
        yield target.id, _Binding("assign", stmt, index)
    elif isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
        parts = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target.value]
        for part in parts:
            yield from _target_bindings(part, stmt, index)
    else:  # `CONFIG["k"] = v` changes CONFIG after its binding: a second binding
        root = target
        while isinstance(root, (ast.Attribute, ast.Subscript)):
            root = root.value
        if isinstance(root, ast.Name):
            yield root.id, _Binding("other", stmt, index)


def _chosen(bindings: list[_Binding]) -> list[_Binding] | None:
    """The statements that give a name its one value, or None when Python could give it several."""
    if len(bindings) == 1 and bindings[0].kind != "other":
        return bindings
    plain_imports = all(
        b.kind == "import" and b.alias is not None and b.alias.asname is None for b in bindings
    )
    if plain_imports:  # `import os` and `import os.path` both bind `os`, to the same module
        return bindings
    if all(b.kind == "def" for b in bindings) and all(_is_overload(b.stmt) for b in bindings[:-1]):
        return bindings
    return None


def _is_overload(stmt: ast.stmt) -> bool:
    decorators = getattr(stmt, "decorator_list", [])
    return any(
        (isinstance(d, ast.Name) and d.id == "overload")
        or (isinstance(d, ast.Attribute) and d.attr == "overload")
        for d in decorators
    )


# --- scopes: which names code reads from module level ------------------------------------------


# nodes without names below them: not worth visiting
_LEAVES = (ast.Constant, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, *_COMPREHENSIONS)


@dataclass
class _Scan:
    """What one scope's code does with names, from a single pass over it."""

    loads: list[ast.Name] = field(default_factory=list)
    bound: set[str] = field(default_factory=set)
    declared: set[str] = field(default_factory=set)  # `global x`
    nested: list[ast.AST] = field(default_factory=list)  # functions, lambdas, classes, comprehensions
    annotations: list[ast.expr] = field(default_factory=list)  # evaluated ones
    calls: dict[int, ast.Call] = field(default_factory=dict)  # id of a called `Name` → its call


def _scan(nodes: Iterable[ast.AST], function: bool, skip: frozenset[int] = frozenset()) -> _Scan:
    """Walk the code evaluated in the scope holding `nodes`. Nested scopes contribute their
    headers (decorators, defaults, bases, a comprehension's first iterable, the names its `:=`
    binds here), not their bodies. Variable annotations in functions are never evaluated.
    One flat loop: this is the hot path of `flowc lint`."""
    scan = _Scan()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if skip and id(node) in skip:
            continue
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                scan.loads.append(node)
            else:
                scan.bound.add(node.id)
        elif isinstance(node, _LEAVES):
            continue
        elif isinstance(node, _SCOPES):
            scan.nested.append(node)
            _push_header(stack, scan, node)
        elif isinstance(node, ast.AnnAssign):
            stack.extend(n for n in (node.target, node.value) if n is not None)
            if not function:
                scan.annotations.append(node.annotation)
        else:
            _scan_statement(stack, scan, node)
    return scan


def _scan_statement(stack: list[ast.AST], scan: _Scan, node: ast.AST) -> None:
    """The rest of `_scan`: names bound by imports, `except … as`, patterns; `global`; the
    calls of plain names (a step calling a step)."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        scan.bound.update(a.asname or a.name.partition(".")[0] for a in node.names if a.name != "*")
        return
    if isinstance(node, ast.Global):
        scan.declared.update(node.names)
        return
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        scan.calls[id(node.func)] = node
    elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
        scan.bound.add(node.name)
    elif isinstance(node, ast.MatchMapping) and node.rest:
        scan.bound.add(node.rest)
    elif _TYPE_ALIAS is not None and isinstance(node, _TYPE_ALIAS):
        # its value is evaluated lazily, as an annotation is, with its type parameters bound
        scan.bound.add(_alias_name(node))
        scan.annotations.extend(_outside([getattr(node, "value")], _type_params(node)))  # noqa: B009
        return
    _push_children(stack, node)


_TYPE_ALIAS: type[ast.AST] | None = getattr(ast, "TypeAlias", None)  # Python 3.12+


def _alias_name(node: ast.AST) -> str:
    """The name a `type X = ...` statement binds (a node type the 3.11 stubs don't have)."""
    name: ast.Name = getattr(node, "name")  # noqa: B009
    return name.id


def _push_header(stack: list[ast.AST], scan: _Scan, node: ast.AST) -> None:
    """The parts of a nested scope that run in the enclosing one."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        scan.bound.add(node.name)
        stack.extend(node.decorator_list)
    generic = _type_params(node)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        stack.extend(d for d in node.args.defaults + node.args.kw_defaults if d is not None)
        if not isinstance(node, ast.Lambda):
            scan.annotations.extend(_outside(_signature_annotations(node), generic))
    elif isinstance(node, ast.ClassDef):
        stack.extend(_outside([*node.bases, *(k.value for k in node.keywords)], generic))
    elif isinstance(node, _COMPREHENSIONS):
        stack.append(node.generators[0].iter)
        stack.extend(n.target for n in ast.walk(node) if isinstance(n, ast.NamedExpr))


def _type_params(node: ast.AST) -> frozenset[str]:
    """The names `def f[T]` or `class C[T]` (Python 3.12+) binds for its signature, bases and
    body; bounds and defaults are evaluated lazily, as annotations are."""
    return frozenset(param.name for param in getattr(node, "type_params", ()))


def _outside(exprs: list[ast.expr], generic: frozenset[str]) -> list[ast.expr]:
    """`exprs`, or with type parameters their names other than those parameters: what they
    read from the enclosing scope."""
    if not generic:
        return exprs
    return [n for e in exprs for n in ast.walk(e) if isinstance(n, ast.Name) and n.id not in generic]


def _push_children(stack: list[ast.AST], node: ast.AST) -> None:
    """`ast.iter_child_nodes`, without its two generators."""
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            stack.append(value)
        elif isinstance(value, list):
            stack.extend(v for v in value if isinstance(v, ast.AST))


def _signature_annotations(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    args = fn.args
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    found = [a.annotation for a in params if a is not None and a.annotation is not None]
    return found + ([fn.returns] if fn.returns is not None else [])


def _bound_names(nodes: Iterable[ast.AST]) -> set[str]:
    """Names bound at module level by a statement (`if`, `try`, `x += 1` …)."""
    return _scan(nodes, function=False).bound


@dataclass
class _Uses:
    """The module-level names a statement reads, each at its first use. Names read only by
    annotations that are never evaluated (`from __future__ import annotations`) are `soft`:
    shipped when they can be, never an error (they are often `if TYPE_CHECKING:` imports)."""

    lazy: bool
    hard: dict[str, ast.Name] = field(default_factory=dict)
    soft: dict[str, ast.Name] = field(default_factory=dict)
    calls: dict[str, ast.Call] = field(default_factory=dict)  # the first call of each name read

    def add(self, node: ast.Name, soft: bool) -> None:
        found = self.soft if soft else self.hard
        known = found.get(node.id)
        if known is None or _before(node, known):
            found[node.id] = node

    def add_call(self, name: str, call: ast.Call) -> None:
        known = self.calls.get(name)
        if known is None or _before(call, known):
            self.calls[name] = call

    def items(self) -> list[tuple[ast.Name, bool]]:
        """In source order, so that what is found (and reported) first is what comes first."""
        found = [(n, False) for n in self.hard.values()]
        found += [(n, True) for k, n in self.soft.items() if k not in self.hard]
        return sorted(found, key=lambda item: (item[0].lineno, item[0].col_offset))


def _before(node: ast.expr, other: ast.expr) -> bool:
    return (node.lineno, node.col_offset) < (other.lineno, other.col_offset)


_Pending = tuple[list[ast.AST], Literal["module", "function", "class"], frozenset[str]]


def _uses(root: ast.stmt, lazy: bool, skip: Iterable[ast.expr] = ()) -> _Uses:
    """What a top-level statement reads from module level (minus the decorators in `skip`).
    A worklist of scopes, not recursion: nesting depth is the user's to choose."""
    uses = _Uses(lazy)
    skipped = frozenset(id(n) for n in skip)
    pending: list[_Pending] = [([root], "module", frozenset())]
    while pending:
        nodes, kind, outer = pending.pop()
        pending.extend(_scope_uses(uses, nodes, kind, outer, skipped if kind == "module" else frozenset()))
    return uses


def _scope_uses(
    uses: _Uses,
    nodes: list[ast.AST],
    kind: Literal["module", "function", "class"],
    outer: frozenset[str],
    skip: frozenset[int],
) -> list[_Pending]:
    """Record the module-level reads of one scope; return the scopes nested in it. `outer`
    holds the names of enclosing function scopes, which hide module-level names."""
    scan = _scan(nodes, kind == "function", skip)
    here = outer if kind == "module" else outer | (scan.bound - scan.declared)
    for load in scan.loads:
        if load.id not in here:
            uses.add(load, soft=False)
            call = scan.calls.get(id(load))
            if call is not None:
                uses.add_call(load.id, call)
    for annotation in scan.annotations:
        names: Iterable[ast.AST] = [annotation] if isinstance(annotation, ast.Name) else ast.walk(annotation)
        for node in names:
            if isinstance(node, ast.Name) and node.id not in here:
                uses.add(node, soft=uses.lazy)
    # a class body's names are invisible to the functions inside it
    inherited = outer if kind == "class" else here
    return [_nested_scope(scope, inherited) for scope in scan.nested]


def _nested_scope(node: ast.AST, outer: frozenset[str]) -> _Pending:
    if isinstance(node, ast.ClassDef):
        return list(node.body), "class", outer | _type_params(node)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = node.args
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        inner = outer | _type_params(node) | {a.arg for a in params if a is not None}
        return ([node.body] if isinstance(node, ast.Lambda) else list(node.body)), "function", inner
    assert isinstance(node, _COMPREHENSIONS)
    first = node.generators[0]  # its iterable runs in the enclosing scope: see `_push_header`
    parts = [n for n in ast.iter_child_nodes(node) if n is not first]
    parts += [n for n in ast.iter_child_nodes(first) if n is not first.iter]
    return parts, "function", outer


def _runs_code(value: ast.expr) -> bool:
    """Whether evaluating `value` calls something (a lambda's body only runs when called)."""
    stack: list[ast.AST] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, ast.Lambda):
            stack.extend(d for d in node.args.defaults + node.args.kw_defaults if d is not None)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


# --- the closure of one step -----------------------------------------------------------------


@dataclass(slots=True)
class _Item:
    """A piece of the script: a module's statement (or one name of an import statement)."""

    mod: _Mod
    index: int
    sub: int = 0
    text: str = ""  # empty for an import whose target module's code is shipped instead
    needs: _Mod | None = None  # a project module whose items come first, as `import` runs it first
    strip: tuple[ast.expr, ...] | None = None  # cut from the source, minus these decorators
    definition: bool = False  # a def or class: set apart by blank lines
    shim: str = ""  # the runtime name a flowc name is bound to: `text` is `<name> = <shim>`

    def source(self) -> str:
        # cut only when rendering: `flowc lint` ships for the diagnostics and never needs text
        return self.text if self.strip is None else _statement_text(self.mod, self.index, self.strip)


@dataclass(slots=True)
class _Site:
    """Where a name is used: diagnostics point there."""

    mod: _Mod
    node: ast.AST
    call: ast.Call | None = None  # the name's first call there, when code (not a flow) calls it


@dataclass(slots=True)
class _Bound:
    """What a name of the script's single namespace is bound to."""

    identity: object  # a statement's text, or (path, statement indexes) of a definition
    origin: str  # the module it comes from, for messages
    text: Callable[[], str] | None = None  # a definition's text, compared only on a clash


_Key = tuple[str, str]  # (module path, name)


@dataclass
class _InlineCalls:
    """The steps and flows a script ships as plain functions, and the calls that reach them
    (FC406). Matched once shipping is done: a name is often resolved at a use that is not a
    call, or called again after it was resolved, and reached through imports."""

    callees: dict[_Key, str] = field(default_factory=dict)  # definition → "step" | "flow"
    links: dict[_Key, _Key] = field(default_factory=dict)  # `from m import a as b`: b → m.a
    calls: list[tuple[_Key, _Site]] = field(default_factory=list)

    def first_calls(self) -> Iterator[tuple[str, _Site]]:
        """(kind, site) of the first call met of each step or flow."""
        done: set[_Key] = set()
        for key, site in self.calls:
            target = self._target(key)
            kind = self.callees.get(target)
            if kind and target not in done:
                done.add(target)
                yield kind, site

    def _target(self, key: _Key) -> _Key:
        followed = {key}
        while key in self.links and self.links[key] not in followed:
            key = self.links[key]
            followed.add(key)
        return key


@dataclass
class _Closure:
    """What one step's script holds: the statements it needs, the names they bind, and what
    can't be shipped (as diagnostics)."""

    step: ir.Step
    items: dict[tuple[str, int, int], _Item] = field(default_factory=dict)
    names: dict[str, _Bound] = field(default_factory=dict)
    seen: set[tuple[str, str]] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lazy_annotations: bool = False
    inline: _InlineCalls = field(default_factory=_InlineCalls)

    def add(self, item: _Item) -> None:
        self.items.setdefault((item.mod.module.path, item.index, item.sub), item)
        self.lazy_annotations |= item.mod.lazy_annotations

    def report(self, code: str, site: _Site, **fields: object) -> None:
        self.diagnostics.append(diagnostic(code, site.mod.span(site.node), **fields))

    def claim(self, name: str, bound: _Bound, site: _Site) -> None:
        """Bind `name` in the script's one namespace; two different bindings clash (FC405).
        Identical definitions from two modules bind the same thing: not a clash."""
        known = self.names.setdefault(name, bound)
        if known.identity == bound.identity:
            return
        if known.text is not None and bound.text is not None and known.text() == bound.text():
            return
        self.report(
            "FC405", site, step=self.step.function, name=name, first=known.origin, second=bound.origin
        )


class _Shipper:
    """Reads each module once and ships steps of one program."""

    def __init__(self, program: ir.Program, sources: Mapping[str, str]) -> None:
        self.project = Project.for_file(_anchor(program))
        self.sources = sources
        self._mods: dict[Path, _Mod | None] = {}
        # resolving paths is slow, and a step's own module is asked for once per step
        self._by_display: dict[str, _Mod | None] = {}
        self._found: dict[tuple[str, str, int], Path | None] = {}
        self.broken: dict[str, Diagnostic] = {}  # display path → why that project module can't be read

    # reading

    def module(self, path: Path | str, display: str, name: str | None = None) -> _Mod | None:
        if display not in self._by_display:
            key = Path(path).resolve()
            if key not in self._mods:
                self._mods[key] = self._read(key, display, name or self.project.module_name(key))
            self._by_display[display] = self._mods[key]
        return self._by_display[display]

    def _read(self, path: Path, display: str, name: str) -> _Mod | None:
        known = self.sources.get(display)
        # decoded as the loader decodes it (and Python will): by its BOM or `# coding:` line
        text = known if known is not None else read_source(path, display)
        parsed = text if isinstance(text, Diagnostic) else parse_module(name, display, text)
        if isinstance(parsed, Diagnostic):
            self.broken[display] = parsed  # reported by a step that imports from it
            return None
        return _index(parsed)

    def texts(self) -> dict[str, str]:
        return {mod.module.path: mod.module.text for mod in self._mods.values() if mod is not None}

    def find(self, importer: _Mod, dotted: str, level: int) -> Path | None:
        key = (importer.module.path if level else "", dotted, level)
        if key not in self._found:
            self._found[key] = self.project.find(dotted, level, importer.module)
        return self._found[key]

    # shipping

    def script(self, step: ir.Step) -> Script:
        closure = self.closure(step)
        diagnostics = tuple(sort_diagnostics(closure.diagnostics))
        mod = self.module(step.path, step.path, step.module)
        if mod is None:
            return Script(step.key, "", diagnostics)
        parts = _parts(step, mod, closure)
        return Script(step.key, _source(step, parts), diagnostics, parts)

    def closure(self, step: ir.Step) -> _Closure:
        closure = _Closure(step)
        mod = self.module(step.path, step.path, step.module)
        if mod is None:
            closure.diagnostics.append(
                diagnostic("FC002", Span.file(step.path), detail="cannot read the module")
            )
            return closure
        defs = [b for b in mod.bindings.get(step.function, []) if b.kind == "def"]
        if defs:  # the last `def` is the function Python would call
            fn = defs[-1]
            closure.seen.add((mod.module.path, step.function))
            finder = _Finder(self, closure)
            finder.definition(mod, step.function, [fn], _Site(mod, fn.stmt))
            finder.run()
        return closure


def _anchor(program: ir.Program) -> Path:
    """The file whose project (search roots) the loader used: the compiled flow's file."""
    if program.entry is not None:
        return Path(program.flow(program.entry).path)
    return Path(program.flows[0].path if program.flows else program.steps[0].path)


class _Finder:
    """Follows names from a step through its module and the project modules it imports."""

    def __init__(self, shipper: _Shipper, closure: _Closure) -> None:
        self.shipper = shipper
        self.closure = closure
        self.step = closure.step.function
        self._pending: list[tuple[_Mod, str, _Site, bool]] = []

    def run(self) -> None:
        """Follow every name needed, depth first and in source order (a stack, not recursion:
        helpers may call helpers arbitrarily deep)."""
        while self._pending:
            self._resolve(*self._pending.pop())
        self._report_inline_calls()

    def _report_inline_calls(self) -> None:
        """A step or flow the step's code calls is shipped as a plain function: it runs here."""
        for kind, site in self.closure.inline.first_calls():
            assert site.call is not None
            name = ast.unparse(site.call.func)
            self.closure.report("FC406", _Site(site.mod, site.call), step=self.step, kind=kind, name=name)

    def need(self, mod: _Mod, name: str, site: _Site, soft: bool = False) -> None:
        self._pending.append((mod, name, site, soft))

    def _resolve(self, mod: _Mod, name: str, site: _Site, soft: bool) -> None:
        key = (mod.module.path, name)
        if site.call is not None:
            self.closure.inline.calls.append((key, site))
        if key in self.closure.seen:
            return
        self.closure.seen.add(key)
        bindings = mod.bindings.get(name)
        if not bindings:
            self._unbound(mod, name, site, soft)
            return
        chosen = _chosen(bindings)
        if chosen is None:
            if not soft:
                self.closure.report("FC402", site, step=self.step, name=name)
            return
        kind = chosen[0].kind
        if kind in _DEFINITIONS:
            self.definition(mod, name, chosen, site)
        elif kind == "import":
            for binding in chosen:
                self._import(mod, name, binding, site)
        else:
            self._from(mod, name, chosen[0], site, soft)

    def _unbound(self, mod: _Mod, name: str, site: _Site, soft: bool) -> None:
        if name in _BUILTINS:
            self.closure.claim(name, _Bound(f"builtins.{name}", "builtins"), site)
        elif mod.stars:
            self._star(mod, name, site, soft)
        elif not soft:
            self.closure.report("FC404", site, step=self.step, name=name)

    def definition(self, mod: _Mod, name: str, chosen: list[_Binding], site: _Site) -> None:
        strips = [
            tuple(d for d in getattr(b.stmt, "decorator_list", []) if mod.is_flowc_decorator(d))
            for b in chosen
        ]
        kind = _decorated_kind(mod, strips[-1])
        key = (mod.module.path, name)
        if kind and key != (self.closure.step.path, self.step):  # the step itself is no callee
            self.closure.inline.callees[key] = kind
        items = [
            _Item(mod, b.index, strip=strip, definition=b.kind != "assign")
            for b, strip in zip(chosen, strips, strict=True)
        ]
        bound = _Bound((mod.module.path, tuple(b.index for b in chosen)), mod.name, lambda: _texts(items))
        for bound_name in _names_bound_by(chosen[-1].stmt):
            self.closure.claim(bound_name, bound, site)
        needed: list[tuple[ast.Name, bool, ast.Call | None]] = []
        for binding, strip, item in zip(chosen, strips, items, strict=True):
            self.closure.add(item)
            value = getattr(binding.stmt, "value", None)
            if binding.kind == "assign" and isinstance(value, ast.expr) and _runs_code(value):
                self.closure.report("FC401", site, step=self.step, name=name, expr=_short(value))
            uses = _uses(binding.stmt, mod.lazy_annotations, strip)
            # a flow calls steps by design: a flow inlined into a step is reported at its call,
            # not again at each step it calls
            calls = {} if kind == "flow" else uses.calls
            needed += [(node, soft, calls.get(node.id)) for node, soft in uses.items()]
        for node, soft, call in reversed(needed):  # popped first to last
            self.need(mod, node.id, _Site(mod, node, call), soft)

    def _import(self, mod: _Mod, name: str, binding: _Binding, site: _Site) -> None:
        alias = binding.alias
        assert alias is not None
        shim = ""
        if alias.name == "flowc":
            shim = "_flowc_namespace"
            text = f"{name} = {shim}"
        else:
            text = f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
            if self.shipper.find(mod, alias.name, 0) is not None:
                self.closure.report("FC403", site, step=self.step, name=alias.name, module=alias.name)
        # `import os` and `import os.path` bind the same `os`
        identity = text if alias.asname or alias.name == "flowc" else f"import {name}"
        self._keep(mod, name, binding, text, site, identity, shim)

    def _keep(
        self,
        mod: _Mod,
        name: str,
        binding: _Binding,
        text: str,
        site: _Site,
        identity: str = "",
        shim: str = "",
    ) -> None:
        self.closure.add(_Item(mod, binding.index, binding.sub, text, shim=shim))
        self.closure.claim(name, _Bound(identity or text, mod.name), site)

    def _from(self, mod: _Mod, name: str, binding: _Binding, site: _Site, soft: bool) -> None:
        stmt, alias = binding.stmt, binding.alias
        assert isinstance(stmt, ast.ImportFrom)
        assert alias is not None
        source = "." * stmt.level + (stmt.module or "")
        if source == "flowc":
            self._flowc(mod, name, binding, site)
            return
        text = f"from {source} import {alias.name}" + (f" as {name}" if name != alias.name else "")
        path = self.shipper.find(mod, stmt.module or "", stmt.level)
        target = self.shipper.module(path, display_path(path)) if path is not None else None
        broken = self.shipper.broken.get(display_path(path)) if path is not None else None
        if broken is not None:  # the step would import a module that doesn't parse: say why
            if broken not in self.closure.diagnostics:
                self.closure.diagnostics.append(broken)
        elif target is None:  # outside the project, or a project module flowc can't resolve
            if stmt.level or path is not None:
                self.closure.report("FC403", site, step=self.step, name=source, module=source)
            self._keep(mod, name, binding, text, site)
        elif alias.name in target.bindings or target.stars:
            self._inline(mod, name, binding, target, site, soft)
        elif self._submodule(target, alias.name):
            sub = (
                source + alias.name if source.endswith(".") else f"{source}.{alias.name}"
            )  # `from . import x`
            self.closure.report("FC403", site, step=self.step, name=sub, module=sub)
            self._keep(mod, name, binding, text, site)
        elif not soft:
            self.closure.report("FC404", site, step=self.step, name=name)

    def _inline(self, mod: _Mod, name: str, binding: _Binding, target: _Mod, site: _Site, soft: bool) -> None:
        """`from pkg.helpers import clean [as c]`: ship `clean` from pkg.helpers, then `c = clean`."""
        assert binding.alias is not None
        self.need(target, binding.alias.name, site, soft)
        self.closure.inline.links[(mod.module.path, name)] = (target.module.path, binding.alias.name)
        alias_line = f"{name} = {binding.alias.name}" if name != binding.alias.name else ""
        self.closure.add(_Item(mod, binding.index, binding.sub, alias_line, needs=target))
        if alias_line:
            self.closure.claim(name, _Bound(alias_line, mod.name), site)

    def _submodule(self, package: _Mod, name: str) -> bool:
        return package.module.path.endswith("__init__.py") and self.shipper.find(package, name, 1) is not None

    def _flowc(self, mod: _Mod, name: str, binding: _Binding, site: _Site) -> None:
        assert binding.alias is not None
        shim = _SHIMS.get(binding.alias.name)
        if shim is None:
            self.closure.report("FC404", site, step=self.step, name=name)
            return
        self._keep(mod, name, binding, f"{name} = {shim}", site, shim=shim)

    def _star(self, mod: _Mod, name: str, site: _Site, soft: bool) -> None:
        """A name that only a `from x import *` can bind."""
        for index, stmt in mod.stars:
            if stmt.level == 0 and stmt.module == "flowc":
                if name in _SHIMS:  # one item per name the star binds
                    shim = _SHIMS[name]
                    self.closure.add(
                        _Item(mod, index, 1 + list(_SHIMS).index(name), f"{name} = {shim}", shim=shim)
                    )
                    return
                continue
            path = self.shipper.find(mod, stmt.module or "", stmt.level)
            target = self.shipper.module(path, display_path(path)) if path is not None else None
            if target is None:  # outside the project: it may well define the name
                self.closure.add(_Item(mod, index, 0, f"from {'.' * stmt.level}{stmt.module or ''} import *"))
                return
            if name in target.bindings:
                self.need(target, name, site, soft)
                self.closure.inline.links[(mod.module.path, name)] = (target.module.path, name)
                self.closure.add(_Item(mod, index, 0, "", needs=target))
                return
        if not soft:
            self.closure.report("FC404", site, step=self.step, name=name)


def _decorated_kind(mod: _Mod, decorators: tuple[ast.expr, ...]) -> str:
    """`"step"` or `"flow"` for a definition with these flowc decorators, `""` for none."""
    found = {mod.flowc_export(d.func if isinstance(d, ast.Call) else d) for d in decorators}
    return "flow" if "flow" in found else "step" if "step" in found else ""


def _texts(items: list[_Item]) -> str:
    return "\n".join(i.source() for i in items)


def _names_bound_by(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
    return [n.id for tgt in targets if tgt is not None for n in ast.walk(tgt) if isinstance(n, ast.Name)]


def _short(node: ast.expr, limit: int = 60) -> str:
    try:
        text = " ".join(ast.unparse(node).split())
    except RecursionError:  # `ast.unparse` recurses; an absurdly nested expression is just "…"
        return "…"
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- source text ------------------------------------------------------------------------------


def _statement_text(mod: _Mod, index: int, strip: tuple[ast.expr, ...]) -> str:
    """A top-level statement as written (comments kept), without the decorators in `strip`."""
    body = mod.module.tree.body
    stmt = body[index]
    first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
    last = stmt.end_lineno or stmt.lineno
    shares = (index > 0 and (body[index - 1].end_lineno or 0) >= first) or (
        index + 1 < len(body) and body[index + 1].lineno <= last
    )
    if shares:  # `a = 1; b = 2`: cut by columns
        return _segment(mod.lines, stmt)
    dropped = {n for d in strip for n in range(d.lineno, (d.end_lineno or d.lineno) + 1)}
    return "\n".join(mod.lines[n - 1] for n in range(first, last + 1) if n not in dropped)


def _segment(lines: list[str], node: ast.stmt) -> str:
    """The exact text of `node`; ast columns count UTF-8 bytes."""
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    start, end = node.col_offset, node.end_col_offset or 0
    if first == last:
        return lines[first].encode()[start:end].decode()
    middle = lines[first + 1 : last]
    return "\n".join([lines[first].encode()[start:].decode(), *middle, lines[last].encode()[:end].decode()])


def _parts(step: ir.Step, mod: _Mod, closure: _Closure) -> ScriptParts:
    """The runtime this step needs, the user's code verbatim, the call."""
    from flowc.compiler.shipping_runtime import render  # not needed by `flowc lint`

    items = _ordered(mod, closure)
    shims = {i.shim for i in items if i.shim}
    namespace = _namespace_attrs(items) if "_flowc_namespace" in shims else ()
    shims.update(_SHIMS[a] for a in namespace)
    flags = _step_flags(step, shims)
    rename = _renamer(closure.names.keys())
    setup = []
    if namespace:
        attrs = ", ".join(f"{a}={_SHIMS[a]}" for a in namespace)
        setup.append(_rename(f"_flowc_namespace = _flowc_types.SimpleNamespace({attrs})\n", rename))
    if step.options.packages:
        pip = '[_flowc_sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"'
        packages = "".join(f", {p!r}" for p in step.options.packages)
        setup.append(_rename(f"_flowc_subprocess.check_call({pip}{packages}])\n", rename))
    result = flags | {"result"} if _result_output(step) else None
    return ScriptParts(
        future="from __future__ import annotations\n" if closure.lazy_annotations else "",
        runtime=_imports(flags, rename) + render(flags, rename),
        setup="".join(setup),
        user=_join(items, rename),
        call=_call(step, mod, rename),
        result_runtime=_imports(result, rename) + render(result, rename) if result else "",
    )


def _result_output(step: ir.Step) -> bool:
    """Whether the step's outputs are one value whose text is always JSON (never raw text,
    which an engine collecting it from standard output could take for JSON)."""
    if len(step.outputs) != 1 or t.contains_artifact(step.outputs[0].type):
        return False
    return not is_str_like(t.non_optional(step.outputs[0].type))


def _source(step: ir.Step, parts: ScriptParts) -> str:
    """Header, the runtime, the user's code, the call: a program every target can run."""
    user = f"\n\n{parts.user}" if parts.user else ""
    return (
        f"# flowc step script: {step.module}.{step.function}\n"
        f"{parts.future}{parts.runtime}{parts.setup}{user}"
        f'\n\nif __name__ == "__main__":\n    {parts.call}\n'
    )


def value_reader(descriptors: Iterable[Descriptor]) -> str:
    """A standalone snippet (stdlib only, every global named `_flowc_…`) defining
    `_flowc_value(name, descriptor)`: the value of `FLOWC_IN_<name>`, decoded by `descriptor`
    (a `type_descriptor`) exactly as a step's input of that type is: the same generated code.
    It holds what decoding the types of `descriptors` needs, and only that; a missing
    variable or an undecodable text exits with a `flowc: input ...` message. Artifacts are
    files, never values: their descriptors are refused (ValueError)."""
    from flowc.compiler.shipping_runtime import render

    wanted = list(descriptors)
    if any(node["k"] == "artifact" for d in wanted for node in _walk(d)):
        raise ValueError("artifacts are not values: they have no FLOWC_IN_ variable")
    flags = _decoding_flags(wanted) | {"value"}
    return _imports(flags, _keep_name) + render(flags, _keep_name)


# --- which runtime a step needs -----------------------------------------------------------------

_PARSED_KINDS = frozenset({"d_int", "d_float", "d_bool", "d_none", "d_list", "d_dict", "d_lit"})
# runtime module aliases, by the flag that needs them
_MODULES = {
    "json": ("d_parse", "d_any", "e_json", "quoted"),
    "os": ("value", "run", "result"),
    "shutil": ("place",),
    "enum": ("RunStatus",),
    "contextlib": ("after",),
    "types": ("namespace",),
    "subprocess": ("pip",),
    "sys": ("pip",),
}


def _walk(descriptor: Descriptor) -> Iterator[Descriptor]:
    """A descriptor and the descriptors nested in it."""
    stack = [descriptor]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(v for k, v in node.items() if k in ("item", "value", "inner") and isinstance(v, dict))


def _str_values(descriptor: Descriptor) -> bool:
    values = descriptor.get("values")
    return isinstance(values, list) and all(isinstance(v, str) for v in values)


def _decoding_flags(descriptors: Iterable[Descriptor]) -> set[str]:
    """What decoding values of these types takes (`shipping_runtime` explains the flags)."""
    flags = {"fail"}
    for descriptor in descriptors:
        for node in _walk(descriptor):
            kind = node["k"]
            flags.add(("d_strlit" if _str_values(node) else "d_lit") if kind == "literal" else f"d_{kind}")
    if flags & _PARSED_KINDS:
        flags.add("d_parse")
    if flags & {"d_str", "d_strlit", "d_any"}:  # a string loop item may reach these quoted
        flags.add("quoted")
    if any(f.startswith("d_") for f in flags - {"d_str"}):
        flags.add("dec")
    if "d_runstatus" in flags:
        flags.add("RunStatus")
    if flags & {"d_list", "d_dict", "d_optional"}:
        flags |= {"nest", "show"}
    if flags & {"d_lit", "d_strlit"}:
        flags |= {"lit", "show"}
    return flags


def _step_flags(step: ir.Step, shims: set[str]) -> set[str]:
    """The runtime pieces `step` needs, for its interface and for the shims its code uses."""
    params = tuple(p.type for p in step.params)
    flags, paths = _interface_flags(params, step.returns, bool(step.options.packages))
    if paths:
        shims.add("_flowc_Path")
    return set(flags) | {s.removeprefix("_flowc_") for s in shims}  # sections are named after the shims


@cache  # the steps of a large flow share a handful of interfaces
def _interface_flags(
    params: tuple[t.Type, ...], returns: t.Type, packages: bool
) -> tuple[frozenset[str], bool]:
    """The runtime pieces an interface needs, and whether it takes artifacts (as paths)."""
    values = [type_descriptor(p) for p in params if not t.contains_artifact(p)]
    flags = _decoding_flags(values) | {"value", "i_val"} if values else set()
    outputs = ir.outputs_of(returns)
    if params or outputs:
        flags |= {"fail", "run"}
    for p in params:
        if t.contains_artifact(p):
            flags |= {"i_art", "loc"} | {f"a_{n['k']}" for n in _walk(type_descriptor(p))}
    for o in outputs:
        flags |= {"out"} | _output_flags(o.type)
    if isinstance(returns, t.NamedTupleT):
        flags.add("fields")
    if {"i_val", "i_art"} <= flags or {"o_val", "o_art"} <= flags:
        flags.add("art")
    if packages:
        flags.add("pip")
    return frozenset(flags), any(t.contains_artifact(p) for p in params)


def _output_flags(typ: t.Type) -> set[str]:
    descriptor = type_descriptor(typ)
    kinds = {n["k"] for n in _walk(descriptor)}
    if t.contains_artifact(typ):
        return {"o_art", "place"} | {f"p_{k}" for k in kinds}
    flags = {"o_val", "enc"}
    if kinds & {"list", "dict", "optional"}:
        flags |= {"nest", "show"}
    if "literal" in kinds:
        flags |= {"lit", "show"}
    while isinstance(typ, t.OptionalT):
        flags.add("e_optional")
        typ = typ.inner
    flags.add("e_text" if is_str_like(typ) else "e_json")
    return flags


def _imports(flags: set[str], rename: Callable[[str], str]) -> str:
    """The runtime's imports, on one line: `import json as _json, os as _os`."""
    modules = sorted(m for m, needed in _MODULES.items() if flags.intersection(needed))
    aliases = ", ".join(f"{m} as {rename('_flowc_' + m)}" for m in modules)
    text = f"import {aliases}\n" if modules else ""
    if "Path" in flags:
        text += f"from pathlib import Path as {rename('_flowc_Path')}\n"
    return text


def _namespace_attrs(items: Iterable[_Item]) -> list[str]:
    """The flowc names the shipped code reads from a module alias (`import flowc as fc` …
    `fc.Model`): the attributes its namespace stand-in needs. Every one when the alias is
    used otherwise (passed around as a value)."""
    found: set[str] = set()
    for item in items:
        modules = item.mod.flowc_modules
        if not modules or item.strip is None:
            continue
        skip = {id(n) for d in item.strip for n in ast.walk(d)}  # the decorators cut off
        bases: set[int] = set()
        for node in ast.walk(item.mod.module.tree.body[item.index]):
            if id(node) in skip:
                continue
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
            ):
                found.add(node.attr)
                bases.add(id(node.value))  # `ast.walk` is breadth first: the Name comes later
            elif isinstance(node, ast.Name) and node.id in modules and id(node) not in bases:
                found.update(_SHIMS)
    return [a for a in _SHIMS if a in found]


def _renamer(user_names: Iterable[str]) -> Callable[[str], str]:
    """Runtime globals get short names (`_flowc_fail` → `_fail`) unless the user's code binds
    the short one, which would replace it."""
    taken = frozenset(user_names)

    def rename(name: str) -> str:
        short = "_" + name.removeprefix("_flowc_")
        return name if short in taken else short

    return rename


def _keep_name(name: str) -> str:
    return name


def _rename(text: str, rename: Callable[[str], str]) -> str:
    """`text`, generated by flowc (never the user's), with its runtime names renamed."""
    return re.sub(r"\b_flowc_\w+", lambda m: rename(m.group(0)), text)


def _call(step: ir.Step, mod: _Mod, rename: Callable[[str], str]) -> str:
    """The call of the step: its interface as literals (inputs with whether they are required)."""
    if not step.params and not step.outputs:
        return f"{step.function}()"
    required = _required(mod, step)
    ins = ", ".join(
        f"({p.name!r}, {_descriptor_text(p.type)}, {int(p.name in required)})" for p in step.params
    )
    outs = ", ".join(f"({o.name!r}, {_descriptor_text(o.type)})" for o in step.outputs)
    return f"{rename('_flowc_run')}({step.function}, [{ins}], [{outs}])"


@cache
def _descriptor_text(typ: t.Type) -> str:
    return repr(type_descriptor(typ))


def _ordered(mod: _Mod, closure: _Closure) -> list[_Item]:
    """Items module by module in source order; an imported project module's items go where it
    is first imported, as Python would run that module there."""
    by_module: dict[str, list[_Item]] = {}
    for item in closure.items.values():
        by_module.setdefault(item.mod.module.path, []).append(item)
    started: set[str] = set()
    out: list[_Item] = []

    def emit(current: _Mod) -> None:
        started.add(current.module.path)
        for item in sorted(by_module.get(current.module.path, []), key=lambda i: (i.index, i.sub)):
            if item.needs is not None and item.needs.module.path not in started:
                emit(item.needs)
            out.append(item)

    emit(mod)
    for path in sorted(by_module.keys() - started):  # not reached by an import: keep, never drop
        emit(by_module[path][0].mod)
    return out


def _join(items: list[_Item], rename: Callable[[str], str]) -> str:
    """Statements one per line, definitions set apart by two blank lines, each text once."""
    out: list[str] = []
    seen: set[str] = set()
    previous: _Item | None = None
    for item in items:
        text = item.source()
        if item.shim:
            text = text.removesuffix(item.shim) + rename(item.shim)
        if not text or text in seen:
            continue
        seen.add(text)
        if previous is not None:
            out.append(_separator(previous, item))
        out.append(text)
        previous = item
    return "".join(out) + "\n" if out else ""


def _separator(previous: _Item, item: _Item) -> str:
    if item.definition or previous.definition:
        return "\n\n\n"
    return "\n\n" if _is_import(previous) != _is_import(item) else "\n"


def _is_import(item: _Item) -> bool:
    return isinstance(item.mod.module.tree.body[item.index], (ast.Import, ast.ImportFrom))


def _required(mod: _Mod, step: ir.Step) -> frozenset[str]:
    """Parameters without a Python default (from the source: the IR drops defaults it can't fold)."""
    defs = [b.stmt for b in mod.bindings.get(step.function, []) if b.kind == "def"]
    if not defs or not isinstance(defs[-1], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return frozenset(p.name for p in step.params)
    args = defs[-1].args
    positional = [*args.posonlyargs, *args.args]
    without = positional[: len(positional) - len(args.defaults)]
    keyword = [a for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None]
    return frozenset(a.arg for a in [*without, *keyword])
