"""`flowc run` semantics on small flows: retries with backoff, timeouts, parallelism, fan-out and
fan-in, conditions, ordering, sub-flows, exit handlers, `continue_on_failure`, caching, resume
and cancellation.

Steps keep their side effects (call counters, marker files) in a state directory passed as a
`str` parameter, so a test can see what ran and how often, independently of the run record.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flowc.compiler.frontend.loader import load_flow
from flowc.targets import local

from tests.targets.local import (
    BUMP,
    Run,
    TaskRecord,
    check_record_shape,
    count,
    finished,
    flowc_run,
    started,
    when,
    write_flow,
)

HEADER = """
import os
import time
from pathlib import Path
from typing import Any

from flowc import Dataset, Retry, RunStatus, after, flow, parallel, step
"""


@pytest.fixture
def state(tmp_path: Path) -> Path:
    folder = tmp_path / "state"
    folder.mkdir()
    return folder


def project(tmp_path: Path, body: str) -> Path:
    """A project whose flow.py is HEADER + BUMP + `body`; returns the flow file."""
    return write_flow(tmp_path / "proj", HEADER + BUMP + body)


def run_flow(
    path: Path, flow: str, tmp_path: Path, *args: str, state: Path | None = None, **params: str
) -> Run:
    if state is not None:
        params = {"state": str(state), **params}
    return flowc_run(f"{path}:{flow}", *args, run_dir=tmp_path / "runs", params=params)


def gone(pid: int, within: float = 3.0) -> bool:
    """Whether process `pid` has ended (waiting up to `within` seconds). A zombie has ended: an
    orphan is reaped by whatever runs as pid 1, which in a container may never do it."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        stat = Path(f"/proc/{pid}/stat")
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except (OSError, IndexError):
            pass
        time.sleep(0.05)
    return False


def max_overlap(tasks: list[TaskRecord]) -> int:
    """The largest number of attempts running at the same moment, from the record's times."""
    spans = [(when(a["started"]), when(a["finished"])) for t in tasks for a in t["attempts"]]
    return max(sum(1 for s, f in spans if s <= start < f) for start, _ in spans)


# --- retries and timeouts ---------------------------------------------------------------------

RETRIES = """
@step(retries=Retry(limit=2, backoff="1s", factor=2))
def flaky(state: str) -> int:
    n = bump(state, "flaky")
    if n < 3:
        raise RuntimeError(f"attempt {n} fails")
    return n


@step(retries=1)
def flaky_short(state: str) -> int:
    n = bump(state, "flaky_short")
    if n < 3:
        raise RuntimeError(f"attempt {n} fails")
    return n


@step
def fails_once(state: str) -> int:
    n = bump(state, "fails_once")
    if n < 2:
        raise RuntimeError("first attempt fails")
    return n


@flow
def retried(state: str) -> int:
    return flaky(state)


@flow
def exhausted(state: str) -> int:
    return flaky_short(state)


@flow(retries=1)
def flow_default(state: str) -> int:
    return fails_once(state)
"""


def test_retry_with_backoff_succeeds_on_the_third_attempt(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, RETRIES), "retried", tmp_path, state=state)
    assert run.code == 0, run.describe()
    check_record_shape(run.rec)
    assert run.outputs == {"output": 3}
    task = run.task("flaky")
    assert task["status"] == "Succeeded"
    attempts = task["attempts"]
    assert len(attempts) == 3
    assert [a["exit_code"] == 0 for a in attempts] == [False, False, True]
    assert count(state, "flaky") == 3
    # backoff 1 s, then 1 s * factor 2
    first_gap = (started(task, 1) - finished(task, 0)).total_seconds()
    second_gap = (started(task, 2) - finished(task, 1)).total_seconds()
    assert first_gap >= 0.95, first_gap
    assert second_gap >= 1.95, second_gap


def test_retries_exhausted_fail_the_run(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, RETRIES), "exhausted", tmp_path, state=state)
    assert run.code == 1, run.describe()
    assert run.status == "Failed"
    task = run.task("flaky_short")
    assert task["status"] == "Failed"
    assert len(task["attempts"]) == 2
    assert all(a["exit_code"] != 0 for a in task["attempts"])
    assert count(state, "flaky_short") == 2


def test_flow_level_retries_apply_to_steps(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, RETRIES), "flow_default", tmp_path, state=state)
    assert run.code == 0, run.describe()
    assert run.outputs == {"output": 2}
    assert len(run.task("fails_once")["attempts"]) == 2


TIMEOUT = """
@step(timeout="2s")
def sleepy(state: str) -> None:
    Path(state, "pid").write_text(str(os.getpid()))
    time.sleep(30)


@step
def spawner(state: str) -> None:
    child = __import__("subprocess").Popen(["sleep", "30"])
    Path(state, "grandchild").write_text(str(child.pid))
    child.wait()


@flow
def stuck(state: str) -> None:
    sleepy(state)


@flow(timeout="1s")
def stuck_children(state: str) -> None:
    spawner(state)
"""


def test_timeout_kills_the_task(tmp_path: Path, state: Path) -> None:
    begin = time.monotonic()
    run = run_flow(project(tmp_path, TIMEOUT), "stuck", tmp_path, state=state)
    elapsed = time.monotonic() - begin
    assert elapsed < 15, elapsed
    assert run.code == 1, run.describe()
    assert run.status == "Failed"
    task = run.task("sleepy")
    assert task["status"] == "Failed"
    assert len(task["attempts"]) == 1
    assert task["attempts"][0]["reason"]  # names the timeout; wording not compared
    assert 1.9 <= (finished(task) - started(task)).total_seconds() < 10
    assert gone(int((state / "pid").read_text())), "the timed-out step process is still running"


def test_flow_timeout_default_kills_the_step_and_its_children(tmp_path: Path, state: Path) -> None:
    """A container's processes all end with it: a process the step started is killed too."""
    begin = time.monotonic()
    run = run_flow(project(tmp_path, TIMEOUT), "stuck_children", tmp_path, state=state)
    assert time.monotonic() - begin < 15
    assert run.code == 1, run.describe()
    task = run.task("spawner")
    assert task["status"] == "Failed"
    assert task["attempts"][-1]["reason"]
    assert gone(int((state / "grandchild").read_text())), "a process started by the step is still running"


LEFT_BEHIND = """
@step
def leaves_a_child(state: str, fail: bool) -> int:
    child = __import__("subprocess").Popen(["sleep", "301"])
    Path(state, "left").write_text(str(child.pid))
    if fail:
        raise RuntimeError("fails after starting a child")
    return 1


@flow
def leaver(state: str, fail: bool = False) -> int:
    return leaves_a_child(state, fail)
"""


@pytest.mark.parametrize("fail", [False, True])
def test_processes_a_finished_step_leaves_behind_are_killed(tmp_path: Path, state: Path, fail: bool) -> None:
    """When a pod's main process exits, its container's other processes end with it."""
    run = run_flow(project(tmp_path, LEFT_BEHIND), "leaver", tmp_path, state=state, fail=json.dumps(fail))
    pid = int((state / "left").read_text())
    try:
        assert run.code == (1 if fail else 0), run.describe()
        assert run.task("leaves_a_child")["status"] == ("Failed" if fail else "Succeeded")
        assert gone(pid), "a process the step left running is still running"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # not to leave it behind when the test fails


DEADLINE = """
@step(retries=Retry(limit=3))
def hang(state: str, name: str, tenths: int = 300) -> None:
    bump(state, name)
    time.sleep(tenths / 10)


@step(continue_on_failure=True)
def hang_softly(state: str) -> None:
    bump(state, "hang_softly")
    time.sleep(30)


@step(retries=Retry(limit=2, backoff="30s"))
def fails_fast(state: str) -> None:
    bump(state, "fails_fast")
    raise RuntimeError("down")


@step
def report(status: RunStatus) -> None:
    time.sleep(0.3)  # past the deadline: the exit handler is not bound by it
    print(f"status={status}")


@flow(timeout="1s")
def in_sequence(state: str, tenths: int = 6) -> None:
    a = hang(state, "first", tenths)
    with after(a):
        b = hang(state, "second", tenths)
    with after(b):
        hang(state, "third", tenths)


@flow(on_exit=report)
def overdue(state: str) -> None:
    hang(state, "a")
    hang_softly(state)
    hang(state, "c")


@flow
def retried_overdue(state: str) -> None:
    fails_fast(state)
"""


def run_with_deadline(
    path: Path, flow: str, tmp_path: Path, deadline: float, max_parallel: int | None = None, **params: str
) -> Run:
    """`flow` run through the runner's API with a whole-run deadline of `deadline` seconds, the
    one `@flow(timeout=...)` sets: a timeout in the source is whole seconds, too long here."""
    loaded = load_flow(path, flow)
    assert loaded.program is not None, loaded.diagnostics
    program = loaded.program
    entry = program.flow(program.entry or program.flows[0].key)
    options = local.RunOptions(
        parameters=local.resolve_parameters(entry, [f"{k}={v}" for k, v in params.items()]),
        path=str(path),
        root=tmp_path / "runs",
        max_parallel=max_parallel,
    )
    run = local.prepare(program, loaded.sources, options)
    run.engine.settings = dataclasses.replace(run.engine.settings, deadline=deadline)
    record = run.execute().to_json()
    return Run(0 if record["status"] == "Succeeded" else 1, "", "", tmp_path / "runs", record)


@pytest.mark.parametrize(("tenths", "status"), [(0, "Succeeded"), (6, "Failed")])
def test_flow_timeout_is_a_deadline_for_the_whole_run(
    tmp_path: Path, state: Path, tenths: int, status: str
) -> None:
    """Each step is within the flow's `timeout` of 1 s; three in a row are not (as on Argo,
    whose `activeDeadlineSeconds` bounds the whole workflow)."""
    begin = time.monotonic()
    run = run_flow(project(tmp_path, DEADLINE), "in_sequence", tmp_path, state=state, tenths=str(tenths))
    assert time.monotonic() - begin < 5
    assert run.status == status, run.describe()
    tasks = {t["inputs"].get("name", "not started"): t for t in run.tasks("hang")}
    assert tasks["first"]["status"] == "Succeeded"
    if status == "Succeeded":
        return
    assert run.code == 1
    assert run.rec["errors"]
    second = tasks["second"]
    assert second["status"] == "Failed"
    assert len(second["attempts"]) == 1  # killed at the deadline: not retried
    assert second["attempts"][0]["reason"]
    assert (finished(second) - started(tasks["first"])).total_seconds() < 1.5
    assert set(tasks) <= {"first", "second", "not started"}
    assert tasks.get("not started", {"status": "Skipped"})["status"] == "Skipped"
    assert count(state, "third") == 0


def test_deadline_kills_running_tasks_starts_none_and_runs_the_exit_handler(
    tmp_path: Path, state: Path
) -> None:
    begin = time.monotonic()
    run = run_with_deadline(
        project(tmp_path, DEADLINE), "overdue", tmp_path, 0.8, max_parallel=2, state=state
    )
    assert time.monotonic() - begin < 5
    assert run.status == "Failed", run.describe()
    check_record_shape(run.rec)
    tasks = run.tasks("hang") + run.tasks("hang_softly")
    assert sorted(len(t["attempts"]) for t in tasks) == [0, 1, 1]  # one never got a slot
    assert sorted(t["status"] for t in tasks) == ["Failed", "Failed", "Skipped"]
    assert count(state, "a") + count(state, "c") + count(state, "hang_softly") == 2
    handler = run.task("report")
    assert handler["status"] == "Succeeded"
    assert "status=Failed" in (run.task_dir(handler) / "stdout").read_text()


def test_no_retry_after_the_deadline(tmp_path: Path, state: Path) -> None:
    begin = time.monotonic()
    run = run_with_deadline(project(tmp_path, DEADLINE), "retried_overdue", tmp_path, 0.5, state=state)
    assert time.monotonic() - begin < 5  # the 30 s backoff ends at the deadline
    assert run.status == "Failed", run.describe()
    assert len(run.task("fails_fast")["attempts"]) == 1
    assert count(state, "fails_fast") == 1


# --- failures -----------------------------------------------------------------------------------

FAILURES = """
@step
def boom(state: str) -> int:
    bump(state, "boom")
    return 1 // 0


@step
def after_boom(state: str, x: int) -> int:
    bump(state, "after_boom")
    return x


@step(continue_on_failure=True)
def best_effort(state: str) -> int:
    bump(state, "best_effort")
    raise RuntimeError("down")


@step
def independent(state: str) -> int:
    bump(state, "independent")
    return 7


@step
def quits_early() -> int:
    raise SystemExit(0)  # exits cleanly without writing its output


@flow
def no_output() -> int:
    return quits_early()


@flow
def failing(state: str) -> int:
    x = boom(state)
    return after_boom(state, x)


@flow
def tolerant(state: str) -> int:
    x = best_effort(state)
    after_boom(state, x)
    return independent(state)
"""


def test_a_failing_step_fails_the_run(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, FAILURES), "failing", tmp_path, state=state)
    assert run.code == 1, run.describe()
    check_record_shape(run.rec)
    assert run.status == "Failed"
    task = run.task("boom")
    assert task["status"] == "Failed"
    assert len(task["attempts"]) == 1
    assert task["attempts"][0]["exit_code"] not in (0, None)
    assert "ZeroDivisionError" in (run.task_dir(task) / "stderr").read_text()
    assert all(t["status"] != "Succeeded" for t in run.tasks("after_boom"))
    assert count(state, "after_boom") == 0


def test_a_step_that_writes_no_output_fails(tmp_path: Path) -> None:
    run = run_flow(project(tmp_path, FAILURES), "no_output", tmp_path)
    assert run.code == 1, run.describe()
    assert run.status == "Failed"
    task = run.task("quits_early")
    assert task["status"] == "Failed"
    assert task["attempts"][-1]["exit_code"] == 0
    assert task["attempts"][-1]["reason"] or task.get("reason")


def test_continue_on_failure_lets_the_flow_succeed(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, FAILURES), "tolerant", tmp_path, state=state)
    assert run.code == 0, run.describe()
    assert run.status == "Succeeded"
    assert run.outputs == {"output": 7}
    assert run.task("best_effort")["status"] == "Failed"
    assert [t["status"] for t in run.tasks("after_boom")] in ([], ["Skipped"])
    assert count(state, "after_boom") == 0


TOLERATED = """
@step(continue_on_failure=True)
def soft(state: str, i: int) -> int:
    bump(state, f"soft{i}")
    if i == 2:
        raise RuntimeError("down")
    return i


@step
def hard(state: str, i: int) -> int:
    bump(state, f"hard{i}")
    if i == 2:
        raise RuntimeError("down")
    return i


@step
def mark(state: str, name: str) -> str:
    bump(state, name)
    return name


@step
def use(state: str, v: int) -> int:
    bump(state, "use")
    return v


@flow
def ordered_after_soft(state: str) -> str:
    s = soft(state, 2)
    with after(s):
        m = mark(state, "after_soft")
    u = use(state, s)
    with after(u):
        mark(state, "after_use")
    return m


@flow
def after_soft_fan_out(state: str, items: list[int] = [1, 2, 3]) -> str:
    xs = [soft(state, i) for i in items]
    with after(xs):
        m = mark(state, "after_all")
    return m


@flow
def after_hard_fan_out(state: str, items: list[int] = [1, 2, 3]) -> None:
    xs = [hard(state, i) for i in items]
    with after(xs):
        mark(state, "after_all")
"""


def test_continue_on_failure_runs_tasks_only_ordered_after_it(tmp_path: Path, state: Path) -> None:
    """Only the tasks that need a tolerated failure's outputs are skipped (and what needs
    theirs): a task merely `after` it runs, as on Argo, whose `depends` on a task with
    `continueOn` accepts its failure."""
    run = run_flow(project(tmp_path, TOLERATED), "ordered_after_soft", tmp_path, state=state)
    assert run.code == 0, run.describe()
    assert run.status == "Succeeded"
    assert run.outputs == {"output": "after_soft"}
    assert run.task("soft")["status"] == "Failed"
    assert count(state, "after_soft") == 1
    assert started(run.ran("mark")[0]) >= finished(run.task("soft"))
    assert [t["status"] for t in run.tasks("use")] in ([], ["Skipped"])
    assert (count(state, "use"), count(state, "after_use")) == (0, 0)


def test_after_a_fan_out_with_a_tolerated_failure_runs(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, TOLERATED), "after_soft_fan_out", tmp_path, state=state)
    assert run.code == 0, run.describe()
    assert run.outputs == {"output": "after_all"}
    assert sorted(t["status"] for t in run.tasks("soft")) == ["Failed", "Succeeded", "Succeeded"]
    assert started(run.task("mark")) >= max(finished(t) for t in run.tasks("soft"))


def test_after_a_fan_out_with_a_failure_is_skipped(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, TOLERATED), "after_hard_fan_out", tmp_path, state=state)
    assert run.code == 1, run.describe()
    assert run.status == "Failed"
    assert [t["status"] for t in run.tasks("mark")] in ([], ["Skipped"])
    assert count(state, "after_all") == 0


# --- processes, environment, logs ---------------------------------------------------------------

PROCESS = """
@step(env={"GREETING": "hi there", "EMPTY": ""})
def inspect_process(state: str) -> dict[str, Any]:
    print("to stdout")
    print("to stderr", file=__import__("sys").stderr)
    return {"pid": os.getpid(), "greeting": os.environ.get("GREETING"), "empty": os.environ.get("EMPTY")}


@step
def loud(n: int) -> int:
    import sys

    sys.stdout.write("o" * n + "\\n")
    sys.stderr.write("e" * n + "\\n")
    sys.stdout.flush()
    sys.stdout.buffer.write(b"\\xff\\xfe not utf-8\\n")
    return n


@step
def make_text(n: int) -> str:
    return "x" * n


@step
def measure(text: str, extra: str) -> int:
    return len(text) + len(extra)


@flow
def process(state: str) -> dict[str, Any]:
    return inspect_process(state)


@flow
def noisy(n: int = 2000000) -> int:
    return loud(n)


@flow
def large(n: int = 100000, extra: str = "") -> int:
    text = make_text(n)
    return measure(text, extra)
"""


def test_each_task_is_a_process_with_its_env_and_logs(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, PROCESS), "process", tmp_path, state=state)
    assert run.code == 0, run.describe()
    result = run.outputs["output"]
    assert result["pid"] != os.getpid()
    assert (result["greeting"], result["empty"]) == ("hi there", "")
    task = run.task("inspect_process")
    assert task["outputs"] == {"output": result}
    assert task["inputs"] == {"state": str(state)}
    folder = run.task_dir(task)
    assert (folder / "stdout").read_text() == "to stdout\n"
    assert "to stderr\n" in (folder / "stderr").read_text()
    assert (folder / "script.py").is_file()
    assert (folder / "outputs").is_dir()


def test_large_and_binary_logs_are_kept(tmp_path: Path) -> None:
    run = run_flow(project(tmp_path, PROCESS), "noisy", tmp_path)
    assert run.code == 0, run.describe()
    folder = run.task_dir(run.task("loud"))
    out = (folder / "stdout").read_bytes()
    assert out.startswith(b"o" * 2_000_000 + b"\n")
    assert b"\xff\xfe not utf-8" in out
    assert b"e" * 2_000_000 in (folder / "stderr").read_bytes()


def test_a_large_value_passes_between_steps(tmp_path: Path) -> None:
    """100 kB: below the kernel's 128 KiB limit on one environment string."""
    run = run_flow(project(tmp_path, PROCESS), "large", tmp_path, extra="y" * 50_000)
    assert run.code == 0, run.describe()
    assert run.outputs == {"output": 150_000}


# --- parallelism --------------------------------------------------------------------------------

PARALLEL = """
@step
def nap(seconds: float, tag: str) -> float:
    time.sleep(seconds)
    return seconds


@flow
def four(seconds: float = 1.0) -> None:
    a = nap(seconds, "a")
    b = nap(seconds, "b")
    c = nap(seconds, "c")
    d = nap(seconds, "d")


@flow
def limited(xs: list[float] = [0.4, 0.4, 0.4, 0.4]) -> None:
    for x in parallel(xs, max=2):
        nap(x, "loop")


@flow(max_parallel=1)
def serial(seconds: float = 0.3) -> None:
    a = nap(seconds, "a")
    b = nap(seconds, "b")
    c = nap(seconds, "c")
"""


def test_independent_steps_run_in_parallel(tmp_path: Path) -> None:
    path = project(tmp_path, PARALLEL)
    begin = time.monotonic()
    run = run_flow(path, "four", tmp_path, "--max-parallel", "4")
    elapsed = time.monotonic() - begin
    assert run.code == 0, run.describe()
    assert len(run.tasks("nap")) == 4
    assert elapsed < 3, elapsed
    assert max_overlap(run.tasks("nap")) == 4


def test_max_parallel_one_runs_steps_one_at_a_time(tmp_path: Path) -> None:
    path = project(tmp_path, PARALLEL)
    begin = time.monotonic()
    run = run_flow(path, "four", tmp_path, "--max-parallel", "1")
    elapsed = time.monotonic() - begin
    assert run.code == 0, run.describe()
    assert elapsed >= 4, elapsed
    assert max_overlap(run.tasks("nap")) == 1


def test_parallel_loop_limit(tmp_path: Path) -> None:
    run = run_flow(project(tmp_path, PARALLEL), "limited", tmp_path, "--max-parallel", "8")
    assert run.code == 0, run.describe()
    assert len(run.tasks("nap")) == 4
    assert max_overlap(run.tasks("nap")) == 2


def test_flow_max_parallel_option(tmp_path: Path) -> None:
    run = run_flow(project(tmp_path, PARALLEL), "serial", tmp_path)
    assert run.code == 0, run.describe()
    assert max_overlap(run.tasks("nap")) == 1


# --- fan-out, fan-in, nested loops ----------------------------------------------------------------

FAN = """
@step
def make_list(n: int) -> list[int]:
    return list(range(1, n + 1))


@step
def square(x: int) -> int:
    time.sleep(0.3 if x == 1 else 0)  # the first item finishes last
    return x * x


@step
def total(xs: list[int]) -> int:
    return sum(xs)


@step
def mark(state: str, x: int, tag: str) -> None:
    Path(state, f"{x}-{tag}").write_text("")


@flow
def fan(state: str, n: int = 3, tags: list[str] = ["a", "b"]) -> tuple[int, list[int]]:
    items = make_list(n)
    squares = [square(x) for x in items]
    t = total(squares)
    for x in items:
        for tag in tags:
            if tag != "skip":
                mark(state, x, tag)
    return (t, squares)
"""


def test_fan_out_fan_in_keeps_item_order(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, FAN), "fan", tmp_path, state=state)
    assert run.code == 0, run.describe()
    assert run.outputs == {"output_0": 14, "output_1": [1, 4, 9]}
    squares = run.tasks("square")
    assert len(squares) == 3
    assert len({t["path"] for t in squares}) == 3
    assert len({t["dir"] for t in squares}) == 3
    assert sorted(p.name for p in state.iterdir()) == ["1-a", "1-b", "2-a", "2-b", "3-a", "3-b"]
    assert len(run.ran("mark")) == 6


def test_nested_loop_with_condition_on_the_item(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, FAN), "fan", tmp_path, state=state, n="2", tags='["skip", "z"]')
    assert run.code == 0, run.describe()
    assert run.outputs == {"output_0": 5, "output_1": [1, 4]}
    assert sorted(p.name for p in state.iterdir()) == ["1-z", "2-z"]
    assert len(run.ran("mark")) == 2


def test_fan_out_over_nothing(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, FAN), "fan", tmp_path, state=state, n="0")
    assert run.code == 0, run.describe()
    assert run.outputs == {"output_0": 0, "output_1": []}
    assert run.ran("square") == []
    assert list(state.iterdir()) == []


# --- conditions -----------------------------------------------------------------------------------

BRANCHES = """
@step
def classify(n: int) -> str:
    return "big" if n > 10 else "small"


@step
def on_huge(state: str) -> None:
    Path(state, "if").write_text("")


@step
def on_big(state: str) -> None:
    Path(state, "elif").write_text("")


@step
def on_other(state: str) -> None:
    Path(state, "else").write_text("")


@step
def always(state: str) -> None:
    Path(state, "always").write_text("")


@flow
def branches(state: str, n: int = 5) -> str:
    kind = classify(n)
    if n > 100:
        on_huge(state)
    elif kind == "big" and n != 50:
        on_big(state)
    else:
        on_other(state)
    always(state)
    return kind
"""

BRANCH_STEPS = {"if": "on_huge", "elif": "on_big", "else": "on_other"}


@pytest.mark.parametrize(
    ("n", "branch", "kind"),
    [(200, "if", "big"), (20, "elif", "big"), (50, "else", "big"), (5, "else", "small")],
)
def test_if_elif_else_takes_one_branch(tmp_path: Path, state: Path, n: int, branch: str, kind: str) -> None:
    run = run_flow(project(tmp_path, BRANCHES), "branches", tmp_path, state=state, n=str(n))
    assert run.code == 0, run.describe()
    assert run.outputs == {"output": kind}
    assert sorted(p.name for p in state.iterdir()) == sorted(["always", branch])
    for name, step in BRANCH_STEPS.items():
        statuses = [t["status"] for t in run.tasks(step)]
        if name == branch:
            assert statuses == ["Succeeded"]
        else:
            assert statuses in ([], ["Skipped"]), (step, statuses)


# --- ordering, sub-flows, exit handlers ------------------------------------------------------------

ORDERED = """
@step
def first(state: str) -> None:
    time.sleep(0.5)
    Path(state, "first").write_text("")


@step
def second(state: str) -> bool:
    return Path(state, "first").exists()


@flow
def ordered(state: str) -> bool:
    x = first(state)
    with after(x):
        y = second(state)
    return y
"""


def test_after_orders_tasks_without_data(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, ORDERED), "ordered", tmp_path, state=state)
    assert run.code == 0, run.describe()
    assert run.outputs == {"output": True}
    assert started(run.task("second")) >= finished(run.task("first"))


AFTER_GROUPS = """
@step
def slow(state: str, name: str, tenths: int) -> int:
    time.sleep(tenths / 10)
    Path(state, "done-" + name).write_text("")
    return tenths


@step
def expect(state: str, prefix: str, n: int) -> int:
    found = len(list(Path(state).glob(prefix + "*")))
    if found != n:
        raise RuntimeError(f"{found} tasks done, expected {n}")
    return found


@flow
def chain(state: str, tag: str) -> int:
    x = slow(state, f"{tag}-1", 1)
    with after(x):
        y = slow(state, f"{tag}-2", 1)
    return y


@flow
def inner_fan(state: str, tag: str, items: list[int]) -> int:
    xs = [slow(state, f"{tag}{i}", i) for i in items]
    with after(xs):
        n = expect(state, f"done-{tag}", 2)
    return n


@flow
def after_fan_out(state: str, items: list[int] = [3, 1, 2]) -> int:
    xs = [slow(state, f"a{i}", i) for i in items]
    with after(xs):
        n = expect(state, "done-a", 3)
    return n


@flow
def after_sub_flows(state: str, items: list[int] = [2, 1]) -> tuple[int, int]:
    s = chain(state, "s")
    with after(s):
        n = expect(state, "done-s-", 2)
    ys = [chain(state, f"y{i}") for i in items]
    with after(ys):
        m = expect(state, "done-y", 4)
    return (n, m)


@flow
def after_nested(state: str, items: list[int] = [2, 1], go: bool = True) -> list[int]:
    for i in items:
        xs = [slow(state, f"f{i}-{j}", j) for j in items]
        with after(xs):
            expect(state, f"done-f{i}-", 2)
    ys = [slow(state, f"g{i}", i) for i in items]
    for i in items:
        with after(ys):
            expect(state, "done-g", 2)
    if go:
        zs = [slow(state, f"h{i}", i) for i in items]
        with after(zs):
            expect(state, "done-h", 2)
    inner_fan(state, "k", items)
    return [inner_fan(state, f"w{i}-", items) for i in items]


@flow
def after_nothing(state: str, items: list[int] = []) -> int:
    xs = [slow(state, f"n{i}", i) for i in items]
    with after(xs):
        n = expect(state, "done-n", 0)
    return n
"""


def test_after_a_fan_out_waits_for_every_iteration(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, AFTER_GROUPS), "after_fan_out", tmp_path, state=state)
    assert run.code == 0, run.describe()
    assert run.outputs == {"output": 3}
    assert started(run.task("expect")) >= max(finished(t) for t in run.tasks("slow"))


def test_after_a_sub_flow_and_a_fan_out_of_sub_flows(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, AFTER_GROUPS), "after_sub_flows", tmp_path, state=state)
    assert run.code == 0, run.describe()
    assert run.outputs == {"output_0": 2, "output_1": 4}
    assert len(run.ran("slow")) == 6


def test_after_a_fan_out_in_every_nesting(tmp_path: Path, state: Path) -> None:
    """Inside a loop body, a loop body after an outer fan-out, a branch, a sub-flow, and a
    fan-out of sub-flows: each `expect` fails unless all the tasks it runs after are done."""
    run = run_flow(
        project(tmp_path, AFTER_GROUPS), "after_nested", tmp_path, "--max-parallel", "8", state=state
    )
    assert run.code == 0, run.describe()
    assert run.outputs == {"output": [2, 2]}
    assert len(run.ran("expect")) == 2 + 2 + 1 + 1 + 2
    assert all(t["status"] == "Succeeded" for t in run.tasks("expect"))


def test_after_an_empty_fan_out_runs(tmp_path: Path, state: Path) -> None:
    run = run_flow(project(tmp_path, AFTER_GROUPS), "after_nothing", tmp_path, state=state)
    assert run.code == 0, run.describe()
    assert run.outputs == {"output": 0}
    assert run.tasks("slow") == []


SUBFLOWS = """
@step
def double(x: int) -> int:
    return 2 * x


@step
def inc(x: int) -> int:
    return x + 1


@step
def total(xs: list[int]) -> int:
    return sum(xs)


@flow
def inner(x: int) -> int:
    d = double(x)
    return inc(d)


@flow
def pair(x: int) -> tuple[int, int]:
    return (double(x), inc(x))


@flow
def outer(xs: list[int] = [1, 2, 3]) -> tuple[int, int, int]:
    ys = [inner(x) for x in xs]
    a, b = pair(5)
    return (total(ys), a, b)
"""


def test_sub_flow_outputs(tmp_path: Path) -> None:
    run = run_flow(project(tmp_path, SUBFLOWS), "outer", tmp_path)
    assert run.code == 0, run.describe()
    # inner(x) = 2x + 1: 3 + 5 + 7; pair(5) = (10, 6)
    assert run.outputs == {"output_0": 15, "output_1": 10, "output_2": 6}
    assert len(run.tasks("double")) == 4
    assert len({t["path"] for t in run.tasks("double")}) == 4


def test_a_sub_flow_runs_on_its_own(tmp_path: Path) -> None:
    run = run_flow(project(tmp_path, SUBFLOWS), "pair", tmp_path, x="4")
    assert run.code == 0, run.describe()
    assert run.outputs == {"output_0": 8, "output_1": 5}
    assert run.rec["flow"] == "pair"


EXIT_HANDLER = """
@step
def work(fail: bool) -> int:
    if fail:
        raise SystemExit(3)
    return 1


@step
def on_end(status: RunStatus, state: str = STATE) -> None:
    Path(state, "status").write_text(str(status))


@flow(on_exit=on_end)
def guarded(fail: bool = False) -> int:
    return work(fail)
"""


@pytest.mark.parametrize(("fail", "code", "status"), [("false", 0, "Succeeded"), ("true", 1, "Failed")])
def test_exit_handler_receives_the_run_status(
    tmp_path: Path, state: Path, fail: str, code: int, status: str
) -> None:
    path = project(tmp_path, f"\nSTATE = {str(state)!r}\n" + EXIT_HANDLER)
    run = run_flow(path, "guarded", tmp_path, fail=fail)
    assert run.code == code, run.describe()
    assert run.status == status
    assert (state / "status").read_text() == status
    assert run.task("work")["status"] == status


# --- caching ------------------------------------------------------------------------------------

CACHED = """
@step(cache=True)
def expensive(state: str, x: int) -> int:
    bump(state, "expensive")
    return x * 10


@step
def cheap(state: str, y: int) -> int:
    bump(state, "cheap")
    return y + 1


@step(cache=True)
def make_data(state: str, n: int) -> Dataset:
    bump(state, "make_data")
    out = Path("data.txt")
    out.write_text(str(n) * 3)
    return out


@step
def read(data: Dataset) -> str:
    return data.read_text()


@step
def produce(state: str, text: str) -> Dataset:
    bump(state, "produce")
    out = Path("produced.txt")
    out.write_text(text)
    return out


@step(cache=True)
def digest(state: str, data: Dataset) -> str:
    bump(state, "digest")
    return data.read_text().upper()


@step(cache=True)
def picky(state: str) -> int:
    bump(state, "picky")
    if not Path(state, "marker").exists():
        raise RuntimeError("no marker yet")
    return 5


@flow
def cached(state: str, x: int = 1) -> int:
    y = expensive(state, x)
    return cheap(state, y)


@flow
def by_content(state: str, text: str = "abc") -> str:
    data = produce(state, text)
    return digest(state, data)


@flow
def cached_failure(state: str) -> int:
    return picky(state)


@step(cache=True)
def spread(state: str, x: int) -> int:
    Path(state, f"spread-{os.getpid()}").write_text("")  # one file per call: no shared counter
    time.sleep(0.2)
    return x * 10


@flow
def same_inputs(state: str, xs: list[int] = [5, 5, 5, 5]) -> list[int]:
    return [spread(state, x) for x in xs]


@flow
def cached_artifact(state: str, n: int = 4) -> str:
    data = make_data(state, n)
    return read(data)
"""


def test_cache_reuses_results_across_runs(tmp_path: Path, state: Path) -> None:
    path = project(tmp_path, CACHED)
    first = run_flow(path, "cached", tmp_path, state=state)
    assert first.code == 0, first.describe()
    assert first.outputs == {"output": 11}
    assert first.task("expensive")["cached"] is False

    second = run_flow(path, "cached", tmp_path, state=state)
    assert second.code == 0, second.describe()
    assert second.outputs == {"output": 11}
    assert second.task("expensive")["cached"] is True
    assert second.task("expensive")["status"] == "Succeeded"
    assert second.task("expensive")["outputs"] == {"output": 10}
    assert second.task("cheap")["cached"] is False  # not a cache=True step: runs every time
    assert (count(state, "expensive"), count(state, "cheap")) == (1, 2)
    assert second.rec["run_id"] != first.rec["run_id"]


def test_no_cache_reruns(tmp_path: Path, state: Path) -> None:
    path = project(tmp_path, CACHED)
    assert run_flow(path, "cached", tmp_path, state=state).code == 0
    run = run_flow(path, "cached", tmp_path, "--no-cache", state=state)
    assert run.code == 0, run.describe()
    assert run.task("expensive")["cached"] is False
    assert count(state, "expensive") == 2


def test_changed_input_reruns_a_cached_step(tmp_path: Path, state: Path) -> None:
    path = project(tmp_path, CACHED)
    assert run_flow(path, "cached", tmp_path, state=state).code == 0
    changed = run_flow(path, "cached", tmp_path, state=state, x="2")
    assert changed.code == 0, changed.describe()
    assert changed.outputs == {"output": 21}
    assert changed.task("expensive")["cached"] is False
    assert count(state, "expensive") == 2
    again = run_flow(path, "cached", tmp_path, state=state, x="2")
    assert again.task("expensive")["cached"] is True
    assert count(state, "expensive") == 2


def test_cache_version_bump_reruns(tmp_path: Path, state: Path) -> None:
    path = project(
        tmp_path, CACHED.replace("@step(cache=True)\ndef expensive", '@step(cache="v1")\ndef expensive')
    )
    assert run_flow(path, "cached", tmp_path, state=state).code == 0
    assert run_flow(path, "cached", tmp_path, state=state).task("expensive")["cached"] is True
    path.write_text(path.read_text().replace('cache="v1"', 'cache="v2"'))
    run = run_flow(path, "cached", tmp_path, state=state)
    assert run.code == 0, run.describe()
    assert run.task("expensive")["cached"] is False
    assert count(state, "expensive") == 2


def test_cached_artifact_is_passed_on(tmp_path: Path, state: Path) -> None:
    path = project(tmp_path, CACHED)
    assert run_flow(path, "cached_artifact", tmp_path, state=state).outputs == {"output": "444"}
    run = run_flow(path, "cached_artifact", tmp_path, state=state)
    assert run.code == 0, run.describe()
    assert run.task("make_data")["cached"] is True
    assert run.outputs == {"output": "444"}
    assert count(state, "make_data") == 1


def test_cache_key_is_the_artifact_content_not_its_path(tmp_path: Path, state: Path) -> None:
    path = project(tmp_path, CACHED)
    assert run_flow(path, "by_content", tmp_path, state=state).outputs == {"output": "ABC"}
    again = run_flow(path, "by_content", tmp_path, state=state)
    assert again.code == 0, again.describe()
    assert again.task("produce")["cached"] is False  # a new file, at a new path, same bytes
    assert again.task("digest")["cached"] is True
    assert (count(state, "produce"), count(state, "digest")) == (2, 1)
    changed = run_flow(path, "by_content", tmp_path, state=state, text="xyz")
    assert changed.outputs == {"output": "XYZ"}
    assert changed.task("digest")["cached"] is False
    assert count(state, "digest") == 2


def test_a_failure_is_never_cached(tmp_path: Path, state: Path) -> None:
    path = project(tmp_path, CACHED)
    assert run_flow(path, "cached_failure", tmp_path, state=state).code == 1
    (state / "marker").write_text("")
    run = run_flow(path, "cached_failure", tmp_path, state=state)
    assert run.code == 0, run.describe()
    assert run.task("picky")["cached"] is False
    assert run.outputs == {"output": 5}
    assert count(state, "picky") == 2


def test_identical_cached_tasks_in_one_run(tmp_path: Path, state: Path) -> None:
    path = project(tmp_path, CACHED)
    first = run_flow(path, "same_inputs", tmp_path, "--max-parallel", "4", state=state)
    assert first.code == 0, first.describe()
    assert first.outputs == {"output": [50, 50, 50, 50]}
    ran = len(list(state.glob("spread-*")))
    assert 1 <= ran <= 4
    second = run_flow(path, "same_inputs", tmp_path, "--max-parallel", "4", state=state)
    assert second.code == 0, second.describe()
    assert second.outputs == {"output": [50, 50, 50, 50]}
    assert {t["cached"] for t in second.tasks("spread")} == {True}
    assert len(list(state.glob("spread-*"))) == ran


# --- resume -------------------------------------------------------------------------------------

CHAIN = """
@step
def a(state: str) -> int:
    bump(state, "a")
    return 1


@step
def b(state: str, x: int) -> int:
    bump(state, "b")
    return x + 1


@step
def c(state: str, y: int) -> int:
    bump(state, "c")
    if not Path(state, "marker").exists():
        raise RuntimeError("no marker yet")
    return y + 1


@flow
def chain(state: str) -> int:
    x = a(state)
    y = b(state, x)
    return c(state, y)
"""


def test_resume_reruns_only_what_failed(tmp_path: Path, state: Path) -> None:
    path = project(tmp_path, CHAIN)
    failed = run_flow(path, "chain", tmp_path, state=state)
    assert failed.code == 1, failed.describe()
    assert failed.status == "Failed"
    assert failed.task("c")["status"] == "Failed"

    (state / "marker").write_text("")
    resumed = run_flow(path, "chain", tmp_path, "--resume", failed.rec["run_id"], state=state)
    assert resumed.code == 0, resumed.describe()
    assert resumed.status == "Succeeded"
    assert resumed.outputs == {"output": 3}
    assert (resumed.task("a")["cached"], resumed.task("b")["cached"], resumed.task("c")["cached"]) == (
        True,
        True,
        False,
    )
    assert (count(state, "a"), count(state, "b"), count(state, "c")) == (1, 1, 2)
    assert resumed.task("a")["reason"] == "resumed"  # not a cache hit


def test_resume_reruns_a_task_whose_code_changed(tmp_path: Path, state: Path) -> None:
    path = project(tmp_path, CHAIN)
    failed = run_flow(path, "chain", tmp_path, state=state)
    assert failed.code == 1, failed.describe()
    (state / "marker").write_text("")
    path.write_text(path.read_text().replace("return x + 1", "return x + 10"))
    resumed = run_flow(path, "chain", tmp_path, "--resume", failed.rec["run_id"], state=state)
    assert resumed.code == 0, resumed.describe()
    assert resumed.outputs == {"output": 12}
    assert resumed.task("a")["cached"] is True
    assert resumed.task("b")["cached"] is False
    assert (count(state, "a"), count(state, "b"), count(state, "c")) == (1, 2, 2)


# --- cancellation -------------------------------------------------------------------------------

LONG = """
@step
def quick(state: str) -> int:
    bump(state, "quick")
    return 1


@step
def slow(state: str, x: int) -> int:
    if bump(state, "slow") == 1:
        Path(state, "slow.pid").write_text(str(os.getpid()))
        time.sleep(30)
    return x + 1


@step
def last(state: str, y: int) -> int:
    bump(state, "last")
    return y + 1


@flow
def long(state: str) -> int:
    x = quick(state)
    y = slow(state, x)
    return last(state, y)
"""


def _read_record(run_dir: Path) -> dict[str, Any] | None:
    for path in (run_dir / "runs").glob("*/run.json"):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            return None  # being written
        return record if isinstance(record, dict) else None
    return None


@pytest.fixture
def popen() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; any still running at the end are killed (by their own pid)."""
    started_here: list[subprocess.Popen[str]] = []
    yield started_here
    for proc in started_here:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_interrupt_cancels_the_run_and_resume_finishes_it(
    tmp_path: Path, state: Path, popen: list[subprocess.Popen[str]]
) -> None:
    path = project(tmp_path, LONG)
    run_dir = tmp_path / "runs"
    argv = [sys.executable, "-m", "flowc", "run", f"{path}:long", "-p", f"state={state}"]
    argv += ["--run-dir", str(run_dir), "--output-format", "json"]
    # SIGINT at its default in the child even if this test process ignores it (xdist workers)
    pipe = subprocess.PIPE
    proc = subprocess.Popen(argv, stdout=pipe, stderr=pipe, text=True, preexec_fn=_default_sigint)  # noqa: PLW1509
    popen.append(proc)

    # wait until `quick` has finished and `slow` is running
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        record = _read_record(run_dir)
        tasks = record.get("tasks", []) if record else []
        done = any(t["step"] == "quick" and t["status"] == "Succeeded" for t in tasks)
        if done and (state / "slow.pid").exists():
            break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    else:
        pytest.fail("run.json never showed `quick` finished while `slow` runs")

    os.kill(proc.pid, signal.SIGINT)
    stopped = time.monotonic()
    out, err = proc.communicate(timeout=15)
    assert time.monotonic() - stopped < 10
    assert proc.returncode == 130, err[-2000:]
    assert json.loads(out)["status"] == "Cancelled"  # the record is still printed, once
    record = _read_record(run_dir)
    assert record is not None
    assert record["status"] == "Cancelled"
    check_record_shape(record)
    assert gone(int((state / "slow.pid").read_text())), "the interrupted step process is still running"
    statuses = {t["step"]: t["status"] for t in record["tasks"]}
    assert statuses["quick"] == "Succeeded"
    assert statuses["slow"] != "Succeeded"
    assert statuses.get("last") != "Succeeded"
    assert count(state, "last") == 0

    run_id = str(record["run_id"])
    assert json.loads((run_dir / "runs" / run_id / "run.json").read_text())["status"] == "Cancelled"
    resumed = run_flow(path, "long", tmp_path, "--resume", run_id, state=state)
    assert resumed.code == 0, resumed.describe()
    assert resumed.outputs == {"output": 3}
    assert resumed.task("quick")["cached"] is True
    assert resumed.task("slow")["cached"] is False
    assert (count(state, "quick"), count(state, "slow"), count(state, "last")) == (1, 2, 1)


HANDLED = CHAIN.replace("@flow\ndef chain(state: str)", "@flow(on_exit=tell)\ndef chain(state: str)").replace(
    "@step\ndef a(",
    '@step\ndef tell(status: RunStatus) -> None:\n    print("run", status)\n\n\n@step\ndef a(',
)


def test_resume_runs_the_exit_handler_again(tmp_path: Path, state: Path) -> None:
    """It reports on the run it belongs to: a resumed run that ends Failed again must say so."""
    path = project(tmp_path, HANDLED)
    failed = run_flow(path, "chain", tmp_path, state=state)
    assert failed.status == "Failed", failed.describe()
    again = run_flow(path, "chain", tmp_path, "--resume", failed.rec["run_id"], state=state)
    assert again.status == "Failed", again.describe()
    assert again.task("tell")["cached"] is False
    assert again.task("a")["cached"] is True


def _wheel(folder: Path) -> Path:
    """A one-module wheel, `demo_pkg` (VALUE = 42): pip installs it without the network."""
    import base64
    import hashlib
    import zipfile

    files = {
        "demo_pkg.py": b"VALUE = 42\n",
        "demo_pkg-0.1.dist-info/METADATA": b"Metadata-Version: 2.1\nName: demo-pkg\nVersion: 0.1\n",
        "demo_pkg-0.1.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    digest = {
        n: base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b"=").decode()
        for n, d in files.items()
    }
    record = [f"{n},sha256={digest[n]},{len(d)}" for n, d in files.items()] + [
        "demo_pkg-0.1.dist-info/RECORD,,"
    ]
    files["demo_pkg-0.1.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    path = folder / "demo_pkg-0.1-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for name, data in files.items():
            wheel.writestr(name, data)
    return path


def test_packages_install_into_the_task_not_the_interpreter(tmp_path: Path) -> None:
    """A pod installs `packages=` into its image; a local task into its own folder, so a run
    never changes the environment flowc (or `--python`) runs from."""
    wheel = _wheel(tmp_path)
    body = f"""
@step(packages=["demo_pkg @ {wheel.as_uri()}"])
def use() -> int:
    import demo_pkg

    return demo_pkg.VALUE


@flow
def pk() -> int:
    return use()
"""
    result = run_flow(project(tmp_path, body), "pk", tmp_path)
    assert result.code == 0, result.describe()
    assert result.outputs == {"output": 42}
    assert importlib.util.find_spec("demo_pkg") is None


def test_the_exit_handler_never_shares_a_task_folder(tmp_path: Path) -> None:
    """A task already named `on_exit` (and one named after the handler's step) keeps its own."""
    body = """
@step
def notify(msg: str = "exit") -> None:
    print("notify", msg)


@step
def on_exit() -> int:
    print("the on_exit step")
    return 1


@flow(on_exit=notify)
def coll() -> None:
    on_exit()
    notify(msg="body")
"""
    result = run_flow(project(tmp_path, body), "coll", tmp_path)
    assert result.code == 0, result.describe()
    paths = [t["path"] for t in result.rec["tasks"]]
    assert len(paths) == len(set(paths)) == 3


def test_cases_of_an_undecided_condition_say_why_they_were_skipped(tmp_path: Path) -> None:
    """A condition reading a failed tolerated task takes no case: not "branch not taken"."""
    body = """
@step(continue_on_failure=True)
def score() -> float:
    raise RuntimeError("no score")


@step
def deploy() -> None:
    pass


@step
def hold() -> None:
    pass


@flow
def gate() -> None:
    s = score()
    if s > 0.5:
        deploy()
    else:
        hold()
"""
    result = run_flow(project(tmp_path, body), "gate", tmp_path)
    reasons = {t["path"]: t["reason"] for t in result.rec["tasks"] if t["status"] == "Skipped"}
    assert set(reasons) == {"deploy", "hold"}
    assert all("not decided" in r and "score" in r for r in reasons.values())
