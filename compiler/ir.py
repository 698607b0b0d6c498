"""The target-neutral IR: frozen dataclasses with a source span on every node.

A `Program` holds the flow being compiled, every sub-flow it calls and every step they use.
A flow body is a tree of `Task`, `Loop` and `Branch` nodes; values passed to tasks are
`Value` expressions (constants, parameter references, task outputs, loop items, collected
loop results, f-strings); conditions are `Cond` expression trees. Data dependencies are
derived from the values (`graph.py`); only ordering without data is stored (`Task.after`).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Literal, TypeAlias, TypeVar

from flowc.compiler import types as t
from flowc.compiler.diagnostics import Span
from flowc.compiler.frozen import frozen
from flowc.compiler.types import JsonValue, NamedTupleT, NoneT, TupleT, Type

# --- values -----------------------------------------------------------------------------


@frozen
class Const:
    """A literal (or folded module constant)."""

    value: JsonValue
    span: Span


@frozen
class ParamRef:
    """A flow parameter."""

    name: str
    span: Span


@frozen
class TaskOutput:
    """An output of a task in the same scope; `field` selects a NamedTuple field or a
    sub-flow's output by name, None means the task's single output."""

    task: str
    field: str | None
    span: Span


@frozen
class LoopItem:
    """The current item of an enclosing loop, optionally indexed by string keys."""

    loop: str
    keys: tuple[str, ...]
    span: Span


@frozen
class Collected:
    """Fan-in: the list of `value` over every iteration of `loop` (a comprehension)."""

    loop: str
    value: TaskOutput | Collected
    span: Span


@frozen
class FString:
    """An f-string: literal text and values, joined as text at run time."""

    parts: tuple[str | Value, ...]
    span: Span


Value: TypeAlias = "Const | ParamRef | TaskOutput | LoopItem | Collected | FString"

# --- conditions -------------------------------------------------------------------------

CompareOp = Literal["==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"]


@frozen
class Compare:
    """`left op right`: a comparison, `in`, or `is`."""

    op: CompareOp
    left: Value
    right: Value
    span: Span


@frozen
class Truthy:
    """`if x:` — Python truthiness of a value."""

    value: Value
    span: Span


@frozen
class Not:
    """`not operand`."""

    operand: Cond
    span: Span


@frozen
class BoolOp:
    """`and`/`or` over two or more conditions."""

    op: Literal["and", "or"]
    operands: tuple[Cond, ...]
    span: Span


Cond: TypeAlias = "Compare | Truthy | Not | BoolOp"

# --- steps and flows ---------------------------------------------------------------------


@frozen
class Param:
    """A parameter of a step or flow, with its type and folded default."""

    name: str
    type: Type
    default: Const | None
    span: Span
    annotated: bool = True
    keyword_only: bool = False

    @property
    def required(self) -> bool:
        return self.default is None


@frozen
class Output:
    """A named output of a step or flow. A single output is named `output`."""

    name: str
    type: Type


@frozen
class RetryPolicy:
    """`retries=`: how often and after how long a failed task is tried again."""

    limit: int
    backoff_seconds: int | None = None
    factor: float | None = None
    max_backoff_seconds: int | None = None
    on: Literal["always", "failure", "error", "transient"] = "always"


@frozen
class Toleration:
    """A Kubernetes toleration for the step's pod."""

    key: str | None
    operator: Literal["Equal", "Exists"]
    value: str | None
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | None
    toleration_seconds: int | None = None


@frozen
class SecretRef:
    """An environment variable set from a key of a Kubernetes secret."""

    env: str
    secret: str
    key: str


@frozen
class Volume:
    """A persistent volume claim mounted into the step's pod."""

    mount_path: str
    claim: str


@frozen
class StepOptions:
    """`@step(...)` options, validated and normalised. Quantities stay Kubernetes strings."""

    image: str | None = None
    cpu: str | None = None
    memory: str | None = None
    gpu: int | None = None
    gpu_type: str | None = None
    retries: RetryPolicy | None = None
    timeout_seconds: int | None = None
    cache: bool = False
    cache_version: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    secrets: tuple[SecretRef, ...] = ()
    packages: tuple[str, ...] = ()
    node_selector: tuple[tuple[str, str], ...] = ()
    tolerations: tuple[Toleration, ...] = ()
    volumes: tuple[Volume, ...] = ()
    continue_on_failure: bool = False
    spans: tuple[tuple[str, Span], ...] = ()

    def span_of(self, option: str) -> Span | None:
        return next((s for n, s in self.spans if n == option), None)


@frozen
class Step:
    """A `@step` function: its typed interface and options (not its code)."""

    key: str  # unique in the program: "module:function"
    name: str  # the `name=` option, or the function name
    function: str
    module: str  # dotted module name, relative to its import root
    path: str  # source file
    params: tuple[Param, ...]
    returns: Type
    returns_annotated: bool
    options: StepOptions
    span: Span  # the `def` line through the end of the function
    doc: str | None = None

    @property
    def outputs(self) -> tuple[Output, ...]:
        return outputs_of(self.returns)


@frozen
class Schedule:
    """`schedule=`: a cron expression and its time zone."""

    cron: str
    timezone: str | None
    span: Span


@frozen
class FlowOptions:
    """`@flow(...)` options, validated and normalised."""

    image: str | None = None
    schedule: Schedule | None = None
    max_parallel: int | None = None
    retries: RetryPolicy | None = None
    timeout_seconds: int | None = None
    namespace: str | None = None
    service_account: str | None = None
    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()
    ttl_seconds: int | None = None
    spans: tuple[tuple[str, Span], ...] = ()

    def span_of(self, option: str) -> Span | None:
        return next((s for n, s in self.spans if n == option), None)


# --- the flow body -----------------------------------------------------------------------


@frozen
class Arg:
    """A task's argument for one callee parameter."""

    param: str
    value: Value


@frozen
class Task:
    """One call of a step or sub-flow. `id` is unique in its flow."""

    id: str
    callee: str  # Step.key or Flow.key
    kind: Literal["step", "flow"]
    args: tuple[Arg, ...]
    after: tuple[str, ...]  # task ids this task runs after without data
    span: Span
    binding: str | None = None  # the flow-body variable it was assigned to

    def arg(self, name: str) -> Value | None:
        return next((a.value for a in self.args if a.param == name), None)


@frozen
class Loop:
    """Fan-out: `body` runs once per item of `source`."""

    id: str
    var: str
    source: Value
    item_type: Type
    body: tuple[Node, ...]
    span: Span
    max_parallel: int | None = None
    comprehension: bool = False


@frozen
class Case:
    """One `if`/`elif`/`else` arm of a branch."""

    cond: Cond | None  # None for `else`
    body: tuple[Node, ...]
    span: Span


@frozen
class Branch:
    """`if`/`elif`/`else`: the first case whose condition holds runs."""

    id: str
    cases: tuple[Case, ...]
    span: Span


Node: TypeAlias = "Task | Loop | Branch"


@frozen
class ExitHandler:
    """`on_exit=`: the step run after the flow, whatever its outcome."""

    step: str  # Step.key
    status_param: str | None  # the parameter receiving RunStatus
    span: Span


@frozen
class Flow:
    """A `@flow` function: parameters, body, results and options."""

    key: str
    name: str
    function: str
    module: str
    path: str
    description: str | None
    params: tuple[Param, ...]
    outputs: tuple[Output, ...]
    results: tuple[Value, ...]  # one per output, what `return` names
    returns: Type
    body: tuple[Node, ...]
    options: FlowOptions
    on_exit: ExitHandler | None
    span: Span

    def tasks(self) -> Iterator[Task]:
        """Every task of the body, depth first, in source order."""
        for node, _ctx in walk(self.body):
            if isinstance(node, Task):
                yield node

    def task(self, task_id: str) -> Task | None:
        return self._tasks_by_id.get(task_id)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    @cached_property
    def _tasks_by_id(self) -> dict[str, Task]:
        """Built once per flow: passes look tasks up by id for every value they write."""
        found: dict[str, Task] = {}
        for task in self.tasks():
            found.setdefault(task.id, task)
        return found


@frozen
class Program:
    """A flow to compile, with every flow and step reachable from it (or, for lint, every
    flow of a file)."""

    flows: tuple[Flow, ...]
    steps: tuple[Step, ...]
    entry: str | None = None  # Flow.key of the selected flow

    def flow(self, key: str) -> Flow:
        return _found(self._flows_by_key.get(key), key)

    def step(self, key: str) -> Step:
        return _found(self._steps_by_key.get(key), key)

    # Every task asks for its callee: a scan of thousands of steps per task would be quadratic.
    @cached_property
    def _flows_by_key(self) -> dict[str, Flow]:
        return {f.key: f for f in reversed(self.flows)}  # reversed: the first of a key wins

    @cached_property
    def _steps_by_key(self) -> dict[str, Step]:
        return {s.key: s for s in reversed(self.steps)}

    def callee_outputs(self, task: Task) -> tuple[Output, ...]:
        return self.step(task.callee).outputs if task.kind == "step" else self.flow(task.callee).outputs


_Found = TypeVar("_Found")


def _found(item: _Found | None, key: str) -> _Found:
    if item is None:
        raise StopIteration(key)  # what a search of the tuple raised: callers ask for keys they hold
    return item


# --- traversal ---------------------------------------------------------------------------


@frozen
class Context:
    """Where a node sits: its enclosing loops and branch conditions, outermost first.

    A condition entry is (branch id, case index, condition); the case's condition holds and
    every earlier case's condition of that branch does not."""

    loops: tuple[Loop, ...] = ()
    conditions: tuple[tuple[str, int, Cond | None], ...] = ()

    def enter_loop(self, loop: Loop) -> Context:
        return Context((*self.loops, loop), self.conditions)

    def enter_case(self, branch: Branch, index: int) -> Context:
        return Context(self.loops, (*self.conditions, (branch.id, index, branch.cases[index].cond)))


def walk(body: tuple[Node, ...], ctx: Context = Context()) -> Iterator[tuple[Node, Context]]:
    """Every node of a body with its context, depth first, in source order."""
    for node in body:
        yield node, ctx
        if isinstance(node, Loop):
            yield from walk(node.body, ctx.enter_loop(node))
        elif isinstance(node, Branch):
            for i, case in enumerate(node.cases):
                yield from walk(case.body, ctx.enter_case(node, i))


def outputs_of(returns: Type) -> tuple[Output, ...]:
    if isinstance(returns, NoneT):
        return ()
    if isinstance(returns, NamedTupleT):
        return tuple(Output(n, t) for n, t in returns.fields)
    if isinstance(returns, TupleT):
        return tuple(Output(f"output_{i}", t) for i, t in enumerate(returns.items))
    return (Output("output", returns),)


def value_refs(value: Value) -> Iterator[Value]:
    """The value and every value nested in it (f-string parts, collected values)."""
    yield value
    if isinstance(value, FString):
        for part in value.parts:
            if not isinstance(part, str):
                yield from value_refs(part)
    elif isinstance(value, Collected):
        yield from value_refs(value.value)


def empty_by_default(flow: Flow, source: Value) -> bool:
    """Whether a loop over `source` runs over an empty list unless the run says otherwise: a
    literal `[]`, or a list parameter of `flow` whose default is `[]`."""
    if isinstance(source, Const):
        return source.value == []
    param = flow.param(source.name) if isinstance(source, ParamRef) else None
    return param is not None and param.default is not None and param.default.value == []


def cond_values(cond: Cond) -> Iterator[Value]:
    if isinstance(cond, Compare):
        yield from value_refs(cond.left)
        yield from value_refs(cond.right)
    elif isinstance(cond, Truthy):
        yield from value_refs(cond.value)
    elif isinstance(cond, Not):
        yield from cond_values(cond.operand)
    else:
        for operand in cond.operands:
            yield from cond_values(operand)


def value_type(program: Program, flow: Flow, value: Value, loops: dict[str, Loop] | None = None) -> Type:
    """The static type of a value in `flow`: a parameter's, a task output's, a loop item's (with
    its keys), a collected list's; every target needs it to choose how a value travels."""
    if loops is None:
        loops = {n.id: n for n, _ in walk(flow.body) if isinstance(n, Loop)}
    if isinstance(value, ParamRef):
        p = flow.param(value.name)
        return p.type if p else t.ANY
    if isinstance(value, TaskOutput):
        task = flow.task(value.task)
        outputs = program.callee_outputs(task) if task else ()
        return next((o.type for o in outputs if o.name == (value.field or "output")), t.ANY)
    if isinstance(value, LoopItem):
        typ = loops[value.loop].item_type if value.loop in loops else t.ANY
        for _ in value.keys:
            typ = typ.value if isinstance(typ, t.DictT) else t.ANY
        return typ
    if isinstance(value, Collected):
        return t.ListT(value_type(program, flow, value.value, loops))
    if isinstance(value, Const):
        return t.type_of_literal(value.value)
    return t.STR
