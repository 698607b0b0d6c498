"""The task graph of a flow: which task waits for which, derived from the IR.

A task depends on the tasks whose outputs it reads (directly, through collected loop
results, its loops' sources or its branches' conditions) and on the tasks it runs `after`.
"""

from __future__ import annotations

from collections.abc import Iterable

from flowc.compiler import ir
from flowc.compiler.frozen import frozen


@frozen
class Edge:
    """A dependency between two nodes of a flow: data, ordering, a condition or a loop."""

    source: str
    target: str
    kind: str  # "data" | "after" | "condition" | "loop"


def value_tasks(value: ir.Value, loops: dict[str, ir.Loop]) -> set[str]:
    """Tasks whose completion a value needs."""
    found: set[str] = set()
    for v in ir.value_refs(value):
        if isinstance(v, ir.TaskOutput):
            found.add(v.task)
        elif isinstance(v, ir.Collected) and v.loop in loops:
            found |= {n.id for n, _ in ir.walk(loops[v.loop].body) if isinstance(n, ir.Task)}
    return found


def loops_of(flow: ir.Flow) -> dict[str, ir.Loop]:
    return {n.id: n for n, _ in ir.walk(flow.body) if isinstance(n, ir.Loop)}


def edges(flow: ir.Flow) -> list[Edge]:
    """Every dependency edge between tasks of `flow`, deduplicated, in source order."""
    loops = loops_of(flow)
    cases = {b.id: b for b, _ in ir.walk(flow.body) if isinstance(b, ir.Branch)}
    out: dict[tuple[str, str], Edge] = {}
    for node, ctx in ir.walk(flow.body):
        if not isinstance(node, ir.Task):
            continue
        for kind, sources in _sources(node, ctx, loops, cases):
            for source in sorted(sources):
                if source != node.id:
                    out.setdefault((source, node.id), Edge(source, node.id, kind))
    return list(out.values())


def _sources(
    task: ir.Task, ctx: ir.Context, loops: dict[str, ir.Loop], branches: dict[str, ir.Branch]
) -> Iterable[tuple[str, set[str]]]:
    for arg in task.args:
        yield "data", value_tasks(arg.value, loops)
    yield "after", set(task.after)
    for loop in ctx.loops:
        yield "loop", value_tasks(loop.source, loops)
    for branch_id, index, _cond in ctx.conditions:
        # a case depends on its own condition and on every earlier case's condition
        for case in branches[branch_id].cases[: index + 1]:
            if case.cond is not None:
                yield "condition", set().union(*(value_tasks(v, loops) for v in ir.cond_values(case.cond)))
