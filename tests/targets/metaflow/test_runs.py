"""Every example compiled for Metaflow RUNS with real Metaflow (`metaflow.Runner`, the local
runtime and datastore) and gives what the flow's Python gives: the flow's results, read back
through Metaflow's client API from the `end` step's artifacts, equal the in-process call.
Hostile strings arrive unchanged, a step with `retries` that fails once succeeds on its retry,
files travel between steps (also collected from a foreach), and the exit handler runs with the
run's status.

The cases are those of the KFP execution tests (tests/targets/kfp/test_local_execution.py):
the same parameters, the same in-process reference. Runs start together on a small pool, each
a `python flow.py run` process of its own, sharing one datastore directory.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flowc.targets import CompileOptions, load_target

from tests.harness import load_one
from tests.targets.kfp.test_local_execution import (
    CASES,
    CONSTRUCTS_FLOW,
    EXIT_LINES,
    HOSTILE_CASES,
    HOSTILE_FLOW,
    SECRET_ENV,
    Case,
    HostileCase,
    expected_outputs,
    flow_outputs,
    in_process,
    same,
)
from tests.targets.metaflow import EXAMPLES, compile_example, metaflow_env

metaflow = pytest.importorskip("metaflow")

WORKERS = min(4, max(2, os.cpu_count() or 2))

ARTIFACT_FLOW = """
from pathlib import Path

from flowc import Dataset, Model, flow, step


@step
def write(text: str) -> Dataset:
    out = Path("data.txt")
    out.write_text(text)
    return out


@step
def fit(data: Dataset, scale: int) -> Model:
    out = Path("model")
    out.mkdir()
    (out / "weights.txt").write_text(data.read_text() * scale)
    (out / "meta").mkdir()
    (out / "meta" / "scale.txt").write_text(str(scale))
    return out


@step
def read(model: Model) -> str:
    return (model / "weights.txt").read_text() + "|" + (model / "meta" / "scale.txt").read_text()


@flow
def files(text: str = "ab", scales: list[int] = [1, 2]) -> tuple[str, list[str], Dataset]:
    data = write(text)
    models = [fit(data, s) for s in scales]
    texts = [read(m) for m in models]
    return (read(fit(data, 3)), texts, data)
"""


@dataclass(frozen=True)
class Job:
    flow_file: Path
    params: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    successful: bool
    data: dict[str, Any]
    stdout: str


def run(job: Job, root: Path, outputs: list[str]) -> Outcome:
    from metaflow import Runner

    env = {k: v for k, v in metaflow_env().items() if k not in SECRET_ENV}
    with Runner(str(job.flow_file), cwd=str(root), env=env, show_output=False) as runner:
        result = runner.run(**job.params)
        client_run = result.run
        successful = bool(client_run and client_run.successful)
        data = {name: getattr(client_run.data, name) for name in outputs} if successful else {}
        return Outcome(successful, data, result.stdout + result.stderr)


@pytest.fixture(scope="module")
def pool() -> Any:
    from metaflow import namespace
    from metaflow.cli import start  # noqa: F401  (Runner imports it lazily, and not thread-safely)

    namespace(None)  # the client reads runs of any user: the runs' user is set, this process's isn't
    with ThreadPoolExecutor(WORKERS) as executor:
        yield executor


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("metaflow-runs")
    # Metaflow makes its local datastore `.metaflow` in the working directory when none is
    # found above it: runs started side by side would race to create it (FileExistsError)
    (path / ".metaflow").mkdir()
    return path


def compile_source(folder: Path, source: str) -> Path:
    """The one flow of `source` compiled into the runs' directory (see `example_runs`)."""
    (folder / "src").mkdir()
    loaded = load_one(folder / "src", source)
    assert loaded.ok and loaded.program is not None, loaded.diagnostics
    result = load_target("metaflow").compile(loaded.program, CompileOptions(sources=loaded.sources))
    assert result.ok, [(d.code, d.message) for d in result.diagnostics]
    (output,) = result.outputs
    path = folder.parent / output.name
    path.write_bytes(output.data)
    return path


# --- the examples -------------------------------------------------------------------------------


def example_job(case: Case, folder: Path) -> Job:
    path = folder / f"{case.flow}.py"
    if not path.exists():
        path.write_bytes(compile_example(EXAMPLES / f"{case.example}.py", case.flow))
    text = path.read_text()
    # Runner passes them on as Metaflow parses its options; an `Optional` scalar parameter is a
    # text option (so that it reads `null`), given as the text `-p` takes
    params = {
        k: json.dumps(v) if f"= Parameter({k!r}, type=str" in text and not isinstance(v, str) else v
        for k, v in case.params.items()
    }
    return Job(path, params)


@pytest.fixture(scope="module")
def example_runs(pool: ThreadPoolExecutor, root: Path) -> dict[str, Future[Outcome]]:
    # flow files in the working directory of the runs: Metaflow loads exit hooks from the file
    # by its base name, so a run must start in the flow file's directory
    return {
        case.id: pool.submit(run, example_job(case, root), root, list(flow_outputs(case.example, case.flow)))
        for case in CASES
    }


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_metaflow_run_equals_the_python_call(
    case: Case,
    example_runs: dict[str, Future[Outcome]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = in_process(case, tmp_path / "in-process", monkeypatch)
    outcome = example_runs[case.id].result()
    assert outcome.successful, outcome.stdout[-4000:]
    names = list(flow_outputs(case.example, case.flow))
    want = expected_outputs(names, expected.result)
    assert set(outcome.data) == set(want)
    for name in want:
        assert same(outcome.data[name], want[name]), (name, outcome.data[name], want[name])
    for line in EXIT_LINES.get(case.flow, []):  # the exit handler ran, with the run's status
        assert line in outcome.stdout, line


# --- hostile values -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_runs(pool: ThreadPoolExecutor, root: Path) -> dict[str, Future[Outcome]]:
    folder = root / "hostile"
    folder.mkdir()
    flow_file = compile_source(folder, HOSTILE_FLOW)
    return {
        case.id: pool.submit(run, Job(flow_file, dict(case.arguments)), root, list(case.expected()))
        for case in HOSTILE_CASES
    }


@pytest.mark.slow
@pytest.mark.parametrize("hostile", HOSTILE_CASES, ids=[c.id for c in HOSTILE_CASES])
def test_hostile_strings_arrive_unchanged(
    hostile: HostileCase, hostile_runs: dict[str, Future[Outcome]]
) -> None:
    outcome = hostile_runs[hostile.id].result()
    assert outcome.successful, outcome.stdout[-4000:]
    assert outcome.data == hostile.expected()


# --- retries, files, the exit status ------------------------------------------------------------


@pytest.mark.slow
def test_a_step_that_fails_once_succeeds_on_its_retry_and_the_exit_handler_sees_the_status(
    pool: ThreadPoolExecutor, root: Path
) -> None:
    folder = root / "constructs"
    folder.mkdir()
    flow_file = compile_source(folder, CONSTRUCTS_FLOW)
    assert "@retry(times=2, minutes_between_retries=0)" in flow_file.read_text()
    marker = folder / "flaky-marker"
    outcome = pool.submit(
        run, Job(flow_file, {"marker": str(marker)}), root, ["output_0", "output_1"]
    ).result()
    assert outcome.successful, outcome.stdout[-4000:]
    assert marker.read_text() == "attempt 1 failed"  # the first attempt did fail
    assert outcome.data == {"output_0": 7, "output_1": 1 + 4 + 9}
    assert "exit handler saw Succeeded" in outcome.stdout


@pytest.mark.slow
def test_files_and_directories_travel_between_steps(pool: ThreadPoolExecutor, root: Path) -> None:
    folder = root / "files"
    folder.mkdir()
    flow_file = compile_source(folder, ARTIFACT_FLOW)
    outcome = pool.submit(
        run, Job(flow_file, {"text": "xy"}), root, ["output_0", "output_1", "output_2"]
    ).result()
    assert outcome.successful, outcome.stdout[-4000:]
    assert outcome.data["output_0"] == "xyxyxy|3"
    assert outcome.data["output_1"] == ["xy|1", "xyxy|2"]
    file = outcome.data["output_2"]
    assert (file["name"], file["data"], file["mode"] & 0o600) == ("output", b"xy", 0o600)
