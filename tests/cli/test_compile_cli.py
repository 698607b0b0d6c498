"""`flowc compile`: stdout, -o DIR, --check, --diff, --stamp, and no partial files on failure."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml
from flowc.cli.main import main

from tests.cli import SMALL_FLOW
from tests.harness import write_project

REPO = Path(__file__).resolve().parents[2]
TRAINING = str(REPO / "examples" / "training.py")

FLOW = SMALL_FLOW

UNSUPPORTED = """
from flowc import step, flow, Dataset

@step
def make(i: int) -> Dataset: ...

@step
def merge(parts: list[Dataset]) -> int: ...

@flow
def collect(items: list[int] = [1, 2]) -> int:
    parts = [make(i) for i in items]
    return merge(parts)
"""


def run(*argv: str) -> int:
    return main(list(argv))


def test_stdout_without_output_dir(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert run("compile", TRAINING, "--target", "argo") == 0
    out = capsysbinary.readouterr().out
    assert yaml.safe_load(out)["kind"] == "CronWorkflow"


def test_writes_one_file_per_flow(tmp_path: Path) -> None:
    assert run("compile", TRAINING, "--target", "argo", "-o", str(tmp_path)) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["training.argo.yaml"]


def test_check_reports_drift_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("compile", TRAINING, "--target", "argo", "-o", str(tmp_path)) == 0
    assert run("compile", TRAINING, "--target", "argo", "-o", str(tmp_path), "--check") == 0
    compiled = tmp_path / "training.argo.yaml"
    compiled.write_text(compiled.read_text().replace("0 2 * * *", "0 3 * * *"))
    before = compiled.read_bytes()
    assert run("compile", TRAINING, "--target", "argo", "-o", str(tmp_path), "--check") == 1
    assert compiled.read_bytes() == before


def test_check_when_the_file_is_missing(tmp_path: Path) -> None:
    assert run("compile", TRAINING, "--target", "argo", "-o", str(tmp_path), "--check") == 1
    assert list(tmp_path.iterdir()) == []


def test_diff_shows_the_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("compile", TRAINING, "--target", "argo", "-o", str(tmp_path))
    compiled = tmp_path / "training.argo.yaml"
    compiled.write_text(compiled.read_text().replace("0 2 * * *", "0 3 * * *"))
    capsys.readouterr()
    assert run("compile", TRAINING, "--target", "argo", "-o", str(tmp_path), "--diff") == 0
    out = capsys.readouterr().out
    assert "-  schedules: [0 3 * * *]" in out
    assert "+  schedules: [0 2 * * *]" in out


def test_check_needs_an_output_dir() -> None:
    assert run("compile", TRAINING, "--target", "argo", "--check") == 2


def test_unknown_target_is_a_usage_error() -> None:
    assert run("compile", TRAINING, "--target", "airflow") == 2


def test_a_failed_compile_leaves_no_file(tmp_path: Path) -> None:
    write_project(tmp_path, {"flow.py": UNSUPPORTED})
    out = tmp_path / "out"
    assert run("compile", str(tmp_path / "flow.py"), "--target", "argo", "-o", str(out)) == 1
    assert not out.exists() or list(out.iterdir()) == []


def test_a_failed_compile_keeps_the_previous_file(tmp_path: Path) -> None:
    write_project(tmp_path, {"flow.py": FLOW})
    out = tmp_path / "out"
    assert run("compile", str(tmp_path / "flow.py"), "--target", "argo", "-o", str(out)) == 0
    before = (out / "small.argo.yaml").read_bytes()
    (tmp_path / "flow.py").write_text(
        textwrap.dedent(FLOW).replace("return double(x)", "return double(x, x)")
    )
    assert run("compile", str(tmp_path / "flow.py"), "--target", "argo", "-o", str(out)) == 1
    assert (out / "small.argo.yaml").read_bytes() == before
    assert [p.name for p in out.iterdir()] == ["small.argo.yaml"]  # no temporary file left behind


def test_template_kind(capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path) -> None:
    write_project(tmp_path, {"flow.py": FLOW})
    assert run("compile", str(tmp_path / "flow.py"), "--target", "argo", "--argo-kind", "template") == 0
    doc = yaml.safe_load(capsysbinary.readouterr().out)
    assert (doc["kind"], doc["metadata"]["name"]) == ("WorkflowTemplate", "small")


def test_argo_version_3_uses_the_singular_schedule(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert run("compile", TRAINING, "--target", "argo", "--argo-version", "3") == 0
    spec = yaml.safe_load(capsysbinary.readouterr().out)["spec"]
    assert spec["schedule"] == "0 2 * * *"
    assert "schedules" not in spec


def test_stamp_adds_git_provenance(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    write_project(tmp_path, {"flow.py": FLOW})
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(tmp_path)], check=True)
    subprocess.run([*git, "-C", str(tmp_path), "add", "."], check=True)
    subprocess.run([*git, "-C", str(tmp_path), "commit", "-qm", "x"], check=True)
    assert run("compile", str(tmp_path / "flow.py"), "--target", "argo", "--stamp") == 0
    annotations = yaml.safe_load(capsysbinary.readouterr().out)["metadata"]["annotations"]
    assert annotations["flowc/git-branch"] == "main"
    assert annotations["flowc/git-dirty"] == "false"
    assert len(annotations["flowc/git-commit"]) == 40
    assert len(annotations["flowc/source-hash"]) == 64


def test_unstamped_output_has_no_provenance(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert run("compile", TRAINING, "--target", "argo") == 0
    assert b"flowc/git" not in capsysbinary.readouterr().out
