"""IR (with KFP names) → a KFP v2 `PipelineSpec`, and the Kubernetes `PlatformSpec`, as plain data.

The shapes are the KFP SDK's (`compiler/pipeline_spec_builder.py`): one component and one
executor per step definition, reused by every task of it; one DAG component per sub-flow, per
loop body (`for-loop-…`, a task with a `parameterIterator`) and per branch case
(`condition-…`, a task with a `triggerPolicy.condition` in CEL over its own inputs); the exit
handler as the SDK's `exit-handler-1` DAG with the handler task after it, taking the DAG's
final status. A value from outside a DAG becomes one of its inputs, named
`pipelinechannel--<what>`, passed by the task that runs the DAG; a fan-in is the loop DAG's
output, which KFP collects into a list over the iterations.

Names are chosen so that `kfp.local` (whose orchestrator finds values by name patterns) runs the
pipeline too: a condition's task outputs are keyed `pipelinechannel--<task>--<output>`, loop
items `pipelinechannel--<loop>-item`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flowc.compiler import ir
from flowc.compiler import types as t
from flowc.compiler.diagnostics import Diagnostic, Span
from flowc.compiler.frozen import frozen
from flowc.compiler.naming import unique
from flowc.compiler.rules import diagnostic
from flowc.compiler.shipping import is_str_like
from flowc.targets import CompileOptions
from flowc.targets.kfp import kinds
from flowc.targets.kfp.executor import executor, output_key

TARGET = "KFP"
SCHEMA_VERSION = "2.1.0"
SDK_VERSION = "flowc"
EXIT_HANDLER = "exit-handler-1"
PREFIX = "pipelinechannel--"

Spec = dict[str, Any]


class Unsupported(Exception):
    """A construct KFP cannot express: becomes FC501 at `span`."""

    def __init__(self, span: Span, what: str, hint: str) -> None:
        super().__init__(what)
        self.span, self.what, self.hint = span, what, hint


@frozen
class Needed:
    """A DAG input: the value outside the DAG it stands for, and its definition."""

    value: ir.Value
    artifact: bool
    definition: Spec


@dataclass
class Dag:
    """One DAG component being built: its tasks, and the outside values it takes as inputs."""

    flow: ir.Flow
    loops: dict[str, ir.Loop]
    top: bool  # a flow's own DAG: the flow's parameters are its inputs, by name
    loop: ir.Loop | None = None  # the loop whose body this DAG is
    direct: set[str] = field(default_factory=set)  # task and loop ids that are tasks of this DAG
    inputs: dict[str, Needed] = field(default_factory=dict)
    outer_after: set[str] = field(default_factory=set)  # ordering on nodes outside this DAG

    def need(self, name: str, needed: Needed) -> str:
        self.inputs.setdefault(name, needed)
        return name

    @property
    def item_input(self) -> str | None:
        return item_input(self.loop.id) if self.loop is not None else None


def item_input(loop_id: str) -> str:
    return f"{PREFIX}{loop_id}-item"


@dataclass
class Emitter:
    program: ir.Program
    options: CompileOptions
    scripts: dict[str, str]  # step key → shipped source
    components: dict[str, Spec] = field(default_factory=dict)
    executors: dict[str, Spec] = field(default_factory=dict)
    platform: dict[str, Spec] = field(default_factory=dict)  # executor label → Kubernetes config
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _flows_done: dict[str, str] = field(default_factory=dict)
    _component_names: set[str] = field(default_factory=set)  # taken: by steps, flows, made-up ones

    @property
    def entry(self) -> ir.Flow:
        return self.program.flow(self.program.entry or self.program.flows[0].key)

    # --- documents ---------------------------------------------------------------------

    def documents(self) -> tuple[Spec, Spec | None]:
        flow = self.entry
        self._flow_warnings(flow)
        self._component_names = {f"comp-{s.name}" for s in self.program.steps} | {
            f"comp-{f.name}" for f in self.program.flows
        }
        root = self._flow_component(flow, root=True)
        info: Spec = {"name": flow.name}
        if flow.description:
            info["description"] = flow.description
        spec: Spec = {
            "components": dict(sorted(self.components.items())),
            "deploymentSpec": {"executors": dict(sorted(self.executors.items()))},
            "pipelineInfo": info,
            "root": root,
            "schemaVersion": SCHEMA_VERSION,
            "sdkVersion": SDK_VERSION,
        }
        if not self.platform:
            return spec, None
        executors = dict(sorted(self.platform.items()))
        return spec, {"platforms": {"kubernetes": {"deploymentSpec": {"executors": executors}}}}

    def _generated_component(self, base: str) -> str:
        """A name for a component flowc makes up (a loop's or a case's DAG, the exit handler's
        body): `comp-<base>`, suffixed when a step, a flow or another such component has it (two
        sub-flows may both loop `for x`)."""
        name = unique(f"comp-{base}", self._component_names)
        self._component_names.add(name)
        return name

    def _warn(self, span: Span, what: str, hint: str) -> None:
        self.diagnostics.append(diagnostic("FC507", span, target=TARGET, what=what, hint=hint))

    def _flow_warnings(self, flow: ir.Flow) -> None:
        """Flow options a pipeline spec has no place for: said, never dropped silently."""
        opts = flow.options
        submit_time = {
            "namespace": opts.namespace,
            "service_account": opts.service_account,
            "labels": opts.labels,
            "annotations": opts.annotations,
            "ttl": opts.ttl_seconds,
            "max_parallel": opts.max_parallel,
        }
        for option, value in submit_time.items():
            if value:
                self._warn(
                    opts.span_of(option) or flow.span,
                    f"`@flow({option}=...)` in a pipeline spec (it is set per run or per cluster)",
                    "the compiled pipeline doesn't carry it: `flowc submit` applies it, other "
                    "clients need it set when submitting",
                )
        if opts.timeout_seconds:
            self._warn(
                opts.span_of("timeout") or flow.span,
                "a deadline for the whole run (KFP has timeouts per task only)",
                "each step without its own `timeout` gets this one as its task timeout",
            )
        if opts.schedule is not None:
            self._warn(
                opts.schedule.span,
                "a schedule in a pipeline spec (KFP schedules are recurring runs)",
                "create a recurring run for the compiled pipeline with this cron expression",
            )

    # --- flows ---------------------------------------------------------------------------

    def _flow_component(self, flow: ir.Flow, root: bool) -> Spec:
        loops = {n.id: n for n, _ in ir.walk(flow.body) if isinstance(n, ir.Loop)}
        dag = Dag(flow, loops, top=True)
        component: Spec = {}
        if root and flow.on_exit is not None:
            tasks, outputs = self._exit_handler(dag, flow, flow.on_exit)
        else:
            tasks = self._tasks(dag, flow.body)
            outputs = self._flow_outputs(dag, flow)
        component["dag"] = {"outputs": outputs, "tasks": tasks} if outputs else {"tasks": tasks}
        inputs = self._params_definitions(flow.params)
        if inputs:
            component["inputDefinitions"] = inputs
        out_defs = self._outputs_definitions(flow.outputs, flow.span)
        if out_defs:
            component["outputDefinitions"] = out_defs
        return component

    def _subflow(self, flow: ir.Flow, span: Span) -> str:
        if flow.on_exit is not None:
            raise Unsupported(
                span,
                f"the exit handler of sub-flow `{flow.function}` (KFP allows an exit handler only at "
                "the outermost pipeline scope)",
                "call the handler's step at the end of the sub-flow, or move `on_exit` to the flow you compile",
            )
        if flow.key not in self._flows_done:
            name = f"comp-{flow.name}"
            self._flows_done[flow.key] = name
            self.components[name] = self._flow_component(flow, root=False)
        return self._flows_done[flow.key]

    def _flow_outputs(self, dag: Dag, flow: ir.Flow) -> Spec:
        params: Spec = {}
        artifacts: Spec = {}
        for out, value in zip(flow.outputs, flow.results, strict=True):
            producer, key = self._producer_key(dag, value)
            if t.is_artifact(out.type):
                selector = {"producerSubtask": producer, "outputArtifactKey": key}
                artifacts[output_key(out.name)] = {"artifactSelectors": [selector]}
            else:
                selector = {"producerSubtask": producer, "outputParameterKey": key}
                params[output_key(out.name)] = {"valueFromParameter": selector}
        return _parts(params, artifacts)

    def _producer_key(self, dag: Dag, value: ir.Value) -> tuple[str, str]:
        """The task of `dag` and its output key a DAG output is taken from."""
        if isinstance(value, ir.TaskOutput) and value.task in dag.direct:
            return value.task, output_key(value.field or "output")
        if isinstance(value, ir.Collected) and value.loop in dag.direct:
            return value.loop, collected_key(value)
        raise Unsupported(
            value.span,
            "an output that is not a task's output (a KFP DAG's outputs come from its tasks)",
            "return the output of a step, e.g. a step that passes the value through",
        )

    def _exit_handler(self, dag: Dag, flow: ir.Flow, handler: ir.ExitHandler) -> tuple[Spec, Spec]:
        """The SDK's `dsl.ExitHandler` form: the body as a DAG, the handler after it."""
        inner = Dag(flow, dag.loops, top=False)
        tasks = self._tasks(inner, flow.body)
        body: Spec = {"dag": {"tasks": tasks}}
        exposed = self._flow_outputs(inner, flow)
        if exposed:
            body["dag"] = {"outputs": exposed, "tasks": tasks}
        inputs = _definitions(inner)
        if inputs:
            body["inputDefinitions"] = inputs
        out_defs = self._outputs_definitions(flow.outputs, flow.span)
        if out_defs:
            body["outputDefinitions"] = out_defs
        name = self._generated_component(EXIT_HANDLER)
        self.components[name] = body
        step = self.program.step(handler.step)
        task = unique(EXIT_HANDLER, {step.name})  # the handler's own task is beside it
        entry: Spec = {"componentRef": {"name": name}}
        entry.update(self._sub_inputs(dag, inner))
        entry["taskInfo"] = {"name": task}
        final: Spec = {
            "componentRef": {"name": self._step_component(step)},
            "dependentTasks": [task],
        }
        if handler.status_param:
            status = {"taskFinalStatus": {"producerTask": task}}
            final["inputs"] = {"parameters": {handler.status_param: status}}
        final["taskInfo"] = {"name": step.name}
        final["triggerPolicy"] = {"strategy": "ALL_UPSTREAM_TASKS_COMPLETED"}
        tasks_out = {task: _sorted(entry), step.name: _sorted(final)}
        outputs: Spec = {}
        for out in flow.outputs:
            key = output_key(out.name)
            if t.is_artifact(out.type):
                selector = {"producerSubtask": task, "outputArtifactKey": key}
                outputs.setdefault("artifacts", {})[key] = {"artifactSelectors": [selector]}
            else:
                selector = {"producerSubtask": task, "outputParameterKey": key}
                outputs.setdefault("parameters", {})[key] = {"valueFromParameter": selector}
        return tasks_out, outputs

    # --- DAGs ------------------------------------------------------------------------------

    def _tasks(self, dag: Dag, body: tuple[ir.Node, ...]) -> Spec:
        cases = _case_names(body)
        owners = _owners(dag, body, cases)
        tasks: Spec = {}
        afters: dict[str, set[str]] = {}
        for node in body:
            if isinstance(node, ir.Task):
                tasks[node.id] = self._task(dag, node)
                afters[node.id] = set(node.after)
            elif isinstance(node, ir.Loop):
                tasks[node.id], afters[node.id] = self._loop_task(dag, node)
            else:
                for i, case in enumerate(node.cases):
                    if case.body:
                        name = cases[node.id, i]
                        tasks[name], afters[name] = self._case_task(dag, node, i, name)
        for name, task in tasks.items():
            deps = set(_producers(task))
            for after in afters.get(name, set()):
                if after in owners:
                    deps.add(owners[after])
                else:
                    dag.outer_after.add(after)
            deps.discard(name)
            if deps:
                task["dependentTasks"] = sorted(deps)
            tasks[name] = _sorted(task)
        return tasks

    def _task(self, dag: Dag, task: ir.Task) -> Spec:
        entry: Spec = {}
        if task.kind == "step":
            step = self.program.step(task.callee)
            entry["componentRef"] = {"name": self._step_component(step)}
            params = step.params
            entry["cachingOptions"] = {"enableCache": step.options.cache}
            retry = step.options.retries or self.entry.options.retries
            if retry is not None:
                entry["retryPolicy"] = self._retry(retry, step)
        else:
            sub = self.program.flow(task.callee)
            entry["componentRef"] = {"name": self._subflow(sub, task.span)}
            params = sub.params
        inputs = self._arguments(dag, task, params)
        if inputs:
            entry["inputs"] = inputs
        entry["taskInfo"] = {"name": task.id}
        return entry

    def _retry(self, policy: ir.RetryPolicy, step: ir.Step) -> Spec:
        retry: Spec = {"maxRetryCount": policy.limit}
        if policy.backoff_seconds is not None:
            retry["backoffDuration"] = f"{policy.backoff_seconds}s"
        if policy.factor is not None:
            retry["backoffFactor"] = policy.factor
        if policy.max_backoff_seconds is not None:
            retry["backoffMaxDuration"] = f"{policy.max_backoff_seconds}s"
        if policy.on != "always":
            self._warn(
                step.options.span_of("retries") or step.span,
                f"retrying only on `{policy.on}` errors (KFP retries every failure)",
                "the task is retried on any failure, up to the same limit",
            )
        return retry

    def _arguments(self, dag: Dag, task: ir.Task, params: tuple[ir.Param, ...]) -> Spec:
        values = {a.param: a.value for a in task.args}
        plist: Spec = {}
        alist: Spec = {}
        for p in params:
            if p.name not in values:
                # A sub-pipeline's default is its own, but kfp.local takes an omitted input of a
                # sub-DAG from the caller's input of the same name: say the default explicitly.
                if task.kind == "flow" and p.default is not None and not kinds.takes_artifacts(p.type):
                    plist[p.name] = self._param_spec(dag, p.default, p.type, plist)
                continue
            value = values[p.name]
            if kinds.takes_artifacts(p.type):
                alist[p.name] = self._ref(dag, value, artifact=True)
            else:
                plist[p.name] = self._param_spec(dag, value, p.type, plist)
        return _parts(plist, alist)

    def _param_spec(self, dag: Dag, value: ir.Value, typ: t.Type, extra: Spec) -> Spec:
        if isinstance(value, ir.Const):
            return {"runtimeValue": {"constant": kinds.constant(value.value, typ)}}
        if isinstance(value, ir.FString):
            return {"runtimeValue": {"constant": self._fstring(dag, value, extra)}}
        return self._ref(dag, value)

    def _fstring(self, dag: Dag, value: ir.FString, extra: Spec) -> str:
        """An f-string as the SDK writes one: a constant with placeholders of task inputs."""
        text = []
        for part in value.parts:
            if isinstance(part, str):
                if "{{" in part or "}}" in part:
                    raise Unsupported(
                        value.span,
                        "f-string text containing `{{` or `}}` (KFP reads them as placeholders)",
                        "pass the text as a flow parameter",
                    )
                text.append(part)
                continue
            if not self._formats_like_python(dag, part):
                raise Unsupported(
                    part.span,
                    "an f-string over a value that is not a string or a number (KFP writes "
                    "`true`/`null`/JSON where Python writes `True`/`None`/reprs)",
                    "format the text inside a step",
                )
            if self._type_of(dag, part) == t.FLOAT:
                self._warn(
                    part.span,
                    "a float in an f-string as Python writes it (the KFP backend writes floats "
                    "without `.0` or exponent: `2.0` as `2`, `1e-05` as `0.00001`)",
                    "format the text inside a step where it must be exact",
                )
            name = PREFIX + _label(part)
            extra[name] = self._ref(dag, part)
            text.append(f"{{{{$.inputs.parameters['{name}']}}}}")
        return "".join(text)

    def _formats_like_python(self, dag: Dag, value: ir.Value) -> bool:
        typ = self._type_of(dag, value)
        if isinstance(typ, t.LiteralT):
            return all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in typ.values)
        # the backend formats numbers with Go's FormatFloat(v, 'f', -1): ints as Python does,
        # floats mostly so (`0.25`), which `_fstring` warns of
        return is_str_like(typ) or typ in (t.INT, t.FLOAT)

    # --- values --------------------------------------------------------------------------

    def _ref(self, dag: Dag, value: ir.Value, artifact: bool = False) -> Spec:
        """How a task of `dag` receives `value`, adding DAG inputs for outside values."""
        param = "componentInputArtifact" if artifact else "componentInputParameter"
        if isinstance(value, ir.ParamRef):
            if dag.top:
                return {param: value.name}
            return {param: self._need(dag, PREFIX + value.name, value, artifact)}
        if isinstance(value, ir.TaskOutput):
            if value.task in dag.direct:
                key = output_key(value.field or "output")
                if artifact:
                    return {"taskOutputArtifact": {"outputArtifactKey": key, "producerTask": value.task}}
                return {"taskOutputParameter": {"outputParameterKey": key, "producerTask": value.task}}
            return {param: self._need(dag, PREFIX + _label(value), value, artifact)}
        if isinstance(value, ir.LoopItem):
            return self._item_ref(dag, value, artifact)
        if isinstance(value, ir.Collected):
            if value.loop in dag.direct:
                key = collected_key(value)
                if artifact:
                    return {"taskOutputArtifact": {"outputArtifactKey": key, "producerTask": value.loop}}
                return {"taskOutputParameter": {"outputParameterKey": key, "producerTask": value.loop}}
            return {param: self._need(dag, PREFIX + _label(value), value, artifact)}
        if isinstance(value, ir.Const):
            raise Unsupported(value.span, "a literal here", "bind it as a flow parameter")
        raise Unsupported(value.span, "an f-string here", "build the text in a step")

    def _item_ref(self, dag: Dag, item: ir.LoopItem, artifact: bool) -> Spec:
        if artifact:
            raise Unsupported(item.span, "a loop over artifacts", "loop over values, e.g. names or paths")
        name = item_input(item.loop)
        if dag.item_input != name:
            self._need(dag, name, ir.LoopItem(item.loop, (), item.span), False)
        spec: Spec = {"componentInputParameter": name}
        if item.keys:
            if any('"' in k or "\\" in k for k in item.keys):
                raise Unsupported(item.span, "a loop item key with quotes or backslashes", "rename the key")
            spec["parameterExpressionSelector"] = "parseJson(string_value)" + "".join(
                f'["{k}"]' for k in item.keys
            )
        return spec

    def _need(self, dag: Dag, name: str, value: ir.Value, artifact: bool) -> str:
        if artifact:
            typ = self._type_of(dag, value)
            definition: Spec = {"artifactType": kinds.artifact_type(typ)}
            if kinds.is_artifact_list(typ):
                definition["isArtifactList"] = True
        else:
            definition = {"parameterType": self._kfp_type(dag, value)}
        return dag.need(name, Needed(value, artifact, definition))

    def _kfp_type(self, dag: Dag, value: ir.Value) -> str:
        """The parameter type `value` travels with (a task output's, or an input's)."""
        return kinds.parameter_type(self._type_of(dag, value))

    def _text_form(self, dag: Dag, value: ir.Value) -> bool:
        return self._kfp_type(dag, value) == "STRING" and not is_str_like(self._type_of(dag, value))

    def _type_of(self, dag: Dag, value: ir.Value) -> t.Type:
        return ir.value_type(self.program, dag.flow, value, dag.loops)

    def _sub_inputs(self, parent: Dag, inner: Dag) -> Spec:
        """The inputs of the task running `inner`: its DAG inputs, as seen from `parent`."""
        params: Spec = {}
        artifacts: Spec = {}
        for name, needed in inner.inputs.items():
            if name == inner.item_input:
                continue
            if needed.artifact:
                artifacts[name] = self._ref(parent, needed.value, artifact=True)
            else:
                params[name] = self._ref(parent, needed.value)
        parts = _parts(params, artifacts)
        return {"inputs": parts} if parts else {}

    # --- loops -----------------------------------------------------------------------------

    def _loop_task(self, dag: Dag, loop: ir.Loop) -> tuple[Spec, set[str]]:
        inner = Dag(dag.flow, dag.loops, top=False, loop=loop)
        tasks = self._tasks(inner, loop.body)
        body: Spec = {"dag": {"tasks": tasks}}
        outputs, output_definitions = self._loop_outputs(inner, loop)
        if outputs:
            body["dag"] = {"outputs": outputs, "tasks": tasks}
        component = self._generated_component(loop.id)
        entry: Spec = {"componentRef": {"name": component}}
        entry.update(self._sub_inputs(dag, inner))
        items, definitions = self._loop_items(dag, loop, entry)
        definitions[item_input(loop.id)] = {"parameterType": kinds.parameter_type(loop.item_type)}
        for name, needed in inner.inputs.items():
            definitions.setdefault(name, needed.definition)
        body["inputDefinitions"] = _split_definitions(definitions, inner)
        if outputs:
            body["outputDefinitions"] = _split_definitions(output_definitions, inner)
        self.components[component] = body
        entry["parameterIterator"] = {"itemInput": item_input(loop.id), "items": items}
        if loop.max_parallel:
            entry["iteratorPolicy"] = {"parallelismLimit": loop.max_parallel}
        entry["taskInfo"] = {"name": loop.id}
        return entry, set(inner.outer_after)

    def _loop_items(self, dag: Dag, loop: ir.Loop, entry: Spec) -> tuple[Spec, Spec]:
        """The iterator's items, adding the list to the loop task's inputs when it isn't literal."""
        source = loop.source
        if isinstance(source, ir.Const):
            if not isinstance(source.value, list):
                raise Unsupported(source.span, "a loop over a literal that is not a list", "loop over a list")
            return {"raw": json.dumps(source.value, ensure_ascii=False)}, {}
        spec = self._ref(dag, source)
        if isinstance(source, ir.TaskOutput) and source.task in dag.direct:
            name = f"{PREFIX}{source.task}-{output_key(source.field or 'output')}"
        elif isinstance(source, ir.ParamRef) and dag.top:
            name = PREFIX + source.name
        elif "componentInputParameter" in spec and "parameterExpressionSelector" not in spec:
            name = spec["componentInputParameter"]
        else:
            name = PREFIX + _label(source)
        entry.setdefault("inputs", {}).setdefault("parameters", {})[name] = spec
        entry["inputs"] = dict(sorted(entry["inputs"].items()))
        return {"inputParameter": name}, {name: {"parameterType": "LIST"}}

    def _loop_outputs(self, inner: Dag, loop: ir.Loop) -> tuple[Spec, Spec]:
        """The fan-ins of `loop` used anywhere in the flow: the loop DAG's outputs and their
        definitions (lists of values, or of artifacts)."""
        found: dict[str, ir.Collected] = {}
        for value in _all_values(inner.flow):
            for v in ir.value_refs(value):
                if isinstance(v, ir.Collected) and v.loop == loop.id:
                    found.setdefault(collected_key(v), v)
        params: Spec = {}
        artifacts: Spec = {}
        definitions: Spec = {}
        for key in sorted(found):
            producer, out = self._producer_key(inner, found[key].value)
            typ = self._type_of(inner, found[key].value)
            if t.is_artifact(typ) or kinds.is_artifact_list(typ):
                selector = {"outputArtifactKey": out, "producerSubtask": producer}
                artifacts[key] = {"artifactSelectors": [selector]}
                definitions[key] = {"artifactType": kinds.artifact_type(typ), "isArtifactList": True}
            else:
                params[key] = {"valueFromParameter": {"outputParameterKey": out, "producerSubtask": producer}}
                definitions[key] = {"parameterType": "LIST"}
        return _parts(params, artifacts), definitions

    # --- branches --------------------------------------------------------------------------

    def _case_task(self, dag: Dag, branch: ir.Branch, index: int, name: str) -> tuple[Spec, set[str]]:
        inner = Dag(dag.flow, dag.loops, top=False)
        tasks = self._tasks(inner, branch.cases[index].body)
        keys: dict[str, tuple[Spec, Spec]] = {}
        condition = self._case_condition(dag, branch, index, keys)
        component = self._generated_component(name)
        entry: Spec = {"componentRef": {"name": component}}
        entry.update(self._sub_inputs(dag, inner))
        definitions: Spec = {}
        for key, (spec, definition) in keys.items():
            entry.setdefault("inputs", {}).setdefault("parameters", {})[key] = spec
            definitions[key] = definition
        if "inputs" in entry:
            entry["inputs"] = {k: dict(sorted(v.items())) for k, v in sorted(entry["inputs"].items())}
        for key, needed in inner.inputs.items():
            definitions.setdefault(key, needed.definition)
        body: Spec = {"dag": {"tasks": tasks}}
        if definitions:
            body["inputDefinitions"] = _split_definitions(definitions, inner)
        self.components[component] = body
        entry["taskInfo"] = {"name": name}
        entry["triggerPolicy"] = {"condition": condition}
        return entry, set(inner.outer_after)

    def _case_condition(
        self, dag: Dag, branch: ir.Branch, index: int, keys: dict[str, tuple[Spec, Spec]]
    ) -> str:
        """The SDK's `If/Elif/Else` form: earlier cases negated, then this case's condition."""
        parts = [f"!({self._cel(dag, c.cond, keys)})" for c in branch.cases[:index] if c.cond is not None]
        own = branch.cases[index].cond
        if own is not None:
            text = self._cel(dag, own, keys)
            parts.append(f"({text})" if parts and isinstance(own, ir.BoolOp) else text)
        return " && ".join(parts) or "true"

    def _cel(self, dag: Dag, cond: ir.Cond, keys: dict[str, tuple[Spec, Spec]]) -> str:
        if isinstance(cond, ir.Compare):
            return self._compare(dag, cond, keys)
        if isinstance(cond, ir.Truthy):
            return self._truthy(dag, cond, keys)
        if isinstance(cond, ir.Not):
            return f"!({self._cel(dag, cond.operand, keys)})"
        joiner = " && " if cond.op == "and" else " || "
        return joiner.join(f"({self._cel(dag, o, keys)})" for o in cond.operands)

    def _compare(self, dag: Dag, cond: ir.Compare, keys: dict[str, tuple[Spec, Spec]]) -> str:
        left, right = cond.left, cond.right
        none_test = cond.op in ("is", "is not") or any(
            isinstance(v, ir.Const) and v.value is None for v in (left, right)
        )
        if none_test:
            other = right if isinstance(left, ir.Const) and left.value is None else left
            if isinstance(other, ir.Const) or not self._text_form(dag, other):
                raise Unsupported(
                    cond.span, "this comparison with `None`", "compare an Optional value with None"
                )
            op = "==" if cond.op in ("is", "==") else "!="
            return f"{self._operand(dag, other, keys)} {op} 'null'"
        for v in (left, right):
            if not isinstance(v, ir.Const) and self._text_form(dag, v):
                raise Unsupported(
                    v.span,
                    f"a condition over a value of type {self._type_of(dag, v)} (it travels as text in KFP)",
                    "compute a bool, number or string in a step and branch on that",
                )
        if cond.op in ("in", "not in"):
            right_type = self._type_of(dag, right)
            if not isinstance(right_type, (t.ListT, t.DictT)):
                raise Unsupported(
                    cond.span, "`in` over a string (KFP's CEL has no substring `in`)", "test it in a step"
                )
            test = f"{self._operand(dag, left, keys)} in {self._operand(dag, right, keys)}"
            return test if cond.op == "in" else f"!({test})"
        return f"{self._operand(dag, left, keys)} {cond.op} {self._operand(dag, right, keys)}"

    def _truthy(self, dag: Dag, cond: ir.Truthy, keys: dict[str, tuple[Spec, Spec]]) -> str:
        typ = self._type_of(dag, cond.value)
        operand = self._operand(dag, cond.value, keys)
        if typ == t.BOOL:
            return f"{operand} == true"
        if is_str_like(typ):
            return f"{operand} != ''"
        if typ in (t.INT, t.FLOAT):
            return f"{operand} != 0"
        if isinstance(typ, (t.ListT, t.DictT)):
            return f"size({operand}) > 0"
        raise Unsupported(
            cond.span,
            f"the truth value of a {typ} (it travels as text in KFP)",
            "compare it explicitly, e.g. with None",
        )

    def _operand(self, dag: Dag, value: ir.Value, keys: dict[str, tuple[Spec, Spec]]) -> str:
        if isinstance(value, ir.Const):
            return cel_literal(value.value, value.span)
        key, spec = self._condition_key(dag, value)
        definition = {"parameterType": self._kfp_type(dag, value)}
        keys.setdefault(key, (spec, definition))
        return f"inputs.parameter_values['{key}']"

    def _condition_key(self, dag: Dag, value: ir.Value) -> tuple[str, Spec]:
        spec = self._ref(dag, value)
        if isinstance(value, ir.TaskOutput) and value.task in dag.direct:
            return f"{PREFIX}{value.task}--{output_key(value.field or 'output')}", spec
        if "componentInputParameter" in spec and "parameterExpressionSelector" not in spec:
            return PREFIX + spec["componentInputParameter"].removeprefix(PREFIX), spec
        return PREFIX + _label(value), spec

    # --- steps -----------------------------------------------------------------------------

    def _step_component(self, step: ir.Step) -> str:
        name = f"comp-{step.name}"
        if name in self.components:
            return name
        _check_keys(step)
        label = f"exec-{step.name}"
        component: Spec = {"executorLabel": label}
        inputs = self._params_definitions(step.params)
        if inputs:
            component["inputDefinitions"] = inputs
        outputs = self._outputs_definitions(step.outputs, step.span)
        if outputs:
            component["outputDefinitions"] = outputs
        self.components[name] = component
        flow = self.entry
        image = step.options.image or flow.options.image or self.options.default_image
        self.executors[label] = {"container": executor(step, self.scripts[step.key], image)}
        platform = self._platform(step)
        if platform:
            self.platform[label] = platform
        if step.options.continue_on_failure:
            self._warn(
                step.options.span_of("continue_on_failure") or step.span,
                "a failure that doesn't fail the run (a failed KFP task fails the run)",
                "the task's failure fails the run on KFP; catch the error inside the step",
            )
        return name

    def _params_definitions(self, params: tuple[ir.Param, ...]) -> Spec:
        values: Spec = {}
        artifacts: Spec = {}
        for p in params:
            if not kinds.is_artifact_list(p.type):
                _check_shape(p.type, p.span, f"parameter `{p.name}`")
            if isinstance(p.type, t.RunStatusT):
                values[p.name] = {"isOptional": True, "parameterType": "TASK_FINAL_STATUS"}
            elif kinds.takes_artifacts(p.type):
                entry: Spec = {"artifactType": kinds.artifact_type(p.type)}
                if kinds.is_artifact_list(p.type):
                    entry["isArtifactList"] = True
                if isinstance(p.type, t.OptionalT) or p.default is not None:
                    entry["isOptional"] = True
                artifacts[p.name] = entry
            else:
                entry = {}
                if p.default is not None:
                    entry["defaultValue"] = kinds.constant(p.default.value, p.type)
                    entry["isOptional"] = True
                entry["parameterType"] = kinds.parameter_type(p.type)
                values[p.name] = entry
        return _parts(values, artifacts)

    def _outputs_definitions(self, outputs: tuple[ir.Output, ...], span: Span) -> Spec:
        values: Spec = {}
        artifacts: Spec = {}
        for o in outputs:
            _check_shape(o.type, span, f"output `{o.name}`")
            if t.is_artifact(o.type):
                artifacts[output_key(o.name)] = {"artifactType": kinds.artifact_type(o.type)}
            else:
                values[output_key(o.name)] = {"parameterType": kinds.parameter_type(o.type)}
        return _parts(values, artifacts)

    def _platform(self, step: ir.Step) -> Spec:
        """The step's Kubernetes settings, as `kfp-kubernetes` writes them."""
        opts = step.options
        config: Spec = {}
        secrets: dict[str, list[Spec]] = {}
        for s in opts.secrets:
            secrets.setdefault(s.secret, []).append({"envVar": s.env, "secretKey": s.key})
        if secrets:
            config["secretAsEnv"] = [
                {"keyToEnv": pairs, "secretName": name, "secretNameParameter": _constant(name)}
                for name, pairs in secrets.items()
            ]
        if opts.volumes:
            config["pvcMount"] = [
                {"constant": v.claim, "mountPath": v.mount_path, "pvcNameParameter": _constant(v.claim)}
                for v in opts.volumes
            ]
        selector = dict(opts.node_selector)
        if opts.gpu_type and "/" not in opts.gpu_type:
            selector.setdefault("cloud.google.com/gke-accelerator", opts.gpu_type)
        if selector:
            config["nodeSelector"] = {"labels": selector}
        if opts.tolerations:
            config["tolerations"] = [_toleration(x) for x in opts.tolerations]
        timeout = opts.timeout_seconds or self.entry.options.timeout_seconds
        if timeout:
            config["activeDeadlineSeconds"] = timeout
        return dict(sorted(config.items()))


# --- helpers ---------------------------------------------------------------------------------


def _owners(dag: Dag, body: tuple[ir.Node, ...], cases: dict[tuple[str, int], str]) -> dict[str, str]:
    """Which task of the DAG holds each node of `body` (itself, a loop or a branch case);
    marks the tasks and loops of the DAG as `direct`."""
    owners: dict[str, str] = {}
    for node in body:
        if isinstance(node, ir.Branch):
            for i, case in enumerate(node.cases):
                owners.update((inner.id, cases[node.id, i]) for inner, _ctx in ir.walk(case.body))
            continue
        dag.direct.add(node.id)
        owners.update((inner.id, node.id) for inner, _ctx in ir.walk((node,)))
    return owners


def case_name(branch: ir.Branch, index: int) -> str:
    return f"condition-{branch.id}-{index + 1}"


def _case_names(body: tuple[ir.Node, ...]) -> dict[tuple[str, int], str]:
    """The task name of each case of the branches of a DAG: `case_name`, suffixed where a task
    or loop of the same DAG has it (a step may be called `condition_branch_1`)."""
    taken = {node.id for node in body if not isinstance(node, ir.Branch)}
    names: dict[tuple[str, int], str] = {}
    for node in body:
        if isinstance(node, ir.Branch):
            for i in range(len(node.cases)):
                names[node.id, i] = name = unique(case_name(node, i), taken)
                taken.add(name)
    return names


def _check_keys(step: ir.Step) -> None:
    """A component's inputs and outputs share one namespace (the executor function's arguments),
    where a single output is called `Output`: a parameter or field of that name would clash."""
    seen: set[str] = set()
    for key, span in [(p.name, p.span) for p in step.params] + [
        (output_key(o.name), step.span) for o in step.outputs
    ]:
        if key in seen:
            raise Unsupported(
                span,
                f"a step whose parameters and outputs both take the name `{key}` (KFP calls a "
                "step's single output `Output`)",
                "rename the parameter or the NamedTuple field",
            )
        seen.add(key)


def _label(value: ir.Value) -> str:
    """A name for a value passed into a DAG, unique per value."""
    if isinstance(value, ir.ParamRef):
        return value.name
    if isinstance(value, ir.TaskOutput):
        return f"{value.task}-{value.field or 'output'}"
    if isinstance(value, ir.LoopItem):
        return "-".join((f"{value.loop}-item", *value.keys))
    if isinstance(value, ir.Collected):
        return f"{value.loop}-{collected_key(value).removeprefix(PREFIX)}"
    return "value"


def collected_key(value: ir.Collected) -> str:
    """The loop DAG's output collecting `value` over its iterations."""
    inner = value.value
    if isinstance(inner, ir.TaskOutput):
        return f"{PREFIX}{inner.task}-{output_key(inner.field or 'output')}"
    return f"{PREFIX}{inner.loop}-{collected_key(inner).removeprefix(PREFIX)}"


def cel_literal(value: t.JsonValue, span: Span) -> str:
    """A literal of the flow's source in CEL (also Python, which `kfp.local` evaluates)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
        return f"'{escaped}'"
    if isinstance(value, list):
        return "[" + ", ".join(cel_literal(v, span) for v in value) + "]"
    raise Unsupported(span, f"the literal {value!r} in a condition", "compare with strings, numbers or lists")


def _constant(value: str) -> Spec:
    return {"runtimeValue": {"constant": value}}


def _toleration(tol: ir.Toleration) -> Spec:
    out: Spec = {}
    if tol.effect is not None:
        out["effect"] = tol.effect
    if tol.key is not None:
        out["key"] = tol.key
    out["operator"] = tol.operator
    if tol.toleration_seconds is not None:
        out["tolerationSeconds"] = tol.toleration_seconds
    if tol.value is not None:
        out["value"] = tol.value
    return out


def _check_shape(typ: t.Type, span: Span, what: str) -> None:
    if t.contains_artifact(typ) and not t.is_artifact(typ):
        raise Unsupported(
            span,
            f"{what} of type {typ}: a collection of artifacts",
            "pass artifacts one at a time, or values (text, JSON) in a list",
        )


def _parts(params: Spec, artifacts: Spec) -> Spec:
    return {k: dict(sorted(v.items())) for k, v in (("artifacts", artifacts), ("parameters", params)) if v}


def _split_definitions(definitions: Spec, inner: Dag) -> Spec:
    artifacts = {k: v for k, v in definitions.items() if "artifactType" in v}
    params = {k: v for k, v in definitions.items() if "artifactType" not in v}
    return _parts(params, artifacts)


def _definitions(dag: Dag) -> Spec:
    return _split_definitions({k: n.definition for k, n in dag.inputs.items()}, dag)


def _sorted(task: Spec) -> Spec:
    return dict(sorted(task.items()))


def _producers(task: Spec) -> Iterator[str]:
    for kind in ("parameters", "artifacts"):
        for spec in task.get("inputs", {}).get(kind, {}).values():
            for ref in ("taskOutputParameter", "taskOutputArtifact"):
                if ref in spec:
                    yield spec[ref]["producerTask"]


def _all_values(flow: ir.Flow) -> Iterator[ir.Value]:
    yield from flow.results
    for node, _ctx in ir.walk(flow.body):
        if isinstance(node, ir.Task):
            yield from (a.value for a in node.args)
        elif isinstance(node, ir.Loop):
            yield node.source
        else:
            yield from (v for c in node.cases if c.cond is not None for v in ir.cond_values(c.cond))


def emit(
    program: ir.Program, options: CompileOptions, scripts: dict[str, str]
) -> tuple[tuple[Spec, Spec | None] | None, list[Diagnostic]]:
    """The pipeline spec and the platform spec (None when no step needs one), or FC501."""
    emitter = Emitter(program, options, scripts)
    try:
        documents = emitter.documents()
    except Unsupported as exc:
        found = diagnostic("FC501", exc.span, target=TARGET, what=exc.what, hint=exc.hint)
        return None, [*emitter.diagnostics, found]
    return documents, emitter.diagnostics
