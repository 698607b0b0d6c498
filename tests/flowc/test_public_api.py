"""The authoring API: inert at run time, precise for type checkers.

`step` and `flow` return the function itself, so a flow called in-process is plain Python; their
`ParamSpec` typing must let mypy check the calls inside a flow like any other call.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from flowc.compiler.lint import lint_paths
from flowc.compiler.rules import RULES

import flowc
from flowc import (
    HTML,
    Artifact,
    Dataset,
    Markdown,
    Metrics,
    Model,
    Retry,
    RunStatus,
    after,
    flow,
    parallel,
    step,
)

ROOT = Path(__file__).parents[2]
EXPORTS = ["HTML", "Artifact", "Dataset", "Markdown", "Metrics", "Model", "Retry", "RunStatus"]
EXPORTS += ["after", "flow", "parallel", "step"]


def sample(n: int, label: str = "x") -> str:
    return f"{label}{n}"


def test_all_names_are_exported() -> None:
    assert sorted(flowc.__all__) == sorted(EXPORTS)
    assert all(hasattr(flowc, name) for name in EXPORTS)


@pytest.mark.parametrize("decorator", [step, flow])
def test_bare_decorator_returns_the_function(decorator: Callable[..., object]) -> None:
    assert decorator(sample) is sample


@pytest.mark.parametrize(
    "decorated",
    [
        step(),
        step(cpu=2),
        step(image="python:3.12", memory="1Gi", gpu=1, retries=Retry(limit=2), timeout="1h", cache=True),
        step(env={"A": "b"}, secrets={"TOKEN": "s/k"}, packages=["x"], continue_on_failure=True),
        flow(),
        flow(schedule="0 2 * * *", on_exit=sample, max_parallel=2, labels={"a": "b"}),
    ],
)
def test_configured_decorator_returns_the_function(decorated: Callable[[object], object]) -> None:
    assert decorated(sample) is sample


# A real flow, module-level as flows must be: run in-process below, and linted statically too.
@step
def double(n: int) -> int:
    return 2 * n


@step(cpu=1, retries=Retry(limit=1))
def total(values: list[int], offset: int = 0) -> int:
    return sum(values) + offset


@flow(max_parallel=2)
def doubled_total(xs: list[int] = [1, 2, 3]) -> int:  # noqa: B006 (flow defaults are literals)
    doubled = [double(x) for x in parallel(xs, max=2)]
    first = double(1)
    with after(first):
        result = total(doubled, offset=first)
    return result  # noqa: RET504 (`return` may not sit inside the `with` block of a flow)


def test_a_flow_runs_in_process() -> None:
    assert doubled_total() == 14
    assert doubled_total([5]) == 12
    assert doubled_total(xs=[]) == 2


def test_this_module_is_a_clean_flow_file() -> None:
    assert lint_paths([Path(__file__)], frozenset(RULES)).diagnostics == []


@pytest.mark.parametrize("xs", [[], [1, 2, 3], ["a"], range(4)])
def test_parallel_yields_the_items(xs: list[object]) -> None:
    assert list(parallel(xs, max=2)) == list(xs)
    assert list(parallel(xs)) == list(xs)


def test_after_is_a_context_manager_over_any_tasks() -> None:
    with after("a", 1, None):
        ran = True
    with after():
        pass
    assert ran


def test_retry_is_frozen_with_defaults() -> None:
    policy = Retry(limit=3, backoff="30s", factor=2)
    assert (policy.max_backoff, policy.on) == (None, "always")
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.limit = 4  # type: ignore[misc]
    assert policy == Retry(limit=3, backoff="30s", factor=2)
    assert hash(policy) == hash(Retry(limit=3, backoff="30s", factor=2))


def test_run_status_values() -> None:
    assert {s.name: s.value for s in RunStatus} == {
        "SUCCEEDED": "Succeeded",
        "FAILED": "Failed",
        "ERROR": "Error",
    }
    assert isinstance(RunStatus.SUCCEEDED, str)  # it arrives as a plain str in containers
    assert str(RunStatus.SUCCEEDED) == "Succeeded"
    assert RunStatus("Failed") is RunStatus.FAILED


@pytest.mark.parametrize("kind", [Artifact, Dataset, Model, Metrics, HTML, Markdown])
def test_artifacts_are_paths_at_run_time(kind: type[Path]) -> None:
    assert kind is Path


# --- mypy ----------------------------------------------------------------------------------------------

TYPED_FLOW = """
from pathlib import Path
from typing import NamedTuple

from flowc import Dataset, Model, Retry, RunStatus, after, flow, parallel, step


class Trained(NamedTuple):
    model: Model
    score: float


@step(cpu=2, memory="1Gi", retries=Retry(limit=2, backoff="10s"), cache=True)
def make(n: int, label: str = "x") -> Dataset:
    out = Path(f"{label}.txt")
    out.write_text(str(n))
    return out


@step
def train(data: Dataset, lr: float = 0.1) -> Trained:
    return Trained(model=data, score=lr)


@step
def notify(status: RunStatus) -> None:
    print(status)


@flow(schedule="0 2 * * *", on_exit=notify)
def pipeline(n: int = 1, rates: list[float] = [0.1, 0.2]) -> float:
    data = make(n, label="a")
    results = [train(data, lr=r) for r in parallel(rates, max=2)]
    with after(data):
        best = train(data)
    return best.score + len(results)


total: float = pipeline(3)
"""

# each `# error` line must be rejected by mypy
WRONG_CALLS = """
from flowc import Dataset, flow, step


@step
def count(k: int, label: str = "x") -> int:
    return k


@step(cpu=2)
def load(path: str) -> Dataset:
    raise NotImplementedError(path)


@flow
def sub(n: int) -> int:
    return count(n)


@flow
def pipeline(n: int = 1) -> None:
    count("nope")  # error
    count(1, label=2)  # error
    count(1, missing=True)  # error
    load(n)  # error
    sub("1")  # error
    x: str = count(n)  # error
    print(x)


pipeline("1")  # error
"""


def _mypy(directory: Path, *files: str) -> tuple[int, list[tuple[str, int]]]:
    env = {k: v for k, v in os.environ.items() if k != "MYPYPATH"}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--no-error-summary", *files],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    errors = re.findall(r"^(\S+?\.py):(\d+): error:", result.stdout, re.MULTILINE)
    assert "Cannot find implementation" not in result.stdout, result.stdout
    return result.returncode, [(name, int(line)) for name, line in errors]


def _marked(source: str) -> list[int]:
    return [i for i, line in enumerate(source.splitlines(), 1) if line.endswith("# error")]


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    (tmp_path / "good.py").write_text(textwrap.dedent(TYPED_FLOW).lstrip())
    (tmp_path / "bad.py").write_text(textwrap.dedent(WRONG_CALLS).lstrip())
    return tmp_path


def test_mypy_strict_checks_flows(sources: Path) -> None:
    """The typing itself, with this checkout's `flowc` next to the files (found as a local package)."""
    (sources / "flowc").symlink_to(ROOT / "flowc", target_is_directory=True)
    code, errors = _mypy(sources, "good.py", "bad.py")
    assert code == 1
    assert [line for name, line in errors if name == "good.py"] == []
    assert sorted({line for name, line in errors if name == "bad.py"}) == _marked(
        textwrap.dedent(WRONG_CALLS).lstrip()
    )
