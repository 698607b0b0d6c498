"""Golden lint corpus: each invalid flow in `golden/lint/` gives exactly its `.expected` diagnostics.

A case is `golden/lint/NAME.py`, or a small project `golden/lint/NAME/flow.py` (plus the modules it
imports). Its `.expected` file next to it holds one `LINE:COL CODE` line per diagnostic, in the
order flowc sorts them; a diagnostic in another file of the case is written `REL/PATH.py:LINE:COL
CODE`, relative to the case's folder. Positions and codes only, never message text.

The expectations are written by hand from the spec and the rule docs. To rewrite them from what
flowc reports now, run `FLOWC_REGEN_GOLDEN=1 python -m pytest tests/compiler/test_golden_lint.py`
and review the diff; this is refused when `CI` is set.
"""

from __future__ import annotations

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from flowc.compiler.diagnostics import Diagnostic
from flowc.compiler.frontend.loader import load_flow
from flowc.compiler.lint import lint_paths
from flowc.compiler.rules import RULES

from tests.harness import ALL_CODES, positions

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "golden" / "lint"
REGEN_VAR = "FLOWC_REGEN_GOLDEN"
# Codes without a golden case: an unreadable file cannot be stored in git meaningfully (FC002);
# FC003/FC004 need a PATH:FLOW selection (tested below with `load_flow`); FC9xx are internal.
NOT_GOLDEN = frozenset({"FC002", "FC003", "FC004"})
# Families `flowc lint` reports; target limits (FC5xx) are golden-tested with their targets.
LINT_FAMILIES = frozenset({"FC0", "FC1", "FC2", "FC3", "FC4"})
TRACEBACK_TEXT = ("Traceback (most recent call last)", 'File "')
CLI_CASES = ("fc201_dataset_into_model.py", "suppress_unknown_code.py", "imported_step_error/flow.py")


def _cases() -> list[Path]:
    return sorted(CORPUS.glob("*.py")) + sorted(CORPUS.glob("*/flow.py"))


def _case_id(case: Path) -> str:
    return case.parent.name if case.name == "flow.py" and case.parent != CORPUS else case.stem


CASES = [pytest.param(c, id=_case_id(c)) for c in _cases()]


@cache
def _lint(case: Path) -> tuple[Diagnostic, ...]:
    return tuple(lint_paths([case], ALL_CODES).diagnostics)


def _line(case: Path, d: Diagnostic) -> str:
    """`LINE:COL CODE`, prefixed with the file's path when it is not the case's flow file."""
    path = Path(os.path.abspath(d.span.path)).resolve()
    if path == case.resolve():
        return f"{d.span.line}:{d.span.col} {d.code}"
    other = Path(os.path.relpath(path, case.parent.resolve())).as_posix()
    return f"{other}:{d.span.line}:{d.span.col} {d.code}"


def _text(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def _regenerating() -> bool:
    if os.environ.get(REGEN_VAR) != "1":
        return False
    if os.environ.get("CI"):
        pytest.fail(f"{REGEN_VAR}=1 is refused in CI: golden files are regenerated only on request")
    return True


def _expected(case: Path) -> list[str]:
    return case.with_suffix(".expected").read_text().splitlines()


@pytest.mark.parametrize("case", CASES)
def test_golden_lint(case: Path) -> None:
    found = [_line(case, d) for d in _lint(case)]
    expected_file = case.with_suffix(".expected")
    if _regenerating():
        expected_file.write_text(_text(found))
        return
    messages = [f"{_line(case, d)} {d.message}" for d in _lint(case)]
    assert _text(found) == expected_file.read_text(), "\n".join(messages)


@pytest.mark.parametrize("case", CASES)
def test_golden_messages_are_clean(case: Path) -> None:
    for d in _lint(case):
        assert not d.code.startswith("FC9"), f"{_line(case, d)}: {d.message}"
        assert d.message.strip(), _line(case, d)
        assert not any(t in d.message for t in TRACEBACK_TEXT), d.message


def test_every_case_has_an_expected_file_and_vice_versa() -> None:
    cases = {c.with_suffix(".expected") for c in _cases()}
    expected = set(CORPUS.glob("*.expected")) | set(CORPUS.glob("*/flow.expected"))
    stray = sorted(p for p in CORPUS.rglob("*.expected") if p not in expected)
    assert stray == []
    assert sorted(p.relative_to(CORPUS) for p in cases ^ expected) == []


def test_every_rule_has_a_golden_case() -> None:
    covered = {line.split()[-1] for case in _cases() for line in _expected(case)}
    wanted = {code for code in RULES if code[:3] in LINT_FAMILIES and code not in NOT_GOLDEN}
    assert sorted(wanted - covered) == [], "add a golden/lint case for each of these codes"


def test_regeneration_is_refused_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REGEN_VAR, "1")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        _regenerating()


def test_unknown_flow_name_is_fc003() -> None:
    result = load_flow(CORPUS / "fc201_dataset_into_model.py", "pipline")
    assert positions(result.diagnostics) == [("FC003", 1, 1)]
    assert result.program is None


def test_file_without_a_flow_is_fc003() -> None:
    result = load_flow(CORPUS / "imported_step_error" / "steps.py", None)
    assert positions(result.diagnostics) == [("FC003", 1, 1)]


def test_several_flows_without_a_selection_is_fc004() -> None:
    result = load_flow(CORPUS / "fc305_mutual_recursion.py", None)
    assert positions(result.diagnostics) == [("FC004", 1, 1)]


def _cli_headline(case: Path, line: str) -> str:
    """The concise format's `path:line:col: CODE` for an expected line, run from the repository root."""
    where, code = line.split()
    *other, row, col = where.split(":")
    path = case.parent / other[0] if other else case
    return f"{path.relative_to(REPO).as_posix()}:{row}:{col}: {code}"


@pytest.mark.parametrize("rel", CLI_CASES)
def test_cli_reports_the_golden_diagnostics(rel: str) -> None:
    case = CORPUS / rel
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"} | {"NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "flowc", "lint", "--output-format", "concise", str(case.relative_to(REPO))],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    for line in _expected(case):
        assert _cli_headline(case, line) in output, output
