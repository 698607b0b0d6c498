"""Renaming for a target's naming rules, as an IR→IR pass shared by the targets.

A target says how a step or flow name and a task, loop or branch id become its names; the
pass renames every node and every reference to it, and reports two Python names that become
equal (FC505) and names over the target's length limit (FC504), never suffixing silently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection

from flowc.compiler import ir
from flowc.compiler.diagnostics import Diagnostic, Span
from flowc.compiler.frozen import frozen
from flowc.compiler.rewrite import rewrite
from flowc.compiler.rules import diagnostic


@frozen
class NamingRules:
    """How a target names steps, flows, tasks, loops and branches."""

    target: str  # for messages: "Argo", "KFP"
    kind: str  # what steps and flows become: "template", "component"
    name: Callable[[str], str]  # step and flow names
    node: Callable[[ir.Node], str]  # task, loop and branch ids
    limit: int | None = None  # longest name the target accepts


def lower_names(program: ir.Program, rules: NamingRules) -> tuple[ir.Program, list[Diagnostic]]:
    """The program with the target's names for steps, flows, tasks, loops and branches."""
    diagnostics: list[Diagnostic] = []
    taken: dict[str, _Claim] = {}
    # Steps and flows are told apart by key: two `load` steps of different modules, or a step
    # and a flow both named `inner`, would otherwise share one template or component.
    step_names = {
        s.key: _claim(
            taken, rules.name(s.name), _Claim(s.key, s.name, s.span), rules.kind, rules, diagnostics
        )
        for s in program.steps
    }
    flow_names = {
        f.key: _claim(
            taken, rules.name(f.name), _Claim(f.key, f.name, f.span), rules.kind, rules, diagnostics
        )
        for f in program.flows
    }
    steps = tuple(dataclasses.replace(s, name=step_names[s.key]) for s in program.steps)
    flows = tuple(_lower_flow(f, flow_names[f.key], rules, diagnostics) for f in program.flows)
    return dataclasses.replace(program, steps=steps, flows=flows), diagnostics


@frozen
class _Claim:
    """Who claims a target name: an identity (a step or flow key, a node id), as written."""

    identity: str
    original: str
    span: Span


def _claim(
    taken: dict[str, _Claim],
    name: str,
    claim: _Claim,
    what: str,
    rules: NamingRules,
    diagnostics: list[Diagnostic],
) -> str:
    first = taken.get(name)
    if first is not None and first.identity != claim.identity:
        same = first.original == claim.original  # then the keys tell them apart: `lib.a.load`
        diagnostics.append(
            diagnostic(
                "FC505",
                claim.span,
                what=f"{what} names",
                first=_shown(first) if same else first.original,
                second=_shown(claim) if same else claim.original,
                name=name,
                target=rules.target,
                hint="rename one with `name=`",
            )
        )
    elif rules.limit is not None and len(name) > rules.limit:
        diagnostics.append(
            diagnostic(
                "FC504",
                claim.span,
                what=f"{what} name",
                name=name,
                length=len(name),
                target=rules.target,
                limit=rules.limit,
                hint="shorten it with `name=`",
            )
        )
    taken.setdefault(name, claim)
    return name


def unique(name: str, taken: Collection[str], sep: str = "-") -> str:
    """`name`, or `name-2`, `name-3` … the first that isn't taken: for names flowc makes up
    itself, which may take a suffix (the flow author's own names never do)."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}{sep}{n}"
    return candidate


def _shown(claim: _Claim) -> str:
    return claim.identity.replace(":", ".")


def _lower_flow(flow: ir.Flow, name: str, rules: NamingRules, diagnostics: list[Diagnostic]) -> ir.Flow:
    ids: dict[str, str] = {}
    taken: dict[str, _Claim] = {}
    for node, _ctx in ir.walk(flow.body):
        claim = _Claim(node.id, node.id, node.span)
        ids[node.id] = _claim(taken, rules.node(node), claim, "task", rules, diagnostics)

    def rename(node: object) -> object:
        if isinstance(node, ir.Task):
            return dataclasses.replace(node, id=ids[node.id], after=tuple(ids[a] for a in node.after))
        if isinstance(node, (ir.Loop, ir.Branch)):
            return dataclasses.replace(node, id=ids[node.id])
        if isinstance(node, ir.TaskOutput):
            return dataclasses.replace(node, task=ids[node.task])
        if isinstance(node, (ir.LoopItem, ir.Collected)):
            return dataclasses.replace(node, loop=ids[node.loop])
        return node

    return rewrite(dataclasses.replace(flow, name=name), rename)
