"""The local executor: runs a flow's IR on this machine with the semantics an engine applies.

Every node of a flow body becomes a coroutine; a task waits on the futures of the tasks it
reads (or runs `after`), so independent tasks run in parallel as their inputs become
available. A `Scope` is one instance of a flow body: the entry flow, a sub-flow call, or one
iteration of a loop; loops and sub-flows open new scopes at run time, over the actual values.
Concurrency is bounded by semaphores: the run's (`--max-parallel`), each flow instance's
`max_parallel` and each loop's `parallel(items, max=N)` (iterations at once).

Failure semantics follow Argo's DAG defaults: once a task fails (and doesn't
`continue_on_failure`), no new task starts (they are recorded `Skipped`), the running ones
finish, and the exit handler runs with `Failed`. A task whose input can't be computed
(its producer failed or was skipped) is skipped. An `after` dependency is done when it
succeeded, failed with `continue_on_failure` (only tasks needing its outputs are skipped), or
was in a branch that wasn't taken, as Argo's `depends` has it; `after` a fan-out or a sub-flow
waits for every task of it. The entry flow's `timeout` is a deadline for the whole run, as
Argo's `activeDeadlineSeconds`: at the deadline running tasks are killed and not retried, no
new task starts and the run fails; the exit handler still runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import operator
import os
import shutil
import signal
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flowc.compiler import ir
from flowc.compiler import types as t
from flowc.compiler.frozen import frozen
from flowc.compiler.naming import unique
from flowc.compiler.shipping import Script, encode_value
from flowc.targets.local import store
from flowc.targets.local.process import Outcome, run_process, task_env
from flowc.targets.local.record import (
    CANCELLED,
    FAILED,
    RUNNING,
    SKIPPED,
    SUCCEEDED,
    Attempt,
    RunRecord,
    TaskRecord,
    now,
    write_json_atomic,
)
from flowc.targets.local.values import decode_value

Observer = Callable[[TaskRecord], None]
LoopResult = list["Scope"] | None  # None: the loop didn't run (its source is unavailable)

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
    "is": operator.is_,
    "is not": operator.is_not,
}
_FLUSH_DELAY = 0.05  # seconds: run.json is rewritten at most this often while tasks finish
# seconds: asyncio may wake a timer this much early, and less time left is no time to run a task
_DEADLINE_SLACK = 0.01


class Unavailable(Exception):
    """A value can't be computed: the task producing it failed or was skipped."""


@frozen
class Result:
    status: str
    outputs: Mapping[str, Any]
    by_branch: bool = False  # skipped because its branch wasn't taken
    tolerated: bool = False  # failed with `continue_on_failure`: tasks only `after` it still run


_BRANCH_NOT_TAKEN = Result(SKIPPED, {}, by_branch=True)
_UNAVAILABLE = Result(SKIPPED, {})


@dataclass
class Scope:
    """One instance of a flow body: names resolve here, then in the enclosing scopes."""

    flow: ir.Flow
    params: Mapping[str, Any]
    prefix: str  # task path prefix: "for_shard[0]/", "forecast_store[2]/"
    pending: str  # comprehension indices after the task id: "[1]"
    limits: tuple[asyncio.Semaphore, ...]
    parent: Scope | None = None
    items: dict[str, Any] = field(default_factory=dict)
    tasks: dict[str, asyncio.Future[Result]] = field(default_factory=dict)
    loops: dict[str, asyncio.Future[LoopResult]] = field(default_factory=dict)
    fanned: dict[str, str] = field(default_factory=dict)  # task id → the loop of this scope around it

    def declare(self, body: tuple[ir.Node, ...]) -> Scope:
        loop = asyncio.get_running_loop()
        for node in scope_nodes(body):
            if isinstance(node, ir.Task):
                self.tasks[node.id] = loop.create_future()
            elif isinstance(node, ir.Loop):
                self.loops[node.id] = loop.create_future()
                self.fanned.update((n.id, node.id) for n, _ in ir.walk(node.body) if isinstance(n, ir.Task))
        return self

    def path(self, task_id: str) -> str:
        return f"{self.prefix}{task_id}{self.pending}"

    def iteration(self, loop: ir.Loop, index: int, item: Any) -> Scope:
        if loop.comprehension:  # `[f(x) for x in xs]`: the task is named `f[i]`
            prefix, pending = self.prefix, f"{self.pending}[{index}]"
        else:
            prefix, pending = f"{self.prefix}{loop.id}{self.pending}[{index}]/", ""
        child = Scope(self.flow, self.params, prefix, pending, self.limits, self, {loop.id: item})
        return child.declare(loop.body)

    def task(self, task_id: str) -> asyncio.Future[Result]:
        scope: Scope | None = self
        while scope is not None:
            if task_id in scope.tasks:
                return scope.tasks[task_id]
            scope = scope.parent
        raise KeyError(f"no task {task_id!r} in scope")

    def owner(self, task_id: str) -> tuple[Scope, str | None]:
        """The scope, from here outwards, that runs task `task_id`, and the loop of that scope
        it runs in (None: the scope runs it itself), e.g. for `after` a fan-out."""
        scope: Scope | None = self
        while scope is not None:
            if task_id in scope.tasks:
                return scope, None
            if task_id in scope.fanned:
                return scope, scope.fanned[task_id]
            scope = scope.parent
        raise KeyError(f"no task {task_id!r} in scope")

    def loop(self, loop_id: str) -> asyncio.Future[LoopResult]:
        scope: Scope | None = self
        while scope is not None:
            if loop_id in scope.loops:
                return scope.loops[loop_id]
            scope = scope.parent
        raise KeyError(f"no loop {loop_id!r} in scope")

    def item(self, loop_id: str) -> Any:
        scope: Scope | None = self
        while scope is not None:
            if loop_id in scope.items:
                return scope.items[loop_id]
            scope = scope.parent
        raise KeyError(f"no loop {loop_id!r} around this task")


def scope_nodes(body: tuple[ir.Node, ...]) -> Iterator[ir.Node]:
    """The nodes of a body that live in its scope: into branches, not into loops."""
    for node in body:
        yield node
        if isinstance(node, ir.Branch):
            for case in node.cases:
                yield from scope_nodes(case.body)


@frozen
class Settings:
    """What the engine needs besides the program: decided by the caller, validated there."""

    run_dir: Path
    cache_dir: Path
    python: str
    max_parallel: int
    use_cache: bool
    resumed: Mapping[str, Path]  # cache key → outputs of an earlier run
    deadline: float | None = None  # seconds the whole run may take: the entry flow's `timeout`


class Engine:
    def __init__(
        self,
        program: ir.Program,
        scripts: Mapping[str, Script],
        settings: Settings,
        record: RunRecord,
        observer: Observer | None = None,
    ) -> None:
        self.program = program
        self.entry = program.flow(program.entry or program.flows[0].key)
        self.scripts = scripts
        self.settings = settings
        self.record = record
        self.observer = observer
        self.hashes = store.Hashes()
        self.failed = False  # a task failed: start no new task
        self._deadline_at: float | None = None  # the event loop's time of the deadline, in `run`
        self._timed_out = False
        self.errors: list[str] = []
        self._flush_scheduled = False
        self.unwritten: OSError | None = None  # why the last write of run.json failed, if it did
        self._slots = asyncio.Semaphore(1)  # replaced in `run`, inside the event loop

    # --- the run --------------------------------------------------------------------------

    async def run(self) -> None:
        self._slots = asyncio.Semaphore(self.settings.max_parallel)
        if self.settings.deadline is not None:
            self._deadline_at = asyncio.get_running_loop().time() + self.settings.deadline
        _cancel_on_sigterm()
        self.flush()
        try:
            outputs = await self._flow(self._root())
            status = SUCCEEDED if outputs is not None and not self.failed else FAILED
            self.record.outputs = dict(outputs or {})
            if not await self._exit_handler(status):
                status = FAILED
        except asyncio.CancelledError:
            self._finish(CANCELLED)
            raise
        self._finish(status)

    def _root(self) -> Scope:
        limits = _limit(self.entry.options.max_parallel)
        return Scope(self.entry, self.record.parameters, "", "", limits).declare(self.entry.body)

    def _finish(self, status: str) -> None:
        for task in self.record.tasks:
            if task.status == RUNNING:
                task.status = CANCELLED
        self.record.status = status
        self.record.finished = now()
        if self.errors:
            self.record.errors = list(self.errors)
        self.flush()

    async def _flow(self, scope: Scope) -> dict[str, Any] | None:
        """Run a flow instance's body; its outputs, or None when they can't be computed."""
        await self._nodes(scope, scope.flow.body)
        try:
            return {
                out.name: await self._value(value, scope)
                for out, value in zip(scope.flow.outputs, scope.flow.results, strict=True)
            }
        except Unavailable:
            return None

    async def _exit_handler(self, status: str) -> bool:
        handler = self.entry.on_exit
        if handler is None:
            return True
        step = self.program.step(handler.step)
        taken = {t.id for t in self.entry.tasks()}
        path = step.name if step.name not in taken else unique("on_exit", taken, sep="_")
        args = {handler.status_param: status} if handler.status_param else {}
        # the handler reports on this run: a resumed run runs it again, whatever ran before
        result = await self._execute(step, path, args, self.entry, (), fail_fast=False, resumable=False)
        return result.status == SUCCEEDED

    async def _nodes(self, scope: Scope, body: tuple[ir.Node, ...]) -> None:
        if len(body) == 1:
            await self._node(scope, body[0])
            return
        async with asyncio.TaskGroup() as group:
            for node in body:
                group.create_task(self._node(scope, node))

    async def _node(self, scope: Scope, node: ir.Node) -> None:
        if isinstance(node, ir.Loop):
            await self._loop(scope, node)
        elif isinstance(node, ir.Branch):
            await self._branch(scope, node)
        else:
            scope.tasks[node.id].set_result(await self._task(scope, node))

    # --- control flow ---------------------------------------------------------------------

    async def _loop(self, scope: Scope, loop: ir.Loop) -> None:
        future = scope.loops[loop.id]
        try:
            items = await self._value(loop.source, scope)
        except Unavailable:
            future.set_result(None)
            return
        if not isinstance(items, list):
            self._error(f"loop {loop.id} (line {loop.span.line}): {items!r:.80} is not a list")
            future.set_result(None)
            return
        children = [scope.iteration(loop, i, item) for i, item in enumerate(items)]
        gate = asyncio.Semaphore(loop.max_parallel) if loop.max_parallel else None
        async with asyncio.TaskGroup() as group:
            for child in children:
                group.create_task(self._iteration(child, loop.body, gate))
        future.set_result(children)

    async def _iteration(
        self, scope: Scope, body: tuple[ir.Node, ...], gate: asyncio.Semaphore | None
    ) -> None:
        async with gate or contextlib.nullcontext():
            await self._nodes(scope, body)

    async def _branch(self, scope: Scope, branch: ir.Branch) -> None:
        chosen, reason = await self._choose(scope, branch)
        for index, case in enumerate(branch.cases):
            if index != chosen:
                self._skip_body(scope, case.body, reason)
        if chosen is not None:
            await self._nodes(scope, branch.cases[chosen].body)

    async def _choose(self, scope: Scope, branch: ir.Branch) -> tuple[int | None, str]:
        """The first case whose condition holds, with Python's semantics on the values; and why
        the other cases are skipped (none taken, or no case could be decided)."""
        for index, case in enumerate(branch.cases):
            try:
                if case.cond is None or await self._cond(case.cond, scope):
                    return index, "branch not taken"
            except Unavailable as missing:
                return None, f"condition not decided: {missing} did not succeed"
            except (TypeError, ValueError, KeyError, IndexError) as exc:
                self._error(f"condition on line {case.span.line}: {type(exc).__name__}: {exc}")
                return None, "condition not decided: it failed"
        return None, "branch not taken"

    def _skip_body(self, scope: Scope, body: tuple[ir.Node, ...], reason: str) -> None:
        for node in scope_nodes(body):
            if isinstance(node, ir.Loop):
                scope.loops[node.id].set_result(None)
            elif isinstance(node, ir.Task):
                scope.tasks[node.id].set_result(_BRANCH_NOT_TAKEN)
                if node.kind == "step":
                    self._skipped(scope.path(node.id), node, reason)

    # --- values and conditions --------------------------------------------------------------

    async def _value(self, value: ir.Value, scope: Scope) -> Any:
        if isinstance(value, ir.Const):
            return value.value
        if isinstance(value, ir.ParamRef):
            return scope.params[value.name]
        if isinstance(value, ir.TaskOutput):
            result = await scope.task(value.task)
            if result.status != SUCCEEDED:
                raise Unavailable(value.task)
            if value.field is None and "output" not in result.outputs:
                return dict(result.outputs)
            return result.outputs[value.field or "output"]
        if isinstance(value, ir.LoopItem):
            item = scope.item(value.loop)
            for key in value.keys:
                item = item[key]
            return item
        if isinstance(value, ir.Collected):
            iterations = await scope.loop(value.loop)
            if iterations is None:
                raise Unavailable(value.loop)
            return [await self._value(value.value, child) for child in iterations]
        parts = [p if isinstance(p, str) else format(await self._value(p, scope)) for p in value.parts]
        return "".join(parts)

    async def _cond(self, cond: ir.Cond, scope: Scope) -> bool:
        if isinstance(cond, ir.Compare):
            left = await self._value(cond.left, scope)
            right = await self._value(cond.right, scope)
            return bool(_COMPARE[cond.op](left, right))
        if isinstance(cond, ir.Truthy):
            return bool(await self._value(cond.value, scope))
        if isinstance(cond, ir.Not):
            return not await self._cond(cond.operand, scope)
        for operand in cond.operands:  # short-circuit, like Python
            holds = await self._cond(operand, scope)
            if holds == (cond.op == "or"):
                return holds
        return cond.op == "and"

    # --- tasks ----------------------------------------------------------------------------

    async def _task(self, scope: Scope, task: ir.Task) -> Result:
        """A step or sub-flow call, once its inputs and `after` tasks are there."""
        try:
            args = {arg.param: await self._value(arg.value, scope) for arg in task.args}
            await self._after(scope, task)
        except Unavailable:
            if task.kind == "step":
                self._skipped(scope.path(task.id), task, "an upstream task failed or was skipped")
            return _UNAVAILABLE
        except (TypeError, KeyError, IndexError) as exc:  # e.g. `item["k"]` of an item without k
            self._error(f"task {scope.path(task.id)}: arguments: {type(exc).__name__}: {exc}")
            return _UNAVAILABLE
        if task.kind == "flow":
            return await self._subflow(scope, task, args)
        step = self.program.step(task.callee)
        return await self._execute(step, scope.path(task.id), args, scope.flow, scope.limits)

    async def _after(self, scope: Scope, task: ir.Task) -> None:
        for other in task.after:
            if not await self._done(scope, other):
                raise Unavailable(other)

    async def _done(self, scope: Scope, task_id: str) -> bool:
        """Whether `after(task_id)` lets a task of `scope` start: the task succeeded, failed with
        `continue_on_failure`, or its branch wasn't taken; a task of a loop, once every
        iteration's is done (a sub-flow task is done when its whole body is)."""
        owner, loop_id = scope.owner(task_id)
        if loop_id is None:
            result = await owner.tasks[task_id]
            return result.status == SUCCEEDED or result.by_branch or result.tolerated
        iterations = await owner.loops[loop_id]
        if iterations is None:  # its source is unavailable (a branch's loop isn't named outside it)
            return False
        for child in iterations:
            if not await self._done(child, task_id):
                return False
        return True

    async def _subflow(self, scope: Scope, task: ir.Task, args: Mapping[str, Any]) -> Result:
        flow = self.program.flow(task.callee)
        params = {p.name: args.get(p.name, p.default.value if p.default else None) for p in flow.params}
        limits = scope.limits + _limit(flow.options.max_parallel)
        child = Scope(flow, params, scope.path(task.id) + "/", "", limits).declare(flow.body)
        outputs = await self._flow(child)
        return Result(SUCCEEDED, outputs) if outputs is not None else Result(FAILED, {})

    async def _execute(
        self,
        step: ir.Step,
        path: str,
        args: Mapping[str, Any],
        flow: ir.Flow,
        limits: tuple[asyncio.Semaphore, ...],
        fail_fast: bool = True,
        resumable: bool = True,
    ) -> Result:
        """Run one step task: reuse a cached or (when `resumable`) resumed result, else attempts
        with retries."""
        task = TaskRecord(path, step.name, f"tasks/{path}")
        directory = self.settings.run_dir / "tasks" / path
        self.record.tasks.append(task)
        if fail_fast and self.failed:
            return self._not_started(task)
        try:
            values, key = await asyncio.to_thread(self._prepare, step, args, directory, task)
        except (ValueError, TypeError, OSError) as exc:
            return self._failed(step, task, f"inputs: {exc}")
        reused = await self._reuse(step, key, directory, task, resumable)
        if reused is not None:
            return reused
        limits = (*limits, self._slots)  # the run's own slot is taken last
        return await self._attempts(step, flow, directory, values, task, limits, fail_fast)

    def _prepare(
        self, step: ir.Step, args: Mapping[str, Any], directory: Path, task: TaskRecord
    ) -> tuple[dict[str, str], str]:
        """The task's directory, script and artifact inputs; its value inputs as text; its key."""
        script = self.scripts[step.key].source
        (directory / "outputs").mkdir(parents=True, exist_ok=True)
        (directory / "inputs").mkdir(exist_ok=True)
        (directory / "script.py").write_text(script, encoding="utf-8")
        values: dict[str, str] = {}
        hashes: dict[str, Any] = {}
        for param in step.params:
            if param.name not in args:
                continue  # the step's own default applies
            value = args[param.name]
            if t.contains_artifact(param.type):
                task.inputs[param.name] = store.place(value, directory / "inputs" / param.name)
                hashes[param.name] = self.hashes.of(value)
            else:
                values[param.name] = encode_value(value, param.type)
                task.inputs[param.name] = value
        task.cache_key = store.cache_key(script, values, hashes, step.options.cache_version or "")
        return values, task.cache_key

    async def _reuse(
        self, step: ir.Step, key: str, directory: Path, task: TaskRecord, resumable: bool
    ) -> Result | None:
        source = self.settings.resumed.get(key) if resumable else None
        resumed = source is not None
        if source is None and step.options.cache and self.settings.use_cache:
            source = store.cached_outputs(self.settings.cache_dir, key)
        if source is None:
            return None
        try:
            await asyncio.to_thread(store.copy_outputs, source, directory / "outputs")
            outputs = read_outputs(step, directory / "outputs")
        except (OSError, ValueError):
            return None  # a damaged entry: run the task instead
        task.cached, task.status, task.outputs = True, SUCCEEDED, outputs
        task.reason = "resumed" if resumed else None  # told apart from a cache hit
        self._changed(task)
        return Result(SUCCEEDED, outputs)

    async def _attempts(
        self,
        step: ir.Step,
        flow: ir.Flow,
        directory: Path,
        values: Mapping[str, str],
        task: TaskRecord,
        limits: tuple[asyncio.Semaphore, ...],
        fail_fast: bool,
    ) -> Result:
        policy = step.options.retries or flow.options.retries or self.entry.options.retries
        timeout = step.options.timeout_seconds or flow.options.timeout_seconds
        timeout = timeout or self.entry.options.timeout_seconds
        env = task_env(step, values, directory / "inputs", directory / "outputs")
        for number in range(1, (policy.limit if policy else 0) + 2):
            if number > 1:
                await asyncio.to_thread(_keep_attempt, directory, number - 1)
                await asyncio.sleep(self._capped(backoff(policy, number - 1), fail_fast) or 0.0)
            async with _acquired(limits):
                if fail_fast and number == 1 and (self.failed or self._past_deadline()):
                    return self._not_started(task)
                if fail_fast and self._past_deadline():
                    break  # no time left for a retry
                budget = self._capped(timeout, fail_fast)
                outcome, outputs = await self._attempt(step, directory, env, budget, task)
            if outputs is not None:
                return await self._succeeded(step, directory, task, outputs)
            if (fail_fast and self._past_deadline()) or policy is None or not retryable(policy, outcome):
                break
        return self._failed(step, task, task.attempts[-1].reason if task.attempts else None)

    def _capped(self, seconds: float | None, fail_fast: bool) -> float | None:
        """`seconds` (None: no limit) cut at the run's deadline; the exit handler isn't bound
        by it (it runs after a deadline, as on Argo)."""
        if self._deadline_at is None or not fail_fast:
            return seconds
        left = max(self._deadline_at - asyncio.get_running_loop().time(), 0.0)
        return left if seconds is None else min(seconds, left)

    def _past_deadline(self) -> bool:
        """Whether the run's deadline has passed; the first time, the run fails."""
        if self._deadline_at is None:
            return False
        if asyncio.get_running_loop().time() + _DEADLINE_SLACK < self._deadline_at:
            return False
        if not self._timed_out:
            self._timed_out = True
            self._error(f"the flow's timeout ({self.settings.deadline:g}s) passed before the run finished")
        return True

    async def _attempt(
        self, step: ir.Step, directory: Path, env: dict[str, str], timeout: float | None, task: TaskRecord
    ) -> tuple[Outcome, dict[str, Any] | None]:
        (directory / "work").mkdir(exist_ok=True)
        (directory / "outputs").mkdir(exist_ok=True)
        attempt = Attempt(now())
        task.attempts.append(attempt)
        task.status = RUNNING
        self._changed(task)
        argv = [self.settings.python, str(directory / "script.py")]
        outcome = await run_process(argv, env, directory / "work", directory, timeout)
        attempt.finished, attempt.exit_code, attempt.reason = now(), outcome.exit_code, outcome.reason
        if not outcome.ok:
            return outcome, None
        try:
            return outcome, read_outputs(step, directory / "outputs")
        except (OSError, ValueError) as exc:
            attempt.reason = f"outputs: {exc}"
            return Outcome(outcome.exit_code, attempt.reason), None

    async def _succeeded(
        self, step: ir.Step, directory: Path, task: TaskRecord, outputs: dict[str, Any]
    ) -> Result:
        if step.options.cache and task.cache_key is not None:
            await asyncio.to_thread(
                store.store_outputs, self.settings.cache_dir, task.cache_key, directory / "outputs"
            )
        task.status, task.outputs = SUCCEEDED, outputs
        self._changed(task)
        return Result(SUCCEEDED, outputs)

    def _failed(self, step: ir.Step, task: TaskRecord, reason: str | None) -> Result:
        task.status, task.reason = FAILED, reason
        tolerated = step.options.continue_on_failure
        if not tolerated:
            self.failed = True
        self._changed(task)
        return Result(FAILED, {}, tolerated=tolerated)

    def _not_started(self, task: TaskRecord) -> Result:
        task.status, task.reason = SKIPPED, "not started: the flow failed"
        self._changed(task)
        return _UNAVAILABLE

    def _skipped(self, path: str, node: ir.Task, reason: str) -> None:
        step = self.program.step(node.callee)
        task = TaskRecord(path, step.name, f"tasks/{path}", status=SKIPPED, reason=reason)
        self.record.tasks.append(task)
        self._changed(task)

    def _error(self, message: str) -> None:
        """A problem of the run itself (not of one task): the flow fails."""
        self.errors.append(message)
        self.failed = True

    # --- the record -------------------------------------------------------------------------

    def _changed(self, task: TaskRecord) -> None:
        if self.observer is not None:
            self.observer(task)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_later(_FLUSH_DELAY, self.flush)

    def flush(self) -> None:
        """Write run.json. A disk that refuses it (full, read-only) doesn't stop the run: the
        next write tries again, and whoever runs the engine reports `unwritten` at the end."""
        self._flush_scheduled = False
        try:
            write_json_atomic(self.settings.run_dir / "run.json", self.record.to_json())
        except OSError as exc:
            self.unwritten = exc
        else:
            self.unwritten = None


def _cancel_on_sigterm() -> None:
    """SIGTERM stops a run the way Ctrl-C does (asyncio.run handles SIGINT itself)."""
    task = asyncio.current_task()
    if task is not None:
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):  # not the main thread
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)


def _limit(max_parallel: int | None) -> tuple[asyncio.Semaphore, ...]:
    return (asyncio.Semaphore(max_parallel),) if max_parallel else ()


@contextlib.asynccontextmanager
async def _acquired(limits: tuple[asyncio.Semaphore, ...]) -> AsyncIterator[None]:
    """Take every slot, always in the same order (outermost flow first, the run's last)."""
    async with contextlib.AsyncExitStack() as stack:
        for semaphore in limits:
            await stack.enter_async_context(semaphore)
        yield


def backoff(policy: ir.RetryPolicy | None, retry: int) -> float:
    """Seconds to wait before retry number `retry` (1-based)."""
    if policy is None or not policy.backoff_seconds:
        return 0.0
    delay = policy.backoff_seconds * (policy.factor or 1) ** (retry - 1)
    return float(min(delay, policy.max_backoff_seconds) if policy.max_backoff_seconds else delay)


def retryable(policy: ir.RetryPolicy, outcome: Outcome) -> bool:
    """`always`/`failure` retry any failure (timeouts included); `error`/`transient` only
    errors of the platform, which locally means the process could not be started."""
    return policy.on in ("always", "failure") or not outcome.started


def _keep_attempt(directory: Path, number: int) -> None:
    """Move an attempt's logs and outputs to `attempts/<n>/` before the next attempt."""
    kept = directory / "attempts" / str(number)
    kept.mkdir(parents=True, exist_ok=True)
    for name in ("stdout", "stderr", "outputs", "work"):
        if (directory / name).exists():
            shutil.move(directory / name, kept / name)


def read_outputs(step: ir.Step, outputs: Path) -> dict[str, Any]:
    """A finished task's outputs: values decoded by their declared types, artifacts as paths."""
    found: dict[str, Any] = {}
    for out in step.outputs:
        path = outputs / out.name
        if t.contains_artifact(out.type):
            found[out.name] = artifact_value(path, out.type)
            continue
        if not path.is_file():
            raise ValueError(f"output `{out.name}` was not written")
        text = path.read_bytes().decode("utf-8")  # not read_text: "\r\n" in a value stays
        try:
            found[out.name] = decode_value(text.removesuffix("\n"), out.type)
        except ValueError as exc:
            raise ValueError(f"output `{out.name}`: {exc}") from None
    return found


def artifact_value(path: Path, typ: t.Type) -> Any:
    """An artifact output in the layout the runtime wrote (see `_flowc_place`)."""
    if isinstance(typ, t.OptionalT):
        return artifact_value(path, typ.inner) if os.path.lexists(path) else None
    if not path.exists():
        raise ValueError(f"output `{path.name}` was not written")
    if isinstance(typ, t.ListT):
        names = sorted((n for n in os.listdir(path) if n.isdigit()), key=int)
        return [artifact_value(path / n, typ.item) for n in names]
    if isinstance(typ, t.DictT):
        return {n: artifact_value(path / n, typ.value) for n in sorted(os.listdir(path))}
    return path
