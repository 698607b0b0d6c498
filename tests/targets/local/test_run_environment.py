"""`flowc run` when its environment lets it down: a run record that can't be written, a record to
`--resume` that is damaged, out of place or of another flow. Each is the user's to fix, so each
exits 2 with an error naming the file, never as an internal error (a flowc bug).
"""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from flowc.targets.local import engine

from tests.targets.local import BUMP, Run, count, flowc_run, flowc_subprocess, write_flow

HEADER = """
import shutil
import time
from pathlib import Path

from flowc import flow, step
"""

# A task's working directory is `<run>/tasks/<task>/work`: the steps below reach the run's
# record from there, to put a directory in its way (every write of it fails, as on a read-only
# or full disk, whoever runs the test) or to take it away again.
RECORD = """
def record_path() -> Path:
    return Path.cwd().parents[2] / "run.json"


@step
def block(state: str) -> int:
    time.sleep(0.3)  # after the record said this task is running
    record_path().unlink()
    (record_path() / "in-the-way").mkdir(parents=True)
    bump(state, "block")
    return 1


@step
def unblock(state: str, x: int) -> int:
    shutil.rmtree(record_path())
    bump(state, "unblock")
    return x + 1


@step
def then(state: str, x: int) -> int:
    bump(state, "then")
    return x + 1


@flow
def blocked(state: str) -> int:
    return then(state, block(state))


@flow
def recovered(state: str) -> int:
    return then(state, unblock(state, block(state)))


@flow
def other(state: str) -> int:
    return then(state, 1)


@flow
def again(state: str) -> int:
    return then(state, 1)
"""


@pytest.fixture
def state(tmp_path: Path) -> Path:
    folder = tmp_path / "state"
    folder.mkdir()
    return folder


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return write_flow(tmp_path / "proj", HEADER + BUMP + RECORD)


def run_flow(path: Path, flow: str, tmp_path: Path, state: Path, *args: str) -> Run:
    return flowc_run(f"{path}:{flow}", *args, run_dir=tmp_path / "runs", params={"state": str(state)})


def user_error(run: Run) -> bool:
    """Exit 2 with an error of the user's (not an internal error, not a traceback)."""
    return run.code == 2 and "internal error" not in run.stderr and "Traceback" not in run.stderr


def only_run(tmp_path: Path) -> Path:
    (home,) = (tmp_path / "runs" / "runs").iterdir()
    return home


# --- an unwritable run record -----------------------------------------------------------------


def test_a_record_that_cannot_be_written_is_an_error_naming_it(
    path: Path, tmp_path: Path, state: Path
) -> None:
    """The run goes on (the tasks after it still run) and the error comes at the end."""
    argv = [f"{path}:blocked", "-p", f"state={state}"]
    run = flowc_subprocess(argv, run_dir=tmp_path / "runs")
    assert user_error(run), run.describe()
    assert str(only_run(tmp_path) / "run.json") in run.stderr
    assert (count(state, "block"), count(state, "then")) == (1, 1)


def test_a_record_writable_again_by_the_end_is_complete(path: Path, tmp_path: Path, state: Path) -> None:
    run = run_flow(path, "recovered", tmp_path, state)
    assert run.code == 0, run.describe()
    assert run.outputs == {"output": 3}
    on_disk = json.loads((run.home / "run.json").read_text())
    assert on_disk["status"] == "Succeeded"
    assert [t["status"] for t in on_disk["tasks"]] == ["Succeeded"] * 3


def test_no_task_runs_when_the_record_cannot_be_written_at_all(
    path: Path, tmp_path: Path, state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(path: Path, document: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(engine, "write_json_atomic", full)
    run = run_flow(path, "other", tmp_path, state)
    assert user_error(run), run.describe()
    assert str(only_run(tmp_path) / "run.json") in run.stderr
    assert count(state, "then") == 0


# --- resuming -----------------------------------------------------------------------------------


def earlier_run(path: Path, tmp_path: Path, state: Path) -> Run:
    """A finished run of `other`, its record intact: its `then` could be reused."""
    run = run_flow(path, "other", tmp_path, state)
    assert run.code == 0, run.describe()
    return run


@pytest.mark.parametrize(
    "document",
    [
        "[]",
        "null",
        '"str"',
        "{",
        '{"tasks": 5}',
        '{"tasks": [1]}',
        '{"flow": "other", "tasks": [{"status": "Succeeded", "cache_key": [1], "dir": "tasks/then"}]}',
        '{"flow": "other", "tasks": [{"status": "Succeeded", "cache_key": "k", "dir": 7}]}',
    ],
)
def test_resume_of_a_damaged_record_is_an_error_naming_it(
    path: Path, tmp_path: Path, state: Path, document: str
) -> None:
    earlier = earlier_run(path, tmp_path, state)
    (earlier.home / "run.json").write_text(document)
    run = run_flow(path, "other", tmp_path, state, "--resume", earlier.rec["run_id"])
    assert user_error(run), run.describe()
    assert str(earlier.home / "run.json") in run.stderr
    assert count(state, "then") == 1


@pytest.mark.parametrize("run_id", ["../../elsewhere", "{tmp}/elsewhere", "..", ".", ""])
def test_resume_takes_only_a_run_id(path: Path, tmp_path: Path, state: Path, run_id: str) -> None:
    """Not a path: a run outside `runs/` is never read, even a good one."""
    earlier = earlier_run(path, tmp_path, state)
    shutil.copytree(earlier.home, tmp_path / "elsewhere")
    shutil.copy(earlier.home / "run.json", tmp_path / "runs" / "run.json")
    shutil.copy(earlier.home / "run.json", tmp_path / "runs" / "runs" / "run.json")
    run = run_flow(path, "other", tmp_path, state, "--resume", run_id.format(tmp=tmp_path))
    assert user_error(run), run.describe()
    assert count(state, "then") == 1


def test_resume_of_another_flows_run_is_refused(path: Path, tmp_path: Path, state: Path) -> None:
    """`other` and `again` share the task `then(state, 1)`, yet a run of one is not the other's."""
    earlier = earlier_run(path, tmp_path, state)
    run = run_flow(path, "again", tmp_path, state, "--resume", earlier.rec["run_id"])
    assert user_error(run), run.describe()
    assert count(state, "then") == 1


def test_resume_of_the_same_flow_still_reuses(path: Path, tmp_path: Path, state: Path) -> None:
    earlier = earlier_run(path, tmp_path, state)
    run = run_flow(path, "other", tmp_path, state, "--resume", earlier.rec["run_id"])
    assert run.code == 0, run.describe()
    assert run.task("then")["reason"] == "resumed"
    assert count(state, "then") == 1
