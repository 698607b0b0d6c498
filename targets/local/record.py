"""The run record (`run.json`): what ran, with which values, how long, and where its files are.

The record is mutable while the run goes on; `RunRecord.to_json` gives the document, written
atomically (temporary file + rename) so that a reader, or a `--resume` after a crash, never
sees half of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flowc.targets.local.values import jsonable

SUCCEEDED, FAILED, SKIPPED, RUNNING, CANCELLED = "Succeeded", "Failed", "Skipped", "Running", "Cancelled"


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="milliseconds") if moment is not None else None


def new_run_id(flow_name: str, started: datetime) -> str:
    return f"{flow_name}-{started.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"


@dataclass
class Attempt:
    started: datetime
    finished: datetime | None = None
    exit_code: int | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        duration = (self.finished - self.started).total_seconds() if self.finished else None
        return {
            "started": iso(self.started),
            "finished": iso(self.finished),
            "duration_seconds": round(duration, 3) if duration is not None else None,
            "exit_code": self.exit_code,
            "reason": self.reason,
        }


@dataclass
class TaskRecord:
    path: str
    step: str
    dir: str  # relative to the run directory
    status: str = RUNNING
    cached: bool = False
    attempts: list[Attempt] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    cache_key: str | None = None
    reason: str | None = None  # why it was skipped, failed or cancelled

    @property
    def duration(self) -> float:
        return sum((a.finished - a.started).total_seconds() for a in self.attempts if a.finished is not None)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "step": self.step,
            "status": self.status,
            "cached": self.cached,
            "attempts": [a.to_json() for a in self.attempts],
            "inputs": jsonable(self.inputs),
            "outputs": jsonable(self.outputs),
            "dir": self.dir,
            "cache_key": self.cache_key,
            "reason": self.reason,
        }


@dataclass
class RunRecord:
    run_id: str
    flow: str
    path: str
    parameters: dict[str, Any]
    started: datetime
    source_hash: str
    git: dict[str, Any] | None
    resumed_from: str | None = None
    status: str = RUNNING
    outputs: dict[str, Any] = field(default_factory=dict)
    finished: datetime | None = None
    tasks: list[TaskRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems of the run, not of one task

    def to_json(self) -> dict[str, Any]:
        end = self.finished or now()
        return {
            "run_id": self.run_id,
            "flow": self.flow,
            "path": self.path,
            "status": self.status,
            "parameters": jsonable(self.parameters),
            "outputs": jsonable(self.outputs),
            "started": iso(self.started),
            "finished": iso(self.finished),
            "duration_seconds": round((end - self.started).total_seconds(), 3),
            "git": self.git,
            "source_hash": self.source_hash,
            "resumed_from": self.resumed_from,
            "errors": self.errors,
            "tasks": [task.to_json() for task in self.tasks],
        }


def write_json_atomic(path: Path, document: Mapping[str, Any]) -> None:
    data = json.dumps(document, indent=2, allow_nan=False, default=str).encode() + b"\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def source_hash(sources: Mapping[str, str]) -> str:
    """sha256 over every module the flow was read from (the same digest as `--stamp`)."""
    digest = hashlib.sha256()
    for path in sorted(sources):
        digest.update(path.encode() + b"\0" + sources[path].encode() + b"\0")
    return digest.hexdigest()


def git_info(flow_file: Path) -> dict[str, Any] | None:
    """Commit, branch (None when detached) and dirty flag of the repository holding the flow."""
    import git  # only `run` pays for gitpython

    try:
        repo = git.Repo(flow_file.resolve().parent, search_parent_directories=True)
        commit = repo.head.commit.hexsha
        branch = None if repo.head.is_detached else repo.active_branch.name
        return {"commit": commit, "branch": branch, "dirty": repo.is_dirty(untracked_files=True)}
    except (ValueError, OSError, git.exc.GitError):
        return None
