"""Where Metaflow's own rules could make a compiled flow differ from `flowc run`, real Metaflow
runs give what `flowc run` gives: names FlowSpec uses (`name`, `index`, `input`, `next`,
`merge_artifacts`) as parameters, loop variables and artifacts; `null` for an `Optional`
parameter; numbers as declared; a tolerated failure (`continue_on_failure`) skipping what
needs its outputs, in a foreach and behind a condition too; folders that keep empty
sub-folders and file modes. Each run has its own directory and datastore.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.harness import compile_to_file, load_one
from tests.targets.metaflow.test_runs import Job, Outcome, run

metaflow = pytest.importorskip("metaflow")

NAMES_FLOW = """
from typing import NamedTuple, Optional

from flowc import flow, step


class Merge(NamedTuple):
    artifacts: int


@step
def greet(who: str) -> str:
    return "hi " + who


@step
def square(x: int) -> int:
    return x * x


@step
def merge(x: int) -> Merge:
    return Merge(x + 1)


@step
def half(x: int) -> float:
    return x // 2  # an int, where a float is declared


@step
def halves(x: int) -> list[float]:
    return [x, x // 2]


@step
def show(value: Optional[str]) -> str:
    return repr(value)


@step
def show_int(value: Optional[int]) -> str:
    return repr(value)


@flow
def names(
    name: str = "bob",
    index: int = 3,
    xs: list[int] = [1, 2],
    owner: Optional[str] = "team",
    maybe: Optional[int] = 2,
) -> tuple[str, int, list[int], list[int], int, float, str, list[float], str, str]:
    h = half(index)
    return (
        greet(name),
        index,
        [square(input) for input in xs],
        [square(next) for next in xs],
        merge(index).artifacts,
        h,
        greet(f"{h}"),
        halves(index),
        show(owner),
        show_int(maybe),
    )
"""

NAMES_EXPECTED = {
    "output_0": "hi alice",
    "output_1": 7,
    "output_2": [1, 4],
    "output_3": [1, 4],
    "output_4": 8,
    "output_5": 3.0,
    "output_6": "hi 3.0",
    "output_7": [7.0, 3.0],
    "output_8": "None",
    "output_9": "None",
}

CATCH_FLOW = """
from flowc import after, flow, step


@step(continue_on_failure=True)
def risky(x: int) -> int:
    if x == 2:
        raise ValueError("boom")
    return x * 10


@step
def needs(y: int) -> int:
    print("NEEDS RAN", y)
    return y + 1


@step
def needs_all(ys: list[int]) -> int:
    print("NEEDS ALL RAN", ys)
    return sum(ys)


@step
def ordered(x: int) -> int:
    print("ORDERED RAN", x)
    return x


@flow
def tolerated(xs: list[int] = [1, 2, 3]) -> tuple[int, list[int]]:
    r = risky(2)
    needs(needs(r))
    rs = [risky(x) for x in xs]
    needs_all(rs)
    if r > 5:
        needs(1)
    else:
        needs(2)
    for x in xs:
        s = risky(x)
        needs(s)
    with after(r):
        last = ordered(5)
    return (last, [risky(x) for x in [1, 3]])
"""

FILES_FLOW = """
import os
from pathlib import Path

from flowc import Model, flow, step


@step
def build() -> Model:
    m = Path("model")
    (m / "logs").mkdir(parents=True)
    (m / "bin").mkdir()
    (m / "bin" / "run.sh").write_text("#!/bin/sh\\n")
    os.chmod(m / "bin" / "run.sh", 0o755)
    return m


@step
def inspect_model(m: Model) -> str:
    entries = sorted(str(p.relative_to(m)) + ("/" if p.is_dir() else "") for p in m.rglob("*"))
    return f"{entries} {oct((m / 'bin' / 'run.sh').stat().st_mode & 0o777)}"


@flow
def folders() -> str:
    return inspect_model(build())
"""

RUNS = {
    "names": (NAMES_FLOW, {"name": "alice", "index": 7, "owner": "null", "maybe": "null"}, NAMES_EXPECTED),
    "tolerated": (CATCH_FLOW, {}, {"output_0": 5, "output_1": [10, 30]}),
    "folders": (FILES_FLOW, {}, {"output": "['bin/', 'bin/run.sh', 'logs/'] 0o755"}),
}


LITERAL_FLOW = """
from typing import Literal

from flowc import flow, step


@step
def show(level: int) -> str:
    return str(level)


@flow
def levels(level: Literal[1, 2, 3] = 2) -> str:
    return show(level)
"""
# runs `flowc run` refuses (exit 2): Metaflow's option reads any int, so `start` checks it
REFUSED = {"literal": (LITERAL_FLOW, {"level": 4})}


def compile_into(folder: Path, source: str) -> Path:
    """The one flow of `source`, compiled into `folder`, which gets its own datastore."""
    (folder / "src").mkdir(parents=True)
    (folder / ".metaflow").mkdir()
    return compile_to_file(folder, load_one(folder / "src", source), "metaflow")


@pytest.fixture(scope="module")
def parity_runs(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from metaflow import namespace
    from metaflow.cli import start  # noqa: F401  (Runner imports it lazily, and not thread-safely)

    namespace(None)
    root = tmp_path_factory.mktemp("metaflow-parity")
    with ThreadPoolExecutor(len(RUNS) + len(REFUSED)) as pool:
        futures: dict[str, Future[Outcome]] = {}
        for key, (source, params, expected) in RUNS.items():
            folder = root / key
            job = Job(compile_into(folder, source), params)
            futures[key] = pool.submit(run, job, folder, list(expected))
        for key, (source, params) in REFUSED.items():
            folder = root / key
            futures[key] = pool.submit(run, Job(compile_into(folder, source), params), folder, [])
        yield futures


@pytest.mark.slow
@pytest.mark.parametrize("key", list(RUNS))
def test_a_metaflow_run_gives_what_flowc_run_gives(key: str, parity_runs: dict[str, Future[Outcome]]) -> None:
    outcome = parity_runs[key].result()
    assert outcome.successful, outcome.stdout[-4000:]
    assert outcome.data == RUNS[key][2]
    assert all(type(outcome.data[k]) is type(v) for k, v in RUNS[key][2].items())  # 3.0, not 3


@pytest.mark.slow
def test_a_tolerated_failure_skips_only_what_needs_its_outputs(
    parity_runs: dict[str, Future[Outcome]],
) -> None:
    stdout = parity_runs["tolerated"].result().stdout
    assert "ORDERED RAN 5" in stdout  # only `after` the failed task: it runs
    assert "NEEDS ALL RAN" not in stdout  # a fan-in over a failed iteration is skipped
    ran = sorted(
        line.split("NEEDS RAN ", 1)[1].split()[0] for line in stdout.splitlines() if "NEEDS RAN " in line
    )
    # the loop's iterations 1 and 3 succeed; the condition on the failed `r` chooses no case
    assert ran == ["10", "30"]


@pytest.mark.slow
def test_a_literal_parameter_outside_its_values_fails_the_run(
    parity_runs: dict[str, Future[Outcome]],
) -> None:
    outcome = parity_runs["literal"].result()
    assert not outcome.successful
    assert "expected one of 1, 2, 3" in outcome.stdout
