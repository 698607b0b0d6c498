"""`flowc run` on the command line: exit codes, `-p` parsing per type, output formats,
lint errors, `PATH:FLOW` selection and `--python`.

Exit codes: 0 when the flow Succeeded, 1 when it Failed (or does not lint), 2 for usage errors
(a bad `-p` value, an unknown or missing parameter, a bad path or flow). Wording is never
compared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.harness import MIXED_DIAGNOSTICS
from tests.targets.local import Run, check_record_shape, flowc_run, flowc_subprocess, write_flow

TYPES = """
from typing import Any, Literal, Optional

from flowc import flow, step


@step
def show(
    i: int,
    f: float,
    b: bool,
    xs: list[int],
    d: dict[str, float],
    o: Optional[int],
    lit: Literal["a", "b"],
    s: str,
    os_: str | None,
) -> dict[str, Any]:
    return {
        "i": [i, type(i).__name__],
        "f": f,
        "b": [b, type(b).__name__],
        "xs": xs,
        "d": d,
        "o": o,
        "lit": lit,
        "s": s,
        "os_": os_,
    }


@flow
def types(
    i: int,
    f: float = 1.5,
    b: bool = False,
    xs: list[int] = [1],
    d: dict[str, float] = {"a": 1.0},
    o: Optional[int] = None,
    lit: Literal["a", "b"] = "a",
    s: str = "x",
    os_: str | None = None,
) -> dict[str, Any]:
    return show(i, f, b, xs, d, o, lit, s, os_)
"""

DEFAULTS: dict[str, Any] = {
    "i": None,
    "f": 1.5,
    "b": [False, "bool"],
    "xs": [1],
    "d": {"a": 1.0},
    "o": None,
    "lit": "a",
    "s": "x",
    "os_": None,
}

OTHERS = """
import sys
from pathlib import Path
from typing import NamedTuple

from flowc import Dataset, flow, step


class Two(NamedTuple):
    a: int
    b: float


@step
def ok(n: int) -> int:
    return n + 1


@step
def fail(n: int) -> int:
    raise RuntimeError(f"fails with {n}")


@step
def two(n: int) -> Two:
    return Two(a=n, b=n / 2 + 0.5)


@step
def noisy(n: int) -> int:
    print("noise on stdout", n)
    print("noise on stderr", n, file=sys.stderr)
    return n


@step
def interpreter() -> str:
    print(sys.executable)
    return sys.executable


@step
def echo(text: str) -> str:
    return text


@flow
def echoes(text: str) -> str:
    return echo(text)


@flow
def succeeds(n: int = 1) -> int:
    return ok(n)


@flow
def fails(n: int = 1) -> int:
    return fail(n)


@flow
def pair(n: int = 3) -> tuple[int, float]:
    r = two(n)
    return (r.a, r.b)


@flow
def chatty(n: int = 5) -> int:
    return noisy(n)


@flow
def which_python() -> str:
    return interpreter()


@step
def make(text: str) -> Dataset:
    out = Path("made.txt")
    out.write_text(text)
    return out


@step
def read(data: Dataset) -> str:
    return data.read_text()


@flow
def artifacts(text: str = "hello") -> str:
    data = make(text)
    return read(data)
"""


@pytest.fixture
def types_flow(tmp_path: Path) -> str:
    return f"{write_flow(tmp_path / 'proj', TYPES)}:types"


@pytest.fixture
def others(tmp_path: Path) -> Path:
    return write_flow(tmp_path / "proj", OTHERS)


def run(target: str | Path, tmp_path: Path, *args: str, output_format: str = "json", **params: str) -> Run:
    return flowc_run(target, *args, run_dir=tmp_path / "runs", params=params, output_format=output_format)


def no_runs(run_dir: Path) -> bool:
    return not list(run_dir.glob("runs/*/run.json"))


# --- exit codes ---------------------------------------------------------------------------------


def test_exit_0_when_the_flow_succeeds(others: Path, tmp_path: Path) -> None:
    result = run(f"{others}:succeeds", tmp_path, n="41")
    assert result.code == 0, result.describe()
    assert result.status == "Succeeded"
    assert result.outputs == {"output": 42}
    assert result.rec["flow"] == "succeeds"
    check_record_shape(result.rec)


def test_exit_1_when_the_flow_fails(others: Path, tmp_path: Path) -> None:
    result = run(f"{others}:fails", tmp_path)
    assert result.code == 1, result.describe()
    assert result.status == "Failed"
    assert result.task("fail")["status"] == "Failed"
    check_record_shape(result.rec)


def test_a_failed_task_names_its_log_wherever_flowc_runs(others: Path, tmp_path: Path) -> None:
    result = run(f"{others}:fails", tmp_path, output_format="text")
    assert result.code == 1, result.describe()
    named = result.stderr.split("; see ", 1)[1].split()[0]
    assert Path(named).is_absolute() and Path(named).is_file()


def test_exit_2_for_a_missing_file(tmp_path: Path) -> None:
    result = run(tmp_path / "missing.py", tmp_path)
    assert result.code == 2, result.describe()
    assert no_runs(tmp_path / "runs")


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("{proj}/flow.py:nope", id="unknown-flow"),
        pytest.param("{proj}/flow.py", id="several-flows"),
    ],
)
def test_a_flow_that_cannot_be_selected_is_a_diagnostic(others: Path, tmp_path: Path, target: str) -> None:
    """As for `inspect`/`graph`: FC003 (no such flow) or FC004 (select one), exit 1, no run."""
    result = run(target.format(proj=others.parent), tmp_path)
    assert result.code == 1, result.describe()
    assert no_runs(tmp_path / "runs")


def test_exit_2_when_the_run_directory_cannot_be_made(others: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("mine\n")
    result = flowc_run(f"{others}:succeeds", run_dir=tmp_path / "a-file", params={"n": "1"})
    assert result.code == 2, result.describe()
    assert "internal error" not in result.stderr
    assert (tmp_path / "a-file").read_text() == "mine\n"


def test_exit_2_for_a_bad_output_format(others: Path, tmp_path: Path) -> None:
    result = run(f"{others}:succeeds", tmp_path, output_format="yaml")
    assert result.code == 2, result.describe()


def test_exit_2_for_an_unknown_resume_id(others: Path, tmp_path: Path) -> None:
    result = run(f"{others}:succeeds", tmp_path, "--resume", "no-such-run")
    assert result.code == 2, result.describe()


def test_flow_selection(others: Path, tmp_path: Path) -> None:
    assert run(f"{others}:pair", tmp_path).outputs == {"output_0": 3, "output_1": 2.0}
    assert run(f"{others}:succeeds", tmp_path).outputs == {"output": 2}


def test_lint_errors_exit_1_without_a_run(tmp_path: Path) -> None:
    result = run(write_flow(tmp_path / "proj", MIXED_DIAGNOSTICS), tmp_path)
    assert result.code == 1, result.describe()
    assert not list((tmp_path / "runs").glob("runs/*"))


SHIPPING_ERROR = """
from flowc import flow, step


@step
def where() -> str:
    return __file__


@flow
def f() -> str:
    return where()
"""


@pytest.mark.parametrize(
    ("suppression", "config"),
    [("", None), ("  # flowc: ignore[FC404]", None), ("", '[tool.flowc]\nignore = ["FC404"]\n')],
)
def test_a_step_that_would_fail_on_a_cluster_exits_1_without_a_run(
    tmp_path: Path, suppression: str, config: str | None
) -> None:
    """`compile` refuses it (FC404: some engines run the script without `__file__`), even
    with the finding suppressed, since there is no script to ship; so does `run`, which would
    otherwise start a run that fails where the cluster can't even start one."""
    source = SHIPPING_ERROR.replace("return __file__", "return __file__" + suppression)
    if config is not None:
        (tmp_path / "proj").mkdir(parents=True)
        (tmp_path / "proj" / "pyproject.toml").write_text(config)
    result = run(write_flow(tmp_path / "proj", source), tmp_path)
    assert result.code == 1, result.describe()
    assert "FC404" in result.stderr
    assert no_runs(tmp_path / "runs")


# --- -p parsing -----------------------------------------------------------------------------------

VALID: list[tuple[dict[str, str], dict[str, Any]]] = [
    ({"i": "3"}, {"i": [3, "int"]}),
    (
        {
            "i": "-7",
            "f": "2.25",
            "b": "true",
            "xs": "[1, 2, 3]",
            "d": '{"x": 0.5, "y": 2}',
            "o": "4",
            "lit": "b",
            "s": "hello world",
        },
        {
            "i": [-7, "int"],
            "f": 2.25,
            "b": [True, "bool"],
            "xs": [1, 2, 3],
            "d": {"x": 0.5, "y": 2},
            "o": 4,
            "lit": "b",
            "s": "hello world",
        },
    ),
    ({"i": "0", "o": "null", "xs": "[]", "d": "{}"}, {"i": [0, "int"], "o": None, "xs": [], "d": {}}),
    ({"i": "1", "f": "3"}, {"i": [1, "int"], "f": 3}),  # an int where a float is declared
    ({"i": "1", "s": "[1, 2]", "lit": "a"}, {"i": [1, "int"], "s": "[1, 2]"}),  # str: the text as-is
    ({"i": "1", "s": "true"}, {"i": [1, "int"], "s": "true"}),
    ({"i": "1", "os_": "null"}, {"i": [1, "int"], "os_": None}),
    ({"i": "1", "os_": "someone"}, {"i": [1, "int"], "os_": "someone"}),  # Optional[str]: T's text
]


@pytest.mark.parametrize(("params", "changed"), VALID, ids=[str(i) for i in range(len(VALID))])
def test_parameter_values_per_type(
    types_flow: str, tmp_path: Path, params: dict[str, str], changed: dict[str, Any]
) -> None:
    result = run(types_flow, tmp_path, **params)
    assert result.code == 0, result.describe()
    assert result.outputs == {"output": DEFAULTS | changed}
    recorded = result.rec["parameters"]
    for name, value in (DEFAULTS | changed).items():
        if name in params:
            plain = value[0] if name in {"i", "b"} else value
            assert recorded[name] == plain, name


INVALID: dict[str, dict[str, str]] = {
    "unknown-name": {"i": "1", "nope": "1"},
    "missing-required": {},
    "int-bad-json": {"i": "abc"},
    "int-float": {"i": "1.5"},
    "int-json-string": {"i": '"3"'},
    "int-bool": {"i": "true"},
    "bool-word": {"i": "1", "b": "yes"},
    "bool-int": {"i": "1", "b": "1"},
    "float-string": {"i": "1", "f": '"x"'},
    "list-truncated": {"i": "1", "xs": "[1,"},
    "list-item-type": {"i": "1", "xs": '[1, "a"]'},
    "list-dict": {"i": "1", "xs": '{"a": 1}'},
    "dict-list": {"i": "1", "d": "[1]"},
    "dict-value-type": {"i": "1", "d": '{"a": "x"}'},
    "optional-bad": {"i": "1", "o": "abc"},
    "literal-not-allowed": {"i": "1", "lit": "c"},
    # JSON has no infinity or NaN (`json.loads` reads them; no engine passes them on)
    "float-overflow": {"i": "1", "f": "1e400"},
    "float-nan": {"i": "1", "f": "NaN"},
    "list-infinity": {"i": "1", "d": '{"x": -Infinity}'},
}


@pytest.mark.parametrize("params", list(INVALID.values()), ids=list(INVALID))
def test_bad_parameters_exit_2(types_flow: str, tmp_path: Path, params: dict[str, str]) -> None:
    result = run(types_flow, tmp_path, **params)
    assert result.code == 2, result.describe()
    assert no_runs(tmp_path / "runs")


def test_parameter_without_equals_exits_2(types_flow: str, tmp_path: Path) -> None:
    result = flowc_run(types_flow, "-p", "i", run_dir=tmp_path / "runs")
    assert result.code == 2, result.describe()


def test_value_may_contain_equals(others: Path, tmp_path: Path) -> None:
    """`-p name=a=b` splits at the first `=`: the value keeps the others."""
    result = run(f"{others}:echoes", tmp_path, text="a=b==c")
    assert result.code == 0, result.describe()
    assert result.outputs == {"output": "a=b==c"}


# --- output formats -------------------------------------------------------------------------------


def test_json_is_one_document_on_stdout(others: Path, tmp_path: Path) -> None:
    """Through the real entry point: task output goes to the task's files, never to stdout."""
    result = flowc_subprocess(
        [f"{others}:chatty", "-p", "n=6", "--output-format", "json"], run_dir=tmp_path / "runs"
    )
    assert result.code == 0, result.describe()
    record = json.loads(result.stdout)  # raises on anything but exactly one JSON document
    assert record["outputs"] == {"output": 6}
    check_record_shape(record)
    folder = tmp_path / "runs" / "runs" / record["run_id"] / record["tasks"][0]["dir"]
    assert (folder / "stdout").read_text() == "noise on stdout 6\n"
    assert "noise on stderr 6" in (folder / "stderr").read_text()
    assert "noise on" not in result.stdout


def test_json_of_a_failed_run_is_one_document(others: Path, tmp_path: Path) -> None:
    result = flowc_subprocess([f"{others}:fails", "--output-format", "json"], run_dir=tmp_path / "runs")
    assert result.code == 1, result.describe()
    assert json.loads(result.stdout)["status"] == "Failed"


def test_text_prints_the_outputs(others: Path, tmp_path: Path) -> None:
    result = run(f"{others}:pair", tmp_path, output_format="text", n="4")
    assert result.code == 0, result.describe()
    lines = result.stdout.splitlines()
    assert "output_0 = 4" in lines, result.stdout
    assert "output_1 = 2.5" in lines, result.stdout


def test_run_json_on_disk_is_the_printed_record(others: Path, tmp_path: Path) -> None:
    result = run(f"{others}:succeeds", tmp_path)
    assert result.code == 0, result.describe()
    on_disk = json.loads((result.home / "run.json").read_text())
    assert on_disk == result.rec


# --- --python -------------------------------------------------------------------------------------


def test_python_option_selects_the_task_interpreter(others: Path, tmp_path: Path) -> None:
    link = tmp_path / "bin" / "my-python"
    link.parent.mkdir()
    link.symlink_to(os.path.realpath(sys.executable))
    result = run(f"{others}:which_python", tmp_path, "--python", str(link))
    assert result.code == 0, result.describe()
    assert result.outputs == {"output": str(link)}
    task = result.task("interpreter")
    assert (result.task_dir(task) / "stdout").read_text() == f"{link}\n"


def test_python_option_with_a_missing_interpreter_fails(others: Path, tmp_path: Path) -> None:
    result = run(f"{others}:succeeds", tmp_path, "--python", str(tmp_path / "no-such-python"))
    assert result.code in (1, 2), result.describe()
    assert result.code != 0


# --- paths and provenance ---------------------------------------------------------------------------


def test_relative_flow_path_and_run_dir(
    others: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Relative to the working directory, for the runner and for every task (artifacts too)."""
    monkeypatch.chdir(others.parent)
    result = flowc_run("flow.py:artifacts", run_dir=Path("rd"), params={"text": "relative"})
    assert result.code == 0, result.describe()
    assert result.outputs == {"output": "relative"}
    assert (others.parent / "rd" / "runs" / result.rec["run_id"] / "run.json").is_file()
    resumed = flowc_run(
        "flow.py:artifacts", "--resume", result.rec["run_id"], run_dir=Path("rd"), params={"text": "relative"}
    )
    assert resumed.code == 0, resumed.describe()
    assert resumed.outputs == {"output": "relative"}
    assert [resumed.task("make")["cached"], resumed.task("read")["cached"]] == [True, True]


def git(repo: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=trunk"]
    return subprocess.run(
        [*command, *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_git_provenance_and_source_hash(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    path = write_flow(repo, OTHERS)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "flow")
    clean = run(f"{path}:succeeds", tmp_path)
    assert clean.code == 0, clean.describe()
    assert clean.rec["git"] == {
        "commit": git(repo, "rev-parse", "HEAD"),
        "branch": "trunk",
        "dirty": False,
    } | {k: v for k, v in clean.rec["git"].items() if k not in {"commit", "branch", "dirty"}}
    assert run(f"{path}:succeeds", tmp_path).rec["source_hash"] == clean.rec["source_hash"]

    path.write_text(path.read_text() + "\n# edited\n")
    edited = run(f"{path}:succeeds", tmp_path)
    assert edited.code == 0, edited.describe()
    assert edited.rec["git"]["dirty"] is True
    assert edited.rec["source_hash"] != clean.rec["source_hash"]


def test_no_git_outside_a_repository(others: Path, tmp_path: Path) -> None:
    result = run(f"{others}:succeeds", tmp_path)
    assert result.code == 0, result.describe()
    assert result.rec["git"] is None
