"""Reading modules: regular files only, import targets the OS refuses, character columns."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import codes, lint_source

WITHIN_A_LINE = ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]  # for Python

FLOW = '''\
from flowc import step, flow

@step
def a(x: int) -> int:
    return x

@flow
def f() -> None:
    """Doc{within}\xe9."""
    a("\xe9")
'''


@pytest.mark.parametrize("within", WITHIN_A_LINE)
def test_columns_count_lines_as_python_does(tmp_path: Path, within: str) -> None:
    """`str.splitlines` would end a line at these, and so count a later line's columns on
    another line."""
    (found,) = lint_source(tmp_path, FLOW.format(within=within))
    assert (found.code, found.span.line, found.span.col, found.span.end_col) == ("FC201", 10, 7, 10)


def test_an_import_the_os_cannot_look_up_is_not_in_the_project(tmp_path: Path) -> None:
    source = f"from flowc import flow\nfrom {'a' * 300} import b\n\n@flow\ndef f() -> None:\n    b(1)\n"
    assert "FC901" not in codes(lint_source(tmp_path, source))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_is_fc002_at_once(tmp_path: Path) -> None:
    """Reading a FIFO would wait for a writer forever (so this runs in a process of its own)."""
    os.mkfifo(tmp_path / "pipe.py")
    script = (
        "from pathlib import Path\n"
        "from flowc.compiler.frontend.loader import load_file\n"
        "print(*(d.code for d in load_file(Path('pipe.py')).diagnostics))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.split() == ["FC002"]
