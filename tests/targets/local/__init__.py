"""Tests of `flowc run`, the local runner, written black-box against its command line.

Shared helpers: run `flowc run` in-process (`flowc.cli.main.main`) or as a subprocess, and read
the run record it prints with `--output-format json`. Tasks are found by their `step` name,
never by their path, and messages are never compared: only codes, statuses and values.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flowc.cli.main import main

from tests.harness import write_project

Record = dict[str, Any]
TaskRecord = dict[str, Any]

RUN_STATUSES = {"Running", "Succeeded", "Failed", "Cancelled"}
TASK_STATUSES = {"Succeeded", "Failed", "Skipped", "Running", "Cancelled"}


@dataclass
class Run:
    """One `flowc run`: its exit code, streams and (in json mode) the record on stdout."""

    code: int
    stdout: str
    stderr: str
    run_dir: Path
    record: Record | None

    @property
    def rec(self) -> Record:
        assert self.record is not None, (self.code, self.stdout, self.stderr)
        return self.record

    @property
    def outputs(self) -> dict[str, Any]:
        return dict(self.rec["outputs"])

    @property
    def status(self) -> str:
        return str(self.rec["status"])

    @property
    def home(self) -> Path:
        """`<run-dir>/runs/<run-id>`."""
        return self.run_dir / "runs" / str(self.rec["run_id"])

    def tasks(self, step: str) -> list[TaskRecord]:
        return [t for t in self.rec["tasks"] if t["step"] == step]

    def task(self, step: str) -> TaskRecord:
        found = self.tasks(step)
        assert len(found) == 1, (step, [t["path"] for t in found], self.describe())
        return found[0]

    def ran(self, step: str) -> list[TaskRecord]:
        """The tasks of `step` that were executed (not skipped, not absent)."""
        return [t for t in self.tasks(step) if t["status"] != "Skipped"]

    def task_dir(self, task: TaskRecord) -> Path:
        return self.home / str(task["dir"])

    def describe(self) -> str:
        """A summary for assertion messages: the code, statuses and the end of stderr."""
        if self.record is None:
            return f"exit {self.code}; stdout={self.stdout[-2000:]!r}; stderr={self.stderr[-2000:]!r}"
        tasks = [(t["path"], t["status"], len(t["attempts"])) for t in self.record.get("tasks", [])]
        return f"exit {self.code}; status={self.record.get('status')}; tasks={tasks}; stderr={self.stderr[-2000:]!r}"


def _parse(stdout: str) -> Record | None:
    """The run record, when stdout is one JSON object."""
    try:
        record = json.loads(stdout)
    except json.JSONDecodeError:
        return None
    return record if isinstance(record, dict) else None


def flowc_run(
    target: str | Path,
    *args: str,
    run_dir: Path,
    params: dict[str, str] | None = None,
    output_format: str = "json",
) -> Run:
    """`flowc run TARGET -p k=v ... ARGS --run-dir RUN_DIR --output-format FORMAT`, in-process."""
    argv = ["run", str(target)]
    for name, text in (params or {}).items():
        argv += ["-p", f"{name}={text}"]
    argv += [*args, "--run-dir", str(run_dir), "--output-format", output_format]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return Run(code, out.getvalue(), err.getvalue(), run_dir, _parse(out.getvalue()))


def flowc_subprocess(
    argv: Sequence[str], *, run_dir: Path, cwd: Path | None = None, timeout: float = 60
) -> Run:
    """`python -m flowc run ...` as a real process (the installed entry point, fd-level streams)."""
    full = [sys.executable, "-m", "flowc", "run", *argv, "--run-dir", str(run_dir)]
    done = subprocess.run(full, capture_output=True, text=True, cwd=cwd, timeout=timeout, check=False)
    return Run(done.returncode, done.stdout, done.stderr, run_dir, _parse(done.stdout))


def write_flow(root: Path, source: str) -> Path:
    """A project at `root` (created) whose `flow.py` is `source`; returns the flow file."""
    root.mkdir(parents=True, exist_ok=True)
    write_project(root, {"flow.py": source})
    return root / "flow.py"


def when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def started(task: TaskRecord, attempt: int = 0) -> datetime:
    return when(task["attempts"][attempt]["started"])


def finished(task: TaskRecord, attempt: int = -1) -> datetime:
    return when(task["attempts"][attempt]["finished"])


def count(state: Path, name: str) -> int:
    """How many times a step ran, from the counter file the flows below keep (see `BUMP`)."""
    path = state / name
    return int(path.read_text()) if path.exists() else 0


# A module-level helper for flow sources: counts calls in a file of a state directory. It is
# shipped with every step that uses it.
BUMP = '''
def bump(state: str, name: str) -> int:
    """Count a call of `name` in the directory `state`; return the new count."""
    path = Path(state) / name
    n = int(path.read_text()) if path.exists() else 0
    path.write_text(str(n + 1))
    return n + 1
'''


def check_record_shape(record: Record) -> None:
    """The run record's keys and types, as the interface defines them."""
    assert set(record) >= {
        "run_id",
        "flow",
        "path",
        "status",
        "parameters",
        "outputs",
        "started",
        "finished",
        "duration_seconds",
        "git",
        "source_hash",
        "tasks",
    }, sorted(record)
    assert isinstance(record["run_id"], str)
    assert record["run_id"]
    assert record["status"] in RUN_STATUSES
    assert isinstance(record["parameters"], dict)
    assert isinstance(record["outputs"], dict)
    when(record["started"])
    if record["status"] != "Running":
        assert when(record["finished"]) >= when(record["started"])
    assert isinstance(record["duration_seconds"], int | float)
    assert record["duration_seconds"] >= 0
    git = record["git"]
    assert git is None or (isinstance(git, dict) and set(git) >= {"commit", "branch", "dirty"}), git
    assert isinstance(record["source_hash"], str)
    assert len(record["source_hash"]) == 64
    int(record["source_hash"], 16)
    for task in record["tasks"]:
        assert set(task) >= {"path", "step", "status", "cached", "attempts", "inputs", "outputs", "dir"}, task
        assert task["status"] in TASK_STATUSES
        assert isinstance(task["cached"], bool)
        for attempt in task["attempts"]:
            assert set(attempt) >= {"started", "finished", "duration_seconds", "exit_code", "reason"}
