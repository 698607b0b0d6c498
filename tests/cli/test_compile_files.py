"""`flowc compile` and the files it writes: names per target, the configured targets and
directory, file modes, file-system failures, patches, sources never overwritten, suppressions
and `--stamp` for every target."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml
from flowc.cli.main import main

from tests.cli import SMALL_FLOW
from tests.harness import write_project

FLOW = SMALL_FLOW

MISWIRED = """
from flowc import step, flow

@step
def double(x: int) -> int:
    return 2 * x

@flow
def small(x: int = 2) -> int:
    return double("two")  # flowc: ignore[FC201]
"""


def run(*argv: str) -> int:
    return main(list(argv))


def flow_file(tmp_path: Path, text: str = FLOW, config: str | None = None) -> str:
    files = {"flow.py": text}
    if config is not None:
        files["pyproject.toml"] = textwrap.dedent(config)
    write_project(tmp_path, files)
    return str(tmp_path / "flow.py")


# --- names and the configured targets ------------------------------------------------------


def test_every_target_has_its_own_file_name(tmp_path: Path) -> None:
    flow, out = flow_file(tmp_path), tmp_path / "out"
    for target in ("argo", "kfp", "metaflow"):
        assert run("compile", flow, "-t", target, "-o", str(out)) == 0
    assert sorted(p.name for p in out.iterdir()) == ["small.argo.yaml", "small.kfp.yaml", "small.py"]
    assert yaml.safe_load((out / "small.argo.yaml").read_text())["kind"] == "Workflow"
    assert "pipelineInfo" in yaml.safe_load((out / "small.kfp.yaml").read_text())
    for target in ("argo", "kfp", "metaflow"):  # neither is out of date for the other's sake
        assert run("compile", flow, "-t", target, "-o", str(out), "--check") == 0


def test_configured_targets_and_directory(tmp_path: Path) -> None:
    flow = flow_file(tmp_path, config='[tool.flowc]\ntargets = ["argo", "kfp"]\noutput-dir = "compiled"\n')
    assert run("compile", flow) == 0
    compiled = tmp_path / "compiled"
    assert sorted(p.name for p in compiled.iterdir()) == ["small.argo.yaml", "small.kfp.yaml"]
    assert run("compile", flow, "--check") == 0
    (compiled / "small.kfp.yaml").write_text("stale\n")
    assert run("compile", flow, "--check") == 1
    assert run("compile", flow, "-t", "argo", "--check") == 0  # --target picks one of them


@pytest.mark.parametrize(
    ("config", "flags"),
    [
        ('[tool.flowc]\ntargets = ["argo"]\noutput-dir = "compiled"\n', []),
        (None, ["-t", "kfp", "-o", "compiled"]),
    ],
)
def test_check_says_which_files_drifted_and_what_to_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    config: str | None,
    flags: list[str],
) -> None:
    """The drifted file is named from the working directory, and the command that updates it
    is printed; running that command makes the check pass."""
    flow_file(tmp_path, config=config)
    monkeypatch.chdir(tmp_path)
    assert run("compile", "flow.py", *flags) == 0
    (name,) = (p.name for p in (tmp_path / "compiled").iterdir())
    (tmp_path / "compiled" / name).write_text("stale\n")
    capsys.readouterr()
    assert run("compile", "flow.py", *flags, "--check") == 1
    err = capsys.readouterr().err
    assert os.path.join("compiled", name) in err.split()
    assert str(tmp_path) not in err
    command = err.rstrip().rpartition(": ")[2].split()
    assert command[:2] == ["flowc", "compile"]
    assert run(*command[1:]) == 0
    assert run("compile", "flow.py", *flags, "--check") == 0


def test_dash_writes_to_stdout_despite_a_configured_directory(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    flow = flow_file(tmp_path, config='[tool.flowc]\ntargets = ["argo"]\noutput-dir = "compiled"\n')
    assert run("compile", flow, "-o", "-") == 0
    assert yaml.safe_load(capsysbinary.readouterr().out)["kind"] == "Workflow"
    assert not (tmp_path / "compiled").exists()


def test_no_target_anywhere_is_a_usage_error(tmp_path: Path) -> None:
    assert run("compile", flow_file(tmp_path)) == 2


def test_several_targets_need_a_directory(tmp_path: Path) -> None:
    flow = flow_file(tmp_path, config='[tool.flowc]\ntargets = ["argo", "kfp"]\n')
    assert run("compile", flow) == 2
    assert run("compile", flow, "-t", "kfp") == 0


@pytest.mark.parametrize("flag", [["--argo-version", "0"], ["--argo-kind", ""]])
def test_falsy_option_values_are_not_the_defaults(tmp_path: Path, flag: list[str]) -> None:
    assert run("compile", flow_file(tmp_path), "-t", "argo", *flag) == 2


# --- the flow's own sources ------------------------------------------------------------------


def test_a_source_of_the_flow_is_never_overwritten(tmp_path: Path) -> None:
    write_project(tmp_path, {"small.py": FLOW})
    before = (tmp_path / "small.py").read_bytes()
    assert run("compile", str(tmp_path / "small.py"), "-t", "metaflow", "-o", str(tmp_path)) == 2
    assert (tmp_path / "small.py").read_bytes() == before


@pytest.mark.parametrize("check", [[], ["--check"]])
def test_a_python_file_flowc_did_not_write_is_never_overwritten(tmp_path: Path, check: list[str]) -> None:
    """The Metaflow file is named after the flow: a flow `small` must not replace a user's own
    `small.py` beside it, however the compile is asked for."""
    flow = flow_file(tmp_path)
    mine = tmp_path / "out" / "small.py"
    mine.parent.mkdir()
    mine.write_text('def helper() -> str:\n    return "precious"\n')
    assert run("compile", flow, "-t", "metaflow", "-o", str(mine.parent), *check) == 2
    assert mine.read_text().endswith('"precious"\n')


def test_a_python_file_flowc_wrote_is_updated(tmp_path: Path) -> None:
    flow, out = flow_file(tmp_path), tmp_path / "out"
    assert run("compile", flow, "-t", "metaflow", "-o", str(out)) == 0
    compiled = (out / "small.py").read_bytes()
    (out / "small.py").write_bytes(compiled.replace(b"return", b"return  "))
    assert run("compile", flow, "-t", "metaflow", "-o", str(out), "--check") == 1
    assert run("compile", flow, "-t", "metaflow", "-o", str(out)) == 0
    assert (out / "small.py").read_bytes() == compiled


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_pipe_in_the_place_of_the_output_is_refused_without_blocking(tmp_path: Path) -> None:
    flow, out = flow_file(tmp_path), tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "small.py")
    assert run("compile", flow, "-t", "metaflow", "-o", str(out)) == 2


def test_output_flowc_finds_invalid_is_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FC9xx means flowc failed, not the flow: exit 2, as for lint."""
    from flowc.targets.argo import validate

    monkeypatch.setattr(validate, "problems", lambda document: ["a reference that doesn't resolve"])
    assert run("compile", flow_file(tmp_path), "-t", "argo") == 2


# --- file modes and file-system failures ------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_new_files_follow_the_umask_and_existing_files_keep_their_mode(tmp_path: Path) -> None:
    flow, out = flow_file(tmp_path), tmp_path / "out"
    old = os.umask(0o022)
    try:
        assert run("compile", flow, "-t", "argo", "-o", str(out)) == 0
        assert (out / "small.argo.yaml").stat().st_mode & 0o777 == 0o644
        (out / "small.kfp.yaml").write_text("old\n")
        (out / "small.kfp.yaml").chmod(0o640)
        assert run("compile", flow, "-t", "kfp", "-o", str(out)) == 0
        assert (out / "small.kfp.yaml").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


@pytest.mark.parametrize("where", ["a-file", "a-file/below"])
def test_an_output_directory_that_is_a_file_is_a_plain_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    flow = flow_file(tmp_path)
    (tmp_path / "a-file").write_text("mine\n")
    assert run("compile", flow, "-t", "argo", "-o", str(tmp_path / where)) == 2
    assert run("compile", flow, "-t", "argo", "-o", str(tmp_path / where), "--check") == 2
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err
    assert (tmp_path / "a-file").read_text() == "mine\n"


def test_an_output_file_that_is_a_directory_is_a_plain_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow, out = flow_file(tmp_path), tmp_path / "out"
    (out / "small.argo.yaml").mkdir(parents=True)
    assert run("compile", flow, "-t", "argo", "-o", str(out)) == 2
    assert run("compile", flow, "-t", "argo", "-o", str(out), "--check") == 2
    assert "internal error" not in capsys.readouterr().err
    assert list(out.iterdir()) == [out / "small.argo.yaml"]  # no temporary file left behind


def test_a_refused_write_is_a_plain_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a read-only directory (the tests may run as root, who writes anywhere): the
    temporary file flowc writes first is refused, and the message names the output."""
    flow, out = flow_file(tmp_path), tmp_path / "out"

    def refuse(prefix: str, suffix: str, dir: Path) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied", str(dir / f"{prefix}abc{suffix}"))

    monkeypatch.setattr("flowc.cli.compile.tempfile.mkstemp", refuse)
    assert run("compile", flow, "-t", "argo", "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert "internal error" not in err and ".tmp" not in err and "small.argo.yaml" in err


# --- --diff ----------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs patch(1)")
def test_diff_of_a_file_without_a_final_newline_is_a_patch_that_applies(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    flow, out = flow_file(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / "small.argo.yaml").write_text("apiVersion: argoproj.io/v1alpha1\nkind: Workflow")
    assert run("compile", flow, "-t", "argo", "--diff", "-o", str(out)) == 0
    (tmp_path / "d.patch").write_bytes(capsysbinary.readouterr().out)
    subprocess.run(["patch", "-s", str(out / "small.argo.yaml"), str(tmp_path / "d.patch")], check=True)
    assert run("compile", flow, "-t", "argo") == 0
    assert (out / "small.argo.yaml").read_bytes() == capsysbinary.readouterr().out


# --- suppressions and the configured selection ----------------------------------------------


def test_a_suppressed_finding_does_not_stop_a_compile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = flow_file(tmp_path, MISWIRED)
    assert run("lint", flow) == 0
    for command in (["compile", flow, "-t", "argo"], ["inspect", flow], ["graph", flow]):
        assert run(*command) == 0, command
    assert "FC201" not in capsys.readouterr().err


def test_configured_ignore_applies_to_compile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flow = flow_file(
        tmp_path, MISWIRED.replace("  # flowc: ignore[FC201]", ""), "[tool.flowc]\nignore = ['FC2']\n"
    )
    assert run("lint", flow) == 0
    assert run("compile", flow, "-t", "argo") == 0
    assert "FC201" not in capsys.readouterr().err


def test_an_unsuppressed_finding_still_stops_a_compile(tmp_path: Path) -> None:
    flow = flow_file(tmp_path, MISWIRED.replace("  # flowc: ignore[FC201]", ""))
    assert run("compile", flow, "-t", "argo") == 1


def test_ignored_target_warnings_are_not_shown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = FLOW.replace("@step\n", '@step(image="python:3.11")\n')
    flow = flow_file(tmp_path, source)
    assert run("compile", flow, "-t", "metaflow") == 0
    assert "FC507" in capsys.readouterr().err
    flow = flow_file(tmp_path, source, "[tool.flowc]\nignore = ['FC507']\n")
    assert run("compile", flow, "-t", "metaflow") == 0
    assert "FC507" not in capsys.readouterr().err


# --- --stamp -----------------------------------------------------------------------------------


def committed(tmp_path: Path, text: str = FLOW) -> str:
    flow = flow_file(tmp_path, text)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(tmp_path)]
    subprocess.run(["git", "init", "-q", "-b", "main", str(tmp_path)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    return flow


def test_stamp_reaches_kfp_pods(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert run("compile", committed(tmp_path), "-t", "kfp", "--stamp") == 0
    documents = list(yaml.safe_load_all(capsysbinary.readouterr().out))
    executors = documents[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"]
    assert set(executors) == set(documents[0]["deploymentSpec"]["executors"])
    for executor in executors.values():
        annotations = executor["podMetadata"]["annotations"]
        assert annotations["flowc/git-branch"] == "main"
        assert len(annotations["flowc/git-commit"]) == 40


def test_stamp_reaches_metaflow_files(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert run("compile", committed(tmp_path), "-t", "metaflow", "--stamp") == 0
    module = ast.parse(capsysbinary.readouterr().out)
    stamps = [
        node.value
        for node in module.body
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["FLOWC_STAMP"]
    ]
    assert len(stamps) == 1
    stamp = ast.literal_eval(stamps[0])
    assert stamp["flowc/git-branch"] == "main" and len(stamp["flowc/source-hash"]) == 64


def test_unstamped_kfp_and_metaflow_have_no_provenance(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    flow = committed(tmp_path)
    for target in ("kfp", "metaflow"):
        assert run("compile", flow, "-t", target) == 0
        assert b"flowc/git" not in capsysbinary.readouterr().out


def test_a_suppressed_target_warning_is_not_an_unused_suppression(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Lint does not run the targets: a suppression of a target's code is not reported unused."""
    flow = flow_file(
        tmp_path, FLOW.replace("@step\n", '@step(image="python:3.11")  # flowc: ignore[FC507]\n')
    )
    assert run("lint", flow, "--output-format", "concise") == 0
    assert run("compile", flow, "-t", "metaflow") == 0
    err = capsys.readouterr()
    assert "FC010" not in err.out + err.err and "FC507" not in err.err


@pytest.mark.parametrize("flag", [["--argo-kind", "template"], ["--argo-version", "3"]])
@pytest.mark.parametrize("target", ["kfp", "metaflow"])
def test_argo_options_without_argo_are_a_usage_error(tmp_path: Path, target: str, flag: list[str]) -> None:
    assert run("compile", flow_file(tmp_path), "-t", target, *flag) == 2
