"""Flow bodies → `ir.Flow`: tasks, fan-out, branches, ordering, typed wiring.

The body is read, not run: each statement of the flow language becomes IR nodes, and every
value passed to a task is resolved to a flow parameter, a literal, an earlier task's output,
a loop item or a collected loop result, with its type checked against the callee's
signature. Anything outside the language is a diagnostic at its position.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Literal

from flowc.compiler import ir, values
from flowc.compiler import types as t
from flowc.compiler.diagnostics import Span
from flowc.compiler.frontend.modules import FunctionNode, Module
from flowc.compiler.frontend.options import parse_options
from flowc.compiler.frontend.resolve import External, NotConstant, Ref
from flowc.compiler.frontend.signatures import (
    Context,
    build_step,
    check_function_kind,
    is_none_literal,
    read_params,
    read_type,
    retries_option,
    returns_value,
)
from flowc.compiler.frozen import frozen
from flowc.compiler.rules import diagnostic


@frozen
class Binding:
    """What a name in the flow body stands for."""

    value: ir.Value | None  # None: the result of a task that returns nothing
    type: t.Type
    origin: str  # for messages: "the result of `train`"
    tasks: tuple[str, ...] = ()  # the tasks producing it, for `with after(...)`
    error: bool = False  # stands for something already reported: stay silent about it

    @property
    def multi(self) -> bool:
        return isinstance(self.type, (t.NamedTupleT, t.TupleT))


ERROR = Binding(None, t.ANY, "", error=True)


@dataclass
class Scope:
    """The names a flow body, a branch or a loop binds."""

    kind: Literal["flow", "branch", "loop"]
    line: int
    names: dict[str, Binding] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # where each name was last bound, for notes


class Recursion(Exception):
    def __init__(self, chain: list[str]) -> None:
        super().__init__(" → ".join(chain))
        self.chain = chain


@frozen
class Callee:
    """What a call in a flow body calls: a step or a sub-flow, by its interface."""

    kind: Literal["step", "flow"]
    key: str
    name: str
    params: tuple[ir.Param, ...]
    returns: t.Type
    outputs: tuple[ir.Output, ...]


class FlowTable:
    """Builds flows on demand, once each, detecting recursion through sub-flows."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.built: dict[tuple[str, str], ir.Flow] = {}
        self._building: list[tuple[str, str]] = []

    def get(self, module: Module, fn: FunctionNode, deco: ast.expr) -> ir.Flow:
        key = (module.path, fn.name)
        if key in self._building:
            chain = [name for _, name in self._building[self._building.index(key) :]] + [fn.name]
            raise Recursion(chain)
        if key not in self.built:
            self._building.append(key)
            try:
                self.built[key] = FlowBuilder(self, module, fn, deco).build()
            finally:
                self._building.pop()
        return self.built[key]


_STATEMENTS = {
    ast.While: "a `while` loop",
    ast.Try: "a `try` statement",
    ast.Import: "an `import`",
    ast.ImportFrom: "an `import`",
    ast.FunctionDef: "a nested function",
    ast.AsyncFunctionDef: "a nested function",
    ast.ClassDef: "a class definition",
    ast.AugAssign: "an augmented assignment",
    ast.Delete: "`del`",
    ast.Global: "`global`",
    ast.Nonlocal: "`nonlocal`",
    ast.Raise: "`raise`",
    ast.Assert: "`assert`",
    ast.Match: "a `match` statement",
    ast.AsyncFor: "`async for`",
    ast.AsyncWith: "`async with`",
    ast.Break: "`break`",
    ast.Continue: "`continue`",
    ast.TryStar: "a `try` statement",
}
if hasattr(ast, "TypeAlias"):  # Python 3.12+
    _STATEMENTS[ast.TypeAlias] = "a `type` statement"
_EXPRESSIONS = {
    ast.BinOp: "arithmetic",
    ast.UnaryOp: "an operator",
    ast.BoolOp: "`and`/`or` outside a condition",
    ast.Compare: "a comparison outside a condition",
    ast.IfExp: "a conditional expression",
    ast.Lambda: "a lambda",
    ast.GeneratorExp: "a generator expression",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.NamedExpr: "`:=`",
    ast.Await: "`await`",
    ast.Yield: "`yield`",
    ast.YieldFrom: "`yield from`",
    ast.Starred: "`*` unpacking",
    ast.Slice: "a slice",
    ast.Set: "a set",
}
_OPS: dict[type[ast.cmpop], ir.CompareOp] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_STEP_HINT = "do this inside a step and pass its result on"


class FlowBuilder:
    def __init__(self, table: FlowTable, module: Module, fn: FunctionNode, deco: ast.expr) -> None:
        self.table, self.ctx, self.module, self.fn, self.deco = table, table.ctx, module, fn, deco
        self.scopes: list[Scope] = []
        self.dead: dict[str, tuple[str, int]] = {}
        self.nodes: list[list[ir.Node]] = [[]]
        self.after: list[tuple[str, ...]] = []
        self.ids: set[str] = set()
        self.id_counters: dict[str, int] = {}
        self.in_condition = False
        # Names (`x`) and NamedTuple fields (`r.f`) a condition proves are not None, for each
        # enclosing branch: inside it an `Optional[T]` value is a `T`, as type checkers narrow.
        self.narrowed: list[frozenset[str]] = []
        self.pending_binding: str | None = None
        self.results_failed = False
        self.returned: ast.expr | None = None  # the flow's `return` value

    # --- entry -------------------------------------------------------------------------

    def build(self) -> ir.Flow:
        ctx, module, fn = self.ctx, self.module, self.fn
        check_function_kind(ctx, module, fn, "flow")
        params = read_params(ctx, module, fn, "flow")
        returns = (
            read_type(ctx, module, fn.returns, f"the return value of flow `{fn.name}`", fn, allow_tuple=True)
            if fn.returns is not None or returns_value(fn)
            else t.NONE
        )
        options, on_exit, name, description = self._options()
        self.scopes.append(
            Scope(
                "flow",
                fn.lineno,
                {p.name: self._param_binding(p) for p in params},
                {p.name: p.span.line for p in params},
            )
        )
        stmts = fn.body[1:] if ast.get_docstring(fn) is not None else fn.body
        results, result_types = self._body_with_return(stmts)
        outputs = self._outputs(returns, results, result_types, fn.returns is not None)
        flow = ir.Flow(
            key=f"{module.name}:{fn.name}",
            name=name,
            function=fn.name,
            module=module.name,
            path=module.path,
            description=description if description is not None else ast.get_docstring(fn),
            params=params,
            outputs=outputs,
            results=results,
            returns=returns if fn.returns is not None else _tuple_of(result_types),
            body=tuple(self.nodes[0]),
            options=options,
            on_exit=on_exit,
            span=module.span(fn),
        )
        if not any(isinstance(n, ast.Call) for stmt in stmts for n in ast.walk(stmt)):
            ctx.report("FC308", module, fn, name=fn.name)
        return flow

    @staticmethod
    def _param_binding(p: ir.Param) -> Binding:
        return Binding(ir.ParamRef(p.name, p.span), p.type, f"flow parameter `{p.name}`")

    def _options(self) -> tuple[ir.FlowOptions, ir.ExitHandler | None, str, str | None]:
        parsed = parse_options(self.module, self.ctx.folder, self.deco, "flow", self.ctx.diagnostics)
        v = parsed.values
        schedule = self._schedule(v.get("schedule"), v.get("timezone"), parsed.spans)
        self._check_k8s_name(v, parsed.spans, "namespace", values.DNS1123_LABEL, 63)
        self._check_k8s_name(v, parsed.spans, "service_account", values.DNS1123_SUBDOMAIN, 253)
        options = ir.FlowOptions(
            image=v.get("image"),
            schedule=schedule,
            max_parallel=v.get("max_parallel"),
            retries=retries_option(self.ctx, self.module, parsed),
            timeout_seconds=v.get("timeout"),
            namespace=v.get("namespace"),
            service_account=v.get("service_account"),
            labels=v.get("labels", ()),
            annotations=v.get("annotations", ()),
            ttl_seconds=v.get("ttl"),
            spans=tuple(sorted(parsed.spans.items())),
        )
        exit_node = parsed.nodes.get("on_exit")
        on_exit = self._exit_handler(exit_node) if exit_node is not None else None
        return options, on_exit, v.get("name", self.fn.name), v.get("description")

    def _schedule(self, cron: str | None, tz: str | None, spans: dict[str, Span]) -> ir.Schedule | None:
        diags = self.ctx.diagnostics
        if tz is not None:
            try:
                values.timezone(tz)
            except ValueError:
                diags.append(diagnostic("FC108", spans["timezone"], value=tz))
            if cron is None:
                diags.append(
                    diagnostic(
                        "FC103", spans["timezone"], option="timezone", detail="a timezone needs a `schedule`"
                    )
                )
        if cron is None:
            return None
        try:
            values.cron(cron)
        except ValueError as exc:
            diags.append(diagnostic("FC107", spans["schedule"], value=cron, detail=str(exc)))
            return None
        return ir.Schedule(cron.strip(), tz, spans["schedule"])

    def _check_k8s_name(
        self, v: dict[str, object], spans: dict[str, Span], option: str, pattern: re.Pattern[str], limit: int
    ) -> None:
        value = v.get(option)
        if isinstance(value, str) and (len(value) > limit or not pattern.match(value)):
            self.ctx.diagnostics.append(
                diagnostic(
                    "FC103",
                    spans[option],
                    option=option,
                    detail=f"must be a lowercase DNS name of at most {limit} characters ([a-z0-9-])",
                )
            )
            v.pop(option)

    def _exit_handler(self, node: ast.expr) -> ir.ExitHandler | None:
        ref = self.ctx.resolver.resolve_expr(self.module, node)
        if not (isinstance(ref, Ref) and ref.kind == "step"):
            self.ctx.report("FC118", self.module, node, detail=f"`{ast.unparse(node)}` is not a @step")
            return None
        fn = ref.module.functions[ref.name]
        step = build_step(self.ctx, ref.module, fn, _decorator(ref.module, fn))
        status = [p for p in step.params if isinstance(p.type, t.RunStatusT)]
        unbound = [p.name for p in step.params if p.required and not isinstance(p.type, t.RunStatusT)]
        if len(status) > 1 or unbound:
            detail = (
                f"step `{step.function}` takes more than one RunStatus"
                if len(status) > 1
                else f"parameter(s) {', '.join(unbound)} of `{step.function}` need defaults"
            )
            self.ctx.report("FC118", self.module, node, detail=detail)
        return ir.ExitHandler(step.key, status[0].name if status else None, self.module.span(node))

    # --- statements ----------------------------------------------------------------------

    def _body_with_return(self, stmts: list[ast.stmt]) -> tuple[tuple[ir.Value, ...], tuple[t.Type, ...]]:
        ret = stmts[-1] if stmts and isinstance(stmts[-1], ast.Return) else None
        self._block(stmts[:-1] if ret is not None else stmts)
        if ret is None or ret.value is None:
            return (), ()
        self.returned = ret.value
        elts = ret.value.elts if isinstance(ret.value, ast.Tuple) else [ret.value]
        bindings = [self._expr(e) for e in elts]
        if len(bindings) == 1 and bindings[0] is not None and bindings[0].multi:
            return self._whole_result(bindings[0], elts[0])
        used = [self._as_value(b, e, "a flow result") for b, e in zip(bindings, elts, strict=True)]
        values = [(b.value, b.type) for b in used if b is not None and b.value is not None]
        if len(values) != len(elts):
            self.results_failed = True
            return (), ()
        return tuple(v for v, _ in values), tuple(ty for _, ty in values)

    def _whole_result(
        self, binding: Binding, node: ast.expr
    ) -> tuple[tuple[ir.Value, ...], tuple[t.Type, ...]]:
        """`return r` where `r` has several outputs: the flow returns all of them."""
        if not isinstance(binding.value, ir.TaskOutput):
            self.results_failed = True
            return (), ()
        task, span = binding.value.task, self.module.span(node)
        fields = _fields(binding.type)
        return tuple(ir.TaskOutput(task, n, span) for n, _ in fields), tuple(ty for _, ty in fields)

    def _outputs(
        self, returns: t.Type, results: tuple[ir.Value, ...], types: tuple[t.Type, ...], annotated: bool
    ) -> tuple[ir.Output, ...]:
        got = _tuple_of(types)
        if annotated and not self.results_failed and not t.assignable(got, returns):
            at = self.returned or self.fn.returns or self.fn  # what is returned, as mypy says
            self.ctx.report("FC216", self.module, at, flow=self.fn.name, expected=returns, got=got)
        return ir.outputs_of(returns if annotated and not isinstance(returns, t.AnyT) else got)

    def _block(self, stmts: list[ast.stmt]) -> None:
        for stmt in stmts:
            self._stmt(stmt)

    def _stmt(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Assign):
            self._assign(stmt.targets, stmt.value, None, stmt)
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            self._assign([stmt.target], stmt.value, stmt.annotation, stmt)
        elif isinstance(stmt, ast.Expr):
            self._expression_statement(stmt)
        elif isinstance(stmt, ast.For):
            self._for(stmt)
        elif isinstance(stmt, ast.If):
            self._branch(stmt)
        elif isinstance(stmt, ast.With):
            self._with(stmt)
        elif isinstance(stmt, ast.Return):
            self.results_failed = True
            self.ctx.report(
                "FC307",
                self.module,
                stmt,
                detail="`return` must be the last statement of the flow body, outside any block",
            )
        elif not isinstance(stmt, ast.Pass):
            construct = _STATEMENTS.get(
                type(stmt), "a bare annotation" if isinstance(stmt, ast.AnnAssign) else "this statement"
            )
            self.ctx.report("FC301", self.module, stmt, construct=construct, hint=_STEP_HINT)
            self._poison(stmt)

    def _poison(self, stmt: ast.stmt) -> None:
        """Names bound by a rejected statement stand for a reported mistake: no follow-on errors."""
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self._bind(node.id, ERROR, node)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._bind(node.name, ERROR, node)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    self._bind(alias.asname or alias.name.partition(".")[0], ERROR, node)

    def _expression_statement(self, stmt: ast.Expr) -> None:
        if isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str | type(...)):
            return  # a string used as a comment, or `...`
        if isinstance(stmt.value, (ast.Call, ast.ListComp)):  # a task, or a fan-out of tasks
            self._expr(stmt.value)
        else:
            self.ctx.report(
                "FC301",
                self.module,
                stmt,
                construct="an expression statement",
                hint="call a step, or bind a result with `x = step(...)`",
            )

    def _assign(
        self, targets: list[ast.expr], value: ast.expr, annotation: ast.expr | None, stmt: ast.stmt
    ) -> None:
        if len(targets) != 1:
            self.ctx.report(
                "FC301", self.module, stmt, construct="a chained assignment", hint="bind one name at a time"
            )
            self._poison(stmt)
            return
        target = targets[0]
        if isinstance(target, (ast.Tuple, ast.List)):
            self._unpack(target, value)
            return
        if not isinstance(target, ast.Name):
            self.ctx.report(
                "FC301",
                self.module,
                target,
                construct="assignment to an attribute or item",
                hint="bind a plain name",
            )
            return
        self._check_rebinding(target)
        self.pending_binding = target.id if isinstance(value, ast.Call) else None
        binding = self._expr(value)
        if binding is None or binding.error:
            self._bind(target.id, ERROR, target)
            return
        if annotation is not None:
            declared = read_type(self.ctx, self.module, annotation, f"`{target.id}`", target)
            if binding.value is not None and not self._fits(binding, declared):
                self.ctx.report(
                    "FC201", self.module, value, what=f"`{target.id}`", expected=declared, got=binding.type
                )
        self._bind(target.id, binding, target)

    def _check_rebinding(self, target: ast.Name) -> None:
        """`train = train(d)`: in Python the local name hides the step, and the call fails."""
        if self._visible(target.id):
            self._check_block_rebinding(target)
            return
        ref = self.ctx.resolver.lookup(self.module, target.id)
        if isinstance(ref, Ref) and ref.kind in ("step", "flow"):
            detail = f"`{target.id}` is the name of a {ref.kind}; name the result differently"
            self.ctx.report("FC311", self.module, target, detail=detail)

    def _check_block_rebinding(self, target: ast.Name) -> None:
        """`r = s()` in a branch or loop body, `r` bound before the block: the graph has one
        producer per name, so after the block (and in the loop's next iteration) `r` would keep
        the earlier value where Python sees the new one. Rebinding in the same block is sequential."""
        inner = self.scopes[-1]
        if inner.kind == "flow" or target.id in inner.names:
            return
        outer = next(s for s in reversed(self.scopes) if target.id in s.names)
        if outer.names[target.id].error:
            return  # stands for a reported mistake
        where, after = (
            ("an `if` branch", "after the branch")
            if inner.kind == "branch"
            else ("a `for` loop", "in the next iteration and after the loop")
        )
        detail = (
            f"`{target.id}`, bound before {where}, is rebound inside it; {after} the flow would "
            "still use the earlier value, unlike Python: give the new value a name of its own"
        )
        note = f"the earlier value of `{target.id}` is bound at line {outer.lines[target.id]}"
        self.ctx.report("FC311", self.module, target, note, detail=detail)

    def _unpack(self, target: ast.Tuple | ast.List, value: ast.expr) -> None:
        names = [e for e in target.elts if isinstance(e, ast.Name)]
        if len(names) != len(target.elts):
            self.ctx.report(
                "FC301",
                self.module,
                target,
                construct="nested or starred unpacking",
                hint="unpack into plain names",
            )
            return
        for name in names:
            self._check_rebinding(name)
        binding = self._expr(value)  # before binding: `a, b = s(a)` passes the earlier `a`
        for name in names:  # until proven otherwise, the names stand for a reported mistake
            self._bind(name.id, ERROR, name)
        if binding is None or binding.error or isinstance(binding.type, t.AnyT):
            return  # reported already, or unknown (`Any`): nothing to check
        if not binding.multi or not isinstance(binding.value, ir.TaskOutput):
            self.ctx.report(
                "FC215",
                self.module,
                value,
                detail=f"{binding.origin} is a single value; it cannot be unpacked",
            )
            return
        fields = _fields(binding.type)
        if len(fields) != len(names):
            self.ctx.report(
                "FC215",
                self.module,
                target,
                detail=f"{binding.origin} has {len(fields)} outputs, unpacked into {len(names)} names",
            )
            return
        for name, (fname, ftype) in zip(names, fields, strict=True):
            out = ir.TaskOutput(binding.value.task, fname, self.module.span(name))
            self._bind(
                name.id, Binding(out, ftype, f"output `{fname}` of {binding.origin}", binding.tasks), name
            )

    def _bind(self, name: str, binding: Binding, node: ast.stmt | ast.expr) -> None:
        scope = self.scopes[-1]
        scope.names[name] = binding
        scope.lines[name] = node.lineno
        self.dead.pop(name, None)

    # --- blocks -------------------------------------------------------------------------

    def _scoped(
        self,
        kind: Literal["branch", "loop"],
        line: int,
        stmts: list[ast.stmt],
        bindings: dict[str, Binding] | None = None,
    ) -> tuple[ir.Node, ...]:
        bindings = bindings or {}
        self.scopes.append(Scope(kind, line, dict(bindings), dict.fromkeys(bindings, line)))
        self.nodes.append([])
        try:
            self._block(stmts)
        finally:
            scope = self.scopes.pop()
            body = self.nodes.pop()
        where = "an `if` branch" if kind == "branch" else "a `for` loop"
        for name in scope.names:
            if not self._visible(name):
                self.dead[name] = (where, line)
        return tuple(body)

    def _visible(self, name: str) -> bool:
        return any(name in s.names for s in self.scopes)

    def _for(self, stmt: ast.For) -> None:
        if stmt.orelse:
            self.ctx.report(
                "FC301", self.module, stmt.orelse[0], construct="`for ... else`", hint="remove the `else`"
            )
        if not isinstance(stmt.target, ast.Name):
            self.ctx.report(
                "FC301",
                self.module,
                stmt.target,
                construct="unpacking in a `for` target",
                hint='loop over dicts and use `item["key"]`',
            )
            return
        self._check_shadowing(stmt.target)
        source = self._loop_source(stmt.iter)
        if source is None:  # still check the body, with the loop variable unknown
            self._scoped("loop", stmt.lineno, stmt.body, {stmt.target.id: ERROR})
            return
        binding, item_type, max_parallel = source
        assert binding.value is not None
        loop_id = self._new_id(f"for_{stmt.target.id}")
        item = Binding(
            ir.LoopItem(loop_id, (), self.module.span(stmt.target)),
            item_type,
            f"loop variable `{stmt.target.id}`",
        )
        body = self._scoped("loop", stmt.lineno, stmt.body, {stmt.target.id: item})
        self.nodes[-1].append(
            ir.Loop(
                loop_id, stmt.target.id, binding.value, item_type, body, self.module.span(stmt), max_parallel
            )
        )

    def _check_shadowing(self, target: ast.Name) -> None:
        for scope in self.scopes:
            if target.id in scope.names and not scope.names[target.id].error:
                self.ctx.report(
                    "FC311",
                    self.module,
                    target,
                    detail=f"loop variable `{target.id}` shadows {scope.names[target.id].origin}; rename it",
                )
                return

    def _loop_source(self, node: ast.expr) -> tuple[Binding, t.Type, int | None] | None:
        max_parallel = None
        if isinstance(node, ast.Call) and self.module.flowc_name(node.func) == "parallel":
            parsed = self._parallel_args(node)
            if parsed is None:
                return None
            node, max_parallel = parsed
        binding = self._use(node, "a loop source")
        if binding is None:
            return None
        item_type = t.list_item(binding.type)
        if item_type is None:
            self.ctx.report("FC208", self.module, node, what=binding.origin, type=binding.type)
            return None
        return binding, item_type, max_parallel

    def _parallel_args(self, call: ast.Call) -> tuple[ast.expr, int | None] | None:
        maxes = [kw.value for kw in call.keywords if kw.arg == "max"] + call.args[1:2]
        extra = [kw for kw in call.keywords if kw.arg != "max"]
        if not call.args or len(call.args) > 2 or extra or len(maxes) > 1:
            self.ctx.report("FC309", self.module, call, detail="use `parallel(items, max=N)`")
            return None
        if not maxes:
            return call.args[0], None
        try:
            limit = self._fold(maxes[0])
        except NotConstant:
            limit = None
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            self.ctx.report(
                "FC309", self.module, maxes[0], detail="`max` must be a positive integer literal or constant"
            )
            return None
        if limit > values.MAX_INT32:  # KFP holds a loop's parallelism limit in an int32
            detail = f"`max` must be at most {values.MAX_INT32}, the largest value Argo and KFP hold"
            self.ctx.report("FC309", self.module, maxes[0], detail=detail)
            return None
        return call.args[0], limit

    def _branch(self, stmt: ast.If) -> None:
        branch_id = self._new_id("branch")
        cases: list[ir.Case] = []
        node: ast.If | None = stmt
        ruled_out: frozenset[str] = frozenset()  # not None once the earlier tests are false
        while node is not None:
            cond = self._cond(node.test)
            known = ruled_out | not_none(node.test, True) if cond is not None else ruled_out
            body = self._narrowed(known, node.lineno, node.body)
            if cond is not None:
                cases.append(ir.Case(cond, body, self.module.span(node.test)))
                ruled_out |= not_none(node.test, False)
            orelse, node = node.orelse, None
            if len(orelse) == 1 and isinstance(orelse[0], ast.If):
                node = orelse[0]
            elif orelse:
                rest = self._narrowed(ruled_out, orelse[0].lineno, orelse)
                cases.append(ir.Case(None, rest, self.module.span(orelse[0])))
        if cases:
            self.nodes[-1].append(ir.Branch(branch_id, tuple(cases), self.module.span(stmt)))

    def _narrowed(self, keys: frozenset[str], line: int, stmts: list[ast.stmt]) -> tuple[ir.Node, ...]:
        """A branch's body, where `keys` are known not to be None."""
        self.narrowed.append(keys)
        try:
            return self._scoped("branch", line, stmts)
        finally:
            self.narrowed.pop()

    def _narrow(self, key: str | None, binding: Binding) -> Binding:
        """`binding` (of `key`, `x` or `r.f`) as the enclosing branches' conditions prove it:
        not None where they say."""
        narrowed = key is not None and any(key in keys for keys in self.narrowed)
        if narrowed and isinstance(binding.type, t.OptionalT):
            return replace(binding, type=binding.type.inner)
        return binding

    def _with(self, stmt: ast.With) -> None:
        item = stmt.items[0]
        call = item.context_expr
        if (
            len(stmt.items) != 1
            or item.optional_vars is not None
            or not (isinstance(call, ast.Call) and self.module.flowc_name(call.func) == "after")
        ):
            self.ctx.report(
                "FC301",
                self.module,
                stmt,
                construct="a `with` statement other than `with after(...)`",
                hint=_STEP_HINT,
            )
            self._poison(stmt)
            return
        tasks = self._after_tasks(call)
        self.after.append(tasks)
        try:
            self._block(stmt.body)
        finally:
            self.after.pop()

    def _after_tasks(self, call: ast.Call) -> tuple[str, ...]:
        tasks: list[str] = []
        if not call.args or call.keywords:
            self.ctx.report("FC306", self.module, call, detail="`after(...)` takes one or more task results")
        for arg in call.args:
            binding = self._after_arg(arg)
            if binding is None or binding.error or not binding.tasks:
                if binding is not None and not binding.error:
                    self.ctx.report(
                        "FC306",
                        self.module,
                        arg,
                        detail=f"`{ast.unparse(arg)}` is not a task result; bind one with `x = step(...)`",
                    )
                continue
            tasks.extend(binding.tasks)
        return tuple(dict.fromkeys(tasks))

    def _after_arg(self, arg: ast.expr) -> Binding | None:
        """A task result named in `after(...)`; a step or anything else is FC306."""
        if isinstance(arg, ast.Name) and (self._visible(arg.id) or arg.id in self.dead):
            return self._lookup(arg.id, arg)
        ref = self.ctx.resolver.lookup(self.module, arg.id) if isinstance(arg, ast.Name) else None
        if isinstance(arg, ast.Name) and (
            ref is None and not self.ctx.resolver.import_failed(self.module, arg.id)
        ):
            return self._lookup(arg.id, arg)  # undefined: FC303
        if isinstance(arg, ast.Name) and ref is None:
            return ERROR
        what = (
            f"a {ref.kind}" if isinstance(ref, Ref) and ref.kind in ("step", "flow") else "not a task result"
        )
        self.ctx.report(
            "FC306",
            self.module,
            arg,
            detail=f"`{ast.unparse(arg)}` is {what}; bind a task result with `x = step(...)` and name `x`",
        )
        return None

    # --- conditions ---------------------------------------------------------------------

    def _cond(self, node: ast.expr) -> ir.Cond | None:
        self.in_condition = True
        try:
            return self._cond_inner(node)
        finally:
            self.in_condition = False

    def _cond_inner(self, node: ast.expr) -> ir.Cond | None:
        span = self.module.span(node)
        if isinstance(node, ast.BoolOp):
            op: Literal["and", "or"] = "and" if isinstance(node.op, ast.And) else "or"
            parts: list[ir.Cond | None] = []
            proved: frozenset[str] = frozenset()  # by the operands before, when the next is tested
            for value in node.values:
                self.narrowed.append(proved)
                try:
                    parts.append(self._cond_inner(value))
                finally:
                    self.narrowed.pop()
                proved |= not_none(value, op == "and")
            ok = [p for p in parts if p is not None]
            return ir.BoolOp(op, tuple(ok), span) if len(ok) == len(parts) else None
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self._cond_inner(node.operand)
            return ir.Not(inner, span) if inner is not None else None
        if isinstance(node, ast.Compare):
            return self._compare(node)
        binding = self._use(node, "a condition")
        if binding is None or binding.value is None:
            return None
        if t.contains_artifact(binding.type):
            hint = "test a value computed from it in a step"
            self.ctx.report(
                "FC213", self.module, node, left=binding.type, op="(truth value)", right="", hint=hint
            )
            return None
        return ir.Truthy(binding.value, span)

    def _compare(self, node: ast.Compare) -> ir.Cond | None:
        operands = [node.left, *node.comparators]
        used = [self._use(o, "a condition") for o in operands]
        if any(u is None or u.value is None for u in used):
            return None
        parts: list[ir.Cond] = []
        for i, op_node in enumerate(node.ops):
            left, right = used[i], used[i + 1]
            assert left is not None
            assert right is not None
            assert left.value is not None
            assert right.value is not None
            op = _OPS[type(op_node)]
            if not self._comparison_ok(op, left, right, operands[i], operands[i + 1]):
                return None
            parts.append(ir.Compare(op, left.value, right.value, self.module.span(node)))
        return parts[0] if len(parts) == 1 else ir.BoolOp("and", tuple(parts), self.module.span(node))

    def _comparison_ok(
        self, op: str, left: Binding, right: Binding, lnode: ast.expr, rnode: ast.expr
    ) -> bool:
        if op in ("is", "is not") and not (_is_none(left) or _is_none(right)):
            self.ctx.report(
                "FC302",
                self.module,
                rnode,
                construct="`is` with something other than None",
                hint="use `==` to compare values",
            )
            return False
        artifact = t.contains_artifact(left.type) or t.contains_artifact(right.type)
        if artifact or not t.comparable(left.type, right.type, op):
            optional = isinstance(left.type, t.OptionalT) or isinstance(right.type, t.OptionalT)
            hint = (
                "test it with `is not None` first (`x is not None and x > 0`)"
                if optional
                and not artifact
                and t.comparable(t.non_optional(left.type), t.non_optional(right.type), op)
                else "compare values of compatible types"
            )
            self.ctx.report("FC213", self.module, lnode, left=left.type, op=op, right=right.type, hint=hint)
            return False
        return True

    # --- expressions --------------------------------------------------------------------

    def _use(self, node: ast.expr, role: str) -> Binding | None:
        """An expression used as a value: it must produce exactly one value."""
        return self._as_value(self._expr(node), node, role)

    def _as_value(self, binding: Binding | None, node: ast.expr, role: str) -> Binding | None:
        if binding is None or binding.error:
            return None
        if binding.value is None:
            self.ctx.report("FC211", self.module, node, callee=binding.origin)
            return None
        if isinstance(binding.type, t.ListT) and isinstance(binding.type.item, t.NamedTupleT):
            self.ctx.report(
                "FC215",
                self.module,
                node,
                detail=f"each item of {binding.origin} has several outputs; select one with "
                f"`[x.{binding.type.item.fields[0][0]} for x in ...]`",
            )
            return None
        if binding.multi:
            names = ", ".join(n for n, _ in _fields(binding.type))
            self.ctx.report(
                "FC215",
                self.module,
                node,
                detail=f"{binding.origin} has several outputs ({names}); select one for {role}",
            )
            return None
        return binding

    def _expr(self, node: ast.expr) -> Binding | None:
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Attribute):
            return self._attribute(node)
        if isinstance(node, ast.Subscript):
            return self._subscript(node)
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node)
        if isinstance(node, ast.ListComp):
            return self._comprehension(node)
        return self._constant(node)

    def _fold(self, node: ast.expr) -> t.JsonValue:
        """A literal or module constant. A name the flow binds (a parameter, a result, a loop
        variable, even out of scope) is not the module constant it may shadow: Python reads the local."""
        self._check_no_local(node)
        return self.ctx.folder.fold(self.module, node)

    def _check_no_local(self, node: ast.AST) -> None:
        for name in ast.walk(node):
            if isinstance(name, ast.Name) and (self._visible(name.id) or name.id in self.dead):
                raise NotConstant(name)

    def _constant(self, node: ast.expr) -> Binding | None:
        try:
            value = self._fold(node)
        except NotConstant as exc:
            bad = exc.node
            if (
                isinstance(bad, ast.Name)
                and not self._visible(bad.id)
                and (bad.id in self.dead or self.ctx.resolver.lookup(self.module, bad.id) is None)
            ):
                return self._lookup(bad.id, bad)  # reports an undefined or out-of-scope name
            if isinstance(bad, ast.Name) and not self._visible(bad.id):
                ref = self.ctx.resolver.lookup(self.module, bad.id)
                if isinstance(ref, Ref) and ref.kind in ("step", "flow"):
                    self.ctx.report("FC310", self.module, bad, name=bad.id, kind=ref.kind)
                    return None
            self._unsupported(bad if isinstance(bad, ast.expr) and type(bad) in _EXPRESSIONS else node)
            return None
        return Binding(
            ir.Const(value, self.module.span(node)), t.type_of_literal(value), f"the literal {_short(value)}"
        )

    def _unsupported(self, node: ast.expr) -> None:
        if isinstance(node, (ast.List, ast.Tuple, ast.Dict)):
            construct, hint = (
                "a list or dict built from task results",
                "pass the values separately, or collect them with a comprehension",
            )
        else:
            construct, hint = _EXPRESSIONS.get(type(node), f"`{_clip(ast.unparse(node))}`"), _STEP_HINT
        self.ctx.report("FC302", self.module, node, construct=construct, hint=hint)

    def _lookup(self, name: str, node: ast.expr) -> Binding | None:
        for scope in reversed(self.scopes):
            if name in scope.names:
                return scope.names[name]
        if name in self.dead:
            where, line = self.dead[name]
            self.ctx.report(
                "FC304",
                self.module,
                node,
                name=name,
                where=where,
                line=line,
                hint="use it inside that block, collect it with a comprehension, or use a sub-flow",
            )
            return None
        return self._module_name(name, node)

    def _name(self, node: ast.Name) -> Binding | None:
        binding = self._lookup(node.id, node)
        if binding is not None and binding.value is not None:
            # Values point at where they are used, not where they were bound.
            binding = replace(binding, value=replace(binding.value, span=self.module.span(node)))
            return self._narrow(node.id, binding)
        return binding

    def _module_name(self, name: str, node: ast.expr) -> Binding | None:
        ref = self.ctx.resolver.lookup(self.module, name)
        if isinstance(ref, Ref) and ref.kind == "constant":
            return self._constant(node)
        if isinstance(ref, Ref) and ref.kind in ("step", "flow"):
            self.ctx.report("FC310", self.module, node, name=name, kind=ref.kind)
            return None
        if ref is None and self.ctx.resolver.import_failed(self.module, name):
            return ERROR  # the import is reported (FC001/FC006/FC007)
        if ref is None and name in self.module.reassigned:
            self.ctx.report(
                "FC302",
                self.module,
                node,
                construct=f"`{name}`, a module-level name bound more than once (or inside `if`/`try`),",
                hint="flowc reads values without running the module: bind it once, or make it a flow parameter",
            )
            return None
        if ref is None:
            known = [n for s in self.scopes for n in s.names] + list(self.module.constants)
            close = _close_matches(name, known, n=1)
            hint = (
                f"; did you mean `{close[0]}`?"
                if close
                else "; define it earlier or make it a flow parameter"
            )
            self.ctx.report("FC303", self.module, node, name=name, hint=hint)
            return None
        self.ctx.report(
            "FC302",
            self.module,
            node,
            construct=f"`{name}`, which is not a step, flow, parameter or constant,",
            hint=_STEP_HINT,
        )
        return None

    def _attribute(self, node: ast.Attribute) -> Binding | None:
        base_node = node.value
        if (
            isinstance(base_node, ast.Name)
            and not self._visible(base_node.id)
            and base_node.id not in self.dead
        ):
            ref = self.ctx.resolver.resolve_expr(self.module, node)
            if isinstance(ref, Ref) and ref.kind == "constant":
                return self._constant(node)
            if isinstance(ref, Ref) and ref.kind in ("step", "flow"):
                self.ctx.report("FC310", self.module, node, name=ast.unparse(node), kind=ref.kind)
                return None
            if ref is not None:
                self._unsupported(node)
                return None
        base = self._expr(base_node)
        if base is None or base.error:
            return base
        return self._select(base, node.attr, node)

    def _select(self, base: Binding, attr: str, node: ast.expr) -> Binding | None:
        if isinstance(base.type, t.NamedTupleT) and isinstance(base.value, ir.TaskOutput):
            ftype = base.type.field(attr)
            if ftype is not None:
                out = ir.TaskOutput(base.value.task, attr, self.module.span(node))
                selected = Binding(out, ftype, f"`{attr}` of {base.origin}", base.tasks)
                return self._narrow(_narrowing_key(node), selected)
            names = [n for n, _ in base.type.fields]
            close = _close_matches(attr, names, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f" (fields: {', '.join(names)})"
            self.ctx.report("FC209", self.module, node, what=base.origin, field=attr, hint=hint)
            return None
        hint = (
            "; unpack it: `a, b = flow(...)`"
            if isinstance(base.type, t.TupleT)
            else "; only NamedTuple outputs have fields"
        )
        self.ctx.report("FC209", self.module, node, what=base.origin, field=attr, hint=hint)
        return None

    def _subscript(self, node: ast.Subscript) -> Binding | None:
        base = self._expr(node.value)
        if base is None or base.error:
            return base
        key = node.slice
        if (
            isinstance(base.value, ir.LoopItem)
            and isinstance(key, ast.Constant)
            and isinstance(key.value, str)
        ) and isinstance(base.type, (t.DictT, t.AnyT)):
            vtype = base.type.value if isinstance(base.type, t.DictT) else t.ANY
            item = replace(base.value, keys=(*base.value.keys, key.value), span=self.module.span(node))
            return Binding(item, vtype, f"`{ast.unparse(node)}`")
        if (
            isinstance(base.type, t.TupleT)
            and isinstance(base.value, ir.TaskOutput)
            and isinstance(key, ast.Constant)
        ):
            index = key.value
            if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(base.type.items):
                out = ir.TaskOutput(base.value.task, f"output_{index}", self.module.span(node))
                return Binding(out, base.type.items[index], f"output {index} of {base.origin}", base.tasks)
        dict_item = isinstance(base.value, ir.LoopItem) and isinstance(base.type, (t.DictT, t.AnyT))
        why = (
            'the key must be a string literal: `item["key"]`'
            if dict_item
            else 'only dict loop items take `item["key"]`; pass the whole value to a step'
        )
        self.ctx.report(
            "FC214",
            self.module,
            node,
            detail=f"cannot index {base.origin} of type {base.type} with `{ast.unparse(key)}`; {why}",
        )
        return None

    def _fstring(self, node: ast.JoinedStr) -> Binding | None:
        parts: list[str | ir.Value] = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                parts.append(str(part.value))
                continue
            assert isinstance(part, ast.FormattedValue)
            value = self._fstring_value(part)
            if value is None:
                return None
            parts.append(value)
        if all(isinstance(p, str) for p in parts):
            return Binding(ir.Const("".join(parts), self.module.span(node)), t.STR, "an f-string")  # type: ignore[arg-type]
        return Binding(ir.FString(tuple(parts), self.module.span(node)), t.STR, "an f-string")

    def _fstring_value(self, part: ast.FormattedValue) -> str | ir.Value | None:
        try:
            self._check_no_local(part)
            return self.ctx.folder.fold_formatted(self.module, part)
        except NotConstant:
            pass
        if part.format_spec is not None or part.conversion not in (-1, ord("s")):
            self.ctx.report(
                "FC302",
                self.module,
                part.value,  # `part` itself is placed differently by Python 3.11 and 3.12+
                construct="a format spec or conversion in an f-string",
                hint="format the value inside a step",
            )
            return None
        binding = self._use(part.value, "an f-string")
        if binding is None or binding.value is None:
            return None
        if not _formattable(binding.type):
            self.ctx.report(
                "FC201",
                self.module,
                part.value,
                what="an f-string",
                expected="str, int, float or bool",
                got=binding.type,
            )
            return None
        return binding.value

    # --- calls --------------------------------------------------------------------------

    def _call(self, node: ast.Call) -> Binding | None:
        binding_name, self.pending_binding = self.pending_binding, None
        callee = self._callee(node.func)
        if callee is None:
            return None
        if self.in_condition:
            self.ctx.report(
                "FC302",
                self.module,
                node,
                construct="calling a step in a condition",
                hint="bind its result first: `x = step(...)`, then `if x ...`",
            )
            return None
        args = self._bind_args(callee, node)
        task_id = self._new_id(callee.name)
        after = tuple(dict.fromkeys(task for group in self.after for task in group))
        task = ir.Task(task_id, callee.key, callee.kind, args, after, self.module.span(node), binding_name)
        self.nodes[-1].append(task)
        return self._task_binding(task_id, callee, task.span)

    @staticmethod
    def _task_binding(task_id: str, callee: Callee, span: Span) -> Binding:
        if not callee.outputs:
            return Binding(None, t.NONE, callee.name, (task_id,))
        single = len(callee.outputs) == 1 and not isinstance(callee.returns, (t.NamedTupleT, t.TupleT))
        out_type = callee.outputs[0].type if single else callee.returns
        return Binding(
            ir.TaskOutput(task_id, None, span), out_type, f"the result of `{callee.name}`", (task_id,)
        )

    def _callee(self, func: ast.expr) -> Callee | None:
        flowc_name = self.module.flowc_name(func)
        if flowc_name in ("parallel", "after"):
            code = "FC309" if flowc_name == "parallel" else "FC306"
            self.ctx.report(
                code,
                self.module,
                func,
                detail=f"`{flowc_name}(...)` is only valid as "
                + (
                    "the iterable of a `for` loop or comprehension"
                    if code == "FC309"
                    else "`with after(...):`"
                ),
            )
            return None
        ref = (
            self.ctx.resolver.resolve_expr(self.module, func)
            if isinstance(func, (ast.Name, ast.Attribute))
            else None
        )
        if isinstance(func, ast.Name) and (self._visible(func.id) or func.id in self.dead):
            ref = None
        if isinstance(ref, Ref) and ref.kind == "step":
            fn = ref.module.functions[ref.name]
            step = build_step(self.ctx, ref.module, fn, _decorator(ref.module, fn))
            return Callee("step", step.key, step.name, step.params, step.returns, step.outputs)
        if isinstance(ref, Ref) and ref.kind == "flow":
            return self._subflow(ref, func)
        self._not_callable(func, ref)
        return None

    def _subflow(self, ref: Ref, func: ast.expr) -> Callee | None:
        fn = ref.module.functions[ref.name]
        try:
            sub = self.table.get(ref.module, fn, _decorator(ref.module, fn))
        except Recursion as exc:
            self.ctx.report("FC305", self.module, func, name=ref.name, chain=" → ".join(exc.chain))
            return None
        return Callee("flow", sub.key, sub.name, sub.params, sub.returns, sub.outputs)

    def _not_callable(self, func: ast.expr, ref: Ref | External | None) -> None:
        text = _clip(ast.unparse(func))
        if isinstance(func, ast.Name) and self._visible(func.id):
            binding = self._lookup(func.id, func)
            if binding is not None and binding.error:
                return  # a name from a rejected statement: already reported
        if isinstance(ref, External) and not ref.installed:
            self.ctx.report(
                "FC005",
                self.module,
                func,
                module=ref.module,
                roots=", ".join(str(r) for r in self.ctx.resolver.project.roots),
            )
        elif (
            ref is None
            and isinstance(func, ast.Name)
            and not self._visible(func.id)
            and func.id not in self.dead
            and func.id not in _BUILTINS
        ):
            self._lookup(func.id, func)
        else:
            self.ctx.report(
                "FC302",
                self.module,
                func,
                construct=f"calling `{text}`, which is not a step or flow,",
                hint=_STEP_HINT,
            )

    def _bind_args(self, callee: Callee, call: ast.Call) -> tuple[ir.Arg, ...]:
        given: dict[str, tuple[Binding, ast.expr]] = {}
        positional = [p for p in callee.params if not p.keyword_only]
        for i, arg in enumerate(call.args):
            if i >= len(positional) or isinstance(arg, ast.Starred):
                if isinstance(arg, ast.Starred):
                    self._unsupported(arg)
                else:
                    self.ctx.report(
                        "FC205",
                        self.module,
                        arg,
                        callee=callee.name,
                        expected=len(positional),
                        got=len(call.args),
                    )
                break
            self._give(callee, positional[i].name, arg, given)
        for kw in call.keywords:
            self._keyword(callee, kw, given)
        if not any(isinstance(a, ast.Starred) for a in call.args) and all(k.arg for k in call.keywords):
            self._check_missing(callee, call, given)  # with `*`/`**` (reported) nobody knows what is missing
        params = {p.name: p for p in callee.params}
        return tuple(
            ir.Arg(name, b.value)
            for name, (b, n) in given.items()
            if b.value is not None and self._check_arg(callee, params[name], b, n)
        )

    def _keyword(self, callee: Callee, kw: ast.keyword, given: dict[str, tuple[Binding, ast.expr]]) -> None:
        if kw.arg is None:
            self.ctx.report(
                "FC302", self.module, kw.value, construct="`**` unpacking", hint="pass each argument by name"
            )
            return
        if not any(p.name == kw.arg for p in callee.params):
            close = _close_matches(kw.arg, [p.name for p in callee.params], n=1)
            self.ctx.report(
                "FC203",
                self.module,
                kw,
                callee=callee.name,
                param=kw.arg,
                hint=f"; did you mean `{close[0]}`?" if close else "; remove it or add the parameter",
            )
            self._expr(kw.value)
            return
        if kw.arg in given:
            self.ctx.report("FC204", self.module, kw, callee=callee.name, param=kw.arg)
            return
        self._give(callee, kw.arg, kw.value, given)

    def _give(
        self, callee: Callee, name: str, node: ast.expr, given: dict[str, tuple[Binding, ast.expr]]
    ) -> None:
        binding = self._use(node, f"argument `{name}`")
        if binding is not None:
            given[name] = (binding, node)
        else:  # reported; remember the parameter so it is not also reported missing
            given[name] = (Binding(None, t.ANY, ""), node)

    def _check_missing(
        self, callee: Callee, call: ast.Call, given: dict[str, tuple[Binding, ast.expr]]
    ) -> None:
        for p in callee.params:
            if p.name in given or not p.required:
                continue
            if isinstance(p.type, t.RunStatusT):
                self.ctx.report(
                    "FC212",
                    self.module,
                    call,
                    detail=f"`{callee.name}` takes a RunStatus, which only "
                    "its use as `@flow(on_exit=...)` provides; it cannot be called in a flow body",
                )
            else:
                self.ctx.report("FC202", self.module, call, callee=callee.name, param=p.name)

    def _check_arg(self, callee: Callee, param: ir.Param, binding: Binding, node: ast.expr) -> bool:
        if isinstance(param.type, t.RunStatusT):
            self.ctx.report(
                "FC212", self.module, node, detail="a RunStatus is passed only to the exit handler"
            )
            return False
        if self._fits(binding, param.type):
            return True
        got = _short(binding.value.value) if isinstance(binding.value, ir.Const) else binding.type
        self.ctx.report(
            "FC201",
            self.module,
            node,
            what=f"parameter `{param.name}` of `{callee.name}`",
            expected=param.type,
            got=got,
        )
        return False

    @staticmethod
    def _fits(binding: Binding, expected: t.Type) -> bool:
        if isinstance(binding.value, ir.Const):
            return t.literal_fits(binding.value.value, expected)
        return t.assignable(binding.type, expected)

    # --- comprehensions -----------------------------------------------------------------

    def _comprehension(self, node: ast.ListComp) -> Binding | None:
        gen = node.generators[0]
        if len(node.generators) != 1 or gen.ifs or gen.is_async:
            construct = (
                "a filter in a comprehension" if gen.ifs else "several `for` clauses in a comprehension"
            )
            self.ctx.report(
                "FC302",
                self.module,
                node,
                construct=construct,
                hint="nest comprehensions, or filter inside a step",
            )
            return None
        if not isinstance(gen.target, ast.Name):
            self.ctx.report(
                "FC302",
                self.module,
                gen.target,
                construct="unpacking in a comprehension target",
                hint='loop over dicts and use `item["key"]`',
            )
            return None
        elt = node.elt
        if (
            isinstance(elt, ast.Attribute)
            and isinstance(elt.value, ast.Name)
            and elt.value.id == gen.target.id
        ):
            collected = self._expr(gen.iter)
            if collected is not None and isinstance(collected.value, ir.Collected):
                return self._projection(collected, gen.target.id, elt)
        self._check_shadowing(gen.target)
        source = self._loop_source(gen.iter)
        if source is None:
            return None
        binding, item_type, max_parallel = source
        return self._fan_out(node, gen.target.id, binding, item_type, max_parallel)

    def _projection(self, source: Binding, var: str, elt: ast.Attribute) -> Binding | None:
        """`[r.field for r in results]` over collected NamedTuple results: a field, no new tasks."""
        value = source.value
        if not (
            isinstance(value, ir.Collected)
            and isinstance(value.value, ir.TaskOutput)
            and isinstance(source.type, t.ListT)
        ):
            self.ctx.report(
                "FC209",
                self.module,
                elt,
                what=f"an item of {source.origin}",
                field=elt.attr,
                hint="; only collected NamedTuple results have fields",
            )
            return None
        item = Binding(value.value, source.type.item, f"an item of {source.origin}", source.tasks)
        selected = self._select(item, elt.attr, elt)
        if selected is None or not isinstance(selected.value, ir.TaskOutput):
            return None
        collected = ir.Collected(value.loop, selected.value, self.module.span(elt))
        return Binding(collected, t.ListT(selected.type), f"`{ast.unparse(elt)}` of each item", source.tasks)

    def _fan_out(
        self, node: ast.ListComp, var: str, source: Binding, item_type: t.Type, max_parallel: int | None
    ) -> Binding | None:
        assert source.value is not None
        loop_id = self._new_id(f"for_{var}")
        item = Binding(
            ir.LoopItem(loop_id, (), self.module.span(node.generators[0].target)),
            item_type,
            f"loop variable `{var}`",
        )
        self.scopes.append(Scope("loop", node.lineno, {var: item}, {var: node.generators[0].target.lineno}))
        self.nodes.append([])
        try:
            elt = self._expr(node.elt)
        finally:
            self.scopes.pop()
            body = tuple(self.nodes.pop())
        loop = ir.Loop(
            loop_id, var, source.value, item_type, body, self.module.span(node), max_parallel, True
        )
        if elt is None or elt.error:
            return None
        produced = _produced(loop)
        if elt.value is None and produced:
            # a step returning nothing, per item: the tasks can still be waited for (`after`)
            self.nodes[-1].append(loop)
            return Binding(None, t.NONE, elt.origin, produced)
        if not _made_in(elt.value, produced):
            self.ctx.report(
                "FC302",
                self.module,
                node.elt,
                construct="a comprehension that calls no step per item",
                hint="call a step or sub-flow for each item, e.g. `[score(x) for x in xs]`",
            )
            return None
        self.nodes[-1].append(loop)
        assert isinstance(elt.value, (ir.TaskOutput, ir.Collected))
        collected = ir.Collected(loop_id, elt.value, self.module.span(node))
        return Binding(collected, t.ListT(elt.type), f"the results of `{ast.unparse(node.elt)}`", produced)

    def _new_id(self, base: str) -> str:
        """`train`, then `train_2`, `train_3`…; the counter per base keeps this linear."""
        candidate, n = base, self.id_counters.get(base, 1)
        while candidate in self.ids:
            n += 1
            candidate = f"{base}_{n}"
        self.id_counters[base] = n
        self.ids.add(candidate)
        return candidate


_BUILTINS = frozenset(dir(builtins))


def _decorator(module: Module, fn: FunctionNode) -> ast.expr:
    kind = module.decorator_kind(fn)
    assert kind is not None
    return kind[1]


def _fields(typ: t.Type) -> list[tuple[str, t.Type]]:
    if isinstance(typ, t.NamedTupleT):
        return list(typ.fields)
    if isinstance(typ, t.TupleT):
        return [(f"output_{i}", item) for i, item in enumerate(typ.items)]
    return []


def _tuple_of(types: tuple[t.Type, ...]) -> t.Type:
    if not types:
        return t.NONE
    return types[0] if len(types) == 1 else t.TupleT(types)


def not_none(test: ast.expr, outcome: bool) -> frozenset[str]:
    """What `test` proves is not None when it evaluates to `outcome`: the names (`x`) and
    fields (`r.f`) it compares with None (`is not None`, `!= None`, `is None` when false) or
    tests for truth, through `not`, `and` and `or`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return not_none(test.operand, not outcome)
    if isinstance(test, ast.BoolOp):
        parts = [not_none(v, outcome) for v in test.values]
        if isinstance(test.op, ast.And) == outcome:  # all of them held (`and`) or failed (`or`)
            return frozenset().union(*parts)
        return frozenset.intersection(*parts)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, right = test.left, test.comparators[0]
        if is_none_literal(left):
            left, right = right, left
        key = _narrowing_key(left)
        if key is None or not is_none_literal(right):
            return frozenset()
        proves = isinstance(test.ops[0], (ast.IsNot, ast.NotEq)) == outcome
        is_test = isinstance(test.ops[0], (ast.Is, ast.IsNot, ast.Eq, ast.NotEq))
        return frozenset({key}) if proves and is_test else frozenset()
    key = _narrowing_key(test)
    return frozenset({key}) if key is not None and outcome else frozenset()


def _narrowing_key(node: ast.expr) -> str | None:
    """`x` or `r.f`: what a condition can prove something of."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _is_none(binding: Binding) -> bool:
    return isinstance(binding.value, ir.Const) and binding.value.value is None


def _formattable(typ: t.Type) -> bool:
    typ = typ.inner if isinstance(typ, t.OptionalT) else typ
    return isinstance(typ, (t.Scalar, t.AnyT, t.LiteralT))


def _produced(loop: ir.Loop) -> tuple[str, ...]:
    return tuple(n.id for n, _ in ir.walk(loop.body) if isinstance(n, ir.Task))


def _made_in(value: ir.Value | None, produced: tuple[str, ...]) -> bool:
    if isinstance(value, ir.TaskOutput):
        return value.task in produced
    return isinstance(value, ir.Collected) and _made_in(value.value, produced)


def _short(value: object) -> str:
    return _clip(repr(value))


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def iter_flow_functions(module: Module) -> Iterator[tuple[FunctionNode, ast.expr]]:
    for fn in module.functions.values():
        kind = module.decorator_kind(fn)
        if kind is not None and kind[0] == "flow":
            yield fn, kind[1]


def _close_matches(word: str, candidates: list[str] | tuple[str, ...], n: int) -> list[str]:
    import difflib  # only a misspelt name pays for it

    return difflib.get_close_matches(word, candidates, n=n)
