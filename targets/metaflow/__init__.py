"""The Metaflow target: `flowc compile --target metaflow` writes a FlowSpec Python file.

Passes, in order: Metaflow naming (IR→IR), step shipping, sub-flow inlining (IR→IR), the
split/join structure (`lower`), emission, then a self-check that the file compiles. What
Metaflow has no place for (an image, caching, Kubernetes scheduling options, exponential
backoff, parallelism limits) is an FC507 warning naming it; nothing is dropped silently.
Nothing here imports metaflow: the file is text, run by the user's Metaflow.
"""

from __future__ import annotations

from flowc.compiler import ir
from flowc.compiler import types as t
from flowc.compiler.diagnostics import Diagnostic, Span
from flowc.compiler.rules import diagnostic
from flowc.compiler.shipping import ship_all
from flowc.targets import CompileOptions, CompileResult, Output
from flowc.targets.metaflow.emit import Context, Emitter
from flowc.targets.metaflow.inline import InlineError, inline
from flowc.targets.metaflow.names import (
    FLOW_NAME_LIMIT,
    RESERVED_PARAMETERS,
    TARGET,
    class_name,
    lower_names,
)

# step options Metaflow has no decorator for, with what to do instead
_STEP_OPTIONS = {
    "image": "choose the image when deploying (`--with kubernetes:image=...`)",
    "cache": "Metaflow runs every step each time; `resume` reuses a failed run's finished steps",
    "secrets": "use `@secrets` or `@kubernetes(secrets=...)` when deploying",
    "node_selector": "use `@kubernetes(node_selector=...)` when deploying",
    "tolerations": "use `@kubernetes(tolerations=...)` when deploying",
    "volumes": "use `@kubernetes(persistent_volume_claims=...)` when deploying",
    "packages": "use `@pypi` with `--environment=pypi`, or an image that has them",
    "gpu_type": "use `@kubernetes(gpu_vendor=...)` or a node selector when deploying",
}
_FLOW_OPTIONS = {
    "image": "choose the image when deploying (`--with kubernetes:image=...`)",
    "max_parallel": "run with `--max-workers N`",
    "namespace": "set METAFLOW_KUBERNETES_NAMESPACE when deploying",
    "service_account": "set METAFLOW_KUBERNETES_SERVICE_ACCOUNT when deploying",
    "labels": "use `@project` or deployment options for labels",
    "annotations": "use deployment options for annotations",
    "ttl": "Metaflow keeps runs in its datastore",
}

_DEADLINE = (
    "it is only the default `@timeout` of each step; bound the whole run where it is started "
    "(e.g. `timeout` around `python flow.py run`, or the scheduler's deadline when deployed)"
)


class MetaflowTarget:
    name = "metaflow"

    def compile(self, program: ir.Program, options: CompileOptions) -> CompileResult:
        lowered, diagnostics = lower_names(program)
        scripts = ship_all(program, options.sources)
        diagnostics += [d for s in scripts.values() for d in s.diagnostics]
        entry = lowered.flow(lowered.entry or lowered.flows[0].key)
        diagnostics += _flow_name(entry) + _parameters(entry) + _approximations(lowered, entry)
        if any(d.is_error for d in diagnostics):
            return CompileResult((), tuple(diagnostics))
        try:
            inlined = inline(lowered, entry)
        except InlineError as exc:
            diagnostics.append(
                diagnostic("FC501", exc.span, target=TARGET, what=str(exc), hint="return a task output")
            )
            return CompileResult((), tuple(diagnostics))
        context = Context(
            lowered,
            inlined.flow,
            entry,
            inlined.origins,
            {k: s.source for k, s in scripts.items()},
            options.sources,
        )
        emitter = Emitter(context)
        text = _stamped(emitter.emit(), options.stamp)
        diagnostics += emitter.diagnostics
        if any(d.is_error for d in diagnostics):
            return CompileResult((), tuple(diagnostics))
        problem = _self_check(text)
        if problem:
            diagnostics.append(diagnostic("FC902", entry.span, target=TARGET, detail=problem))
            return CompileResult((), tuple(diagnostics))
        return CompileResult((Output(f"{entry.name}.py", text.encode()),), tuple(diagnostics))


def _flow_name(flow: ir.Flow) -> list[Diagnostic]:
    name = class_name(flow.name)
    if len(name) <= FLOW_NAME_LIMIT:
        return []
    return [
        diagnostic(
            "FC504",
            flow.span,
            what="flow name",
            name=name,
            length=len(name),
            target=f"{TARGET} on Argo Workflows",
            limit=FLOW_NAME_LIMIT,
            hint="shorten it with `@flow(name=...)`",
        )
    ]


def _parameters(flow: ir.Flow) -> list[Diagnostic]:
    """Parameters Metaflow can't take: names its `run` command uses for its own options, names
    equal but for case (click lowercases option names), and artifacts."""
    found: list[Diagnostic] = []
    seen: dict[str, str] = {}
    for p in flow.params:
        key = p.name.lower()
        if key in RESERVED_PARAMETERS:
            what = f"a flow parameter named `{p.name}` (an option of Metaflow's `run` command)"
            found.append(diagnostic("FC501", p.span, target=TARGET, what=what, hint="rename the parameter"))
        elif key in seen:
            found.append(
                diagnostic(
                    "FC505",
                    p.span,
                    what="parameters",
                    first=seen[key],
                    second=p.name,
                    name=key,
                    target=TARGET,
                    hint="rename one (Metaflow reads options in any case)",
                )
            )
        seen.setdefault(key, p.name)
        if t.contains_artifact(p.type):
            what = f"the artifact parameter `{p.name}` (a Metaflow parameter is a value, not a file)"
            hint = "take the file's path as a `str` parameter and open it in a step"
            found.append(diagnostic("FC501", p.span, target=TARGET, what=what, hint=hint))
    return found


def _approximations(program: ir.Program, entry: ir.Flow) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for flow in program.flows:
        for option, hint in _FLOW_OPTIONS.items():
            span = flow.options.span_of(option)
            if span is not None:
                found.append(_approximated(span, f"the flow option `{option}`", hint))
        span = flow.options.span_of("timeout")
        if span is not None and flow.key == entry.key:
            found.append(
                _approximated(span, "the flow's `timeout` as a deadline for the whole run", _DEADLINE)
            )
        for node, _ctx in ir.walk(flow.body):
            if isinstance(node, ir.Loop) and node.max_parallel:
                found.append(_approximated(node.span, "a loop's `max`", "run with `--max-workers N`"))
            if isinstance(node, ir.Loop) and ir.empty_by_default(flow, node.source):
                what = "a loop over an empty list (Metaflow refuses a foreach that makes no split)"
                hint = (
                    "give the list items when running, or skip the loop with an `if` on its length in a step"
                )
                found.append(_approximated(node.source.span, what, hint))
    for step in program.steps:
        for option, hint in _STEP_OPTIONS.items():
            span = step.options.span_of(option)
            if span is not None and (option != "cache" or step.options.cache):
                found.append(_approximated(span, f"the step option `{option}`", hint))
    return found


def _approximated(span: Span, what: str, hint: str) -> Diagnostic:
    return diagnostic("FC507", span, target=TARGET, what=what, hint=hint)


def _self_check(text: str) -> str | None:
    """The file must compile as Python (the graph itself is correct by construction)."""
    try:
        compile(text, "flow.py", "exec")
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    return None


def _stamped(text: str, stamp: tuple[tuple[str, str], ...]) -> str:
    """With `--stamp`, the provenance as a module constant after the imports: a Python literal
    (`repr`), so no branch name can break the file, and readable with `import`."""
    if not stamp:
        return text
    marker = "\nfrom metaflow import "
    head, sep, rest = text.partition(marker)
    line_end = rest.index("\n")
    constant = f"\n\nFLOWC_STAMP = {dict(stamp)!r}"
    return head + sep + rest[:line_end] + constant + rest[line_end:]
