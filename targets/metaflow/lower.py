"""A flow body lowered to Metaflow's split/join structure.

Metaflow graphs are series-parallel: a step either goes on to one step, splits into static
branches that a join closes, fans out with `foreach` to a join, or switches on a condition to
one of several paths that meet again. A flow body is an arbitrary DAG of tasks (data and
`after` edges), so this pass decomposes each scope (a body, a loop's body, a case's body)
recursively:

- nodes with no path between them form independent components, which run as static branches;
- a single component is cut in series after its sources (nodes that need nothing in the
  scope): they run first (in parallel if several), then the rest is decomposed again.

Every edge of the original DAG goes from an earlier part of a series to a later one, or stays
inside one part, so no task can start before its inputs exist; the price is that a task may
wait for an unrelated source of its component (a DAG that is not series-parallel can't be
drawn in Metaflow without it). Loops and branches are single nodes of their scope, with their
bodies decomposed inside them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeAlias

from flowc.compiler import ir
from flowc.compiler.frozen import frozen


@frozen
class Unit:
    """One task: one Metaflow step."""

    task: ir.Task


@frozen
class Par:
    """Static branches (at least two), closed by a join."""

    branches: tuple[Seq, ...]


@frozen
class Foreach:
    loop: ir.Loop
    body: Seq


@frozen
class Switch:
    """A branch: one path per case (an empty path for a case with no tasks), met by a merge."""

    branch: ir.Branch
    cases: tuple[Seq, ...]


Part: TypeAlias = "Unit | Par | Foreach | Switch"
Seq: TypeAlias = tuple[Part, ...]


def lower(body: tuple[ir.Node, ...]) -> Seq:
    """The structure of a flow body (sub-flows already inlined)."""
    return _scope(list(body))


# --- decomposition --------------------------------------------------------------------------


def _scope(body: list[ir.Node]) -> Seq:
    if not body:
        return ()
    keys = [n.id for n in body]
    by_key = dict(zip(keys, body, strict=True))
    owner = {d: k for k, n in zip(keys, body, strict=True) for d in _defined(n)}
    needs = {k: {owner[x] for x in _needed(n) if x in owner} - {k} for k, n in zip(keys, body, strict=True)}
    order = {k: i for i, k in enumerate(keys)}
    return tuple(_materialise(part, by_key) for part in _decompose(keys, needs, order))


def _materialise(part: Tree, by_key: dict[str, ir.Node]) -> Part:
    if isinstance(part, str):
        return _node(by_key[part])
    return Par(tuple(tuple(_materialise(p, by_key) for p in branch) for branch in part))


def _node(node: ir.Node) -> Part:
    if isinstance(node, ir.Task):
        return Unit(node)
    if isinstance(node, ir.Loop):
        return Foreach(node, _scope(list(node.body)))
    return Switch(node, tuple(_scope(list(c.body)) for c in node.cases))


Tree: TypeAlias = "str | list[list[Tree]]"


def _decompose(nodes: list[str], needs: dict[str, set[str]], order: dict[str, int]) -> list[Tree]:
    """A series of parts: a node name, or a list of parallel branches (each a series)."""
    if not nodes:
        return []
    components = _components(nodes, needs, order)
    if len(components) > 1:
        return [[_decompose(c, _restrict(needs, c), order) for c in components]]
    if len(nodes) == 1:
        return [nodes[0]]
    sources = [n for n in nodes if not needs[n]]
    rest = [n for n in nodes if needs[n]]
    head: list[Tree] = [sources[0]] if len(sources) == 1 else [[[s] for s in sources]]
    return head + _decompose(rest, _restrict(needs, rest), order)


def _restrict(needs: dict[str, set[str]], nodes: list[str]) -> dict[str, set[str]]:
    keep = set(nodes)
    return {n: needs[n] & keep for n in nodes}


def _components(nodes: list[str], needs: dict[str, set[str]], order: dict[str, int]) -> list[list[str]]:
    """Weakly connected components, each in source order, ordered by their first node."""
    parent = {n: n for n in nodes}

    def find(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for n in nodes:
        for m in needs[n]:
            a, b = find(n), find(m)
            if a != b:
                parent[max(a, b, key=order.__getitem__)] = min(a, b, key=order.__getitem__)
    groups: dict[str, list[str]] = {}
    for n in nodes:
        groups.setdefault(find(n), []).append(n)
    return list(groups.values())


# --- what a node defines and needs ------------------------------------------------------------


def _defined(node: ir.Node) -> set[str]:
    """Ids a reference can name inside `node`: its own and every nested task's and loop's."""
    return {n.id for n, _ in ir.walk((node,))}


def _needed(node: ir.Node) -> set[str]:
    """Ids of tasks and loops that values, conditions and `after` inside `node` refer to."""
    found: set[str] = set()
    for n, _ctx in ir.walk((node,)):
        if isinstance(n, ir.Task):
            found.update(n.after)
            for arg in n.args:
                found |= _value_ids(arg.value)
        elif isinstance(n, ir.Loop):
            found |= _value_ids(n.source)
        else:
            for case in n.cases:
                if case.cond is not None:
                    for v in ir.cond_values(case.cond):
                        found |= _value_ids(v)
    return found - _defined(node)


def _value_ids(value: ir.Value) -> set[str]:
    found: set[str] = set()
    for v in ir.value_refs(value):
        if isinstance(v, ir.TaskOutput):
            found.add(v.task)
        elif isinstance(v, ir.Collected):
            found.add(v.loop)
    return found


def flatten(seq: Seq) -> Iterator[Part]:
    """Every part of a structure, depth first."""
    for part in seq:
        yield part
        if isinstance(part, Par):
            for branch in part.branches:
                yield from flatten(branch)
        elif isinstance(part, Foreach):
            yield from flatten(part.body)
        elif isinstance(part, Switch):
            for case in part.cases:
                yield from flatten(case)
