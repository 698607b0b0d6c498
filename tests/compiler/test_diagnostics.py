"""Diagnostics' shared pieces: lines numbered as Python numbers them, path errors."""

from __future__ import annotations

import ast

import pytest
from flowc.compiler.diagnostics import source_lines
from hypothesis import given
from hypothesis import strategies as st

LINE_ENDS = ["\n", "\r\n", "\r"]
WITHIN_A_LINE = ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]  # for Python


@given(
    st.lists(
        st.tuples(st.text(st.sampled_from(WITHIN_A_LINE), max_size=2), st.sampled_from(LINE_ENDS)),
        min_size=1,
        max_size=6,
    )
)
def test_lines_are_numbered_as_ast_numbers_them(parts: list[tuple[str, str]]) -> None:
    source = "".join(f"x{i} = '{inside}'{end}" for i, (inside, end) in enumerate(parts))
    lines = source_lines(source)
    for statement in ast.parse(source).body:
        assert isinstance(statement, ast.Assign)
        name = statement.targets[0]
        assert isinstance(name, ast.Name)
        assert lines[statement.lineno - 1].startswith(f"{name.id} = ")
    assert len(lines) == len(parts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", []), ("a", ["a"]), ("a\n", ["a"]), ("a\n\n", ["a", ""]), ("a\r\nb\rc", ["a", "b", "c"])],
)
def test_a_final_line_end_starts_no_line(text: str, expected: list[str]) -> None:
    assert source_lines(text) == expected == text.splitlines()
