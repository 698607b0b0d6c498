"""The FlowSpec file: parameters, one `@step` per task, and the structure `lower` chose.

Every step body is a few readable lines: the task's inputs as expressions over `self`
(artifacts and parameters), a call of the module-level `run_<step>` function that runs the
shipped step script, its outputs stored as artifacts named `<task>_<output>`, and the
transition. Steps flowc adds are named after what they do: `for_<var>` fans out a loop and
`for_<var>_join` collects it, `<branch>` chooses a case and `<branch>_merge` is where the
cases meet, `join_<n>` closes static branches.
"""

from __future__ import annotations

import ast
import json
import math
from dataclasses import dataclass, field

from flowc.compiler import ir
from flowc.compiler import types as t
from flowc.compiler.diagnostics import Diagnostic, Span, source_lines
from flowc.compiler.frozen import frozen
from flowc.compiler.rules import diagnostic
from flowc.compiler.shipping import encode_value, is_str_like, type_descriptor
from flowc.compiler.values import quantity
from flowc.targets import COMPILED_MARK
from flowc.targets.metaflow import lower as lw
from flowc.targets.metaflow.names import (
    FLOWSPEC_MEMBERS,
    MODULE_NAMES,
    TARGET,
    attribute_ok,
    class_name,
    step_name,
)
from flowc.targets.metaflow.runtime import HELPERS, OPTIONAL_HELPERS

MAX_RETRIES = 4  # metaflow_config MAX_ATTEMPTS (6) minus the first attempt and one spare
_OPS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_OPS.update({"in": "in", "not in": "not in", "is": "is", "is not": "is not"})


@dataclass
class StepCode:
    name: str
    doc: str
    lines: list[str] = field(default_factory=list)
    decorators: list[str] = field(default_factory=list)
    join: bool = False
    next: str | None = None


@frozen
class Context:
    """What the emitter knows about the flow besides its structure."""

    program: ir.Program
    flow: ir.Flow  # sub-flows inlined, Metaflow names
    entry: ir.Flow  # the flow as written (its options)
    origins: dict[str, str]  # task id → the flow it was written in
    scripts: dict[str, str]  # step key → shipped script
    sources: dict[str, str]


class Emitter:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.steps: list[StepCode] = []
        self.diagnostics: list[Diagnostic] = []
        self.names: dict[str, str] = {}  # the class's step and artifact names → what claimed them
        # the module's top-level names: helpers and imports, then a `run_<step>` per step
        self.globals = dict.fromkeys(MODULE_NAMES, "a name the generated module defines")
        self.lines: dict[str, list[str]] = {}  # source path → its lines, for step docstrings
        self.loops = {n.id: n for n, _ in ir.walk(ctx.flow.body) if isinstance(n, ir.Loop)}
        self.tasks = {n.id: n for n, _ in ir.walk(ctx.flow.body) if isinstance(n, ir.Task)}
        self.items: dict[str, str] = {}  # loop id → the artifact holding its item
        self.params: dict[str, str] = {}  # flow parameter → the attribute holding its value
        self.texts: dict[str, str] = {}  # `Optional` scalar parameter → the attribute of its text
        self.helpers: set[str] = set()  # OPTIONAL_HELPERS the file needs
        # artifacts that may be missing: outputs of `continue_on_failure` tasks (`@catch` leaves
        # them unset when the task fails) and of every task that needs one of them
        self.fallible: set[str] = set()
        self.caught = {
            k for k, n in self.tasks.items() if ctx.program.step(n.callee).options.continue_on_failure
        }
        self.sources: dict[str, str] = {}  # loop id → the artifact a loop fans out over, when flowc sets it
        self.joins = 0
        self.used_steps: dict[str, ir.Step] = {}
        self.reported: set[Span] = set()  # retry options already checked

    # --- names ------------------------------------------------------------------------------

    def claim(self, name: str, what: str, span: Span, names: dict[str, str] | None = None) -> None:
        """Take `name` for `what` in the class (or in `names`); a name taken twice is FC505."""
        names = self.names if names is None else names
        if name in names and names[name] != what:
            self.diagnostics.append(
                diagnostic(
                    "FC505",
                    span,
                    what="names",
                    first=names[name],
                    second=what,
                    name=name,
                    target=TARGET,
                    hint="rename one of them",
                )
            )
        names.setdefault(name, what)

    def fresh(self, base: str) -> str:
        """A name for a step flowc adds: suffixed, since no user name is involved."""
        name, n = base, 1
        while name in self.names:
            n += 1
            name = f"{base}_{n}"
        self.names[name] = name
        return name

    def artifact(self, task: str, output: str) -> str:
        name = f"{task}_{output}"
        # `merge` + `artifacts` must not shadow `FlowSpec.merge_artifacts`
        return name + "_value" if name in FLOWSPEC_MEMBERS else name

    # --- the whole file ---------------------------------------------------------------------

    def emit(self) -> str:
        self.claim_names()
        self.parameter_attributes()
        self.find_fallible()
        start = self.add(StepCode("start", "Start the run."))
        for p in self.ctx.flow.params:
            if p.name in self.texts:
                self.helpers.add("optional_parameter")
                kind = _nullable_scalar(p.type)
                start.lines.append(
                    f"self.{self.params[p.name]} = optional_parameter(self.{self.texts[p.name]}, {kind!r})"
                )
            start.lines += self.literal_check(p)
        tail = self.seq(lw.lower(self.ctx.flow.body), start)
        end = self.end_step()
        self.link(tail, end)
        self.steps.append(end)
        return self.module()

    def literal_check(self, p: ir.Param) -> list[str]:
        """A `Literal` parameter's value checked in `start`: Metaflow's option reads any value
        of the literal's kind, where `flowc run -p` refuses one outside it."""
        allowed = _literal_values(p.type)
        if allowed is None:
            return []
        attr = f"self.{self.params[p.name]}"
        message = f"--{p.name}: expected one of {', '.join(map(repr, allowed))}, got %r"
        return [
            f"if not any(type({attr}) is type(v) and {attr} == v for v in {allowed!r}):",
            f"    raise ValueError({message!r} % ({attr},))",
        ]

    def claim_names(self) -> None:
        """The class's names the user chose (a clash is FC505), before any flowc makes up."""
        flow = self.ctx.flow
        self.claim("start", "the start step", flow.span)
        self.claim("end", "the end step", flow.span)
        for p in flow.params:
            if attribute_ok(p.name):
                self.claim(p.name, f"parameter `{p.name}`", p.span)
        for task in self.tasks.values():
            self.claim(task.id, f"task `{task.id}`", task.span)
            for out in self.ctx.program.callee_outputs(task):
                self.claim(self.artifact(task.id, out.name), f"output `{out.name}` of `{task.id}`", task.span)
            if self.ctx.program.step(task.callee).options.continue_on_failure:
                self.claim(f"{task.id}_failure", f"the failure of `{task.id}`", task.span)
        for out in flow.outputs:
            self.claim(out.name, f"flow output `{out.name}`", flow.span)
        for loop in self.loops.values():
            self.claim(loop.id, f"loop `{loop.id}`", loop.span)
            item = loop.var if attribute_ok(loop.var) and loop.var not in self.names else f"{loop.id}_item"
            self.claim(item, f"the item of loop `{loop.id}`", loop.span)
            self.items[loop.id] = item
        for node, _ctx in ir.walk(flow.body):
            if isinstance(node, ir.Branch):
                self.claim(node.id, f"branch `{node.id}`", node.span)
                self.claim(f"{node.id}_case", f"the case chosen by branch `{node.id}`", node.span)

    def find_fallible(self) -> None:
        """Source order is an order of the data: a task only reads tasks written before it."""
        for task in self.tasks.values():
            if task.id in self.caught or self.reads(*(a.value for a in task.args)) & self.fallible:
                outputs = self.ctx.program.callee_outputs(task)
                self.fallible.update(self.artifact(task.id, o.name) for o in outputs)

    def reads(self, *values: ir.Value) -> set[str]:
        """The artifacts of task outputs `values` read."""
        return {
            self.output_expr(v).removeprefix("self.")
            for value in values
            for v in ir.value_refs(value)
            if isinstance(v, ir.TaskOutput)
        }

    def guard(self, values: list[ir.Value]) -> str | None:
        """`available(self, ...)` over the fallible artifacts `values` read, or None."""
        names = sorted(self.reads(*values) & self.fallible)
        if not names:
            return None
        self.helpers.add("available")
        return f"available(self, {', '.join(repr(n) for n in names)})"

    def parameter_attributes(self) -> None:
        """A parameter whose name FlowSpec uses (`name`, `index` …) keeps its option name
        (`--name`) under another attribute, chosen once every name the user wrote is taken."""
        for p in self.ctx.flow.params:
            safe = attribute_ok(p.name)
            self.params[p.name] = p.name if safe else self.fresh(f"{p.name.strip('_') or 'flow'}_param")
            if _nullable_scalar(p.type):
                # Metaflow's `int`/`str` options can't read `null`: the option is text, and
                # `start` stores its value under the parameter's attribute
                self.texts[p.name] = self.fresh(f"{self.params[p.name]}_text")

    def module(self) -> str:
        entry, flow = self.ctx.entry, self.ctx.flow
        cls = class_name(entry.name)
        hooks = self.exit_hooks()  # first: the handler's step needs its function too
        functions = self.step_functions()  # first: steps may ask for helpers
        parts = [self.header(), HELPERS.strip("\n")]
        parts += [OPTIONAL_HELPERS[h].strip("\n") for h in sorted(self.helpers)]
        parts.append(functions)
        if hooks:
            parts.append(hooks)
        decorators = self.flow_decorators()
        lines = [*decorators, f"class {cls}(FlowSpec):"]
        if flow.description:
            lines.append(_indent(_docstring(flow.description), 1))
        for p in flow.params:
            lines.append(f"    {self.texts.get(p.name, self.params[p.name])} = {self.parameter(p)}")
        for s in self.steps:
            lines.append("")
            lines.extend(_indent(x, 1) for x in self.step_text(s))
        parts.append("\n".join(lines))
        parts.append(f'if __name__ == "__main__":\n    {cls}()')
        return "\n\n\n".join(parts) + "\n"

    def header(self) -> str:
        entry = self.ctx.entry
        used = {d[1:].split("(")[0] for s in self.steps for d in s.decorators}
        used |= {"exit_hook"} if entry.on_exit is not None else set()
        used |= {"schedule"} if entry.options.schedule is not None else set()
        imports = sorted({"FlowSpec", "JSONType", "Parameter", "step"} | used)
        doc = (
            f'"""{entry.name}{COMPILED_MARK}{_module_file(entry.module)} (flow `{entry.function}`).\n\n'
            f"Check it with `python {entry.name}.py check`, run it with `python {entry.name}.py run`\n"
            "(parameters as `--name value`). Each step runs its shipped script (below, with what\n"
            "it needs from its module) through `run_script`; outputs are artifacts named\n"
            "`<task>_<output>`, and the flow's results are artifacts of the `end` step."
        )
        if self.loops:  # `--max-num-splits` defaults to 100 (metaflow/cli_components/run_cmds.py)
            doc += (
                "\n\nMetaflow refuses a foreach over more than 100 items unless the run is given\n"
                "`--max-num-splits N`, and a foreach over an empty list."
            )
        doc += '\n"""'
        modules = "import json\nimport os\nimport shutil\nimport subprocess\nimport sys\nimport tempfile"
        return f"{doc}\n\n{modules}\n\nfrom metaflow import {', '.join(imports)}"

    # --- module-level step functions ----------------------------------------------------------

    def step_functions(self) -> str:
        blocks = []
        for key in sorted(self.used_steps, key=lambda k: step_name(self.used_steps[k].name)):
            step = self.used_steps[key]
            name = step_name(step.name)
            self.claim(f"run_{name}", f"step `{step.name}`", step.span, self.globals)
            blocks.append(f"{name.upper()}_SCRIPT = {_literal(self.ctx.scripts[key])}")
            blocks.append(self.step_function(step, name))
        return "\n\n\n".join(blocks)

    def step_function(self, step: ir.Step, name: str) -> str:
        kinds = ", ".join(f"{p.name!r}: {_input_kind(p.type)!r}" for p in step.params)
        outputs = ", ".join(f"({o.name!r}, {_output_kind(o.type)!r})" for o in step.outputs)
        where = f"{_module_file(step.module)}:{step.span.line}"
        call = f"run_script({name.upper()}_SCRIPT, inputs, {{{kinds}}}, [{outputs}])"
        if not step.outputs:
            body = f"    {call}"
        elif len(step.outputs) == 1:
            body = f"    return {call}[0]"
        else:
            body = f"    return tuple({call})"
        doc = f'    """Step `{step.function}` of {where}: its outputs for `inputs`."""'
        return f"def run_{name}(**inputs):\n{doc}\n{body}"

    def exit_hooks(self) -> str:
        handler = self.ctx.entry.on_exit
        if handler is None:
            return ""
        step = self.ctx.program.step(handler.step)
        self.used_steps[step.key] = step
        name = step_name(step.name)
        blocks = []
        for hook, status in (("on_success", "Succeeded"), ("on_error", "Failed")):
            args = f"{handler.status_param}={status!r}" if handler.status_param else ""
            blocks.append(
                f"def {hook}():\n"
                f'    """The exit handler `{step.function}`, after a run that {status.lower()}."""\n'
                f"    run_{name}({args})"
            )
        return "\n\n\n".join(blocks)

    def flow_decorators(self) -> list[str]:
        entry = self.ctx.entry
        out = []
        if entry.on_exit is not None:
            out.append("@exit_hook(on_success=[on_success], on_error=[on_error])")
        schedule = entry.options.schedule
        if schedule is not None:
            tz = f", timezone={schedule.timezone!r}" if schedule.timezone else ""
            out.append(f"@schedule(cron={schedule.cron!r}{tz})")
        return out

    def parameter(self, p: ir.Param) -> str:
        typ = p.type
        inner = typ.inner if isinstance(typ, t.OptionalT) else typ
        scalar = inner.base if isinstance(inner, t.LiteralT) else inner
        default = p.default.value if p.default is not None else None
        args = [repr(p.name)]
        if p.name in self.texts:
            args.append("type=str")
            if p.default is not None:
                args.append(f"default={encode_value(default, typ)!r}")
        elif isinstance(scalar, t.Scalar) and (
            isinstance(default, (str, int, float, bool)) or default is None
        ):
            args.append(f"type={scalar.name}")
            if p.default is not None:
                args.append(f"default={default!r}")
        else:
            args.append("type=JSONType")
            if p.default is not None:
                args.append(f"default={json.dumps(default, sort_keys=True)!r}")
        if p.default is None:
            args.append("required=True")
        args.append(f"help={str(typ)!r}")
        return f"Parameter({', '.join(args)})"

    # --- structure --------------------------------------------------------------------------

    def seq(self, parts: lw.Seq, tail: StepCode) -> StepCode:
        for part in parts:
            if isinstance(part, lw.Par) and not tail.join:
                tail = self.par(part, tail)
                continue
            head, end = self.part(part)
            self.link(tail, head)
            tail = end
        return tail

    def branch(self, parts: lw.Seq, label: str) -> tuple[StepCode, StepCode]:
        """The first and last step of a path; a pass-through step for a path that starts with
        static branches or has no task at all."""
        if parts and not isinstance(parts[0], lw.Par):
            head, tail = self.part(parts[0])
            return head, self.seq(parts[1:], tail)
        head = self.add(StepCode(self.fresh(label), "Pass through."))
        return head, self.seq(parts, head)

    def part(self, part: lw.Part) -> tuple[StepCode, StepCode]:
        if isinstance(part, lw.Unit):
            s = self.task_step(part.task)
            return s, s
        if isinstance(part, lw.Foreach):
            return self.foreach(part)
        if isinstance(part, lw.Switch):
            return self.switch(part)
        head = self.add(StepCode(self.fresh(f"split_{self.joins + 1}"), "Start static branches."))
        return head, self.par(part, head)

    def par(self, part: lw.Par, opener: StepCode) -> StepCode:
        self.joins += 1
        number = self.joins
        ends = []
        heads = []
        for branch in part.branches:
            head, end = self.branch(branch, "branch_start")
            heads.append(head)
            ends.append(end)
        opener.next = f"self.next({', '.join('self.' + h.name for h in heads)})"
        join = self.add(StepCode(self.fresh(f"join_{number}"), "Join the static branches.", join=True))
        caught = self.caught_in([p for branch in part.branches for p in lw.flatten(branch)])
        # two failed branches leave two different exceptions in `_catch_exception`
        join.lines.append(
            "self.merge_artifacts(inputs, exclude=['_catch_exception'])"
            if caught
            else "self.merge_artifacts(inputs)"
        )
        for end in ends:
            self.link(end, join)
        return join

    def foreach(self, part: lw.Foreach) -> tuple[StepCode, StepCode]:
        loop = part.loop
        opener = self.add(StepCode(loop.id, f"Fan out: for {loop.var} in {self.describe(loop.source)}."))
        attr = self.foreach_attr(loop, opener)
        head, end = self.branch(part.body, f"{loop.id}_body")
        head.lines.insert(0, f"self.{self.items[loop.id]} = self.input")
        opener.next = f"self.next(self.{head.name}, foreach={attr!r})"
        join = self.add(
            StepCode(
                self.fresh(f"{loop.id}_join"), f"Collect every `{loop.var}` iteration, in order.", join=True
            )
        )
        join.lines.extend(self.collect(part))
        self.link(end, join)
        return opener, join

    def foreach_attr(self, loop: ir.Loop, opener: StepCode) -> str:
        source = loop.source
        if self.reads(source) & self.fallible:
            what = "a loop over what a `continue_on_failure` task computes"
            hint = f"when that task fails, the run fails at `{loop.id}` (`flowc run` skips the loop)"
            self.diagnostics.append(diagnostic("FC507", loop.span, target=TARGET, what=what, hint=hint))
        if isinstance(source, ir.ParamRef):
            return self.params[source.name]
        if isinstance(source, ir.TaskOutput) and source.task in self.tasks:
            outputs = self.ctx.program.callee_outputs(self.tasks[source.task])
            if source.field is not None or len(outputs) == 1:
                return self.artifact(source.task, source.field or "output")
        attr = self.fresh(f"{loop.id}_items")
        self.sources[loop.id] = attr
        opener.lines.append(f"self.{attr} = {self.expr(source)}")
        return attr

    def collect(self, part: lw.Foreach) -> list[str]:
        lines, exclude = [], [self.items[part.loop.id]]
        parts = list(lw.flatten(part.body))
        switched = {
            p.task.id
            for inner in parts
            if isinstance(inner, lw.Switch)
            for case in inner.cases
            for p in lw.flatten(case)
            if isinstance(p, lw.Unit)
        }
        for inner in parts:
            if isinstance(inner, lw.Unit):
                lines += self.collect_task(inner.task, inner.task.id in switched, exclude)
            elif isinstance(inner, lw.Foreach):
                exclude.append(self.items[inner.loop.id])
                exclude.extend([self.sources[inner.loop.id]] if inner.loop.id in self.sources else [])
            elif isinstance(inner, lw.Switch):
                exclude.append(f"{inner.branch.id}_case")
        caught = self.caught_in(parts)
        if caught:  # each iteration has its own failure (or None)
            exclude += ["_catch_exception", *(f"{c}_failure" for c in caught)]
        lines.append(f"self.merge_artifacts(inputs, exclude={sorted(set(exclude))!r})")
        return lines

    def collect_task(self, task: ir.Task, switched: bool, exclude: list[str]) -> list[str]:
        """A task's outputs over every iteration; none, when an iteration lacks a fallible one
        (and then not merged either: the iterations that have it differ)."""
        lines = []
        for out in self.ctx.program.callee_outputs(task):
            name = self.artifact(task.id, out.name)
            if switched:
                lines.append(f"self.{name} = [getattr(i, {name!r}, None) for i in inputs]")
            elif name in self.fallible:
                lines.append(f"if all(hasattr(i, {name!r}) for i in inputs):")
                lines.append(f"    self.{name} = [i.{name} for i in inputs]")
                exclude.append(name)
            else:
                lines.append(f"self.{name} = [i.{name} for i in inputs]")
        return lines

    def caught_in(self, parts: list[lw.Part]) -> list[str]:
        """The `continue_on_failure` tasks among `parts`."""
        return [p.task.id for p in parts if isinstance(p, lw.Unit) and p.task.id in self.caught]

    def switch(self, part: lw.Switch) -> tuple[StepCode, StepCode]:
        branch = part.branch
        opener = self.add(StepCode(branch.id, f"Choose a case of the branch on line {branch.span.line}."))
        attr = f"{branch.id}_case"
        labels = _case_labels(branch)
        guard = self.guard([v for c in branch.cases if c.cond is not None for v in ir.cond_values(c.cond)])
        if guard:  # no case runs when a condition reads what a tolerated failure left out
            opener.lines += [f"if not {guard}:", f"    self.{attr} = 'skipped'"]
        for i, case in enumerate(branch.cases):
            keyword = "if" if i == 0 and not guard else ("else" if case.cond is None else "elif")
            test = "" if case.cond is None else " " + self.cond(case.cond)
            opener.lines.append(f"{keyword}{test}:")
            opener.lines.append(f"    self.{attr} = {labels[i]!r}")
        cases = list(part.cases)
        if branch.cases[-1].cond is not None:
            opener.lines.append("else:")
            opener.lines.append(f"    self.{attr} = 'else'")
            labels.append("else")
            cases.append(())
        if guard:
            labels.append("skipped")
            cases.append(())
        heads, ends = [], []
        for label, path in zip(labels, cases, strict=True):
            head, end = self.branch(path, f"{branch.id}_{label}")
            heads.append(head)
            ends.append(end)
        targets = ", ".join(f"{label!r}: self.{h.name}" for label, h in zip(labels, heads, strict=True))
        opener.next = f"self.next({{{targets}}}, condition={attr!r})"
        merge = self.add(StepCode(self.fresh(f"{branch.id}_merge"), "The cases meet again."))
        for end in ends:
            self.link(end, merge)
        return opener, merge

    def link(self, source: StepCode, target: StepCode) -> None:
        source.next = f"self.next(self.{target.name})"

    def add(self, s: StepCode) -> StepCode:
        self.steps.append(s)
        return s

    # --- steps ----------------------------------------------------------------------------

    def task_step(self, task: ir.Task) -> StepCode:
        step = self.ctx.program.step(task.callee)
        self.used_steps[step.key] = step
        s = self.add(StepCode(task.id, self.task_doc(task)))
        args = ", ".join(f"{a.param}={self.expr(a.value)}" for a in task.args)
        call = f"run_{step_name(step.name)}({args})"
        outputs = [f"self.{self.artifact(task.id, o.name)}" for o in step.outputs]
        line = f"{', '.join(outputs)} = {call}" if outputs else call
        guard = self.guard([a.value for a in task.args])
        if guard:  # skipped, as `flowc run` skips a task whose inputs a tolerated failure lacks
            s.lines += [f"if {guard}:", f"    {line}"]
        else:
            s.lines.append(line)
        s.decorators = self.decorators(task, step)
        return s

    def task_doc(self, task: ir.Task) -> str:
        if task.span.path not in self.lines:
            self.lines[task.span.path] = source_lines(self.ctx.sources.get(task.span.path, ""))
        lines = self.lines[task.span.path]
        line = lines[task.span.line - 1].strip() if 0 < task.span.line <= len(lines) else ""
        origin = self.ctx.program.flow(self.ctx.origins.get(task.id, self.ctx.entry.key))
        where = f"{_module_file(origin.module)}:{task.span.line}"
        return f"{line}  ({where})" if line and '"""' not in line and "\\" not in line else where

    def end_step(self) -> StepCode:
        end = StepCode("end", "The flow's results." if self.ctx.flow.outputs else "Done.")
        for out, value in zip(self.ctx.flow.outputs, self.ctx.flow.results, strict=True):
            end.lines.append(f"self.{out.name} = {self.expr(value)}")
        return end

    def decorators(self, task: ir.Task, step: ir.Step) -> list[str]:
        opts = step.options
        origin = self.ctx.program.flow(self.ctx.origins.get(task.id, self.ctx.entry.key))
        out: list[str] = []
        retries, span = self.retry_policy(step, origin)
        if retries is not None and retries.limit > 0:
            out.append(self.retry(retries, span, task))
        timeout = (
            opts.timeout_seconds or origin.options.timeout_seconds or self.ctx.entry.options.timeout_seconds
        )
        if timeout:
            out.append(f"@timeout(seconds={timeout})")
        resources = self.resources(step)
        if resources:
            out.append(f"@resources({resources})")
        if opts.env:
            out.append(f"@environment(vars={dict(opts.env)!r})")
        if opts.continue_on_failure:
            out.append(f"@catch(var={task.id + '_failure'!r})")
        return out

    def retry_policy(self, step: ir.Step, origin: ir.Flow) -> tuple[ir.RetryPolicy | None, Span]:
        """The task's retries and where they were written: the step's, else its flow's."""
        for options, span in ((step.options, step.span), (origin.options, origin.span)):
            if options.retries is not None:
                return options.retries, options.span_of("retries") or span
        entry = self.ctx.entry.options
        return entry.retries, entry.span_of("retries") or self.ctx.entry.span

    def retry(self, policy: ir.RetryPolicy, span: Span, task: ir.Task) -> str:
        if span in self.reported:  # a flow's `retries` applies to many tasks: said once
            return self.retry_decorator(policy)
        self.reported.add(span)
        if policy.limit > MAX_RETRIES:
            self.diagnostics.append(
                diagnostic(
                    "FC501",
                    span,
                    target=TARGET,
                    what=f"{policy.limit} retries",
                    hint=f"Metaflow makes at most {MAX_RETRIES + 1} attempts of a task: use retries<={MAX_RETRIES}",
                )
            )
        minutes = math.ceil((policy.backoff_seconds or 0) / 60)
        approximate = [
            what
            for what, holds in (
                ("a backoff that is not whole minutes", (policy.backoff_seconds or 0) % 60 != 0),
                ("an exponential backoff", policy.factor not in (None, 1)),
                ("a maximum backoff", policy.max_backoff_seconds is not None),
                (f"retrying on `{policy.on}` only", policy.on not in ("always", "failure")),
            )
            if holds
        ]
        for what in approximate:
            self.diagnostics.append(
                diagnostic(
                    "FC507",
                    span,
                    target=TARGET,
                    what=what,
                    hint=f"`@retry` retries every failure of `{task.id}` after a fixed {minutes} minute(s)",
                )
            )
        return self.retry_decorator(policy)

    def retry_decorator(self, policy: ir.RetryPolicy) -> str:
        minutes = math.ceil((policy.backoff_seconds or 0) / 60)
        return f"@retry(times={policy.limit}, minutes_between_retries={minutes})"

    def resources(self, step: ir.Step) -> str:
        opts = step.options
        args = []
        if opts.cpu is not None:
            args.append(f"cpu={_cpu(opts.cpu)}")
        if opts.memory is not None:
            args.append(f"memory={_megabytes(opts.memory)}")
        if opts.gpu:
            args.append(f"gpu={opts.gpu}")
        return ", ".join(args)

    def step_text(self, s: StepCode) -> list[str]:
        head = [*s.decorators, "@step", f"def {s.name}(self{', inputs' if s.join else ''}):"]
        body = [_docstring(s.doc), *s.lines]
        if s.next is not None:
            body.append(s.next)
        return head + [_indent(line, 1) for line in body]

    # --- values -----------------------------------------------------------------------------

    def expr(self, value: ir.Value) -> str:
        if isinstance(value, ir.Const):
            return repr(value.value)
        if isinstance(value, ir.ParamRef):
            return f"self.{self.params[value.name]}"
        if isinstance(value, ir.TaskOutput):
            return self.output_expr(value)
        if isinstance(value, ir.LoopItem):
            return f"self.{self.items[value.loop]}" + "".join(f"[{k!r}]" for k in value.keys)
        if isinstance(value, ir.Collected):
            inner = value.value
            while isinstance(inner, ir.Collected):
                inner = inner.value
            return self.output_expr(inner)
        parts = [repr(p) if isinstance(p, str) else f"format({self.expr(p)})" for p in value.parts]
        return " + ".join(parts) if parts else "''"

    def output_expr(self, value: ir.TaskOutput) -> str:
        # `field` is None only for a task's single output: the frontend never lets a value
        # stand for several outputs at once (FC215)
        return f"self.{self.artifact(value.task, value.field or 'output')}"

    def cond(self, cond: ir.Cond) -> str:
        if isinstance(cond, ir.Compare):
            op = _OPS[cond.op]
            if op in ("is", "is not") and isinstance(cond.left, ir.Const) and cond.left.value is not None:
                # a sub-flow's parameter bound to a literal: `3 is not None` is a SyntaxWarning
                # (an error under -W error), and with None on the right `!=` means the same
                op = "==" if op == "is" else "!="
            return f"{self.operand(cond.left)} {op} {self.operand(cond.right)}"
        if isinstance(cond, ir.Truthy):
            return self.operand(cond.value)
        if isinstance(cond, ir.Not):
            return f"not ({self.cond(cond.operand)})"
        return f" {cond.op} ".join(f"({self.cond(c)})" for c in cond.operands)

    def operand(self, value: ir.Value) -> str:
        text = self.expr(value)
        return f"({text})" if isinstance(value, ir.FString) else text

    def describe(self, value: ir.Value) -> str:
        if isinstance(value, ir.ParamRef):
            return value.name
        if isinstance(value, ir.TaskOutput):
            return value.task + (f".{value.field}" if value.field else "")
        if isinstance(value, ir.LoopItem):
            return value.loop
        return "a list"


# --- helpers ------------------------------------------------------------------------------------


def _module_file(module: str) -> str:
    """A module's file relative to its import root: where a reader finds the source, the same
    in every checkout."""
    return module.replace(".", "/") + ".py"


def _case_labels(branch: ir.Branch) -> list[str]:
    labels = []
    for i, case in enumerate(branch.cases):
        labels.append("if" if i == 0 else ("else" if case.cond is None else f"elif_{i}"))
    return labels


def _input_kind(typ: t.Type) -> object:
    if t.contains_artifact(typ):
        return type_descriptor(typ)
    inner = typ.inner if isinstance(typ, t.OptionalT) else typ
    return "text" if is_str_like(inner) else "json"


def _output_kind(typ: t.Type) -> object:
    if t.contains_artifact(typ):
        return type_descriptor(typ)
    if isinstance(typ, t.AnyT):
        return "any"
    if t.contains(typ, lambda x: x == t.FLOAT):  # JSON has no integral float: `2` must come back as 2.0
        return {"k": "value", "type": type_descriptor(typ)}
    if isinstance(typ, t.OptionalT) and is_str_like(typ.inner):
        return "text?"
    return "text" if is_str_like(typ) else "json"


def _literal_values(typ: t.Type) -> tuple[t.LiteralValue, ...] | None:
    """The values a `Literal` (or `Optional[Literal]`) parameter may take; None for other types."""
    optional = isinstance(typ, t.OptionalT)
    inner = typ.inner if isinstance(typ, t.OptionalT) else typ
    if not isinstance(inner, t.LiteralT):
        return None
    return (*inner.values, None) if optional and None not in inner.values else tuple(inner.values)


def _nullable_scalar(typ: t.Type) -> str | None:
    """The scalar kind of an `Optional` scalar or `Literal` parameter (read from text), else None."""
    if not isinstance(typ, t.OptionalT):
        return None
    inner = typ.inner.base if isinstance(typ.inner, t.LiteralT) else typ.inner
    return inner.name if isinstance(inner, t.Scalar) else None


def _cpu(text: str) -> str:
    """A Kubernetes CPU quantity as the number Metaflow's `cpu=` takes: `500m` → `0.5`."""
    cores = quantity(text)[1]
    return str(int(cores)) if cores == cores.to_integral_value() else repr(float(cores))


def _megabytes(text: str) -> int:
    """A Kubernetes memory quantity as the megabytes Metaflow's `memory=` counts (at least as many)."""
    return max(1, math.ceil(quantity(text)[1] / 10**6))


def _literal(text: str) -> str:
    """A string literal for a shipped script, as readable as its content allows."""
    if all(c in "\n\t" or c.isprintable() for c in text):
        for candidate in (f'r"""{text}"""', f"r'''{text}'''"):
            try:
                if ast.literal_eval(candidate) == text:
                    return candidate
            except (SyntaxError, ValueError):
                continue
    return repr(text)


def _docstring(text: str) -> str:
    clean = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if clean.endswith('"'):
        clean = clean[:-1] + '\\"'
    return f'"""{clean}"""'


def _indent(text: str, levels: int) -> str:
    pad = "    " * levels
    return "\n".join(pad + line if line else line for line in text.split("\n"))
