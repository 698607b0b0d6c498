"""`flowc lint`: exit codes, file discovery, rule selection, suppressions, output streams.

Most tests call `flowc.cli.main.main(argv)` in-process (fast); a few run the real
`python -m flowc` to check the installed entry point end to end.
"""

from __future__ import annotations

import ast
import json
import os
import shlex
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import pytest
import yaml
from flowc.cli import load as cli_load
from flowc.cli import render
from flowc.cli.main import main
from flowc.compiler import lint as compiler_lint
from flowc.compiler.frontend import flows
from flowc.compiler.lint import lint_paths
from flowc.compiler.rules import RULES

from bench.lint_large import generate_flow
from tests.harness import MIXED_DIAGNOSTICS, write_project

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"

CLEAN = """
from flowc import flow, step

@step
def make(n: int) -> int:
    return n

@step
def show(x: int) -> None:
    print(x)

@flow
def pipeline(n: int = 1) -> None:
    show(make(n))
"""

# FC206 (missing annotation) only: a warning
WARNS = """
from flowc import flow, step

@step
def show(x) -> None:
    print(x)

@flow
def pipeline() -> None:
    show(1)
"""

ERRORS = MIXED_DIAGNOSTICS

NOT_A_FLOW = "x = (\n"  # no flowc import, and not even valid Python

Run = Callable[..., tuple[int, str, str]]
TraceFunction = Callable[[FrameType, str, Any], Any]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """`flowc ARGS...` in-process, from `tmp_path`: (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")

    def invoke(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return invoke


def project(root: Path, **files: str) -> Path:
    """Write `files` (name → source; `a__b` is `a/b.py`) under `root` with a pyproject.toml."""
    root.mkdir(parents=True, exist_ok=True)
    write_project(root, {k.replace("__", "/") + ".py": v for k, v in files.items()})
    return root


def json_codes(out: str) -> list[str]:
    return [item["code"] for item in json.loads(out)]


def json_files(out: str) -> set[str]:
    return {Path(item["filename"]).as_posix() for item in json.loads(out)}


def flowc(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flowc", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


# --- exit codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "expected"), [(CLEAN, 0), (WARNS, 0), (ERRORS, 1)])
def test_exit_code_follows_severity(run: Run, tmp_path: Path, source: str, expected: int) -> None:
    project(tmp_path, flow=source)
    code, _, _ = run("lint", "flow.py")
    assert code == expected


def test_warnings_only_are_reported_but_exit_zero(run: Run, tmp_path: Path) -> None:
    project(tmp_path, flow=WARNS)
    code, out, _ = run("lint", "--output-format", "json", "flow.py")
    assert (code, json_codes(out)) == (0, ["FC206"])


@pytest.mark.parametrize(
    "args",
    [
        ["lint", "missing.py"],
        ["lint", "flow.py", "missing_dir"],
        ["lint", "--output-format", "xml", "flow.py"],
        ["lint", "--select", "FC999", "flow.py"],
        ["lint", "--select", "XY1", "flow.py"],
        ["lint", "--ignore", "nope", "flow.py"],
        ["lint", "--extend-select", "FC8", "flow.py"],
        ["lint", "--select", "FC201,bogus", "flow.py"],
        ["lint", "--config", "missing.toml", "flow.py"],
        ["lint", "--no-such-option", "flow.py"],
        ["lint", "--exit-zero", "missing.py"],
    ],
)
def test_usage_errors_exit_2(run: Run, tmp_path: Path, args: list[str]) -> None:
    project(tmp_path, flow=CLEAN)
    code, out, err = run(*args)
    assert code == 2
    assert err.strip()
    assert out == ""


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ('[tool.flowc]\nselekt = ["FC2"]\n', "selekt"),
        ('[tool.flowc]\nselect = ["FC2"]\ndefault_image = "x"\n', "default_image"),
        ('[tool.flowc.argo]\nservre = "https://argo"\n', "servre"),
    ],
)
def test_bad_config_key_exits_2_naming_the_key(run: Run, tmp_path: Path, table: str, key: str) -> None:
    project(tmp_path, flow=CLEAN)
    (tmp_path / "pyproject.toml").write_text(table)
    code, out, err = run("lint", "flow.py")
    assert (code, out) == (2, "")
    assert key in err


@pytest.mark.parametrize(
    "table",
    ['[tool.flowc]\nselect = "FC2"\n', '[tool.flowc]\nselect = ["XX"]\n', "[tool.flowc\n"],
)
def test_invalid_config_exits_2(run: Run, tmp_path: Path, table: str) -> None:
    project(tmp_path, flow=CLEAN)
    (tmp_path / "pyproject.toml").write_text(table)
    code, _, err = run("lint", "flow.py")
    assert code == 2
    assert "pyproject.toml" in err


def test_exit_zero_reports_errors_but_succeeds(run: Run, tmp_path: Path) -> None:
    project(tmp_path, flow=ERRORS)
    code, out, _ = run("lint", "--exit-zero", "--output-format", "json", "flow.py")
    assert code == 0
    assert "FC201" in json_codes(out)


def test_examples_are_clean(run: Run) -> None:
    code, _, _ = run("lint", str(EXAMPLES))
    assert code == 0


# --- discovery ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "skipped",
    [".venv/lib", "venv", ".hidden", ".git", "node_modules", "__pycache__", "build", "pkg.egg-info"],
)
def test_directories_are_walked_skipping_venvs_and_hidden_dirs(
    run: Run, tmp_path: Path, skipped: str
) -> None:
    project(tmp_path, top=ERRORS, pkg__deep__nested=ERRORS)
    (tmp_path / skipped).mkdir(parents=True)
    (tmp_path / skipped / "bad.py").write_text(textwrap.dedent(ERRORS))
    code, out, _ = run("lint", "--output-format", "json", ".")
    assert code == 1
    assert json_files(out) == {"top.py", "pkg/deep/nested.py"}


def test_default_path_is_the_current_directory(run: Run, tmp_path: Path) -> None:
    project(tmp_path, sub__flow=ERRORS)
    code, out, _ = run("lint", "--output-format", "json")
    assert code == 1
    assert json_files(out) == {"sub/flow.py"}


def test_files_without_flowc_are_skipped_and_not_counted(run: Run, tmp_path: Path) -> None:
    project(tmp_path, flow=CLEAN, helper=NOT_A_FLOW, other="import os\nprint(os.sep)\n")
    code, out, _ = run("lint", "--output-format", "json", ".", "helper.py")
    assert (code, json_codes(out)) == (0, [])
    assert lint_paths([Path(".")], frozenset(RULES)).files == ["flow.py"]


ATTRIBUTE_STYLE = """
@flowc.step
def use(x: str) -> None:
    print(x)

@flowc.flow
def pipeline() -> None:
    use(1)
"""


@pytest.mark.parametrize(
    "imports",
    [
        "import flowc",
        "\ufeffimport flowc",  # a UTF-8 byte-order mark, as some Windows editors save files
        "import os, flowc",
    ],
)
def test_flow_files_are_recognised_however_flowc_is_imported(run: Run, tmp_path: Path, imports: str) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "flow.py").write_text(imports + "\n" + textwrap.dedent(ATTRIBUTE_STYLE), encoding="utf-8")
    code, out, _ = run("lint", "--output-format", "json", "flow.py")
    assert (code, json_codes(out)) == (1, ["FC201"])


def test_a_file_given_twice_is_linted_once(run: Run, tmp_path: Path) -> None:
    project(tmp_path, flow=ERRORS)
    _, once, _ = run("lint", "--output-format", "json", "flow.py")
    _, twice, _ = run("lint", "--output-format", "json", "flow.py", "./flow.py", ".")
    assert json_codes(once) == json_codes(twice)


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("syntax.py", "from flowc import flow\ndef f(:\n", "FC001"),
        ("nul.py", "from flowc import flow\x00\n", "FC001"),
        ("latin1.py", "from flowc import flow\nx = '\xe9'\n", "FC002"),
    ],
)
def test_broken_files_are_diagnostics_not_crashes(
    run: Run, tmp_path: Path, name: str, content: str, code: str
) -> None:
    (tmp_path / name).write_bytes(content.encode("latin-1"))
    status, out, _ = run("lint", "--output-format", "json", name)
    assert (status, json_codes(out)) == (1, [code])


BODY = textwrap.dedent(ERRORS).replace("from flowc import flow, step\n", "")


@pytest.mark.parametrize(
    "source",
    [
        "import os; from flowc import flow, step\n" + BODY,  # after `;`
        ("import os\nfrom flowc import flow, step\n" + BODY).replace("\n", "\r"),  # old Mac line ends
        "import os\n\x0cfrom flowc import flow, step\n" + BODY,  # a form feed in the indentation
        "import os\nfrom \\\n    flowc import flow, step\n" + BODY,  # a `\\` continuation
        "import os\nfrom \uff46\uff4c\uff4f\uff57\uff43 import flow, step\n" + BODY,  # NFKC: `flowc`
    ],
)
def test_a_flow_file_is_linted_however_it_imports_flowc(run: Run, tmp_path: Path, source: str) -> None:
    (tmp_path / "flow.py").write_bytes(source.encode("utf-8"))
    code, out, _ = run("lint", "--output-format", "json", ".")
    assert (code, json_codes(out)) == (1, ["FC206", "FC201", "FC202"])


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-16", "FC002"), ("utf-32", "FC002"), ("utf-16-be", "FC001")],  # the last: no BOM, NUL bytes
)
def test_a_flow_file_python_cannot_read_is_an_error_not_skipped(
    run: Run, tmp_path: Path, encoding: str, expected: str
) -> None:
    (tmp_path / "flow.py").write_bytes(textwrap.dedent(ERRORS).encode(encoding))
    code, out, _ = run("lint", "--output-format", "json", ".")
    assert (code, json_codes(out)) == (1, [expected])


# --- paths that cannot be read ----------------------------------------------------------------------


def flowc_within(*args: str, cwd: Path, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """`flowc ARGS` in a real process that must end in time: a read that waits forever fails."""
    command = [*prefix, sys.executable, "-m", "flowc", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, timeout=120)


def unprivileged(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`flowc ARGS` as a user file permissions apply to: root first drops its overrides."""
    if os.geteuid() != 0:
        return flowc_within(*args, cwd=cwd)
    if shutil.which("capsh") is None:
        pytest.skip("root reads any file; capsh is needed to drop that")
    command = shlex.join([sys.executable, "-m", "flowc", *args])
    drop = ("capsh", "--drop=cap_dac_override,cap_dac_read_search", "--", "-c", command)
    return flowc_within(cwd=cwd, prefix=drop)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_in_a_walked_folder_is_not_source(tmp_path: Path) -> None:
    project(tmp_path, flow=ERRORS)
    os.mkfifo(tmp_path / "pipe.py")
    result = flowc_within("lint", "--output-format", "json", ".", cwd=tmp_path)
    assert (result.returncode, json_codes(result.stdout)) == (1, ["FC206", "FC201", "FC202"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
@pytest.mark.parametrize(
    "args",
    [
        ["lint", "pipe.py"],
        ["lint", "flow.py", "pipe"],
        ["lint", "--config", "pipe", "flow.py"],
        ["lint", "/dev/zero"],
        ["compile", "pipe.py", "-t", "argo"],
        ["inspect", "pipe.py"],
        ["compile", "/dev/zero", "-t", "argo"],
    ],
)
def test_a_named_file_that_is_not_regular_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    project(tmp_path, flow=CLEAN)
    os.mkfifo(tmp_path / "pipe.py")
    os.mkfifo(tmp_path / "pipe")
    result = flowc_within(*args, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert "internal error" not in result.stderr


LONG_NAME = "a" * 300  # longer than any file system allows a name to be


@pytest.mark.parametrize(
    "args",
    [
        ["lint", f"{LONG_NAME}.py"],
        ["lint", f"{LONG_NAME}/flow.py"],
        ["lint", "--config", f"{LONG_NAME}.toml", "flow.py"],
        ["compile", f"{LONG_NAME}.py", "-t", "argo"],
        ["inspect", f"{LONG_NAME}.py:pipeline"],
    ],
)
def test_a_path_the_os_refuses_is_a_usage_error(run: Run, tmp_path: Path, args: list[str]) -> None:
    project(tmp_path, flow=CLEAN)
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert "internal error" not in err


@pytest.mark.parametrize("mode", [0o000, 0o100, 0o600])  # nothing; search, not list; list, not search
def test_an_unreadable_folder_in_a_walk_fails_the_run(tmp_path: Path, mode: int) -> None:
    project(tmp_path, flow=CLEAN, sub__flow=ERRORS)
    (tmp_path / "sub").chmod(mode)
    try:
        result = unprivileged("lint", ".", cwd=tmp_path)
    finally:
        (tmp_path / "sub").chmod(0o700)
    assert result.returncode == 2, result.stderr
    assert "sub" in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("command", [["lint"], ["compile", "-t", "argo"], ["inspect"]])
def test_a_named_file_in_a_folder_that_may_not_be_searched_is_a_usage_error(
    tmp_path: Path, command: list[str]
) -> None:
    project(tmp_path, sub__flow=CLEAN)
    (tmp_path / "sub").chmod(0o600)
    try:
        result = unprivileged(command[0], "sub/flow.py", *command[1:], cwd=tmp_path)
    finally:
        (tmp_path / "sub").chmod(0o700)
    assert (result.returncode, result.stdout) == (2, "")
    assert "internal error" not in result.stderr


# --- rule selection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["FC206", "FC201", "FC202"]),
        (["--select", "FC2"], ["FC206", "FC201", "FC202"]),
        (["--select", "FC20"], ["FC206", "FC201", "FC202"]),
        (["--select", "FC201"], ["FC201"]),
        (["--select", "fc201"], ["FC201"]),
        (["--select", "FC201,FC202"], ["FC201", "FC202"]),
        (["--select", "FC201", "--select", "FC202"], ["FC201", "FC202"]),
        (["--select", "FC1,FC3"], []),
        (["--select", "ALL"], ["FC206", "FC201", "FC202"]),
        (["--ignore", "FC201"], ["FC206", "FC202"]),
        (["--ignore", "FC2"], []),
        (["--ignore", "FC201,FC206"], ["FC202"]),
        (["--select", "FC2", "--ignore", "FC202"], ["FC206", "FC201"]),
        (["--select", "FC201", "--extend-select", "FC206"], ["FC206", "FC201"]),
        (["--select", "FC1", "--extend-select", "FC202"], ["FC202"]),
    ],
)
def test_select_ignore_extend_select(run: Run, tmp_path: Path, args: list[str], expected: list[str]) -> None:
    project(tmp_path, flow=ERRORS)
    code, out, _ = run("lint", "--output-format", "json", *args, "flow.py")
    assert json_codes(out) == expected
    assert code == (1 if {"FC201", "FC202"} & set(expected) else 0)


@pytest.mark.parametrize(
    ("table", "args", "expected"),
    [
        ('select = ["FC201"]', [], ["FC201"]),
        ('ignore = ["FC201"]', [], ["FC206", "FC202"]),
        ('select = ["FC2"]\nignore = ["FC206"]', [], ["FC201", "FC202"]),
        ('select = ["FC201"]\nextend-select = ["FC206"]', [], ["FC206", "FC201"]),
        ('select = ["FC201"]', ["--select", "FC202"], ["FC202"]),  # the command line wins
        ('ignore = ["FC201"]', ["--ignore", "FC202"], ["FC206"]),  # ignores add up
    ],
)
def test_tool_flowc_select_and_ignore(
    run: Run, tmp_path: Path, table: str, args: list[str], expected: list[str]
) -> None:
    project(tmp_path, flow=ERRORS)
    (tmp_path / "pyproject.toml").write_text(f"[tool.flowc]\n{table}\n")
    _, out, _ = run("lint", "--output-format", "json", *args, "flow.py")
    assert json_codes(out) == expected


def test_config_found_from_a_parent_directory(run: Run, tmp_path: Path) -> None:
    project(tmp_path, pkg__flow=ERRORS)
    (tmp_path / "pyproject.toml").write_text('[tool.flowc]\nignore = ["FC2"]\n')
    code, out, _ = run("lint", "--output-format", "json", "pkg/flow.py")
    assert (code, json_codes(out)) == (0, [])


def test_explicit_config_file(run: Run, tmp_path: Path) -> None:
    project(tmp_path, flow=ERRORS)
    (tmp_path / "other.toml").write_text('[tool.flowc]\nselect = ["FC202"]\n')
    _, out, _ = run("lint", "--output-format", "json", "--config", "other.toml", "flow.py")
    assert json_codes(out) == ["FC202"]


def test_config_exclude(run: Run, tmp_path: Path) -> None:
    project(tmp_path, keep=ERRORS, generated__skip=ERRORS)
    (tmp_path / "pyproject.toml").write_text('[tool.flowc]\nexclude = ["generated/*"]\n')
    _, out, _ = run("lint", "--output-format", "json", ".")
    assert json_files(out) == {"keep.py"}


# --- one configuration per file, as ruff finds it -------------------------------------------------


def two_projects(root: Path, pa: str, pb: str) -> None:
    """pa/ and pb/, each with the same flow and its own `[tool.flowc]` table."""
    for name, table in (("pa", pa), ("pb", pb)):
        project(root / name, flow=ERRORS)
        (root / name / "pyproject.toml").write_text(f"[tool.flowc]\n{table}\n")


@pytest.mark.parametrize("order", [["pa", "pb"], ["pb", "pa"]])
def test_each_path_is_governed_by_its_own_configuration(run: Run, tmp_path: Path, order: list[str]) -> None:
    two_projects(tmp_path, 'ignore = ["FC2"]', "")
    code, out, _ = run("lint", "--output-format", "json", *order)
    assert (code, json_files(out)) == (1, {"pb/flow.py"})


def test_a_nested_project_keeps_its_configuration_in_a_walk(run: Run, tmp_path: Path) -> None:
    project(tmp_path, top=ERRORS, sub__flow=ERRORS)
    (tmp_path / "pyproject.toml").write_text('[tool.flowc]\nignore = ["FC2"]\n')
    (tmp_path / "sub" / "pyproject.toml").write_text('[tool.flowc]\nselect = ["FC202"]\n')
    _, out, _ = run("lint", "--output-format", "json", ".")
    assert (json_codes(out), json_files(out)) == (["FC202"], {"sub/flow.py"})


def test_a_pyproject_without_the_table_is_passed_over(run: Run, tmp_path: Path) -> None:
    project(tmp_path / "pkg", flow=ERRORS)  # pkg/pyproject.toml has no [tool.flowc]
    (tmp_path / "pyproject.toml").write_text('[tool.flowc]\nignore = ["FC2"]\n')
    code, out, _ = run("lint", "--output-format", "json", "pkg/flow.py")
    assert (code, json_codes(out)) == (0, [])


@pytest.mark.parametrize(("config", "expected"), [("pa", set()), ("pb", {"pa/flow.py", "pb/flow.py"})])
def test_an_explicit_config_governs_every_path(
    run: Run, tmp_path: Path, config: str, expected: set[str]
) -> None:
    two_projects(tmp_path, 'ignore = ["FC2"]', "")
    _, out, _ = run("lint", "--output-format", "json", "--config", f"{config}/pyproject.toml", "pb", "pa")
    assert json_files(out) == expected


def test_the_command_line_applies_to_every_configuration(run: Run, tmp_path: Path) -> None:
    two_projects(tmp_path, 'select = ["FC2"]', 'select = ["FC201", "FC202"]')
    _, out, _ = run("lint", "--output-format", "json", "--ignore", "FC202", "pa", "pb")
    found = sorted((Path(item["filename"]).parent.name, item["code"]) for item in json.loads(out))
    assert found == [("pa", "FC201"), ("pa", "FC206"), ("pb", "FC201")]


# --- exclude: relative to the pyproject.toml declaring it ------------------------------------------


def legacy_project(root: Path, exclude: str = "legacy/*") -> None:
    project(root, keep=ERRORS, legacy__bad=ERRORS)
    (root / "pyproject.toml").write_text(f'[tool.flowc]\nexclude = ["{exclude}"]\n')


def linted_names(out: str) -> set[str]:
    return {Path(name).name for name in json_files(out)}


@pytest.mark.parametrize(
    ("cwd", "args", "expected"),
    [
        (".", [], {"keep.py"}),
        (".", ["."], {"keep.py"}),
        (".", ["<root>"], {"keep.py"}),
        (".", ["legacy"], set()),
        ("legacy", [], set()),
        ("legacy", ["."], set()),
        ("legacy", [".."], {"keep.py"}),
    ],
)
def test_exclude_does_not_depend_on_how_paths_are_spelled(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cwd: str, args: list[str], expected: set[str]
) -> None:
    legacy_project(tmp_path)
    monkeypatch.chdir(tmp_path / cwd)
    paths = [str(tmp_path) if arg == "<root>" else arg for arg in args]
    _, out, _ = run("lint", "--output-format", "json", *paths)
    assert linted_names(out) == expected


@pytest.mark.parametrize("exclude", ["legacy", "bad.py", "*/bad.py"])
def test_exclude_matches_folders_and_names(run: Run, tmp_path: Path, exclude: str) -> None:
    legacy_project(tmp_path, exclude)
    _, out, _ = run("lint", "--output-format", "json", str(tmp_path))
    assert linted_names(out) == {"keep.py"}


def test_a_nested_projects_exclude_applies_within_it(run: Run, tmp_path: Path) -> None:
    legacy_project(tmp_path / "sub")
    (tmp_path / "pyproject.toml").write_text("[tool.flowc]\n")
    _, out, _ = run("lint", "--output-format", "json")
    assert json_files(out) == {"sub/keep.py"}


def test_explicit_config_excludes_relative_to_the_working_directory(run: Run, tmp_path: Path) -> None:
    project(tmp_path, keep=ERRORS, legacy__bad=ERRORS)
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "flowc.toml").write_text('[tool.flowc]\nexclude = ["legacy/*"]\n')
    _, out, _ = run("lint", "--output-format", "json", "--config", "conf/flowc.toml")
    assert json_files(out) == {"keep.py"}


@pytest.mark.parametrize(("cwd", "named"), [(".", "legacy/bad.py"), ("legacy", "bad.py")])
def test_a_named_file_is_linted_even_when_excluded(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cwd: str, named: str
) -> None:
    legacy_project(tmp_path)
    monkeypatch.chdir(tmp_path / cwd)
    code, out, _ = run("lint", "--output-format", "json", named)
    assert (code, linted_names(out)) == (1, {"bad.py"})


@pytest.mark.parametrize(
    ("cwd", "named"),
    [
        (".", ["legacy/bad.py", "keep.py"]),
        (".", ["<root>/legacy/bad.py", "keep.py"]),
        (".", ["legacy", "keep.py"]),
        ("legacy", ["bad.py", "../keep.py"]),
    ],
)
def test_force_exclude_applies_exclude_to_named_files(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cwd: str, named: list[str]
) -> None:
    legacy_project(tmp_path)
    monkeypatch.chdir(tmp_path / cwd)
    paths = [name.replace("<root>", str(tmp_path)) for name in named]
    code, out, _ = run("lint", "--output-format", "json", "--force-exclude", *paths)
    assert (code, linted_names(out)) == (1, {"keep.py"})


def test_the_pre_commit_hook_honours_exclude(run: Run, tmp_path: Path) -> None:
    """pre-commit names every staged file: the hook must still skip excluded ones."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    program, *options = next(hook["entry"] for hook in hooks if hook["id"] == "flowc-lint").split()
    legacy_project(tmp_path)
    assert program == "flowc"
    code, out, _ = run(*options, "--output-format", "json", "legacy/bad.py")
    assert (code, json_codes(out)) == (0, [])


def test_the_pre_commit_hooks_see_the_whole_change() -> None:
    """flowc-check runs on every commit: compiled output drifts from changes to files it isn't
    given (a module the flow imports, pyproject.toml, the compiled file). flowc-lint runs as one
    process, so its summary is about every file."""
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["flowc-check"]["always_run"] is True
    assert hooks["flowc-check"]["pass_filenames"] is False
    assert hooks["flowc-lint"]["require_serial"] is True


# --- suppressions ------------------------------------------------------------------------------

SUPPRESSED = """
from flowc import flow, step

@step
def make() -> int:
    return 1

@step
def use(x: str, note: str = "") -> None:
    print(x, note)

@flow
def pipeline() -> None:
    a = make()
    use(a)  # flowc: ignore[FC201]
    use(a)  # flowc: ignore
    use(a)  # flowc: ignore[FC201, FC202]
    use(a)  # FLOWC: IGNORE[fc201]
    use(a)  # flowc: ignore[FC202]
    use("ok")  # flowc: ignore[FC201]
    use("ok")  # flowc: ignore[FC777]
    use(a, note="# flowc: ignore[FC201]")
"""


def _positions(out: str) -> list[tuple[str, int]]:
    return [(item["code"], item["location"]["row"]) for item in json.loads(out)]


def test_suppression_comments(run: Run, tmp_path: Path) -> None:
    project(tmp_path, flow=SUPPRESSED)
    _, out, _ = run("lint", "--output-format", "json", "flow.py")
    assert sorted(_positions(out)) == [
        ("FC010", 16),  # FC202 is not reported on that line
        ("FC010", 18),
        ("FC010", 19),
        ("FC011", 20),
        ("FC201", 18),
        ("FC201", 21),  # text in a string is not a comment
    ]


def test_unused_suppression_of_a_disabled_rule_is_not_reported(run: Run, tmp_path: Path) -> None:
    project(tmp_path, flow=SUPPRESSED)
    _, out, _ = run("lint", "--output-format", "json", "--ignore", "FC202", "flow.py")
    assert ("FC010", 15) not in _positions(out)


def test_suppression_warnings_can_be_ignored(run: Run, tmp_path: Path) -> None:
    project(tmp_path, flow=SUPPRESSED)
    _, out, _ = run("lint", "--output-format", "json", "--ignore", "FC010,FC011", "flow.py")
    assert set(json_codes(out)) == {"FC201"}


# --- output streams -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["full", "concise"])
@pytest.mark.parametrize("source", [CLEAN, ERRORS])
def test_human_formats_write_to_stderr(run: Run, tmp_path: Path, fmt: str, source: str) -> None:
    project(tmp_path, flow=source)
    _, out, err = run("lint", "--output-format", fmt, "flow.py")
    assert out == ""
    assert err.strip()


@pytest.mark.parametrize("fmt", ["json", "github", "sarif"])
def test_machine_formats_write_to_stdout(run: Run, tmp_path: Path, fmt: str) -> None:
    project(tmp_path, flow=ERRORS)
    _, out, err = run("lint", "--output-format", fmt, "flow.py")
    assert err == ""
    assert "FC201" in out


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_formats_are_valid_when_clean(run: Run, tmp_path: Path, fmt: str) -> None:
    project(tmp_path, flow=CLEAN)
    code, out, err = run("lint", "--output-format", fmt, "flow.py")
    assert (code, err) == (0, "")
    json.loads(out)


@pytest.mark.parametrize(
    "args",
    [
        ["lint", "flow.py", "broken.py", "binary.py", "."],
        ["lint", "--output-format", "sarif", "."],
        ["lint", "missing.py"],
        ["lint", "--select"],
        ["lint", "--output-format"],
        ["explain", "FC000"],
        ["inspect", "broken.py"],
        ["inspect", "binary.py"],
        ["graph", "flow.py:nope"],
        ["nonsense"],
        [],
        ["--version"],
    ],
)
def test_no_traceback_ever(run: Run, tmp_path: Path, args: list[str]) -> None:
    project(tmp_path, flow=ERRORS, broken="from flowc import flow\n@flow\ndef f(:\n")
    (tmp_path / "binary.py").write_bytes(b"from flowc import step\n\xff\xfe\x00\x01")
    code, _, _ = run(*args)  # the fixture asserts there is no traceback
    assert code in (0, 1, 2)


# --- internal errors ----------------------------------------------------------------------------------


def _explode(*args: object, **kwargs: object) -> NoReturn:
    raise RuntimeError("simulated bug")


def test_internal_error_while_linting_is_fc901_and_exit_2(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(tmp_path, flow=CLEAN)
    monkeypatch.setattr(compiler_lint, "load_file", _explode)
    code, out, _ = run("lint", "--output-format", "json", "flow.py")
    assert (code, json_codes(out)) == (2, ["FC901"])


@pytest.mark.parametrize("command", [["inspect"], ["inspect", "--json"], ["graph"]])
def test_internal_error_while_loading_is_exit_2(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    project(tmp_path, flow=CLEAN)
    monkeypatch.setattr(cli_load, "load_flow", _explode)
    code, out, err = run(*command, "flow.py")
    assert (code, out) == (2, "")
    assert "FC901" in err


def test_unexpected_exception_is_exit_2_without_traceback(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The single error boundary: a bug anywhere in a command never escapes as a traceback."""
    project(tmp_path, flow=CLEAN)
    monkeypatch.setattr(render, "render", _explode)
    code, _, err = run("lint", "flow.py")
    assert code == 2
    assert err.strip()


# --- the real process ------------------------------------------------------------------------------


def test_subprocess_examples_exit_0() -> None:
    result = flowc("lint", "examples/")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["lint", "flow.py"], 1),
        (["lint", "--exit-zero", "flow.py"], 0),
        (["lint", "missing.py"], 2),
        (["lint", "--output-format", "nope", "flow.py"], 2),
    ],
)
def test_subprocess_exit_codes(tmp_path: Path, args: list[str], expected: int) -> None:
    project(tmp_path, flow=ERRORS)
    result = flowc(*args, cwd=tmp_path)
    assert result.returncode == expected, result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_subprocess_json_on_stdout(tmp_path: Path) -> None:
    project(tmp_path, flow=ERRORS)
    result = flowc("lint", "--output-format", "json", "flow.py", cwd=tmp_path)
    assert json_codes(result.stdout) == ["FC206", "FC201", "FC202"]
    assert result.stderr == ""


# --- scale ---------------------------------------------------------------------------------------------


def test_a_1000_step_flow_is_clean(run: Run, tmp_path: Path) -> None:
    (tmp_path / "large.py").write_text(generate_flow(1000))
    code, out, _ = run("lint", "--output-format", "json", "large.py")
    assert (code, json.loads(out)) == (0, [])


def _count_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    original = flows.FlowBuilder._call

    def counting(self: flows.FlowBuilder, node: ast.Call) -> object:
        calls[0] += 1
        return original(self, node)

    monkeypatch.setattr(flows.FlowBuilder, "_call", counting)
    return calls


def test_task_calls_are_built_once_each(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = _count_calls(monkeypatch)
    path = tmp_path / "large.py"
    path.write_text(generate_flow(2000))
    assert lint_paths([path], frozenset(RULES)).diagnostics == []
    assert calls[0] <= 2000 + 10


def _compiler_lines_executed(path: Path) -> int:
    """Lines of `flowc.compiler` executed while linting `path`: a work count, not a timing."""
    root = str(Path(flows.__file__).parents[1])
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> TraceFunction:
        nonlocal count
        count += event == "line"
        return local

    def calls(frame: FrameType, event: str, arg: object) -> TraceFunction | None:
        return local if frame.f_code.co_filename.startswith(root) else None

    previous = sys.gettrace()  # e.g. coverage's; restored after
    sys.settrace(calls)
    try:
        lint_paths([path], frozenset(RULES))
    finally:
        sys.settrace(previous)
    return count


def test_lint_work_grows_linearly(tmp_path: Path) -> None:
    """Twice the steps must cost about twice the work: catches passes quadratic in flow size."""
    work = {}
    for n in (500, 1000):
        path = tmp_path / f"large_{n}.py"
        path.write_text(generate_flow(n))
        work[n] = _compiler_lines_executed(path)
    assert work[1000] / work[500] < 2.3, work
