"""KFP naming, as an IR→IR pass: step, flow, task, loop and branch names become the
DNS-style names the KFP SDK would give them (`maybe_rename_for_k8s`: lower case, anything but
`[-0-9a-z]` becomes `-`, runs of `-` collapse, no `-` at either end).

The SDK silently suffixes names that collide (`-2`, `-3` …); flowc reports them instead (FC505),
so the names in the compiled pipeline are the ones the flow's author chose. Parameter and output
names keep their Python spelling: KFP's IR accepts them, and users type them at submit time.
"""

from __future__ import annotations

import dataclasses
import re

from flowc.compiler import ir
from flowc.compiler.diagnostics import Diagnostic, Span
from flowc.compiler.rewrite import rewrite
from flowc.compiler.rules import diagnostic

TARGET = "KFP"
PIPELINE_NAME_LIMIT = 128
_INVALID = re.compile(r"[^-0-9a-z]+")
_DASHES = re.compile(r"-{2,}")


def k8s_name(name: str) -> str:
    """`pick_best` → `pick-best`, as the KFP SDK renames tasks and components."""
    text = _DASHES.sub("-", _INVALID.sub("-", name.lower())).strip("-")
    return text or "x"


def lower_names(program: ir.Program) -> tuple[ir.Program, list[Diagnostic]]:
    """The program with KFP names for steps, flows, tasks, loops and branches."""
    diagnostics: list[Diagnostic] = []
    components: dict[str, tuple[str, Span]] = {}
    step_names = {
        s.key: _claim(components, k8s_name(s.name), s.name, s.span, "component", diagnostics)
        for s in program.steps
    }
    flow_names = {
        f.key: _claim(components, k8s_name(f.name), f.name, f.span, "component", diagnostics)
        for f in program.flows
    }
    steps = tuple(dataclasses.replace(s, name=step_names[s.key]) for s in program.steps)
    flows = tuple(_lower_flow(f, flow_names[f.key], diagnostics) for f in program.flows)
    return dataclasses.replace(program, steps=steps, flows=flows), diagnostics


def _claim(
    taken: dict[str, tuple[str, Span]],
    name: str,
    original: str,
    span: Span,
    what: str,
    diagnostics: list[Diagnostic],
) -> str:
    if name in taken and taken[name][0] != original:
        diagnostics.append(
            diagnostic(
                "FC505",
                span,
                what=f"{what} names",
                first=taken[name][0],
                second=original,
                name=name,
                target=TARGET,
            )
        )
    taken.setdefault(name, (original, span))
    return name


def _node_name(node: ir.Node) -> str:
    if isinstance(node, ir.Loop):
        return "for-loop-" + k8s_name(node.id.removeprefix("for_"))
    return k8s_name(node.id)


def _lower_flow(flow: ir.Flow, name: str, diagnostics: list[Diagnostic]) -> ir.Flow:
    ids: dict[str, str] = {}
    taken: dict[str, tuple[str, Span]] = {}
    for node, _ctx in ir.walk(flow.body):
        ids[node.id] = _claim(taken, _node_name(node), node.id, node.span, "task", diagnostics)

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
