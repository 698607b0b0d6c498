"""Sub-flows inlined into the flow that calls them, as an IR→IR pass.

Metaflow has no nested flows: a FlowSpec is one graph of steps. A sub-flow task is replaced by
the sub-flow's body, its nodes renamed `<task>__<node>` so that two calls never share a name;
inside, a parameter reference becomes the caller's argument (or the parameter's default), and
outside, a reference to the sub-flow task's output becomes the sub-flow's result value. A task
that ran `after` the sub-flow task runs after every task of the inlined body.

The result records, for each inlined task, the flow it was written in: retry and timeout
defaults come from that flow's options.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from flowc.compiler import ir
from flowc.compiler.diagnostics import Span
from flowc.compiler.frozen import frozen
from flowc.compiler.rewrite import rewrite

SEPARATOR = "__"
T = TypeVar("T")


@frozen
class Inlined:
    flow: ir.Flow  # the entry flow with every sub-flow task replaced by its body
    origins: dict[str, str]  # task id → key of the flow whose body it comes from


class InlineError(Exception):
    """A sub-flow result that can't be expressed once inlined (carries the span)."""

    def __init__(self, message: str, span: Span) -> None:
        super().__init__(message)
        self.span = span


def inline(program: ir.Program, entry: ir.Flow) -> Inlined:
    origins: dict[str, str] = {}
    return Inlined(_inline_flow(program, entry, origins), origins)


def _inline_flow(program: ir.Program, flow: ir.Flow, origins: dict[str, str]) -> ir.Flow:
    """`flow` with its sub-flow tasks expanded, in its own names."""
    results: dict[str, dict[str, ir.Value]] = {}
    inlined = dataclasses.replace(flow, body=_inline_body(program, flow, flow.body, origins, results))
    return _replace_outputs(inlined, results) if results else inlined


def _inline_body(
    program: ir.Program,
    flow: ir.Flow,
    body: tuple[ir.Node, ...],
    origins: dict[str, str],
    results: dict[str, dict[str, ir.Value]],
) -> tuple[ir.Node, ...]:
    out: list[ir.Node] = []
    for node in body:
        if isinstance(node, ir.Task) and node.kind == "flow":
            nodes, outputs = _expand(program, node, origins)
            out.extend(nodes)
            results[node.id] = outputs
        elif isinstance(node, ir.Task):
            origins.setdefault(node.id, flow.key)
            out.append(node)
        elif isinstance(node, ir.Loop):
            out.append(
                dataclasses.replace(node, body=_inline_body(program, flow, node.body, origins, results))
            )
        else:
            cases = tuple(
                dataclasses.replace(c, body=_inline_body(program, flow, c.body, origins, results))
                for c in node.cases
            )
            out.append(dataclasses.replace(node, cases=cases))
    return tuple(out)


def _expand(
    program: ir.Program, task: ir.Task, origins: dict[str, str]
) -> tuple[tuple[ir.Node, ...], dict[str, ir.Value]]:
    """The sub-flow's body in place of `task`, and its outputs as values of that body."""
    sub = program.flow(task.callee)
    inner: dict[str, str] = {}
    prefix = task.id + SEPARATOR
    renamed = _rename(_inline_flow(program, sub, inner), prefix)
    body = _bind(renamed.body, sub, task)
    if task.after:
        body = tuple(_add_after(n, task.after) for n in body)
    outputs = _bind(renamed.results, sub, task)
    for key, origin in inner.items():
        origins[prefix + key] = origin
    return body, {o.name: v for o, v in zip(sub.outputs, outputs, strict=True)}


def _add_after(node: ir.Node, after: tuple[str, ...]) -> ir.Node:
    """The caller's `after` applies to every task of the inlined body."""

    def add(n: object) -> object:
        if isinstance(n, ir.Task):
            return dataclasses.replace(n, after=tuple(dict.fromkeys((*n.after, *after))))
        return n

    return rewrite(node, add)


def _rename(flow: ir.Flow, prefix: str) -> ir.Flow:
    def rename(node: object) -> object:
        if isinstance(node, ir.Task):
            return dataclasses.replace(node, id=prefix + node.id, after=tuple(prefix + a for a in node.after))
        if isinstance(node, (ir.Loop, ir.Branch)):
            return dataclasses.replace(node, id=prefix + node.id)
        if isinstance(node, ir.TaskOutput):
            return dataclasses.replace(node, task=prefix + node.task)
        if isinstance(node, (ir.LoopItem, ir.Collected)):
            return dataclasses.replace(node, loop=prefix + node.loop)
        return node

    return rewrite(flow, rename)


def _bind(tree: T, sub: ir.Flow, task: ir.Task) -> T:
    """Parameter references replaced by the call's arguments (already in the caller's names)."""
    values: dict[str, ir.Value] = {}
    for param in sub.params:
        given = task.arg(param.name)
        if given is not None:
            values[param.name] = given
        elif param.default is not None:
            values[param.name] = param.default

    def bind(node: object) -> object:
        if isinstance(node, ir.ParamRef) and node.name in values:
            return values[node.name]
        return node

    return rewrite(tree, bind)


def _replace_outputs(flow: ir.Flow, results: dict[str, dict[str, ir.Value]]) -> ir.Flow:
    """References to sub-flow task outputs replaced by the inlined results; `after` a sub-flow
    task becomes after every task inlined from it."""
    inlined: dict[str, list[str]] = {key: [] for key in results}
    for task in flow.tasks():
        inlined.get(task.id.split(SEPARATOR, 1)[0], []).append(task.id)

    def replace(node: object) -> object:
        if isinstance(node, ir.TaskOutput) and node.task in results:
            # `field` names one output: the frontend never passes several at once (FC215)
            return results[node.task][node.field or "output"]
        if isinstance(node, ir.Collected) and not isinstance(node.value, (ir.TaskOutput, ir.Collected)):
            raise InlineError("a collected sub-flow result that is not a task output", node.span)
        if isinstance(node, ir.Task) and any(a in results for a in node.after):
            after = (x for a in node.after for x in inlined.get(a, [a]))
            return dataclasses.replace(node, after=tuple(dict.fromkeys(after)))
        return node

    return rewrite(flow, replace)
