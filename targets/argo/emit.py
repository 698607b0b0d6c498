"""IR (with Argo names) → an Argo Workflow, WorkflowTemplate or CronWorkflow as plain data.

One script template per step definition, reused by every task of it; one DAG template per
flow and sub-flow, and one per `for` block or nested comprehension (a loop body Argo runs per
item). A comprehension over one task is that task with `withItems`/`withParam`; its outputs are
aggregated by Argo into a JSON list for the fan-in. Branch conditions become `when`
expressions where Argo's evaluation provably agrees with Python's (ints against int literals,
bools); other conditions (floats, strings, `in`, `None`, mixed kinds …) are evaluated by a
small Python task, so no run-time value is ever spliced into an expression it could break.
Values reach step code through environment variables (see `compiler.shipping`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from flowc.compiler import ir
from flowc.compiler import types as t
from flowc.compiler.diagnostics import Diagnostic, Span
from flowc.compiler.naming import unique
from flowc.compiler.rules import diagnostic
from flowc.compiler.shipping import INPUTS_DIR, OUTPUTS_DIR, Script, encode_value, is_str_like
from flowc.targets import CompileOptions

TARGET = "Argo"
STATUS = "{{workflow.status}}"
RUNTIME_PARAM = "flowc-runtime"  # not a Python name: no flow parameter can take it
RUNTIME_DESCRIPTION = "the flowc runtime the step scripts share; not a flow parameter"
# govaluate, which evaluates Argo's `when`, reads numbers as float64: an int literal of smaller
# magnitude is exact there, and so are its neighbours.
_EXACT_INT = 2**53
_RETRY_POLICY = {
    "always": "Always",
    "failure": "OnFailure",
    "error": "OnError",
    "transient": "OnTransientError",
}


class Unsupported(Exception):
    """A construct Argo cannot express: becomes FC501 at `span`."""

    def __init__(self, span: Span, what: str, hint: str) -> None:
        super().__init__(what)
        self.span, self.what, self.hint = span, what, hint


def go_duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + (f"{secs}s" if secs else "")
    return text or "0s"


# --- scopes: how a value is written inside one DAG template ------------------------------


@dataclass
class Scope:
    """One DAG template being built: its tasks, and the outside values it takes as inputs."""

    flow: ir.Flow
    loops: dict[str, ir.Loop]
    parent: Scope | None = None
    loop: ir.Loop | None = None  # the loop whose body this DAG is
    direct_item: str | None = None  # loop whose `{{item}}` a direct-loop task may use
    local: set[str] = field(default_factory=set)  # task and loop ids emitted in this DAG
    inputs: dict[str, tuple[ir.Value, bool]] = field(default_factory=dict)  # name → (outer value, artifact?)

    def input_ref(self, name: str, value: ir.Value, artifact: bool) -> str:
        self.inputs.setdefault(name, (value, artifact))
        return f"{{{{inputs.{'artifacts' if artifact else 'parameters'}.{name}}}}}"


@dataclass
class Emitter:
    """Builds one Argo document from a program, template by template."""

    program: ir.Program
    options: CompileOptions
    scripts: dict[str, Script]  # step key → shipped script
    templates: list[dict[str, Any]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _emitted: set[str] = field(default_factory=set)
    _volumes: dict[str, str] = field(default_factory=dict)  # claim → volume name
    _pending_inputs: dict[str, dict[str, tuple[ir.Value, bool]]] = field(default_factory=dict)
    # runtime text → the workflow parameter holding it: steps that need the same runtime share
    # one copy, which Argo substitutes into their scripts (it is most of a small step's bytes)
    _runtimes: dict[str, str] = field(default_factory=dict)
    _runtime_uses: Counter[str] = field(default_factory=Counter)
    # (callee key, parameter) that may receive a string loop item. Argo renders `{{item}}` of a
    # string without its quotes but with its JSON escapes (newlines, quotes, non-ASCII), so such
    # a value travels quoted as a JSON string, with `<param>__json` = "1" telling the reader.
    _json_inputs: set[tuple[str, str]] = field(default_factory=set)
    # Names flowc makes up (a loop's or a condition's template, a condition task): `made_up`
    # keeps them clear of the step, flow and task names the flow's author chose.
    _made_up: dict[tuple[str, str], str] = field(default_factory=dict)
    _reencoded: set[str] = field(default_factory=set)  # collections FC507 warned of
    _taken: dict[str, set[str]] = field(default_factory=dict)  # namespace → names in it

    def __post_init__(self) -> None:
        self._json_inputs = _json_inputs(self.program)
        self._taken[""] = {s.name for s in self.program.steps} | {f.name for f in self.program.flows}
        for flow in self.program.flows:
            self._taken[flow.key] = {node.id for node, _ in ir.walk(flow.body)}
        self._runtime_uses = Counter(
            self._runtime_of(step) for step in self.program.steps if self._runtime_of(step)
        )

    def made_up(self, namespace: str, base: str) -> str:
        """The name for what flowc calls `base` in `namespace` (templates: "", a flow's tasks:
        its key): `base`, or `base-2` … when a step, flow, task or other made-up name has it."""
        key = (namespace, base)
        if key not in self._made_up:
            taken = self._taken[namespace]
            self._made_up[key] = name = unique(base, taken)
            taken.add(name)
        return self._made_up[key]

    # --- documents ---------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        flow = self.program.flow(self.program.entry or self.program.flows[0].key)
        self._flow_template(flow)
        spec = self._spec(flow)
        kind = self._kind(flow)
        metadata = self._metadata(flow, kind)
        if kind == "CronWorkflow":
            assert flow.options.schedule is not None
            return {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": kind,
                "metadata": metadata,
                "spec": self._cron_spec(flow.options.schedule, spec),
            }
        return {"apiVersion": "argoproj.io/v1alpha1", "kind": kind, "metadata": metadata, "spec": spec}

    def _kind(self, flow: ir.Flow) -> str:
        if flow.options.schedule is not None:
            return "CronWorkflow"
        return "WorkflowTemplate" if self.options.argo_kind == "template" else "Workflow"

    def _metadata(self, flow: ir.Flow, kind: str) -> dict[str, Any]:
        meta: dict[str, Any] = (
            {"generateName": f"{flow.name}-"} if kind == "Workflow" else {"name": flow.name}
        )
        if flow.options.namespace:
            meta["namespace"] = flow.options.namespace
        if flow.options.labels:
            meta["labels"] = dict(flow.options.labels)
        annotations = dict(flow.options.annotations)
        if flow.description:
            annotations["workflows.argoproj.io/description"] = flow.description
        annotations.update(self.options.stamp)
        if annotations:
            meta["annotations"] = annotations
        return meta

    def _cron_spec(self, schedule: ir.Schedule, spec: dict[str, Any]) -> dict[str, Any]:
        cron: dict[str, Any] = (
            {"schedules": [schedule.cron]} if self.options.argo_version >= 4 else {"schedule": schedule.cron}
        )
        if schedule.timezone:
            cron["timezone"] = schedule.timezone
        cron["workflowSpec"] = spec
        return cron

    def _spec(self, flow: ir.Flow) -> dict[str, Any]:
        spec: dict[str, Any] = {"entrypoint": flow.name}
        # the exit handler's step template first: its runtime belongs with the others below
        on_exit = self._exit_template(flow, flow.on_exit) if flow.on_exit is not None else None
        params = [self._argument(p) for p in flow.params if not t.is_artifact(p.type)]
        params += self._runtime_arguments()
        artifacts = [{"name": p.name} for p in flow.params if t.is_artifact(p.type)]
        arguments = {k: v for k, v in (("parameters", params), ("artifacts", artifacts)) if v}
        if arguments:
            spec["arguments"] = arguments
        opts = flow.options
        if on_exit is not None:
            spec["onExit"] = on_exit
        if opts.max_parallel:
            spec["parallelism"] = opts.max_parallel
        if opts.timeout_seconds:
            spec["activeDeadlineSeconds"] = opts.timeout_seconds
        if opts.service_account:
            spec["serviceAccountName"] = opts.service_account
        if opts.ttl_seconds:
            spec["ttlStrategy"] = {"secondsAfterCompletion": opts.ttl_seconds}
        if self._volumes:
            spec["volumes"] = [
                {"name": name, "persistentVolumeClaim": {"claimName": claim}}
                for claim, name in sorted(self._volumes.items())
            ]
        spec["templates"] = self.templates
        return spec

    def _argument(self, p: ir.Param) -> dict[str, Any]:
        arg: dict[str, Any] = {"name": p.name}
        if p.default is not None:
            arg["value"] = self._literal_text(p.default, p.type)
        return arg

    def _literal_text(self, const: ir.Const, typ: t.Type) -> str:
        text = encode_value(const.value, typ)
        if "{{" in text:
            raise Unsupported(
                const.span,
                "a literal containing `{{` (Argo would read it as a template tag)",
                "pass it as a flow parameter instead",
            )
        return text

    # --- flows and DAGs ----------------------------------------------------------------

    def _flow_template(self, flow: ir.Flow) -> str:
        if flow.name in self._emitted:
            return flow.name
        self._emitted.add(flow.name)
        scope = Scope(flow, {n.id: n for n, _ in ir.walk(flow.body) if isinstance(n, ir.Loop)})
        index = len(self.templates)
        self.templates.append({})  # reserve the slot: the flow's DAG comes before its parts
        tasks = self._dag_tasks(scope, flow.body)
        if not tasks:
            raise Unsupported(
                flow.span,
                f"flow `{flow.function}`, which runs no task (an Argo DAG needs at least one)",
                "call a step in it, or use the values it returns directly",
            )
        inputs = self._flow_inputs(flow)
        template: dict[str, Any] = {"name": flow.name}
        if inputs:
            template["inputs"] = inputs
        outputs = self._flow_outputs(scope, flow)
        if outputs:
            template["outputs"] = outputs
        template["dag"] = {"tasks": tasks}
        self.templates[index] = template
        return flow.name

    def _flow_inputs(self, flow: ir.Flow) -> dict[str, Any]:
        params, artifacts = [], []
        for p in flow.params:
            if t.is_artifact(p.type):
                artifacts.append({"name": p.name})
                continue
            entry: dict[str, Any] = {"name": p.name}
            if p.default is not None:
                entry["default"] = self._literal_text(p.default, p.type)
            params.append(entry)
            if (flow.key, p.name) in self._json_inputs:
                params.append({"name": f"{p.name}__json", "default": "0"})
        return {k: v for k, v in (("parameters", params), ("artifacts", artifacts)) if v}

    def _flow_outputs(self, scope: Scope, flow: ir.Flow) -> dict[str, Any]:
        params, artifacts = [], []
        for out, value in zip(flow.outputs, flow.results, strict=True):
            if t.is_artifact(out.type):
                artifacts.append(self._artifact_argument(scope, out.name, value))
            else:
                params.append({"name": out.name, "valueFrom": self._output_source(scope, value)})
        return {k: v for k, v in (("parameters", params), ("artifacts", artifacts)) if v}

    def _output_source(self, scope: Scope, value: ir.Value) -> dict[str, Any]:
        """The `valueFrom` of a DAG's output parameter."""
        if isinstance(value, ir.ParamRef):
            if (scope.flow.key, value.name) in self._json_inputs:
                raise Unsupported(
                    value.span,
                    f"returning parameter `{value.name}`, which may receive a string loop item "
                    "(it arrives as JSON text, and a DAG's output can't decode it)",
                    "return it through a step that returns its argument",
                )
            # Argo substitutes `{{inputs.parameters.x}}` all over the template, outputs
            # included, before it resolves the outputs: `{{3}}` would then resolve nothing. The
            # bare scope key is what it resolves (`ResolveVar` strips the braces when present).
            return {"parameter": f"inputs.parameters.{value.name}"}
        source: dict[str, Any] = {"parameter": self._ref(scope, value)}
        if isinstance(value, ir.Collected):
            # a fan-out that ran no iteration leaves its outputs unset: it collected nothing
            source["default"] = "[]"
        return source

    def _dag_tasks(self, scope: Scope, body: tuple[ir.Node, ...]) -> list[dict[str, Any]]:
        tasks: list[dict[str, Any]] = []
        for node, conds in _units(body):
            scope.local.add(node.id)
            when, cond_deps = self._when(scope, conds)
            if isinstance(node, ir.Branch):
                if not self._inline(scope, node):
                    self._condition_task(scope, node, tasks, when, cond_deps)
                continue
            task = self._task(scope, node) if isinstance(node, ir.Task) else self._loop_task(scope, node)
            reads = self._reads(scope, node)
            task["_deps"] = self._depends(scope, node, cond_deps | reads)
            task["_data"] = reads
            if when:
                task["when"] = when
            tasks.append(task)
        return self._finish_dependencies(scope, tasks)

    def _finish_dependencies(self, scope: Scope, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """`depends` expressions, or, in a DAG with a `continue_on_failure` task, `dependencies`
        lists with `continueOn`: Argo allows `continueOn` only there, and only a failure it
        continues on doesn't fail the workflow."""
        lenient = {t["name"] for t in tasks if self._continues(scope, t["name"])}
        guards: dict[str, set[str]] = {}
        for task in tasks:
            deps = task.pop("_deps")
            data = task.pop("_data", set(deps))  # a condition task reads every task it waits for
            guards[task["name"]] = _guard(task, deps, data, lenient, guards)
            if deps and lenient:
                task["dependencies"] = deps
            elif deps:
                task["depends"] = " && ".join(deps)
            if task["name"] in lenient:
                task["continueOn"] = {"failed": True, "error": True}
        return [_ordered(t) for t in tasks]

    def _continues(self, scope: Scope, task_id: str) -> bool:
        task = scope.flow.task(task_id)
        return (
            task is not None
            and task.kind == "step"
            and self.program.step(task.callee).options.continue_on_failure
        )

    # --- tasks ---------------------------------------------------------------------------

    def _task(self, scope: Scope, task: ir.Task, loop: ir.Loop | None = None) -> dict[str, Any]:
        if task.kind == "step":
            step = self.program.step(task.callee)
            template = self._step_template(step)
            params = step.params
        else:
            sub = self.program.flow(task.callee)
            if sub.on_exit is not None:
                raise Unsupported(
                    task.span,
                    f"the exit handler of sub-flow `{sub.function}` (Argo runs only the "
                    "workflow's own exit handler)",
                    "call the handler's step at the end of the sub-flow, "
                    "or move `on_exit` to the flow you compile",
                )
            template = self._flow_template(sub)
            params = sub.params
        entry: dict[str, Any] = {"name": task.id, "template": template}
        if loop is not None:
            entry.update(self._loop_source(scope, loop))
        arguments = self._arguments(scope, task, params)
        if arguments:
            entry["arguments"] = arguments
        return entry

    def _arguments(self, scope: Scope, task: ir.Task, params: tuple[ir.Param, ...]) -> dict[str, Any]:
        values = {a.param: a.value for a in task.args}
        plist, alist = [], []
        for p in params:
            if isinstance(p.type, t.RunStatusT):
                plist.append({"name": p.name, "value": STATUS})
            elif p.name not in values:
                continue
            elif t.is_artifact(p.type):
                alist.append(self._artifact_argument(scope, p.name, values[p.name]))
            else:
                plist += self._value_argument(scope, task.callee, p, values[p.name])
        return {k: v for k, v in (("parameters", plist), ("artifacts", alist)) if v}

    def _artifact_argument(self, scope: Scope, name: str, value: ir.Value) -> dict[str, Any]:
        """An artifact handed to a task; optional when the value may be None (an Optional
        output left no file), which Argo then leaves out instead of failing the task."""
        entry: dict[str, Any] = {"name": name, "from": self._ref(scope, value, artifact=True)}
        if isinstance(self._type_of(scope, value), t.OptionalT):
            entry["optional"] = True
        return entry

    def _value_argument(
        self, scope: Scope, callee: str, p: ir.Param, value: ir.Value
    ) -> list[dict[str, Any]]:
        """The argument for `p`, and for a string that may be a loop item, its JSON flag."""
        text = self._param_text(scope, value, p.type)
        flag = self._json_flag(scope, value, p.type) if (callee, p.name) in self._json_inputs else None
        if isinstance(value, ir.LoopItem) and isinstance(p.type, t.AnyT):
            self._any_item(scope, value)
        if flag == "1":
            text = f'"{text}"'  # the item's rendering is a JSON string body: make it a JSON string
        entry = [{"name": p.name, "value": text}]
        return entry + ([{"name": f"{p.name}__json", "value": flag}] if flag not in (None, "0") else [])

    def _any_item(self, scope: Scope, value: ir.LoopItem) -> None:
        """An `Any` loop item for an `Any` parameter: Argo renders a string item with its JSON
        escapes and without quotes, like the JSON of a number or a list, so a string that needs
        escaping (quotes, newlines, non-ASCII) can't arrive as it was."""
        if not isinstance(self._type_of(scope, value), t.AnyT):
            return
        self.diagnostics.append(
            diagnostic(
                "FC507",
                value.span,
                target=TARGET,
                what="a loop item of type `Any` passed to an `Any` parameter (a string item arrives "
                "with Argo's JSON escapes: quotes, newlines and non-ASCII as `\\\"`, `\\n`, `\\u00fc`)",
                hint="type the list's items, or the parameter, `str` where they are strings",
            )
        )

    def _json_flag(self, scope: Scope, value: ir.Value, param: t.Type) -> str:
        if isinstance(value, ir.LoopItem) and _quoted_item(self._type_of(scope, value), param):
            return "1"
        if isinstance(value, ir.ParamRef) and (scope.flow.key, value.name) in self._json_inputs:
            return self._ref(scope, ir.ParamRef(f"{value.name}__json", value.span))
        return "0"

    def _param_text(self, scope: Scope, value: ir.Value, typ: t.Type) -> str:
        if isinstance(value, ir.Const):
            return self._literal_text(value, typ)
        if isinstance(value, ir.FString):
            return "".join(self._fstring_part(scope, p, value.span) for p in value.parts)
        return self._ref(scope, value)

    def _fstring_part(self, scope: Scope, part: str | ir.Value, span: Span) -> str:
        if isinstance(part, str):
            if "{{" in part:
                raise Unsupported(span, "f-string text containing `{{`", "pass it as a flow parameter")
            return part
        if isinstance(part, ir.LoopItem) and is_str_like(self._type_of(scope, part)):
            raise Unsupported(
                part.span,
                "an f-string over a string loop item (Argo writes it with JSON escapes)",
                "pass the item to a step as an argument and format it there",
            )
        if isinstance(part, ir.ParamRef) and (scope.flow.key, part.name) in self._json_inputs:
            raise Unsupported(
                part.span,
                "an f-string over a sub-flow parameter a string loop item reaches (Argo writes "
                "the item with JSON escapes, so flowc passes it quoted)",
                "pass the parameter to a step as an argument and format it there",
            )
        if not self._formats_like_python(scope, part):
            raise Unsupported(
                part.span,
                "an f-string over a bool or optional value (Argo writes `true`/`null` "
                "where Python writes `True`/`None`)",
                "format the text inside a step",
            )
        return self._ref(scope, part)

    def _formats_like_python(self, scope: Scope, value: ir.Value) -> bool:
        typ = self._type_of(scope, value)
        return (
            is_str_like(typ)
            or (isinstance(typ, t.Scalar) and typ.name in ("int", "float"))
            or (
                isinstance(typ, t.LiteralT)
                and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in typ.values)
            )
        )

    # --- values ------------------------------------------------------------------------

    def _ref(self, scope: Scope, value: ir.Value, artifact: bool = False) -> str:
        """How `value` is written in `scope`'s DAG, adding DAG inputs for outside values."""
        kind = "artifacts" if artifact else "parameters"
        if isinstance(value, ir.ParamRef):
            if scope.parent is None:
                return f"{{{{inputs.{kind}.{value.name}}}}}"
            return scope.input_ref(value.name, value, artifact)
        if isinstance(value, ir.TaskOutput):
            if value.task in scope.local:
                return self._output_ref(scope, value, kind)
            return scope.input_ref(f"{value.task}__{value.field or 'output'}", value, artifact)
        if isinstance(value, ir.LoopItem):
            return self._item_ref(scope, value)
        if isinstance(value, ir.Collected):
            return self._collected_ref(scope, value, artifact)
        if isinstance(value, ir.Const):
            raise Unsupported(value.span, "a literal here", "bind it as a flow parameter")
        raise Unsupported(value.span, "an f-string here", "build the text in a step")

    def _output_ref(self, scope: Scope, value: ir.TaskOutput, kind: str) -> str:
        """A task's output in its own DAG: its standard output (`outputs.result`) when its step
        writes its value there, else the output parameter or artifact."""
        task = scope.flow.task(value.task)
        step = self.program.step(task.callee) if task is not None and task.kind == "step" else None
        if kind == "parameters" and step is not None and self._uses_result(step):
            return f"{{{{tasks.{value.task}.outputs.result}}}}"
        return f"{{{{tasks.{value.task}.outputs.{kind}.{value.field or 'output'}}}}}"

    def _item_ref(self, scope: Scope, item: ir.LoopItem) -> str:
        if len(item.keys) > 1 or any(not k.replace("_", "").replace("-", "").isalnum() for k in item.keys):
            raise Unsupported(
                item.span,
                "nested or non-identifier keys of a loop item",
                "index one level with identifier keys, or pass the item to a step",
            )
        suffix = f".{item.keys[0]}" if item.keys else ""
        if scope.direct_item == item.loop:
            return f"{{{{item{suffix}}}}}"
        if scope.loop is not None and scope.loop.id == item.loop and scope.parent is not None:
            name = "item" + "".join(f"__{k}" for k in item.keys)
            scope.inputs.setdefault(name, (item, False))
            return f"{{{{inputs.parameters.{name}}}}}"
        name = f"{item.loop}__item" + "".join(f"__{k}" for k in item.keys)
        return scope.input_ref(name, item, False)

    def _collected_ref(self, scope: Scope, value: ir.Collected, artifact: bool) -> str:
        if artifact:
            raise Unsupported(
                value.span,
                "collecting artifacts from a fan-out",
                "collect the paths' contents as values, or write one artifact per item",
            )
        if value.loop not in scope.local:
            return scope.input_ref(f"{value.loop}__{_collected_name(value)}", value, False)
        loop = scope.loops[value.loop]
        self._warn_reencoded(scope, loop, value)
        if _is_direct(loop):
            inner = value.value
            assert isinstance(inner, ir.TaskOutput)
            return self._output_ref(scope, inner, "parameters")  # Argo collects it as a JSON list
        return f"{{{{tasks.{loop.id}.outputs.parameters.{_collected_name(value)}}}}}"

    def _warn_reencoded(self, scope: Scope, loop: ir.Loop, value: ir.Collected) -> None:
        """Argo collects output parameters as a JSON list of their texts, but parses a text that
        is a JSON list or object and writes it again: its numbers become float64. A step's
        `outputs.result` is collected untouched."""
        inner = value.value
        task = loop.body[0] if _is_direct(loop) else None  # a direct loop's value is its task's
        by_result = (
            isinstance(task, ir.Task)
            and task.kind == "step"
            and self._uses_result(self.program.step(task.callee))
        )
        key = f"{scope.flow.key}:{loop.id}:{_collected_name(value)}"
        # Only `Any` changes: declared numbers are decoded by their types again (ints beyond
        # 2**53 still lose digits, which the README says)
        holds_any = t.contains(self._type_of(scope, inner), lambda x: isinstance(x, t.AnyT))
        if by_result or key in self._reencoded or not holds_any:
            return
        self._reencoded.add(key)
        self.diagnostics.append(
            diagnostic(
                "FC507",
                value.span,
                target=TARGET,
                what="collecting `Any` values from output parameters (Argo rewrites the numbers "
                "in a list or dict: 1.0 becomes 1, an int beyond 2**53 loses digits)",
                hint="return the value as the one output of an uncached step, which Argo collects "
                "as it was written",
            )
        )

    def _type_of(self, scope: Scope, value: ir.Value) -> t.Type:
        return ir.value_type(self.program, scope.flow, value, scope.loops)

    # --- loops -------------------------------------------------------------------------

    def _loop_source(self, scope: Scope, loop: ir.Loop) -> dict[str, Any]:
        source = loop.source
        if self.options.argo_version >= 4 and ir.empty_by_default(scope.flow, source):
            self._warn_empty_fan_in(scope, loop)
        if isinstance(source, ir.Const):
            assert isinstance(source.value, list)
            text = json.dumps(source.value, ensure_ascii=False)
            if "{{" in text:
                raise Unsupported(
                    source.span, "loop items containing `{{`", "pass the list as a flow parameter"
                )
            if not source.value:  # Argo runs an empty `withItems` once; an empty `withParam` not at all
                return {"withParam": "[]"}
            if _has_float(source.value):
                # YAML numbers in `withItems` reach the pods as Go writes float64s (`2.0` as `2`,
                # `1e-05` as `0.00001`); `withParam` items keep the JSON text as written
                return {"withParam": text}
            return {"withItems": source.value}
        return {"withParam": self._ref(scope, source)}

    def _warn_empty_fan_in(self, scope: Scope, loop: ir.Loop) -> None:
        """A fan-out over an empty list runs no iteration and leaves its outputs unset; Argo v4
        never starts a task that reads them (v3 hands the unresolved reference on, which steps
        read as `[]`). Said where the list is empty unless the run says otherwise."""
        read = any(
            isinstance(v, ir.Collected) and v.loop == loop.id
            for value in _all_values(scope.flow, results=False)
            for v in ir.value_refs(value)
        )
        if read:
            self.diagnostics.append(
                diagnostic(
                    "FC507",
                    loop.span,
                    target=TARGET,
                    what="a task reading what a fan-out over an empty list collected (Argo v4 "
                    "never starts it: the fan-out runs no iteration, its outputs stay unresolved)",
                    hint="give the list a non-empty default, and pass a non-empty list when running on Argo v4",
                )
            )

    def _loop_task(self, scope: Scope, loop: ir.Loop) -> dict[str, Any]:
        if _is_direct(loop):
            task = loop.body[0]
            assert isinstance(task, ir.Task)
            inner = Scope(
                scope.flow, scope.loops, scope.parent, scope.loop, loop.id, scope.local, scope.inputs
            )
            scope.local.add(task.id)
            return self._task(inner, task, loop)
        name = self._loop_template(scope, loop)
        sub_inputs = self._pending_inputs.pop(name)
        entry: dict[str, Any] = {"name": loop.id, "template": name}
        entry.update(self._loop_source(scope, loop))
        params, artifacts = [], []
        for input_name, (value, artifact) in sub_inputs.items():
            if input_name == "item" or input_name.startswith("item__"):
                keys = input_name.split("__")[1:]
                params.append({"name": input_name, "value": "{{item" + "".join(f".{k}" for k in keys) + "}}"})
            elif artifact:
                artifacts.append(self._artifact_argument(scope, input_name, value))
            else:
                params.append({"name": input_name, "value": self._ref(scope, value)})
        arguments = {k: v for k, v in (("parameters", params), ("artifacts", artifacts)) if v}
        if arguments:
            entry["arguments"] = arguments
        return entry

    def _loop_template(self, scope: Scope, loop: ir.Loop) -> str:
        name = self.made_up("", f"{scope.flow.name}-{loop.id}")
        inner = Scope(scope.flow, scope.loops, scope, loop)
        index = len(self.templates)
        self.templates.append({})
        tasks = self._dag_tasks(inner, loop.body)
        template: dict[str, Any] = {"name": name}
        params = [{"name": n} for n, (_, art) in inner.inputs.items() if not art]
        artifacts = [{"name": n} for n, (_, art) in inner.inputs.items() if art]
        inputs = {k: v for k, v in (("parameters", params), ("artifacts", artifacts)) if v}
        if inputs:
            template["inputs"] = inputs
        exposed = self._exposed(scope.flow, loop)
        if exposed:
            template["outputs"] = {
                "parameters": [
                    {"name": _collected_name(c), "valueFrom": self._output_source(inner, c.value)}
                    for c in exposed
                ]
            }
        if loop.max_parallel:
            template["parallelism"] = loop.max_parallel
        template["dag"] = {"tasks": tasks}
        self.templates[index] = template
        self._pending_inputs[name] = inner.inputs
        return name

    def _exposed(self, flow: ir.Flow, loop: ir.Loop) -> list[ir.Collected]:
        """Collected values of `loop` used anywhere in the flow: the loop DAG's outputs."""
        found: dict[str, ir.Collected] = {}
        for value in _all_values(flow):
            for v in ir.value_refs(value):
                if isinstance(v, ir.Collected) and v.loop == loop.id:
                    found.setdefault(_collected_name(v), v)
        return [found[k] for k in sorted(found)]

    # --- conditions ---------------------------------------------------------------------

    def _when(self, scope: Scope, conds: tuple[tuple[ir.Branch, int], ...]) -> tuple[str, set[str]]:
        parts, deps = [], set()
        for branch, index in conds:
            expr, branch_deps = self._case_expr(scope, branch, index)
            parts.append(expr)
            deps |= branch_deps
        return " && ".join(f"({p})" if len(parts) > 1 else p for p in parts), deps

    def _inline(self, scope: Scope, branch: ir.Branch) -> bool:
        """Whether `when` expressions decide the branch exactly as Python would; otherwise a
        condition task (Python) decides it."""
        return all(c.cond is None or self._when_exact(scope, c.cond) for c in branch.cases)

    def _case_expr(self, scope: Scope, branch: ir.Branch, index: int) -> tuple[str, set[str]]:
        if self._inline(scope, branch):
            exprs = [
                f"!({self._cond_text(scope, c.cond)})" for c in branch.cases[:index] if c.cond is not None
            ]
            own = branch.cases[index].cond
            if own is not None:
                exprs.append(self._cond_text(scope, own))
            deps = {
                d
                for c in branch.cases[: index + 1]
                if c.cond is not None
                for d in self._cond_deps(scope, c.cond)
            }
            return " && ".join(exprs) or "true", deps
        cond_task = self.made_up(scope.flow.key, f"{branch.id}-cond")
        return f"{{{{tasks.{cond_task}.outputs.parameters.case}}}} == {index}", {cond_task}

    def _when_exact(self, scope: Scope, cond: ir.Cond) -> bool:
        """Argo evaluates `when` with govaluate after splicing the values' text into it: numbers
        are float64 and must be written without an exponent (`5e-05` is an error), and values of
        different kinds are never equal (`0 == false` is false). So only comparisons of ints with
        an int literal of magnitude below 2**53, and of bools with `==`/`!=`, go into `when`:
        flowc writes ints and bools (declared so, and returned so) as exactly those texts, and for
        an int `x` and such a literal `n`, float64(x) orders against `n` as `x` does (rounding
        is monotonic, and an int it can't hold exactly is beyond 2**53; one of more than 308
        digits, beyond float64, would make the expression an error). Floats, mixed kinds, two
        run-time ints, strings and the rest go to the condition task."""
        if isinstance(cond, ir.Compare):
            kinds = {self._when_kind(scope, cond.left), self._when_kind(scope, cond.right)}
            if kinds == {"bool"}:
                return cond.op in ("==", "!=")
            literal = isinstance(cond.left, ir.Const) or isinstance(cond.right, ir.Const)
            return kinds == {"int"} and literal and cond.op in ("==", "!=", "<", "<=", ">", ">=")
        if isinstance(cond, ir.Truthy):
            return self._when_kind(scope, cond.value) == "bool"
        if isinstance(cond, ir.Not):
            return self._when_exact(scope, cond.operand)
        return all(self._when_exact(scope, o) for o in cond.operands)

    def _when_kind(self, scope: Scope, value: ir.Value) -> str:
        """The kind (`int`, `bool` or `other`) of a value whose text govaluate reads as Python
        reads the value; an int literal is `int` only when float64 holds it and its neighbours."""
        if isinstance(value, ir.Const):
            v = value.value
            if isinstance(v, bool):
                return "bool"
            return "int" if isinstance(v, int) and abs(v) < _EXACT_INT else "other"
        typ = self._type_of(scope, value)
        values = typ.values if isinstance(typ, t.LiteralT) else ()
        if typ == t.BOOL or (values and all(isinstance(v, bool) for v in values)):
            return "bool"
        if typ == t.INT or (values and all(isinstance(v, int) and not isinstance(v, bool) for v in values)):
            return "int"
        return "other"

    def _cond_text(self, scope: Scope, cond: ir.Cond) -> str:
        if isinstance(cond, ir.Compare):
            return f"{self._operand(scope, cond.left)} {cond.op} {self._operand(scope, cond.right)}"
        if isinstance(cond, ir.Truthy):
            return f"{self._operand(scope, cond.value)} == true"
        if isinstance(cond, ir.Not):
            return f"!({self._cond_text(scope, cond.operand)})"
        joiner = " && " if cond.op == "and" else " || "
        return joiner.join(f"({self._cond_text(scope, o)})" for o in cond.operands)

    def _operand(self, scope: Scope, value: ir.Value) -> str:
        if isinstance(value, ir.Const):
            return json.dumps(value.value)
        return self._ref(scope, value)

    def _cond_deps(self, scope: Scope, cond: ir.Cond) -> set[str]:
        return {p for v in ir.cond_values(cond) for p in self._producers(scope, v)}

    def _condition_task(
        self, scope: Scope, branch: ir.Branch, tasks: list[dict[str, Any]], when: str, outer_deps: set[str]
    ) -> None:
        """The task deciding `branch`; it runs under the conditions of the branches around it."""
        name = self.made_up(scope.flow.key, f"{branch.id}-cond")
        # the operands themselves: not the values inside them (the task output a collected list
        # is made of lives in the loop's DAG, out of this one's reach)
        values = [
            v
            for c in branch.cases
            if c.cond is not None
            for v in _operands(c.cond)
            if not isinstance(v, ir.Const)
        ]
        refs = {f"v{i}": v for i, v in enumerate(_unique(values))}
        types = {k: self._type_of(scope, v) for k, v in refs.items()}
        flags = {
            k: self._json_flag(scope, v, types[k]) if is_str_like(types[k]) else "0" for k, v in refs.items()
        }
        template = self._condition_template(scope, branch, refs, flags)
        entry: dict[str, Any] = {"name": name, "template": template}
        params: list[dict[str, Any]] = []
        for k, v in refs.items():
            text = self._ref(scope, v)
            params.append({"name": k, "value": f'"{text}"' if flags[k] == "1" else text})
            if flags[k] != "0":
                params.append({"name": f"{k}__json", "value": flags[k]})
        if params:
            entry["arguments"] = {"parameters": params}
        producers = {p for v in refs.values() for p in self._producers(scope, v)}
        entry["_deps"] = sorted((producers | outer_deps) - {""})
        if when:
            entry["when"] = when
        scope.local.add(name)
        tasks.append(entry)

    def _condition_template(
        self, scope: Scope, branch: ir.Branch, refs: dict[str, ir.Value], flags: dict[str, str]
    ) -> str:
        from flowc.targets.argo.conditions import condition_script

        name = self.made_up("", f"{scope.flow.name}-{branch.id}-cond")
        if name in self._emitted:
            return name
        self._emitted.add(name)
        types = {k: self._type_of(scope, v) for k, v in refs.items()}
        params: list[dict[str, Any]] = []
        env: list[dict[str, Any]] = []
        for k in refs:
            params.append({"name": k})
            env.append({"name": f"FLOWC_IN_{k}", "value": f"{{{{inputs.parameters.{k}}}}}"})
            if flags[k] != "0":
                params.append({"name": f"{k}__json", "default": "0"})
                env.append({"name": f"FLOWC_JSON_{k}", "value": f"{{{{inputs.parameters.{k}__json}}}}"})
        template: dict[str, Any] = {"name": name}
        if params:
            template["inputs"] = {"parameters": params}
        template["outputs"] = {"parameters": [{"name": "case", "valueFrom": {"path": f"{OUTPUTS_DIR}/case"}}]}
        script: dict[str, Any] = {"image": self._image(None, scope.flow), "command": ["python3"]}
        if env:
            script["env"] = env
        script["source"] = condition_script(branch, refs, types)
        template["script"] = script
        self.templates.append(template)
        return name

    # --- dependencies ------------------------------------------------------------------

    def _reads(self, scope: Scope, node: ir.Task | ir.Loop) -> set[str]:
        """The tasks and loops of this DAG whose outputs the node reads."""
        return set().union(*(self._producers(scope, v) for v in _node_values(node))) - {node.id}

    def _depends(self, scope: Scope, node: ir.Task | ir.Loop, reads: set[str]) -> list[str]:
        """What the node waits for: what it reads (its conditions' values too), and its `after`."""
        needed = set(reads)
        tasks = (
            [node]
            if isinstance(node, ir.Task)
            else [n for n, _ in ir.walk(node.body) if isinstance(n, ir.Task)]
        )
        for task in tasks:
            for after in task.after:
                needed.add(self._local_owner(scope, after))
        needed -= {"", node.id}
        return sorted(needed)

    def _producers(self, scope: Scope, value: ir.Value) -> set[str]:
        """The tasks and loops of this DAG a value waits for: every part of an f-string counts
        (none when the value comes from outside)."""
        found = set()
        for v in ir.value_refs(value):
            if isinstance(v, ir.TaskOutput):
                found.add(self._local_owner(scope, v.task))
            elif isinstance(v, ir.Collected):
                found.add(self._local_owner(scope, v.loop))
        return found - {""}

    def _local_owner(self, scope: Scope, node_id: str) -> str:
        """The node of this DAG that contains `node_id` (itself, or a loop around it)."""
        if node_id in scope.local:
            loop = scope.loops.get(node_id)
            return loop.body[0].id if loop is not None and _is_direct(loop) else node_id
        for loop_id in scope.local:
            loop = scope.loops.get(loop_id)
            if loop is not None and any(n.id == node_id for n, _ in ir.walk(loop.body)):
                return loop.body[0].id if _is_direct(loop) else loop_id
        return ""

    # --- step templates ------------------------------------------------------------------

    def _step_template(self, step: ir.Step) -> str:
        if step.name in self._emitted:
            return step.name
        self._emitted.add(step.name)
        flow = self.program.flow(self.program.entry or self.program.flows[0].key)
        self.templates.append(self._script_template(step, flow))
        return step.name

    def _script_template(self, step: ir.Step, flow: ir.Flow) -> dict[str, Any]:
        template: dict[str, Any] = {"name": step.name}
        inputs = self._step_inputs(step)
        if inputs:
            template["inputs"] = inputs
        outputs = self._step_outputs(step)
        if outputs:
            template["outputs"] = outputs
        opts = step.options
        if opts.node_selector or (opts.gpu_type and "/" not in opts.gpu_type):
            template["nodeSelector"] = self._node_selector(step)
        if opts.tolerations:
            template["tolerations"] = [_toleration(x) for x in opts.tolerations]
        retries = opts.retries or flow.options.retries
        if retries is not None:
            template["retryStrategy"] = _retry(retries)
        timeout = opts.timeout_seconds or flow.options.timeout_seconds
        if timeout:
            template["activeDeadlineSeconds"] = timeout
        if opts.cache:
            template["memoize"] = self._memoize(step)
        template["script"] = self._script(step, flow)
        return template

    def _step_inputs(self, step: ir.Step) -> dict[str, Any]:
        params, artifacts = [], []
        for p in step.params:
            _check_artifact_shape(p.type, p.span, f"parameter `{p.name}`")
            if t.is_artifact(p.type):
                optional = {"optional": True} if isinstance(p.type, t.OptionalT) else {}
                artifacts.append({"name": p.name, "path": f"{INPUTS_DIR}/{p.name}"} | optional)
                continue
            entry: dict[str, Any] = {"name": p.name}
            if p.default is not None:
                entry["default"] = self._literal_text(p.default, p.type)
            params.append(entry)
            if (step.key, p.name) in self._json_inputs:
                params.append({"name": f"{p.name}__json", "default": "0"})
        return {k: v for k, v in (("parameters", params), ("artifacts", artifacts)) if v}

    def _step_outputs(self, step: ir.Step) -> dict[str, Any]:
        if self._uses_result(step):
            return {}  # its value is its standard output: Argo's `outputs.result`
        params, artifacts = [], []
        for out in step.outputs:
            _check_artifact_shape(out.type, step.span, f"output `{out.name}` of step `{step.function}`")
            path = f"{OUTPUTS_DIR}/{out.name}"
            if t.is_artifact(out.type):
                # an Optional artifact the step returned None for leaves no file: not an error
                optional = {"optional": True} if isinstance(out.type, t.OptionalT) else {}
                artifacts.append({"name": out.name, "path": path, **optional})
            else:
                params.append({"name": out.name, "valueFrom": {"path": path}})
        return {k: v for k, v in (("parameters", params), ("artifacts", artifacts)) if v}

    def _script(self, step: ir.Step, flow: ir.Flow) -> dict[str, Any]:
        opts = step.options
        env: list[dict[str, Any]] = [
            {"name": f"FLOWC_IN_{p.name}", "value": f"{{{{inputs.parameters.{p.name}}}}}"}
            for p in step.params
            if not t.is_artifact(p.type)
        ]
        env += [
            {"name": f"FLOWC_JSON_{p.name}", "value": f"{{{{inputs.parameters.{p.name}__json}}}}"}
            for p in step.params
            if (step.key, p.name) in self._json_inputs
        ]
        env += [{"name": k, "value": v} for k, v in opts.env]
        env += [
            {"name": s.env, "valueFrom": {"secretKeyRef": {"name": s.secret, "key": s.key}}}
            for s in opts.secrets
        ]
        # Every template says its image and command, though `templateDefaults` could say them
        # once: Argo's JSON Schema requires `image` and `source` in every ScriptTemplate, the
        # defaults' one included, so editors and schema checks would reject that workflow.
        script: dict[str, Any] = {"image": self._image(step, flow), "command": ["python3"]}
        if env:
            script["env"] = env
        resources = _resources(step)
        if resources:
            script["resources"] = resources
        if opts.volumes:
            script["volumeMounts"] = [
                {"name": self._volume(v.claim), "mountPath": v.mount_path} for v in opts.volumes
            ]
        script["source"] = self._source(step)
        return script

    def _uses_result(self, step: ir.Step) -> bool:
        """Whether the step hands its one value on as its standard output (`outputs.result`,
        no output parameter to declare). Not when cached: Argo memoizes declared outputs only."""
        parts = self.scripts[step.key].parts
        return parts is not None and bool(parts.result_runtime) and not step.options.cache

    def _runtime_of(self, step: ir.Step) -> str:
        parts = self.scripts[step.key].parts
        if parts is None:
            return ""
        return parts.result_runtime if self._uses_result(step) else parts.runtime

    def _source(self, step: ir.Step) -> str:
        script = self.scripts[step.key]
        parts = script.parts
        if parts is None:
            return script.source
        runtime = self._runtime_of(step)
        if self._runtime_uses[runtime] < 2:  # nothing to share: the runtime stays inline
            return parts.linked(runtime.removesuffix("\n"))
        name = self._runtimes.setdefault(
            runtime, RUNTIME_PARAM + (f"-{len(self._runtimes) + 1}" if self._runtimes else "")
        )
        return parts.linked(f"{{{{workflow.parameters.{name}}}}}")

    def _runtime_arguments(self) -> list[dict[str, Any]]:
        """The runtimes the step scripts share, as workflow parameters, in order of first use."""
        return [
            {"name": name, "description": RUNTIME_DESCRIPTION, "value": text.removesuffix("\n")}
            for text, name in self._runtimes.items()
        ]

    def _image(self, step: ir.Step | None, flow: ir.Flow) -> str:
        return (step.options.image if step else None) or flow.options.image or self.options.default_image

    def _node_selector(self, step: ir.Step) -> dict[str, str]:
        selector = dict(step.options.node_selector)
        gpu_type = step.options.gpu_type
        if gpu_type and "/" not in gpu_type:
            selector.setdefault("cloud.google.com/gke-accelerator", gpu_type)
        return selector

    def _volume(self, claim: str) -> str:
        if claim not in self._volumes:
            name = f"pvc-{claim}".replace(".", "-")
            if len(name) > 63:
                name = f"pvc-{_sha256(claim)[:16]}"
            self._volumes[claim] = name
        return self._volumes[claim]

    def _memoize(self, step: ir.Step) -> dict[str, Any]:
        digest = _sha256(self.scripts[step.key].source)[:12]
        key = f'"{digest}-" + sprig.sha256sum(toJson(inputs.parameters))'
        if any(t.is_artifact(p.type) for p in step.params):
            # Argo keys memoization on text only: artifact contents can't be part of the key,
            # so cached results are reused only within one workflow run.
            key += " + workflow.uid"
        suffix = f"-{step.options.cache_version}" if step.options.cache_version else ""
        cache_name = f"flowc-cache-{step.name}{suffix}".lower().replace("_", "-").replace(".", "-")[:253]
        # maxAge "" keeps entries until the cache version changes (Argo skips the age check then)
        return {"key": f"{{{{={key}}}}}", "maxAge": "", "cache": {"configMap": {"name": cache_name}}}

    def _exit_template(self, flow: ir.Flow, handler: ir.ExitHandler) -> str:
        step = self.program.step(handler.step)
        template = self._step_template(step)
        name = self.made_up("", f"{flow.name}-on-exit")
        task: dict[str, Any] = {"name": step.name, "template": template}
        if handler.status_param:
            task["arguments"] = {"parameters": [{"name": handler.status_param, "value": STATUS}]}
        self.templates.append({"name": name, "dag": {"tasks": [task]}})
        return name


# --- helpers ---------------------------------------------------------------------------------


def _units(
    body: tuple[ir.Node, ...], conds: tuple[tuple[ir.Branch, int], ...] = ()
) -> Iterator[tuple[ir.Node, tuple[tuple[ir.Branch, int], ...]]]:
    """The tasks and loops of one DAG, branches flattened into conditions on their nodes."""
    for node in body:
        if isinstance(node, ir.Branch):
            yield node, conds
            for i, case in enumerate(node.cases):
                yield from _units(case.body, (*conds, (node, i)))
        else:
            yield node, conds


def _json_inputs(program: ir.Program) -> set[tuple[str, str]]:
    """Parameters that can receive a string loop item, directly or through sub-flow parameters."""
    found: set[tuple[str, str]] = set()
    changed = True
    while changed:
        changed = False
        for flow in program.flows:
            loops = {n.id: n for n, _ in ir.walk(flow.body) if isinstance(n, ir.Loop)}
            for task in flow.tasks():
                params = {p.name: p for p in _callee_params(program, task)}
                for arg in task.args:
                    key = (task.callee, arg.param)
                    if key in found or arg.param not in params or not _may_be_text(params[arg.param].type):
                        continue
                    value = arg.value
                    item = isinstance(value, ir.LoopItem) and _quoted_item(
                        ir.value_type(program, flow, value, loops), params[arg.param].type
                    )
                    forwarded = isinstance(value, ir.ParamRef) and (flow.key, value.name) in found
                    if item or forwarded:
                        found.add(key)
                        changed = True
    return found


def _has_float(value: t.JsonValue) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    return False


def _may_be_text(typ: t.Type) -> bool:
    typ = t.non_optional(typ)  # an Optional's text `null` is None: quoted, it still reads so
    return is_str_like(typ) or isinstance(typ, t.AnyT)


def _quoted_item(item: t.Type, param: t.Type) -> bool:
    """Whether a loop item of type `item` reaches a parameter of type `param` quoted as a JSON
    string: when it surely is a string, or when the parameter takes only strings (an `Any`
    item that isn't one would fail there anyway). An `Any` item for an `Any` parameter can't
    be: Argo renders the string "3" and the number 3 alike."""
    item, param = t.non_optional(item), t.non_optional(param)
    return (is_str_like(item) and _may_be_text(param)) or (isinstance(item, t.AnyT) and is_str_like(param))


def _callee_params(program: ir.Program, task: ir.Task) -> tuple[ir.Param, ...]:
    return program.step(task.callee).params if task.kind == "step" else program.flow(task.callee).params


def _check_artifact_shape(typ: t.Type, span: Span, what: str) -> None:
    """Argo passes artifacts one by one: a list or dict of them has no Argo form."""
    if t.contains_artifact(typ) and not t.is_artifact(typ):
        raise Unsupported(
            span,
            f"{what} of type {typ}: a collection of artifacts",
            "pass artifacts one at a time, or values (text, JSON) in a list",
        )


def _is_direct(loop: ir.Loop) -> bool:
    """A loop over exactly one task is that task with `withItems`/`withParam`."""
    return len(loop.body) == 1 and isinstance(loop.body[0], ir.Task)


def _collected_name(value: ir.Collected) -> str:
    inner = value.value
    if isinstance(inner, ir.TaskOutput):
        return f"{inner.task}__{inner.field or 'output'}"
    return f"{inner.loop}__{_collected_name(inner)}"


def _node_values(node: ir.Task | ir.Loop) -> Iterator[ir.Value]:
    if isinstance(node, ir.Task):
        yield from (a.value for a in node.args)
        return
    yield node.source
    for inner, _ctx in ir.walk(node.body):
        if isinstance(inner, ir.Task):
            yield from (a.value for a in inner.args)
        elif isinstance(inner, ir.Loop):
            yield inner.source
        elif isinstance(inner, ir.Branch):
            yield from (v for c in inner.cases if c.cond is not None for v in ir.cond_values(c.cond))


def _all_values(flow: ir.Flow, results: bool = True) -> Iterator[ir.Value]:
    if results:
        yield from flow.results
    for node, _ctx in ir.walk(flow.body):
        if isinstance(node, (ir.Task, ir.Loop)):
            yield from _node_values(node) if isinstance(node, ir.Task) else (node.source,)
        elif isinstance(node, ir.Branch):
            yield from (v for c in node.cases if c.cond is not None for v in ir.cond_values(c.cond))


def _operands(cond: ir.Cond) -> Iterator[ir.Value]:
    """The values a condition compares or tests, in order (unlike `ir.cond_values`, not the
    values nested in them)."""
    if isinstance(cond, ir.Compare):
        yield from (cond.left, cond.right)
    elif isinstance(cond, ir.Truthy):
        yield cond.value
    elif isinstance(cond, ir.Not):
        yield from _operands(cond.operand)
    else:
        for operand in cond.operands:
            yield from _operands(operand)


def _unique(values: Sequence[ir.Value]) -> list[ir.Value]:
    from flowc.targets.argo.conditions import value_key

    seen: dict[str, ir.Value] = {}
    for v in values:
        seen.setdefault(value_key(v), v)
    return list(seen.values())


def _sha256(text: str) -> str:
    import hashlib  # only cached steps and long volume claims need it: most compiles don't

    return hashlib.sha256(text.encode()).hexdigest()


def _retry(policy: ir.RetryPolicy) -> dict[str, Any]:
    strategy: dict[str, Any] = {"limit": policy.limit, "retryPolicy": _RETRY_POLICY[policy.on]}
    if policy.backoff_seconds is not None:
        backoff: dict[str, Any] = {"duration": go_duration(policy.backoff_seconds)}
        if policy.factor is not None:
            backoff["factor"] = int(policy.factor) if policy.factor.is_integer() else str(policy.factor)
        if policy.max_backoff_seconds is not None:
            backoff["maxDuration"] = go_duration(policy.max_backoff_seconds)
        strategy["backoff"] = backoff
    return strategy


def _resources(step: ir.Step) -> dict[str, Any]:
    opts = step.options
    requests = {k: v for k, v in (("cpu", opts.cpu), ("memory", opts.memory)) if v is not None}
    limits: dict[str, Any] = {"memory": opts.memory} if opts.memory else {}
    if opts.gpu:
        resource = opts.gpu_type if opts.gpu_type and "/" in opts.gpu_type else "nvidia.com/gpu"
        limits[resource] = str(opts.gpu)  # quantities are strings in the API
    return {k: v for k, v in (("requests", requests), ("limits", limits)) if v}


def _toleration(tol: ir.Toleration) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if tol.key is not None:
        out["key"] = tol.key
    out["operator"] = tol.operator
    if tol.value is not None:
        out["value"] = tol.value
    if tol.effect is not None:
        out["effect"] = tol.effect
    if tol.toleration_seconds is not None:
        out["tolerationSeconds"] = tol.toleration_seconds
    return out


def _guard(
    task: dict[str, Any], deps: list[str], data: set[str], lenient: set[str], guards: dict[str, set[str]]
) -> set[str]:
    """The `continue_on_failure` tasks this task needs to have succeeded: those whose outputs it
    reads, and those of the tasks it waits for. Argo runs a task after a failed `continueOn`
    dependency, and it would read outputs that were never written; a `when` on their status
    skips it instead, as `flowc run` does. Tasks only ordered after one still run."""
    guard = (data & lenient).union(*(guards.get(d, set()) for d in deps))
    if guard:
        checks = " && ".join(f"{{{{tasks.{name}.status}}}} == Succeeded" for name in sorted(guard))
        task["when"] = f"({task['when']}) && {checks}" if task.get("when") else checks
    return guard


_TASK_ORDER = ("name", "template", "depends", "dependencies", "when", "withItems", "withParam", "arguments")


def _ordered(task: dict[str, Any]) -> dict[str, Any]:
    """Task keys in the order people read them."""
    return {k: task[k] for k in _TASK_ORDER if k in task} | {
        k: v for k, v in task.items() if k not in _TASK_ORDER
    }


def emit(
    program: ir.Program, options: CompileOptions, scripts: dict[str, Script]
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    emitter = Emitter(program, options, scripts)
    try:
        document = emitter.document()
    except Unsupported as exc:
        return None, [diagnostic("FC501", exc.span, target=TARGET, what=exc.what, hint=exc.hint)]
    return document, emitter.diagnostics
