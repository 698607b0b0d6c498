"""`flowc lint --output-format`: the shape of every format, checked against the JSON one.

`json` is the reference: the other formats must carry the same codes at the same positions.
Wording is never compared.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flowc.cli.main import main
from flowc.compiler.rules import RULES

from tests.harness import MIXED_DIAGNOSTICS

SOURCE = MIXED_DIAGNOSTICS
EXPECTED = [("FC206", 8, 13), ("FC201", 18, 9), ("FC202", 19, 5)]

# the same error after non-ASCII text and after ASCII text of the same length
UNICODE = """
from flowc import flow, step

@step
def pair(s: str, n: int) -> None:
    print(s, n)

@flow
def pipeline() -> None:
    pair("éééé", "x")
    pair("eeee", "x")
"""

CONCISE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<code>FC\d{3}) (?P<message>\S.*)$")
GITHUB = re.compile(
    r"^::(?P<level>error|warning) title=flowc \((?P<code>FC\d{3})\),file=(?P<file>[^,]+),"
    r"line=(?P<line>\d+),col=(?P<col>\d+),endLine=(?P<end_line>\d+),endColumn=(?P<end_col>\d+)::(?P<message>.+)$"
)
ANSI = "\x1b["

Lint = Callable[..., tuple[int, str, str]]


@pytest.fixture
def lint(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Lint:
    """`flowc lint --output-format FMT flow.py` in-process on `source`: (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    for var in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(var, raising=False)

    def invoke(fmt: str, source: str = SOURCE, name: str = "flow.py") -> tuple[int, str, str]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
        code = main(["lint", "--output-format", fmt, name])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def reference(lint: Lint, source: str = SOURCE) -> list[dict[str, Any]]:
    _, out, _ = lint("json", source)
    items: list[dict[str, Any]] = json.loads(out)
    return items


def triples(items: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    return [(i["code"], i["location"]["row"], i["location"]["column"]) for i in items]


# --- json ------------------------------------------------------------------------------------------


def test_json_fields(lint: Lint) -> None:
    items = reference(lint)
    assert triples(items) == EXPECTED
    for item in items:
        assert item["name"] == RULES[item["code"]].name
        assert item["severity"] == RULES[item["code"]].severity.value
        assert item["message"].strip()
        assert item["filename"] == "flow.py"
        end = item["end_location"]
        assert (end["row"], end["column"]) >= (item["location"]["row"], item["location"]["column"])


def test_json_clean_is_an_empty_list(lint: Lint) -> None:
    _, out, _ = lint("json", "from flowc import flow\n")
    assert json.loads(out) == []


# --- concise and full --------------------------------------------------------------------------------


def test_concise_lines(lint: Lint) -> None:
    items = reference(lint)
    code, out, err = lint("concise")
    assert (code, out) == (1, "")
    *lines, _summary = err.rstrip("\n").split("\n")
    matches = [CONCISE.match(line) for line in lines]
    assert all(matches), lines
    found = [(m["path"], int(m["line"]), int(m["col"]), m["code"], m["message"]) for m in matches if m]
    assert found == [
        (i["filename"], i["location"]["row"], i["location"]["column"], i["code"], i["message"]) for i in items
    ]


def _caret_under(err: str, line: int, col: int, source_line: str) -> bool:
    """Whether `err` shows `line | source_line` followed by a caret line starting at `col`."""
    lines = err.split("\n")
    for i, text in enumerate(lines[:-1]):
        head = f"{line} | "
        if text.lstrip().startswith(head) and text.endswith(source_line):
            gutter = text.index(head) + len(head)
            carets = lines[i + 1]
            return (
                len(carets) > gutter + col - 1
                and carets[gutter + col - 1] == "^"
                and (carets[gutter : gutter + col - 1].strip("| ") == "")
            )
    return False


def test_full_shows_source_and_caret(lint: Lint) -> None:
    code, out, err = lint("full")
    assert (code, out) == (1, "")
    source_lines = textwrap.dedent(SOURCE).lstrip("\n").splitlines()
    for rule, line, col in EXPECTED:
        assert f"flow.py:{line}:{col}: {rule}" in err
        assert _caret_under(err, line, col, source_lines[line - 1]), (rule, err)


def test_full_on_a_clean_file_is_a_summary_only(lint: Lint) -> None:
    code, out, err = lint("full", "from flowc import flow\n")
    assert (code, out) == (0, "")
    assert "FC" not in err


def test_columns_count_characters_not_bytes(lint: Lint) -> None:
    """Both lines have the error 18 characters in, whatever the bytes before it."""
    positions = [(row, col) for _, row, col in triples(reference(lint, UNICODE))]
    assert positions == [(9, 18), (10, 18)]
    _, _, err = lint("full", UNICODE)
    assert _caret_under(err, 9, 18, 'pair("éééé", "x")')


FORM_FEED = 'from flowc import step, flow\n\x0c\n@step\ndef a(x: int) -> int:\n    return x\n\n@flow\ndef f() -> None:\n    a("s")  # flowc: ignore[FC201]\n    a("t")\n'


def test_the_excerpt_is_the_line_python_counts(lint: Lint) -> None:
    """A form feed is no line end for Python: the excerpt must not be one line early."""
    _, _, err = lint("full", FORM_FEED)
    assert '    a("t")' in err
    assert "ignore[FC201]" not in err


# --- github ----------------------------------------------------------------------------------------------


def test_github_annotations(lint: Lint) -> None:
    items = reference(lint)
    code, out, err = lint("github")
    assert (code, err) == (1, "")
    matches = [GITHUB.match(line) for line in out.splitlines()]
    assert all(matches), out
    for m, item in zip(matches, items, strict=True):
        assert m is not None
        assert m["level"] == item["severity"]
        assert m["code"] == item["code"]
        assert m["file"] == item["filename"]
        assert (int(m["line"]), int(m["col"])) == (item["location"]["row"], item["location"]["column"])
        end = item["end_location"]
        assert (int(m["end_line"]), int(m["end_col"])) == (end["row"], end["column"])


def test_github_escapes_property_separators(lint: Lint) -> None:
    _, out, _ = lint("github", name="a,b/flow.py")
    files = {m["file"] for m in map(GITHUB.match, out.splitlines()) if m}
    assert files == {"a%2Cb/flow.py"}


def test_github_clean_prints_nothing(lint: Lint) -> None:
    code, out, err = lint("github", "from flowc import flow\n")
    assert (code, out, err) == (0, "", "")


# --- sarif -------------------------------------------------------------------------------------------------


def test_sarif_structure(lint: Lint) -> None:
    items = reference(lint)
    code, out, err = lint("sarif")
    assert (code, err) == (1, "")
    doc = json.loads(out)
    assert doc["version"] == "2.1.0"
    assert "sarif" in doc["$schema"]
    run = doc["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"  # columns count characters, as `json` does
    driver = run["tool"]["driver"]
    assert driver["name"] == "flowc"
    ids = [r["id"] for r in driver["rules"]]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(RULES)
    assert len(run["results"]) == len(items)
    for result, item in zip(run["results"], items, strict=True):
        assert result["ruleId"] == item["code"]
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == item["severity"]
        assert result["message"]["text"].strip()
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "flow.py"
        region = location["region"]
        assert (region["startLine"], region["startColumn"]) == (
            item["location"]["row"],
            item["location"]["column"],
        )
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])


def test_sarif_rule_levels_are_sarif_levels(lint: Lint) -> None:
    _, out, _ = lint("sarif")
    driver = json.loads(out)["runs"][0]["tool"]["driver"]
    levels = {r["defaultConfiguration"]["level"] for r in driver["rules"]}
    assert levels <= {"none", "note", "warning", "error"}


def test_sarif_clean_has_no_results(lint: Lint) -> None:
    code, out, _ = lint("sarif", "from flowc import flow\n")
    assert code == 0
    assert json.loads(out)["runs"][0]["results"] == []


# --- colour -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["full", "concise"])
@pytest.mark.parametrize(
    ("env", "coloured"),
    [
        ({}, False),  # captured output is not a terminal
        ({"NO_COLOR": "1"}, False),
        ({"FORCE_COLOR": "1"}, True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    ],
)
def test_colour_only_when_forced_and_not_disabled(
    lint: Lint, monkeypatch: pytest.MonkeyPatch, fmt: str, env: dict[str, str], coloured: bool
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    _, _, err = lint(fmt)
    assert (ANSI in err) is coloured


@pytest.mark.parametrize("fmt", ["json", "github", "sarif"])
def test_machine_formats_never_coloured(lint: Lint, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, err = lint(fmt)
    assert ANSI not in out + err


def test_sarif_locations_are_uri_references_counted_in_characters(tmp_path: Path) -> None:
    from flowc.cli.render import _artifact

    inside = tmp_path / "my flow,v2%.py"
    assert _artifact(str(inside), tmp_path) == {"uri": "my%20flow%2Cv2%25.py", "uriBaseId": "%SRCROOT%"}
    assert _artifact(str(tmp_path / "pkg" / "flow.py"), tmp_path)["uri"] == "pkg/flow.py"
    outside = _artifact(str(tmp_path.parent / "a b.py"), tmp_path)
    assert outside["uri"].startswith("file:///") and outside["uri"].endswith("/a%20b.py")
    assert "uriBaseId" not in outside


@pytest.fixture
def in_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Lint:
    """`flowc lint --output-format FMT flow.py` run in `sub/` of a repository whose root is
    `tmp_path`: GitHub resolves paths from the root of the checkout, not from where flowc ran."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "flow.py").write_text(textwrap.dedent(SOURCE).lstrip("\n"), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "sub")

    def invoke(fmt: str) -> tuple[int, str, str]:
        code = main(["lint", "--output-format", fmt, "flow.py"])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_github_paths_are_relative_to_the_repository_root(in_subfolder: Lint) -> None:
    _, out, _ = in_subfolder("github")
    files = {m["file"] for m in map(GITHUB.match, out.splitlines()) if m}
    assert files == {"sub/flow.py"}


def test_sarif_uris_are_relative_to_the_repository_root(in_subfolder: Lint, tmp_path: Path) -> None:
    _, out, _ = in_subfolder("sarif")
    run = json.loads(out)["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"
    assert run["results"]
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": "sub/flow.py", "uriBaseId": "%SRCROOT%"}


def test_notes_reach_github_and_sarif() -> None:
    from flowc.cli.render import _MACHINE
    from flowc.compiler.diagnostics import Span
    from flowc.compiler.rules import diagnostic

    notes = ("template big: 100% of it\nsource", "second")
    d = diagnostic(
        "FC502", Span("flow.py", 1, 1, 1, 2), *notes, kind="Workflow", size=2, budget=1, target="argo"
    )
    github = _MACHINE["github"]([d])
    assert "template big: 100%25 of it%0Asource" in github and "second" in github
    assert len(github.splitlines()) == 1
    text = json.loads(_MACHINE["sarif"]([d]))["runs"][0]["results"][0]["message"]["text"]
    assert all(note in text for note in notes)


def test_sarif_rules_carry_their_documentation(lint: Lint) -> None:
    _, out, _ = lint("sarif")
    for rule in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]:
        assert rule["help"]["markdown"] == RULES[rule["id"]].doc
