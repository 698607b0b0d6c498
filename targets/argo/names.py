"""Argo naming, as an IR→IR pass: Python names become DNS-style names Argo accepts.

Template, task, step and flow names are lowercased with `-` for `_` (Argo allows neither `_`
nor `.` in them); two names that become equal are reported, never silently suffixed. Parameter
names keep their Python spelling (Argo allows `_` there), since users type them at submit time.
"""

from __future__ import annotations

import dataclasses
import re

from flowc.compiler import ir
from flowc.compiler.diagnostics import Diagnostic, Span
from flowc.compiler.rewrite import rewrite
from flowc.compiler.rules import diagnostic

TARGET = "Argo"
TEMPLATE_NAME_LIMIT = 128
_INVALID = re.compile(r"[^a-z0-9-]+")


def kebab(name: str) -> str:
    """`pick_best` → `pick-best`; anything else Argo rejects becomes `-`."""
    text = _INVALID.sub("-", name.lower().replace("_", "-")).strip("-")
    text = re.sub(r"-{2,}", "-", text)
    if not text or not text[0].isalpha():
        text = f"t-{text}" if text else "t"  # tasks used in `depends` must not start with a digit
    return text


def lower_names(program: ir.Program) -> tuple[ir.Program, list[Diagnostic]]:
    """The program with Argo names for steps, flows, tasks, loops and branches."""
    diagnostics: list[Diagnostic] = []
    templates: dict[str, tuple[str, Span]] = {}
    step_names = {
        s.key: _claim(templates, kebab(s.name), s.name, s.span, "template", diagnostics)
        for s in program.steps
    }
    flow_names = {
        f.key: _claim(templates, kebab(f.name), f.name, f.span, "template", diagnostics)
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
    elif len(name) > TEMPLATE_NAME_LIMIT:
        diagnostics.append(
            diagnostic(
                "FC504",
                span,
                what=f"{what} name",
                name=name,
                length=len(name),
                target=TARGET,
                limit=TEMPLATE_NAME_LIMIT,
                hint="shorten it with `name=`",
            )
        )
    taken.setdefault(name, (original, span))
    return name


def _lower_flow(flow: ir.Flow, name: str, diagnostics: list[Diagnostic]) -> ir.Flow:
    ids: dict[str, str] = {}
    taken: dict[str, tuple[str, Span]] = {}
    for node, _ctx in ir.walk(flow.body):
        ids[node.id] = _claim(taken, kebab(node.id), node.id, node.span, "task", diagnostics)

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
