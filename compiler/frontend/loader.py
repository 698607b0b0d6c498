"""The frontend's entry points: a flow file → `ir.Program` and diagnostics.

`load_file` reads every step and flow a file defines (what `lint` checks); `load_flow`
selects one flow (`path.py:name`) and keeps only what it reaches (what targets compile).
User code is parsed, never imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

from flowc.compiler import ir
from flowc.compiler.batch import collector_paused
from flowc.compiler.diagnostics import Diagnostic, Span, sort_diagnostics
from flowc.compiler.frontend.flows import FlowTable, iter_flow_functions
from flowc.compiler.frontend.modules import Module, Project
from flowc.compiler.frontend.resolve import Resolver, display_path
from flowc.compiler.frontend.signatures import Context, build_step
from flowc.compiler.frozen import frozen
from flowc.compiler.rules import diagnostic


@frozen
class LoadResult:
    """A loaded program (or None), its diagnostics and the texts of the modules read."""

    program: ir.Program | None
    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, str]  # path → text of every module read, for excerpts and suppressions

    @property
    def ok(self) -> bool:
        return self.program is not None and not any(d.is_error for d in self.diagnostics)


def load_file(path: Path, display: str | None = None) -> LoadResult:
    """Every step and flow defined in `path`, with all diagnostics."""
    return _load(path, display, select=None)


def load_flow(path: Path, flow: str | None, display: str | None = None) -> LoadResult:
    """The flow named `flow` (or the file's only flow) and what it reaches."""
    return _load(path, display, select=flow or "")


def _load(path: Path, display: str | None, select: str | None) -> LoadResult:
    with collector_paused():
        return _load_batch(path, display, select)


def _load_batch(path: Path, display: str | None, select: str | None) -> LoadResult:
    project = Project.for_file(path)
    resolver = Resolver(project)
    shown = display if display is not None else display_path(path.resolve())
    loaded = project.load_path(path, project.module_name(path), shown)
    if isinstance(loaded, Diagnostic):
        return LoadResult(None, (loaded,), {})
    ctx = Context.create(resolver)
    table = FlowTable(ctx)
    try:
        program = _program(ctx, table, loaded, select)
    except RecursionError:
        ctx.diagnostics.append(
            diagnostic(
                "FC301", Span.file(shown), construct="nesting this deep", hint="split the flow into sub-flows"
            )
        )
        program = None
    diagnostics = sort_diagnostics(ctx.diagnostics + resolver.diagnostics)
    return LoadResult(program, tuple(diagnostics), _sources(project, loaded))


def _program(ctx: Context, table: FlowTable, module: Module, select: str | None) -> ir.Program | None:
    _module_checks(ctx, module)
    functions = list(iter_flow_functions(module))
    if select is None:
        for fn in module.functions.values():
            kind = module.decorator_kind(fn)
            if kind is not None and kind[0] == "step":
                build_step(ctx, module, fn, kind[1])
        entries = [table.get(module, fn, deco) for fn, deco in functions]
        _duplicate_names(ctx, [s for s in ctx.steps.values() if s.path == module.path], entries)
        return _assemble(ctx, table, entries, None)
    chosen = _select(ctx, module, functions, select)
    if chosen is None:
        return None
    entry = table.get(module, *chosen)
    return _assemble(ctx, table, [entry], entry.key)


def _select(
    ctx: Context,
    module: Module,
    functions: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, ast.expr]],
    name: str,
) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, ast.expr] | None:
    span = Span.file(module.path)
    names = [fn.name for fn, _ in functions]
    if name:
        found = [(fn, d) for fn, d in functions if fn.name == name]
        if not found:
            detail = f"no flow named `{name}` in {module.path}" + (
                f" (flows: {', '.join(names)})" if names else ""
            )
            ctx.diagnostics.append(diagnostic("FC003", span, detail=detail))
            return None
        return found[0]
    if not functions:
        ctx.diagnostics.append(diagnostic("FC003", span, detail=f"{module.path} defines no @flow"))
        return None
    if len(functions) > 1:
        ctx.diagnostics.append(diagnostic("FC004", span, names=", ".join(names)))
        return None
    return functions[0]


def _assemble(ctx: Context, table: FlowTable, entries: list[ir.Flow], entry: str | None) -> ir.Program:
    """The entry flows plus every sub-flow and step they reach, in a stable order."""
    flows: dict[str, ir.Flow] = {}
    by_key = {f.key: f for f in table.built.values()}
    pending = list(entries)
    while pending:
        flow = pending.pop(0)
        if flow.key in flows:
            continue
        flows[flow.key] = flow
        pending.extend(by_key[t.callee] for t in flow.tasks() if t.kind == "flow" and t.callee in by_key)
    step_keys = {t.callee for f in flows.values() for t in f.tasks() if t.kind == "step"}
    step_keys |= {f.on_exit.step for f in flows.values() if f.on_exit is not None}
    steps = [s for s in ctx.steps.values() if s.key in step_keys or entry is None]
    return ir.Program(tuple(flows.values()), tuple(sorted(steps, key=lambda s: s.key)), entry)


def _duplicate_names(ctx: Context, steps: list[ir.Step], flows: list[ir.Flow]) -> None:
    """Two steps (or flows) of one module given the same `name=`: their templates would clash."""
    _report_duplicates(ctx, [(s.name, s.function, s.options.span_of("name") or s.span) for s in steps])
    _report_duplicates(ctx, [(f.name, f.function, f.options.span_of("name") or f.span) for f in flows])


def _report_duplicates(ctx: Context, items: list[tuple[str, str, Span]]) -> None:
    first: dict[str, tuple[str, Span]] = {}
    for name, function, span in sorted(items, key=lambda i: (i[2].line, i[2].col)):
        if name in first and function != first[name][0]:
            ctx.diagnostics.append(diagnostic("FC120", span, name=name, line=first[name][1].line))
        first.setdefault(name, (function, span))


def _module_checks(ctx: Context, module: Module) -> None:
    for fn, kind in module.nested_decorated:
        ctx.report("FC116", module, fn, decorator=kind, name=fn.name)
    for stmt, first in module.redefined:
        name = getattr(stmt, "name", "?")
        if module.is_step(name) or module.is_flow(name):
            ctx.report("FC120", module, stmt, name=name, line=first)


def _sources(project: Project, entry: Module) -> dict[str, str]:
    sources = {m.path: m.text for m in project.modules()}
    sources[entry.path] = entry.text
    return sources
