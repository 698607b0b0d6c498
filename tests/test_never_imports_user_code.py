"""flowc reads flows, it never runs them: no command may import or execute the user's modules.

The flow module and a helper module it imports leave a file behind in several ways when
executed (pathlib, `open`, `os.system`, in decorator arguments, default values and class
bodies); each real `flowc` command runs on them and no file may appear.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import NamedTuple

import pytest

MARKERS = {
    "clean": ["PWNED", "PWNED_CLASS", "PWNED_HELPER", "PWNED_OPEN", "PWNED_SHELL"],
    "reported": ["PWNED", "PWNED_CLASS", "PWNED_DECORATOR", "PWNED_HELPER", "PWNED_OPEN", "PWNED_SHELL"],
}

# a valid flow whose module has side effects at import time
CLEAN_FLOW = """
import os
from pathlib import Path

from helpers import shout
from flowc import flow, step

Path(__file__).with_name("PWNED").write_text("x")
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "PWNED_OPEN"), "w").write("x")
os.system("touch " + os.path.join(os.path.dirname(os.path.abspath(__file__)), "PWNED_SHELL"))


class Config:
    Path(__file__).with_name("PWNED_CLASS").write_text("x")


@step
def hello(name: str) -> str:
    return shout(name)


@step
def show(text: str) -> None:
    print(text)


@flow
def greet(name: str = "world") -> None:
    show(hello(name))
"""

# the same, with calls in decorator arguments and defaults too (which flowc reports, not runs)
FLOW = """
import os
from pathlib import Path

from helpers import shout
from flowc import flow, step

Path(__file__).with_name("PWNED").write_text("x")
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "PWNED_OPEN"), "w").write("x")
os.system("touch " + os.path.join(os.path.dirname(os.path.abspath(__file__)), "PWNED_SHELL"))


def _mark(name: str) -> str:
    Path(__file__).with_name(name).write_text("x")
    return "python:3.12"


class Config:
    Path(__file__).with_name("PWNED_CLASS").write_text("x")


@step(image=_mark("PWNED_DECORATOR"))
def hello(name: str = _mark("PWNED_DECORATOR")) -> str:
    return shout(name)


@step
def show(text: str) -> None:
    print(text)


@flow
def greet(name: str = "world") -> None:
    show(hello(name))
"""

HELPER = """
from pathlib import Path

Path(__file__).with_name("PWNED_HELPER").write_text("x")


def shout(text: str) -> str:
    return text.upper()
"""

COMMANDS = [
    ["lint", "."],
    ["lint", "flow.py"],
    ["lint", "--output-format", "json", "flow.py"],
    ["lint", "--output-format", "sarif", "."],
    ["inspect", "flow.py"],
    ["inspect", "--json", "flow.py"],
    ["inspect", "flow.py:greet"],
    ["graph", "flow.py"],
    ["graph", "--format", "mermaid", "flow.py"],
    ["graph", "--format", "dot", "flow.py:greet"],
]


class Trap(NamedTuple):
    root: Path
    variant: str  # "clean": a valid flow; "reported": flowc reports the calls it would not run


@pytest.fixture(params=["clean", "reported"])
def trap(tmp_path: Path, request: pytest.FixtureRequest) -> Trap:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "trap"\nversion = "0"\n')
    source = CLEAN_FLOW if request.param == "clean" else FLOW
    (tmp_path / "flow.py").write_text(textwrap.dedent(source).lstrip())
    (tmp_path / "helpers.py").write_text(textwrap.dedent(HELPER).lstrip())
    return Trap(tmp_path, request.param)


def markers(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob("PWNED*"))


def test_the_trap_springs_when_imported(trap: Trap) -> None:
    """Guard against a trap that can't spring: importing the module does create every file."""
    subprocess.run([sys.executable, "-c", "import flow"], cwd=trap.root, check=True, capture_output=True)
    assert markers(trap.root) == MARKERS[trap.variant]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_commands_never_execute_the_flow(trap: Trap, args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flowc", *args], cwd=trap.root, capture_output=True, text=True, check=False
    )
    assert result.returncode == (0 if trap.variant == "clean" else 1), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert markers(trap.root) == []
