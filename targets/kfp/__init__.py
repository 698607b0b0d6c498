"""The Kubeflow Pipelines v2 target: `flowc compile --target kfp`.

Passes, in order: KFP naming (IR→IR), step shipping, emission of the `PipelineSpec` (and the
Kubernetes `PlatformSpec` when a step needs one), platform limits, self-check, then one YAML
file of one or two documents. Nothing here touches the filesystem, and nothing imports kfp
except the self-check (`validate`), which skips the strict parse when kfp is not installed.

The output is deterministic: `sdkVersion` is the fixed string `flowc`, with no timestamp, no
random id and no version of anything.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from typing import Any

from flowc.compiler import ir
from flowc.compiler.diagnostics import Diagnostic, Span
from flowc.compiler.rules import diagnostic
from flowc.compiler.shipping import ship_all
from flowc.targets import CompileOptions, CompileResult, Output
from flowc.targets.kfp import kinds, validate
from flowc.targets.kfp.emit import TARGET, Spec, emit
from flowc.targets.kfp.names import PIPELINE_NAME_LIMIT, lower_names
from flowc.targets.yamlout import dump

PIPELINE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,127}$")
MAX_PARAMETER_BYTES = 10_000  # the API server's limit on the JSON of a run's parameters
MAX_PACKAGE_BYTES = 32 * 1024 * 1024  # the API server's limit on an uploaded pipeline
ARGUMENT_LIMIT = 128 * 1024  # Linux's limit on one argv element: the component module is one
ARGUMENT_WARNING = 100 * 1024


class KfpTarget:
    name = "kfp"

    def compile(self, program: ir.Program, options: CompileOptions) -> CompileResult:
        lowered, diagnostics = lower_names(program)
        scripts = ship_all(program, options.sources)
        diagnostics += [d for s in scripts.values() for d in s.diagnostics]
        entry = lowered.flow(lowered.entry or lowered.flows[0].key)
        diagnostics += _pipeline_name(entry) + _unsafe_integers(lowered) + _parameter_bytes(entry)
        if any(d.is_error for d in diagnostics):
            return CompileResult((), tuple(diagnostics))
        documents, problems = emit(lowered, options, {k: s.source for k, s in scripts.items()})
        diagnostics += problems
        if documents is None or any(d.is_error for d in diagnostics):
            return CompileResult((), tuple(diagnostics))
        spec, platform = documents
        if options.stamp:
            platform = with_pod_metadata(spec, platform, {}, dict(options.stamp))
        diagnostics += _module_sizes(lowered, spec)
        invalid = validate.problems(spec, platform)
        if invalid:
            diagnostics.append(diagnostic("FC902", entry.span, target=TARGET, detail="; ".join(invalid[:5])))
            return CompileResult((), tuple(diagnostics))
        data = dump([spec] if platform is None else [spec, platform])
        if len(data) > MAX_PACKAGE_BYTES:
            diagnostics.append(
                diagnostic(
                    "FC502",
                    entry.span,
                    kind="pipeline package",
                    size=len(data),
                    budget=MAX_PACKAGE_BYTES,
                    target=TARGET,
                )
            )
            return CompileResult((), tuple(diagnostics))
        return CompileResult((Output(f"{entry.name}.kfp.yaml", data),), tuple(diagnostics))


def with_pod_metadata(
    spec: dict[str, Any],
    platform: dict[str, Any] | None,
    labels: Mapping[str, str],
    annotations: Mapping[str, str],
) -> dict[str, Any]:
    """A copy of the platform spec giving every executor's pod these labels and annotations (its
    `podMetadata`, which the KFP backend applies): how provenance travels in a package."""
    platform = copy.deepcopy(platform) if platform else {}
    kubernetes = platform.setdefault("platforms", {}).setdefault("kubernetes", {})
    executors = kubernetes.setdefault("deploymentSpec", {}).setdefault("executors", {})
    for name in spec["deploymentSpec"]["executors"]:
        metadata = executors.setdefault(name, {}).setdefault("podMetadata", {})
        metadata["labels"] = {**metadata.get("labels", {}), **labels}
        metadata["annotations"] = {**metadata.get("annotations", {}), **annotations}
    kubernetes["deploymentSpec"]["executors"] = dict(sorted(executors.items()))
    return platform


def _pipeline_name(flow: ir.Flow) -> list[Diagnostic]:
    if PIPELINE_NAME.match(flow.name):
        return []
    if len(flow.name) > PIPELINE_NAME_LIMIT:
        return [
            diagnostic(
                "FC504",
                flow.span,
                what="pipeline name",
                name=flow.name,
                length=len(flow.name),
                target=TARGET,
                limit=PIPELINE_NAME_LIMIT,
                hint="shorten the flow name or set `@flow(name=...)`",
            )
        ]
    return [
        diagnostic(
            "FC501",
            flow.span,
            target=TARGET,
            what=f"the pipeline name `{flow.name}` (it must match {PIPELINE_NAME.pattern})",
            hint="set `@flow(name=...)` to a name starting with a letter or digit",
        )
    ]


def _constants(program: ir.Program) -> list[ir.Const]:
    found: list[ir.Const] = []
    for step in program.steps:
        found += [p.default for p in step.params if p.default is not None]
    for flow in program.flows:
        found += [p.default for p in flow.params if p.default is not None]
        for node, _ctx in ir.walk(flow.body):
            values: list[ir.Value] = []
            if isinstance(node, ir.Task):
                values = [a.value for a in node.args]
            elif isinstance(node, ir.Loop):
                values = [node.source]
            else:
                values = [v for c in node.cases if c.cond is not None for v in ir.cond_values(c.cond)]
            found += [r for v in values for r in ir.value_refs(v) if isinstance(r, ir.Const)]
    return found


def _unsafe_integers(program: ir.Program) -> list[Diagnostic]:
    return [
        diagnostic(
            "FC501",
            const.span,
            target=TARGET,
            what=f"the integer {kinds.unsafe_integers(const.value)[0]} (KFP passes numbers as "
            f"doubles, exact only up to 2^53)",
            hint="pass it as a string and convert it in the step",
        )
        for const in _constants(program)
        if kinds.unsafe_integers(const.value)
    ]


def _parameter_bytes(flow: ir.Flow) -> list[Diagnostic]:
    defaults = {p.name: kinds.constant(p.default.value, p.type) for p in flow.params if p.default is not None}
    size = len(json.dumps(defaults, separators=(",", ":")).encode("utf-8"))
    if size <= MAX_PARAMETER_BYTES:
        return []
    return [
        diagnostic(
            "FC502",
            flow.span,
            kind="run parameters (the JSON of the defaults)",
            size=size,
            budget=MAX_PARAMETER_BYTES,
            target=TARGET,
        )
    ]


def _module_sizes(program: ir.Program, spec: Spec) -> list[Diagnostic]:
    found = []
    executors = spec["deploymentSpec"]["executors"]
    for step in program.steps:
        container = executors.get(f"exec-{step.name}", {}).get("container")
        if container is None:
            continue
        size = len(container["command"][-1].encode("utf-8"))
        if size > ARGUMENT_WARNING:
            found.append(
                diagnostic(
                    "FC503",
                    step.span or Span.file(step.path),
                    step=step.function,
                    size=size,
                    target=TARGET,
                    limit=ARGUMENT_LIMIT,
                )
            )
    return found
