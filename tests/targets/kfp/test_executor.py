"""Each KFP executor module carries only the wrapper pieces its step's interface needs."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
from flowc.compiler.frontend.loader import load_flow
from flowc.targets.kfp.executor import module

FLOWS = """
from pathlib import Path

from flowc import Dataset, RunStatus, flow, step


@step
def value(x: int) -> int:
    return x + 1


@step
def make(x: int) -> Dataset:
    path = Path("out.txt")
    path.write_text(str(x))
    return path


@step
def read(parts: list[Dataset]) -> int:
    return len(parts)


@step
def notify(status: RunStatus) -> None:
    print(status)


@flow(on_exit=notify)
def pipeline(xs: list[int] = [1, 2]) -> int:
    return read([make(value(x)) for x in xs])
"""


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    path = tmp_path_factory.mktemp("kfp") / "flows.py"
    path.write_text(textwrap.dedent(FLOWS), encoding="utf-8")
    loaded = load_flow(Path(path), None)
    assert loaded.program is not None and not loaded.diagnostics, loaded.diagnostics
    return {s.function: module(s, "print('step')\n") for s in loaded.program.steps}


def defined(text: str) -> set[str]:
    tree = ast.parse(text)  # every module is valid Python
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    names |= {
        t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)
    }
    names |= {a.asname or a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names}
    return names


@pytest.mark.parametrize(
    ("step", "present", "absent"),
    [
        ("value", set(), {"_flowc_link", "_flowc_place", "_FLOWC_STATES", "_flowc_shutil"}),
        ("make", {"_flowc_place", "_flowc_shutil"}, {"_flowc_link", "_FLOWC_STATES"}),
        ("read", {"_flowc_link", "_flowc_typing"}, {"_flowc_place", "_FLOWC_STATES", "_flowc_shutil"}),
        ("notify", {"_FLOWC_STATES"}, {"_flowc_link", "_flowc_place", "_flowc_shutil"}),
    ],
)
def test_a_module_holds_what_its_interface_needs(
    modules: dict[str, str], step: str, present: set[str], absent: set[str]
) -> None:
    names = defined(modules[step])
    assert {"_flowc_call", "_flowc_text", "_FLOWC_SCRIPT", step} <= names
    assert present <= names, present - names
    assert not absent & names, absent & names
