"""`# flowc: ignore[...]` suppressions: the right line only, several codes, unused and unknown ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from flowc.compiler.diagnostics import Diagnostic, Span
from flowc.compiler.lint import lint_paths
from flowc.compiler.rules import RULES, diagnostic
from flowc.compiler.suppress import apply_suppressions, find_suppressions

from tests.harness import lint_source, positions, write_project

HEADER = """\
from flowc import step, flow, Dataset, Model
@step
def load() -> Dataset: ...
@step
def train(m: Model) -> None: ...
@flow
def f() -> None:
    d = load()
"""  # the wiring line below is line 9; `d` is at column 11


def lint_tail(tmp_path: Path, tail: str) -> list[tuple[str, int, int]]:
    return positions(lint_source(tmp_path, HEADER + tail))


def test_unsuppressed(tmp_path: Path) -> None:
    assert lint_tail(tmp_path, "    train(d)\n") == [("FC201", 9, 11)]


@pytest.mark.parametrize(
    "comment",
    [
        "# flowc: ignore[FC201]",
        "# flowc: ignore",
        "# flowc: ignore[fc201]",
        "# FLOWC: IGNORE[FC201]",
        "# Flowc: Ignore[Fc201]",
        "#flowc:ignore[FC201]",
        "#  flowc:  ignore[ FC201 ]",
        "# noqa: E501  # flowc: ignore[FC201]",
        "# flowc: ignore[FC201] because the step reads any artifact",
    ],
)
def test_suppressed_on_the_line(tmp_path: Path, comment: str) -> None:
    assert lint_tail(tmp_path, f"    train(d)  {comment}\n") == []


@pytest.mark.parametrize("comment", ["# flowc: ignore[FC201", "# flowc: ignore [FC201]"])
def test_an_unclosed_or_detached_bracket_suppresses_nothing(tmp_path: Path, comment: str) -> None:
    found = lint_tail(tmp_path, f"    train(d)  {comment}\n")
    assert [code for code, *_ in found] == ["FC201", "FC011"]


def test_target_codes_are_never_unused_in_lint(tmp_path: Path) -> None:
    """Lint does not run the targets, so it cannot know a target code's suppression is unused."""
    assert lint_tail(tmp_path, "    train(d)  # flowc: ignore[FC201, FC507]\n") == []


def test_several_codes(tmp_path: Path) -> None:
    assert lint_tail(tmp_path, "    train(d)  # flowc: ignore[FC202, FC201]\n") == [("FC010", 9, 15)]


def test_several_codes_all_used(tmp_path: Path) -> None:
    tail = "    train(d, m=d)  # flowc: ignore[FC201,FC204]\n"
    assert lint_tail(tmp_path, tail) == []


def test_another_code_does_not_suppress(tmp_path: Path) -> None:
    assert lint_tail(tmp_path, "    train(d)  # flowc: ignore[FC202]\n") == [
        ("FC201", 9, 11),
        ("FC010", 9, 15),
    ]


def test_only_the_line_of_the_comment(tmp_path: Path) -> None:
    tail = "    # flowc: ignore[FC201]\n    train(d)\n"
    assert lint_tail(tmp_path, tail) == [("FC010", 9, 5), ("FC201", 10, 11)]


def test_a_suppression_on_the_next_line_does_not_apply(tmp_path: Path) -> None:
    tail = "    train(d)\n    x = load()  # flowc: ignore\n"
    assert lint_tail(tmp_path, tail) == [("FC201", 9, 11), ("FC010", 10, 17)]


def test_the_line_of_the_diagnostic_in_a_multiline_call(tmp_path: Path) -> None:
    tail = "    train(\n        d,  # flowc: ignore[FC201]\n    )\n"
    assert lint_tail(tmp_path, tail) == []


@pytest.mark.parametrize("end", ["\r", "\r\n"])
@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("    train(d)  # flowc: ignore[FC201]\n", []),
        ("    # flowc: ignore[FC201]\n    train(d)\n", [("FC010", 9, 5), ("FC201", 10, 11)]),
    ],
)
def test_lines_end_as_python_ends_them(
    tmp_path: Path, end: str, tail: str, expected: list[tuple[str, int, int]]
) -> None:
    """A lone `\\r` ends a line for Python (and so for `ast`'s line numbers), not for `tokenize`."""
    assert positions(lint_source(tmp_path, (HEADER + tail).replace("\n", end))) == expected


@pytest.mark.parametrize("within", ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_characters_splitlines_would_end_a_line_at_are_within_it(tmp_path: Path, within: str) -> None:
    tail = f"    s = '{within}'\n    # flowc: ignore[FC201]\n    train(d)\n"
    assert lint_tail(tmp_path, tail) == [("FC010", 10, 5), ("FC201", 11, 11)]


@pytest.mark.parametrize(
    "tail",
    [
        '    train(d); s = "# flowc: ignore[FC201]"\n',
        "    train(d); s = '''# flowc: ignore[FC201]'''\n",
        '    train(d); s = f"# flowc: ignore[FC201] {1}"\n',
    ],
)
def test_text_inside_a_string_is_not_a_comment(tmp_path: Path, tail: str) -> None:
    assert [c for c, _, _ in lint_tail(tmp_path, tail) if c in ("FC201", "FC010")] == ["FC201"]


def test_unused_blanket_suppression(tmp_path: Path) -> None:
    assert lint_tail(tmp_path, "    x = load()  # flowc: ignore\n") == [("FC010", 9, 17)]


def test_unknown_code(tmp_path: Path) -> None:
    assert lint_tail(tmp_path, "    train(d)  # flowc: ignore[FC999]\n") == [
        ("FC201", 9, 11),
        ("FC011", 9, 15),
    ]


def test_unknown_code_next_to_a_used_one(tmp_path: Path) -> None:
    assert lint_tail(tmp_path, "    train(d)  # flowc: ignore[FC201, XYZ]\n") == [("FC011", 9, 15)]


def test_suppression_diagnostics_are_warnings(tmp_path: Path) -> None:
    found = lint_source(tmp_path, HEADER + "    x = load()  # flowc: ignore[FC201, FC999]\n")
    assert [(d.code, d.is_error) for d in found] == [("FC010", False), ("FC011", False)]


def test_a_suppression_in_a_module_level_statement(tmp_path: Path) -> None:
    source = "from flowc import step\n@step(cpu='x')  # flowc: ignore[FC104]\ndef s() -> None: ...\n"
    assert positions(lint_source(tmp_path, source)) == []


def test_an_imported_modules_own_suppressions_are_not_reported_unused(tmp_path: Path) -> None:
    # lib.py is a flow file of its own whose suppression is used when lib.py is linted;
    # linting flow.py, which only imports a step from it, must not call it unused
    lib = (
        "from flowc import step, flow\n@step\ndef count(x: int) -> int: ...\n"
        "@flow\ndef other() -> None:\n    count('a')  # flowc: ignore[FC201]\n"
    )
    flow = "from flowc import flow\nfrom lib import count\n@flow\ndef main() -> None:\n    count(1)\n"
    assert positions(lint_source(tmp_path, flow, lib=lib)) == []


# --- the functions themselves ----------------------------------------------------------------


def test_find_suppressions_by_line() -> None:
    text = "x = 1  # flowc: ignore[FC201, fc202]\ny = 2\nz = 3  # flowc: ignore\n"
    found = find_suppressions("f.py", text)
    assert sorted(found) == [1, 3]
    assert found[1].codes == ("FC201", "FC202")
    assert found[3].codes == ()
    assert (found[1].span.line, found[1].span.col) == (1, 8)


def test_find_suppressions_ignores_strings_and_untokenizable_text() -> None:
    assert find_suppressions("f.py", 's = "# flowc: ignore"\n') == {}
    assert set(find_suppressions("f.py", "x = (\n# flowc: ignore\n")) <= {2}  # no exception


_FIELDS: dict[str, dict[str, str]] = {
    "FC201": {"what": "x", "expected": "int", "got": "str"},
    "FC104": {"option": "cpu", "value": "x", "example": "2"},
}


def _diag(code: str, line: int, path: str = "f.py") -> Diagnostic:
    return diagnostic(code, Span(path, line, 1, line, 2), **_FIELDS[code])


def test_apply_suppressions_drops_only_matching_codes() -> None:
    sources = {"f.py": "a  # flowc: ignore[FC201]\nb\n"}
    kept = apply_suppressions(
        [_diag("FC201", 1), _diag("FC104", 1), _diag("FC201", 2)], sources, frozenset(RULES), {"f.py"}
    )
    assert [(d.code, d.span.line) for d in kept] == [("FC104", 1), ("FC201", 2)]


def test_apply_suppressions_only_in_the_diagnostics_file() -> None:
    sources = {"f.py": "a  # flowc: ignore[FC201]\n", "g.py": "a\n"}
    kept = apply_suppressions([_diag("FC201", 1, "g.py")], sources, frozenset(RULES), {"f.py", "g.py"})
    assert [(d.code, d.span.path) for d in kept] == [("FC201", "g.py"), ("FC010", "f.py")]
    # a file that is only imported, not linted, keeps its suppressions for its own lint
    assert apply_suppressions([], sources, frozenset(RULES), {"g.py"}) == []


def test_a_suppressed_code_that_is_not_enabled_is_not_unused() -> None:
    sources = {"f.py": "a  # flowc: ignore[FC201]\n"}
    assert apply_suppressions([], sources, frozenset(RULES) - {"FC201"}, {"f.py"}) == []
    assert [d.code for d in apply_suppressions([], sources, frozenset(RULES), {"f.py"})] == ["FC010"]


def test_unused_suppression_is_not_reported_when_fc010_is_ignored(tmp_path: Path) -> None:
    write_project(tmp_path, {"flow.py": HEADER + "    x = load()  # flowc: ignore[FC201]\n"})
    result = lint_paths([tmp_path / "flow.py"], frozenset(RULES) - {"FC010"})
    assert result.diagnostics == []
