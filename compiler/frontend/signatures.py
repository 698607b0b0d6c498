"""Steps and flow signatures: decorated functions → `ir.Step`, parameters and return types."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from flowc.compiler import ir
from flowc.compiler import types as t
from flowc.compiler.diagnostics import Diagnostic
from flowc.compiler.frontend.modules import FunctionNode, Module
from flowc.compiler.frontend.options import OptionError, ParsedOptions, parse_options, parse_retries
from flowc.compiler.frontend.resolve import (
    Folder,
    NonStringKey,
    NotConstant,
    Resolver,
    TypeReader,
    Unsupported,
)
from flowc.compiler.rules import diagnostic


@dataclass
class Context:
    """Shared state of one load: resolution, folding, type reading, and results so far."""

    resolver: Resolver
    folder: Folder
    types: TypeReader
    diagnostics: list[Diagnostic] = field(default_factory=list)
    steps: dict[tuple[str, str], ir.Step] = field(default_factory=dict)

    @staticmethod
    def create(resolver: Resolver) -> Context:
        return Context(resolver, Folder(resolver), TypeReader(resolver))

    def report(self, code: str, module: Module, node: ast.AST, /, *notes: str, **fields: object) -> None:
        self.diagnostics.append(diagnostic(code, module.span(node), *notes, **fields))


def check_function_kind(ctx: Context, module: Module, fn: FunctionNode, kind: str) -> None:
    if isinstance(fn, ast.AsyncFunctionDef):
        ctx.report("FC119", module, fn, detail=f"{kind} `{fn.name}` is `async def`; use a plain `def`")
    if fn.args.vararg or fn.args.kwarg:
        node = fn.args.vararg or fn.args.kwarg
        assert node is not None
        ctx.report(
            "FC119", module, node, detail=f"{kind} `{fn.name}` takes *args/**kwargs; declare each parameter"
        )
    if fn.args.posonlyargs:
        ctx.report(
            "FC119",
            module,
            fn.args.posonlyargs[0],
            detail=f"{kind} `{fn.name}` has positional-only parameters; remove the `/`",
        )
    kinds = [
        d
        for d in fn.decorator_list
        if module.flowc_name(d.func if isinstance(d, ast.Call) else d) in ("step", "flow")
    ]
    if len(kinds) > 1:
        ctx.report("FC119", module, kinds[1], detail=f"`{fn.name}` has more than one @step/@flow decorator")


def read_params(ctx: Context, module: Module, fn: FunctionNode, kind: str) -> tuple[ir.Param, ...]:
    args = fn.args
    positional = args.posonlyargs + args.args
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params = [
        _param(ctx, module, a, d, kind, fn.name, False) for a, d in zip(positional, defaults, strict=True)
    ]
    params += [
        _param(ctx, module, a, d, kind, fn.name, True)
        for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
    ]
    return tuple(params)


def _param(
    ctx: Context,
    module: Module,
    arg: ast.arg,
    default: ast.expr | None,
    kind: str,
    owner: str,
    keyword_only: bool,
) -> ir.Param:
    typ = read_type(ctx, module, arg.annotation, f"parameter `{arg.arg}` of {kind} `{owner}`", arg)
    if kind == "flow" and isinstance(typ, t.RunStatusT):
        ctx.report(
            "FC212",
            module,
            arg,
            detail="a flow parameter cannot be a RunStatus; only the exit handler receives it",
        )
    const = _default(ctx, module, arg.arg, default, typ) if default is not None else None
    return ir.Param(arg.arg, typ, const, module.span(arg), arg.annotation is not None, keyword_only)


def _default(ctx: Context, module: Module, name: str, node: ast.expr, typ: t.Type) -> ir.Const:
    try:
        value = ctx.folder.fold(module, node)
    except NonStringKey as exc:
        ctx.report(
            "FC210", module, exc.node, param=name, detail="has a key that is not a string (keys are str)"
        )
        return ir.Const(None, module.span(node))  # the parameter has a default: no FC202 for it
    except NotConstant:
        ctx.report("FC210", module, node, param=name, detail="must be a literal or a module constant")
        return ir.Const(None, module.span(node))
    if not t.literal_fits(value, typ):
        ctx.report("FC210", module, node, param=name, detail=f"does not match its type {typ}: {value!r}")
    return ir.Const(value, module.span(node))


def returns_value(fn: FunctionNode) -> bool:
    """Whether `fn`'s own body returns (or yields) a value: without a `return x`, an
    unannotated function returns None, which needs no annotation to be known."""
    stack: list[ast.AST] = list(fn.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return) and not (node.value is None or is_none_literal(node.value)):
            return True
        if isinstance(node, (ast.Yield, ast.YieldFrom, ast.Await)):
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return False


def is_none_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def read_type(
    ctx: Context,
    module: Module,
    node: ast.expr | None,
    what: str,
    anchor: ast.AST,
    *,
    allow_named: bool = False,
    allow_tuple: bool = False,
) -> t.Type:
    if node is None:
        ctx.report("FC206", module, anchor, what=what)
        return t.ANY
    try:
        return ctx.types.read(module, node, allow_named=allow_named, allow_tuple=allow_tuple)
    except Unsupported as exc:
        ctx.report("FC207", module, exc.node, type=ast.unparse(exc.node), detail=exc.detail)
        return t.ANY


def build_step(ctx: Context, module: Module, fn: FunctionNode, deco: ast.expr) -> ir.Step:
    key = (module.path, fn.name)
    if key not in ctx.steps:
        ctx.steps[key] = _build_step(ctx, module, fn, deco)
    return ctx.steps[key]


def _build_step(ctx: Context, module: Module, fn: FunctionNode, deco: ast.expr) -> ir.Step:
    check_function_kind(ctx, module, fn, "step")
    params = read_params(ctx, module, fn, "step")
    returns = (
        read_type(ctx, module, fn.returns, f"the return value of step `{fn.name}`", fn, allow_named=True)
        if fn.returns is not None or returns_value(fn)
        else t.NONE
    )
    parsed = parse_options(module, ctx.folder, deco, "step", ctx.diagnostics)
    options = _step_options(ctx, module, parsed)
    return ir.Step(
        key=f"{module.name}:{fn.name}",
        name=parsed.values.get("name", fn.name),
        function=fn.name,
        module=module.name,
        path=module.path,
        params=params,
        returns=returns,
        returns_annotated=fn.returns is not None,
        options=options,
        span=module.span(fn),
        doc=ast.get_docstring(fn),
    )


def retries_option(ctx: Context, module: Module, parsed: ParsedOptions) -> ir.RetryPolicy | None:
    node = parsed.nodes.get("retries")
    if node is None:
        return None
    try:
        return parse_retries(module, ctx.folder, node)
    except NotConstant as exc:
        ctx.report("FC101", module, exc.node, option="retries")
    except OptionError as exc:
        ctx.report(exc.code, module, node, **exc.fields)
    return None


def _step_options(ctx: Context, module: Module, parsed: ParsedOptions) -> ir.StepOptions:
    v = parsed.values
    cache, version = v.get("cache", (False, None))
    return ir.StepOptions(
        image=v.get("image"),
        cpu=v.get("cpu"),
        memory=v.get("memory"),
        gpu=v.get("gpu"),
        gpu_type=v.get("gpu_type"),
        retries=retries_option(ctx, module, parsed),
        timeout_seconds=v.get("timeout"),
        cache=cache,
        cache_version=version,
        env=v.get("env", ()),
        secrets=v.get("secrets", ()),
        packages=v.get("packages", ()),
        node_selector=v.get("node_selector", ()),
        tolerations=v.get("tolerations", ()),
        volumes=v.get("volumes", ()),
        continue_on_failure=v.get("continue_on_failure", False),
        spans=tuple(sorted(parsed.spans.items())),
    )
