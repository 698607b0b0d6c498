"""Source files are decoded as Python decodes them (PEP 263): a BOM or a `# coding:` declaration
names the encoding, UTF-8 otherwise; what does not decode is FC002 at its first bad byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from flowc.compiler.diagnostics import Diagnostic
from flowc.compiler.frontend.encoding import decode_source
from flowc.compiler.frontend.loader import load_file
from flowc.compiler.lint import lint_paths

from tests.harness import ALL_CODES, positions, write_project

LATIN1_FLOW = (
    "# -*- coding: latin-1 -*-\n"
    '"""Caf\xe9 pipeline."""\n'
    "from flowc import flow, step\n"
    "\n"
    "# r\xe9sum\xe9: a comment in Latin-1\n"
    "@step\n"
    'def hello(name: str = "Jos\xe9") -> str:\n'
    '    return "h\xe9llo " + name\n'
    "\n"
    "@flow\n"
    "def greet() -> None:\n"
    '    hello(name="\xe9t\xe9"); hello(nom=1)\n'
).encode("latin-1")


def write_bytes_project(root: Path, files: dict[str, bytes]) -> None:
    write_project(root, {})
    for rel, data in files.items():
        (root / rel).write_bytes(data)


# --- decoding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"x = 1\n", "x = 1\n"),
        ("x = 'é'\n".encode(), "x = 'é'\n"),
        (b"\xef\xbb\xbfx = '\xc3\xa9'\n", "x = 'é'\n"),  # a UTF-8 BOM is not part of the text
        (b"\xef\xbb\xbf# coding: utf-8\nx = 1\n", "# coding: utf-8\nx = 1\n"),
        (b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", "# -*- coding: latin-1 -*-\nx = 'é'\n"),
        (b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '\x80'\n", None),
        (b"# coding=iso-8859-15\nx = '\xa4'\n", "# coding=iso-8859-15\nx = '€'\n"),
        # Python accepts a declaration on a line that itself holds a byte of the encoding
        (b"# -*- coding: latin-1 -*- caf\xe9\nx = 1\n", "# -*- coding: latin-1 -*- café\nx = 1\n"),
        (b"x = 1\r\ny = '\xc3\xa9'\r\n", "x = 1\r\ny = 'é'\r\n"),
        # a comment line 1 that is not UTF-8 does not hide a declaration on line 2
        (b"# caf\xe9\n# -*- coding: latin-1 -*-\n", "# café\n# -*- coding: latin-1 -*-\n"),
    ],
)
def test_sources_decode_as_python_decodes_them(data: bytes, text: str | None) -> None:
    decoded = decode_source(data, "f.py")
    assert decoded == (text if text is not None else data.decode("cp1252"))
    assert isinstance(decoded, str)
    compile(data, "f.py", "exec")  # the premise: Python itself reads every one of them


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"x = 1\ny = '\xe9'\n", (2, 6)),  # no declaration: UTF-8
        ("x = 'é€'; y = '".encode() + b"\xff'\n", (1, 16)),  # columns count characters
        (b"\xef\xbb\xbfx = '\xe9'\n", (1, 6)),  # the BOM is not a column
        (b"x = 1\r\n\r\ny = '\xe9'\n", (3, 6)),
        (b"x = 1\rz = '\xe9'\n", (2, 6)),  # a lone CR ends a line for Python too
        (b"x = '\xe9'\n# -*- coding: latin-1 -*-\n", (1, 6)),  # line 2 counts after a comment only
        (b"# coding: utf-8\nx = '\xe9'\n", (2, 6)),
        (b"# coding: bogus\nx = 1\n", (1, 11)),  # no such codec
        (b"#!/bin/python\n  # coding: nonesuch\n", (2, 13)),
        (b"# coding: hex\nx = 1\n", (1, 11)),  # a codec, but not of text
        (b"\xef\xbb\xbf# coding: latin-1\nx = 1\n", (1, 11)),  # a BOM says UTF-8
    ],
)
def test_undecodable_sources_are_fc002_where_decoding_stops(data: bytes, where: tuple[int, int]) -> None:
    found = decode_source(data, "f.py")
    assert isinstance(found, Diagnostic)
    assert (found.code, found.span.line, found.span.col) == ("FC002", *where)
    with pytest.raises(SyntaxError):  # the premise: Python refuses every one of them
        compile(data, "f.py", "exec")


# --- loading and linting -----------------------------------------------------------------


def test_a_flow_with_an_encoding_declaration_loads(tmp_path: Path) -> None:
    write_bytes_project(tmp_path, {"flow.py": LATIN1_FLOW})
    loaded = load_file(tmp_path / "flow.py")
    # the one diagnostic is the unknown argument: its column counts the characters before it
    assert positions(loaded.diagnostics) == [("FC203", 12, 30)]
    assert loaded.program is not None
    (step,) = loaded.program.steps
    default = step.params[0].default
    assert default is not None
    assert default.value == "José"
    assert "résumé" in loaded.sources[step.path]


def test_an_imported_module_with_an_encoding_declaration_loads(tmp_path: Path) -> None:
    steps = b"# coding: cp1252\nfrom flowc import step\n\n@step\ndef euro(sign: str = '\x80') -> str:\n    return sign\n"
    flow = b"from flowc import flow\nfrom steps import euro\n\n@flow\ndef f() -> None:\n    euro()\n"
    write_bytes_project(tmp_path, {"flow.py": flow, "steps.py": steps})
    loaded = load_file(tmp_path / "flow.py")
    assert loaded.diagnostics == ()
    assert loaded.program is not None
    default = loaded.program.steps[0].params[0].default
    assert default is not None
    assert default.value == "€"


def test_lint_points_at_the_first_undecodable_byte(tmp_path: Path) -> None:
    flow = b"from flowc import flow, step\n\n# r\xe9sum\xe9\n@step\ndef s() -> None: ...\n"
    write_bytes_project(tmp_path, {"flow.py": flow})
    found = lint_paths([tmp_path / "flow.py"], ALL_CODES).diagnostics
    assert positions(found) == [("FC002", 3, 4)]


def test_an_undecodable_imported_module_is_fc002_in_that_module(tmp_path: Path) -> None:
    steps = b"from flowc import step\n\n@step\ndef s(x: str = '\xe9') -> None: ...\n"
    flow = b"from flowc import flow\nfrom steps import s\n\n@flow\ndef f() -> None:\n    s()\n"
    write_bytes_project(tmp_path, {"flow.py": flow, "steps.py": steps})
    found = [d for d in load_file(tmp_path / "flow.py").diagnostics if d.code == "FC002"]
    assert [(Path(d.span.path).name, d.span.line, d.span.col) for d in found] == [("steps.py", 4, 17)]
