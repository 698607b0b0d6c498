"""The local target: `flowc run` executes a flow on this machine, with the cluster's semantics.

Every task is a process running the same shipped step script an engine's pod runs, with the
runtime contract's environment and files; the IR is executed directly (`engine`): fan-out over
the actual values, fan-in as lists, conditions with Python semantics, sub-flows, `after`,
retries with backoff, timeouts (the flow's is also a deadline for the whole run),
`continue_on_failure`, caching by content, the exit handler.
A run lives in `<root>/runs/<run-id>/`: a `run.json` record (`record`) and one directory per
task (`tasks/<task path>/`: `script.py`, `inputs/`, `outputs/`, `stdout`, `stderr`, and
`attempts/<n>/` for earlier attempts). The content-addressed cache is `<root>/cache/<key>/`.

    run = prepare(program, sources, RunOptions(parameters=..., path="flows.py"))
    record = run.execute(observer)   # blocks; Ctrl-C gives a `Cancelled` record
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flowc.compiler import ir
from flowc.compiler.diagnostics import FlowcError
from flowc.compiler.frozen import frozen
from flowc.compiler.shipping import Script, ship_all
from flowc.targets.local.engine import Engine, Observer, Settings
from flowc.targets.local.record import CANCELLED, RunRecord, git_info, new_run_id, now, source_hash
from flowc.targets.local.store import read_record, resume_index
from flowc.targets.local.values import as_text, decode_value, parse_parameter

__all__ = [
    "LocalRun",
    "RunOptions",
    "RunRecord",
    "as_text",
    "decode_value",
    "parse_parameter",
    "prepare",
    "resolve_parameters",
]


@frozen
class RunOptions:
    parameters: Mapping[str, Any] = field(default_factory=dict)  # parsed, by flow parameter name
    path: str = ""  # the flow file, for the record and git
    root: Path = Path(".flowc")  # holds `runs/` and `cache/`
    max_parallel: int | None = None  # default: the number of CPUs
    use_cache: bool = True
    resume: str | None = None  # a run id under `root/runs/`
    python: str = sys.executable


def resolve_parameters(flow: ir.Flow, raw: Sequence[str]) -> dict[str, Any]:
    """`-p name=value` texts as the flow's parameters, defaults filled in; FlowcError names the
    parameter of a bad value, an unknown name or a missing required parameter."""
    given: dict[str, Any] = {}
    for item in raw:
        name, sep, text = item.partition("=")
        param = flow.param(name.strip())
        if not sep:
            raise FlowcError(f"-p {item!r}: expected name=value")
        if param is None:
            known = ", ".join(p.name for p in flow.params) or "none"
            raise FlowcError(f"-p {name}: flow `{flow.name}` has no parameter {name!r} (parameters: {known})")
        try:
            given[param.name] = parse_parameter(text, param.type)
        except ValueError as exc:
            raise FlowcError(f"-p {param.name}: {exc}") from None
    missing = [p.name for p in flow.params if p.name not in given and p.default is None]
    if missing:
        raise FlowcError(f"missing required parameter(s): {', '.join(missing)}; give them with -p name=value")
    return {p.name: given[p.name] if p.name in given else _default(p) for p in flow.params}


def _default(param: ir.Param) -> Any:
    return param.default.value if param.default is not None else None


@dataclass
class LocalRun:
    """A prepared run: its directory and record exist; `execute` runs it."""

    engine: Engine
    run_dir: Path

    @property
    def record(self) -> RunRecord:
        return self.engine.record

    def execute(self, observer: Observer | None = None) -> RunRecord:
        """Run to the end; FlowcError when its record couldn't be written by then (the user's
        disk, not a bug), unless interrupted: then the record carries the error."""
        self.engine.observer = observer
        # on Ctrl-C the engine has killed its processes and recorded `Cancelled`
        with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
            asyncio.run(self.engine.run())
        record = self.engine.record
        if self.engine.unwritten is not None:
            problem = _unwritten(self.run_dir, self.engine.unwritten)
            if record.status != CANCELLED:  # a run that ended as it should: the record is what's wrong
                raise FlowcError(f"{problem}; the run ended {record.status}, its tasks are in {self.run_dir}")
            record.errors.append(problem)  # Ctrl-C still exits 130, with this error shown
        return record


def _unwritten(run_dir: Path, error: OSError) -> str:
    return f"{run_dir / 'run.json'}: cannot write the run record: {error.strerror or error}"


def prepare(
    program: ir.Program,
    sources: Mapping[str, str],
    options: RunOptions,
    scripts: Mapping[str, Script] | None = None,
) -> LocalRun:
    """Ship every step (unless `scripts` has them shipped), create the run directory and its
    record; FlowcError for bad options."""
    flow = program.flow(program.entry or program.flows[0].key)
    root = options.root.resolve()
    resumed = _resumed(root, options.resume, flow.name)
    started = now()
    run_id = new_run_id(flow.name, started)
    run_dir = root / "runs" / run_id
    try:
        run_dir.mkdir(parents=True)
    except OSError as exc:  # a file in the way, no permission: the user's to fix, not a bug
        raise FlowcError(f"{options.root}: cannot create the run directory: {exc.strerror or exc}") from None
    record = RunRecord(
        run_id=run_id,
        flow=flow.name,
        path=options.path,
        parameters=dict(options.parameters),
        started=started,
        source_hash=source_hash(sources),
        git=git_info(Path(options.path)) if options.path else None,
        resumed_from=options.resume,
    )
    settings = Settings(
        run_dir=run_dir,
        cache_dir=root / "cache",
        python=options.python,
        max_parallel=options.max_parallel or os.cpu_count() or 1,
        use_cache=options.use_cache,
        resumed=resumed,
        deadline=flow.options.timeout_seconds,  # the whole run's, as Argo's activeDeadlineSeconds
    )
    shipped = dict(scripts) if scripts is not None else ship_all(program, sources)
    engine = Engine(program, shipped, settings, record)
    engine.flush()  # before any task runs: a disk that takes no record stops the run here
    if engine.unwritten is not None:
        raise FlowcError(_unwritten(run_dir, engine.unwritten))
    return LocalRun(engine, run_dir)


def _resumed(root: Path, run_id: str | None, flow: str) -> dict[str, Path]:
    """What `--resume RUN_ID` offers, by cache key; FlowcError unless RUN_ID names a readable
    record of a run of `flow` under `root/runs`."""
    if run_id is None:
        return {}
    runs = root / "runs"
    if run_id in ("", "..") or Path(run_id).name != run_id:  # a path would read a record anywhere
        raise FlowcError(f"--resume {run_id!r}: not a run id (the name of a folder in {runs})")
    path = runs / run_id / "run.json"
    try:
        record = read_record(path)
        index = resume_index(path.parent, record)
    except OSError as exc:
        raise FlowcError(f"--resume {run_id}: cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:  # invalid JSON, or not the shape of a run record
        raise FlowcError(f"--resume {run_id}: {path} is not a run record: {exc}") from None
    if record["flow"] != flow:  # nothing of another flow's run is this flow's to reuse
        raise FlowcError(f"--resume {run_id}: {path} is a run of flow `{record['flow']}`, not of `{flow}`")
    return index
