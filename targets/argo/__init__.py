"""The Argo Workflows target: `flowc compile --target argo`.

Passes, in order: Argo naming (IR→IR), step shipping, emission, platform limits, self-check,
then one YAML dump. Each stage returns values; nothing here touches the filesystem.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from flowc.compiler import ir
from flowc.compiler.batch import collector_paused
from flowc.compiler.diagnostics import Diagnostic, Severity
from flowc.compiler.rules import diagnostic
from flowc.compiler.shipping import ship_all
from flowc.targets import CompileOptions, CompileResult, Output
from flowc.targets.argo import validate
from flowc.targets.argo.emit import TARGET, emit
from flowc.targets.argo.names import lower_names
from flowc.targets.yamlout import dump

# Small mappings (a parameter, a DAG task with its arguments) go on one line when they fit this
# width: they are most of a large workflow's lines, and half of its bytes in block style.
FLOW_WIDTH = 150
SCRIPT_LIMIT = 128 * 1024
SCRIPT_WARNING = 100 * 1024
# Names Argo's expression language (used by `depends` and `when`) gives a meaning to.
RESERVED_TASK_NAMES = frozenset(
    {
        "all",
        "and",
        "any",
        "contains",
        "count",
        "endsWith",
        "false",
        "filter",
        "in",
        "join",
        "len",
        "map",
        "matches",
        "nil",
        "none",
        "not",
        "one",
        "or",
        "split",
        "startsWith",
        "true",
    }
)


class ArgoTarget:
    name = "argo"

    def compile(self, program: ir.Program, options: CompileOptions) -> CompileResult:
        with collector_paused():
            return self._compile(program, options)

    def _compile(self, program: ir.Program, options: CompileOptions) -> CompileResult:
        lowered, diagnostics = lower_names(program)
        scripts = ship_all(program, options.sources)
        diagnostics += [d for s in scripts.values() for d in s.diagnostics]
        sources = {key: script.source for key, script in scripts.items()}
        diagnostics += _script_sizes(program, sources) + _template_tags(program, sources)
        diagnostics += _reserved(lowered) + _parameter_names(lowered)
        if any(d.is_error for d in diagnostics):
            return CompileResult((), tuple(diagnostics))
        document, problems = emit(lowered, options, scripts)
        diagnostics += problems
        if document is None or any(d.is_error for d in diagnostics):
            return CompileResult((), tuple(diagnostics))
        entry = lowered.flow(lowered.entry or lowered.flows[0].key)
        diagnostics += _names(document, entry) + _size(document, entry, options.size_budget)
        invalid = validate.problems(document)
        if invalid:
            diagnostics.append(diagnostic("FC902", entry.span, target=TARGET, detail="; ".join(invalid[:5])))
        if any(d.is_error for d in diagnostics):
            return CompileResult((), tuple(diagnostics))
        return CompileResult(
            (Output(f"{entry.name}.argo.yaml", dump([document], FLOW_WIDTH)),), tuple(diagnostics)
        )


def _script_sizes(program: ir.Program, sources: dict[str, str]) -> list[Diagnostic]:
    found = []
    for step in program.steps:
        size = len(sources[step.key].encode("utf-8"))
        if size > SCRIPT_WARNING:
            found.append(
                diagnostic(
                    "FC503", step.span, step=step.function, size=size, target=TARGET, limit=SCRIPT_LIMIT
                )
            )
            if size > SCRIPT_LIMIT:  # near it, a warning; over it, the pod would never start
                found[-1] = dataclasses.replace(found[-1], severity=Severity.ERROR)
    return found


def _template_tags(program: ir.Program, sources: dict[str, str]) -> list[Diagnostic]:
    """Argo substitutes `{{...}}` anywhere in a template, script sources included."""
    return [
        diagnostic(
            "FC501",
            step.span,
            target=TARGET,
            what=f"step `{step.function}`, whose shipped code contains "
            "`{{` (Argo would substitute it as a template tag)",
            hint="build the text at run time, e.g. `'{' * 2`, or move it into a file the step reads",
        )
        for step in program.steps
        if "{{" in sources[step.key]
    ]


def _parameter_names(program: ir.Program) -> list[Diagnostic]:
    """Argo takes parameter and output names of ASCII letters, digits, `-` and `_` only; Python
    identifiers may hold any letter (`ü`)."""
    callees: list[ir.Step | ir.Flow] = [*program.steps, *program.flows]
    named = [(p.name, p.span) for c in callees for p in c.params]
    named += [(o.name, c.span) for c in callees for o in c.outputs]
    return [
        diagnostic(
            "FC501",
            span,
            target=TARGET,
            what=f"the parameter or output name `{name}` (Argo takes ASCII letters, digits, `-` and `_`)",
            hint="rename it",
        )
        for name, span in dict.fromkeys(named)
        if not validate.PARAM_NAME.match(name)
    ]


def _reserved(program: ir.Program) -> list[Diagnostic]:
    return [
        diagnostic(
            "FC506",
            task.span,
            what="task name",
            name=task.id,
            target=TARGET,
            detail="`depends` expressions read it as a function in some Argo versions; rename the result",
        )
        for flow in program.flows
        for task in flow.tasks()
        if task.id in RESERVED_TASK_NAMES
    ]


def _names(document: dict[str, Any], flow: ir.Flow) -> list[Diagnostic]:
    meta = document["metadata"]
    if "generateName" in meta:
        name, limit, what = meta["generateName"], 58, "generateName prefix"
    elif document["kind"] == "CronWorkflow":
        name, limit, what = meta["name"], 52, "CronWorkflow name"
    else:
        name, limit, what = meta["name"], 63, f"{document['kind']} name"
    if len(name) <= limit:
        return []
    return [
        diagnostic(
            "FC504",
            flow.span,
            what=what,
            name=name,
            length=len(name),
            target=TARGET,
            limit=limit,
            hint="shorten the flow name or set `@flow(name=...)`",
        )
    ]


def _size(document: dict[str, Any], flow: ir.Flow, budget: int) -> list[Diagnostic]:
    size = len(json.dumps(document, separators=(",", ":")))
    if size <= budget:
        return []
    return [
        diagnostic(
            "FC502",
            flow.span,
            *_breakdown(document),
            kind=document["kind"],
            size=size,
            budget=budget,
            target=TARGET,
        )
    ]


def _breakdown(document: dict[str, Any]) -> list[str]:
    """Where the bytes come from: the largest templates, and how much of them is step source."""
    spec = document["spec"].get("workflowSpec", document["spec"])
    sizes = sorted(
        ((len(json.dumps(t, separators=(",", ":"))), t) for t in spec["templates"]), key=lambda pair: -pair[0]
    )
    notes = []
    for size, template in sizes[:5]:
        source = len(template.get("script", {}).get("source", ""))
        notes.append(f"template {template['name']}: {size} bytes ({source} of them step source)")
    return notes
