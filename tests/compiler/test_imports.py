"""Steps and sub-flows imported from other modules of the project, found statically (DESIGN §2.3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flowc.compiler import ir
from flowc.compiler.frontend.loader import LoadResult, load_file, load_flow

from tests.harness import codes, lint_source, load_source, positions, write_project

STEPS = """
from flowc import step, Dataset

IMAGE = "ghcr.io/acme/ml:1"


@step(image=IMAGE)
def load(n: int) -> Dataset: ...


@step
def count(x: int) -> int: ...
"""

SUBFLOW = """
from flowc import flow, step


@step
def count(x: int) -> int: ...


@flow
def twice(x: int) -> int:
    return count(count(x))
"""


def flow_calling(imports: str, call: str = "load(1)") -> str:
    return f"from flowc import flow\n{imports}\n\n\n@flow\ndef main() -> None:\n    {call}\n"


def load_project(tmp_path: Path, files: dict[str, str], entry: str) -> LoadResult:
    write_project(tmp_path, files)
    return load_file(tmp_path / entry)


def callees(result: LoadResult) -> list[tuple[str, str]]:
    assert result.program is not None
    flow = next(f for f in result.program.flows if f.function == "main")
    return [(task.callee, task.kind) for task in flow.tasks()]


def step_named(result: LoadResult, function: str) -> ir.Step:
    assert result.program is not None
    return next(s for s in result.program.steps if s.function == function)


# --- where modules are found --------------------------------------------------------------


def test_from_the_flow_files_directory(tmp_path: Path) -> None:
    result = load_project(
        tmp_path,
        {"flows/train.py": flow_calling("from helpers import load"), "flows/helpers.py": STEPS},
        "flows/train.py",
    )
    assert codes(result.diagnostics) == []
    assert callees(result) == [("helpers:load", "step")]


def test_from_the_project_root(tmp_path: Path) -> None:
    files = {
        "flows/train.py": flow_calling("from lib.steps import load"),
        "lib/__init__.py": "",
        "lib/steps.py": STEPS,
    }
    result = load_project(tmp_path, files, "flows/train.py")
    assert codes(result.diagnostics) == []
    assert callees(result) == [("lib.steps:load", "step")]


def test_from_a_namespace_package_at_the_root(tmp_path: Path) -> None:
    files = {"flows/train.py": flow_calling("from lib.steps import load"), "lib/steps.py": STEPS}
    result = load_project(tmp_path, files, "flows/train.py")
    assert codes(result.diagnostics) == []
    assert callees(result) == [("lib.steps:load", "step")]


def test_from_src(tmp_path: Path) -> None:
    files = {
        "flows/train.py": flow_calling("from mypkg.steps import load"),
        "src/mypkg/__init__.py": "",
        "src/mypkg/steps.py": STEPS,
    }
    result = load_project(tmp_path, files, "flows/train.py")
    assert codes(result.diagnostics) == []
    step = step_named(result, "load")
    # the module's dotted name is the one it is imported by, relative to `src/`
    assert (step.module, step.key) == ("mypkg.steps", "mypkg.steps:load")
    assert step.path.endswith("steps.py")


def test_relative_import_inside_a_package(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/train.py": flow_calling("from .steps import load"),
        "pkg/steps.py": STEPS,
    }
    result = load_project(tmp_path, files, "pkg/train.py")
    assert codes(result.diagnostics) == []
    assert [kind for _, kind in callees(result)] == ["step"]
    assert step_named(result, "load").path.endswith("steps.py")


def test_relative_import_from_the_parent_package(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/flows/__init__.py": "",
        "pkg/flows/train.py": flow_calling("from ..steps import load"),
        "pkg/steps.py": STEPS,
    }
    result = load_project(tmp_path, files, "pkg/flows/train.py")
    assert codes(result.diagnostics) == []
    assert callees(result) == [("pkg.steps:load", "step")]


def test_relative_import_of_the_package_itself(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": STEPS, "pkg/train.py": flow_calling("from . import load")}
    result = load_project(tmp_path, files, "pkg/train.py")
    assert codes(result.diagnostics) == []
    assert [kind for _, kind in callees(result)] == ["step"]


def test_a_flow_in_a_package_imports_a_sibling_by_the_package_name(tmp_path: Path) -> None:
    files = {
        "mypkg/__init__.py": "",
        "mypkg/train.py": flow_calling("from mypkg.steps import load"),
        "mypkg/steps.py": STEPS,
    }
    result = load_project(tmp_path, files, "mypkg/train.py")
    assert codes(result.diagnostics) == []
    assert [kind for _, kind in callees(result)] == ["step"]


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("import pkg.steps as m", "m.load(1)"),
        ("import pkg.steps", "pkg.steps.load(1)"),
        ("from pkg import steps", "steps.load(1)"),
        ("from pkg.steps import load as fetch", "fetch(1)"),
    ],
)
def test_module_and_alias_imports(tmp_path: Path, imports: str, call: str) -> None:
    files = {"train.py": flow_calling(imports, call), "pkg/__init__.py": "", "pkg/steps.py": STEPS}
    result = load_project(tmp_path, files, "train.py")
    assert codes(result.diagnostics) == []
    assert callees(result) == [("pkg.steps:load", "step")]


def test_a_re_exported_step(tmp_path: Path) -> None:
    files = {
        "train.py": flow_calling("from pkg import load"),
        "pkg/__init__.py": "from pkg.steps import load\n",
        "pkg/steps.py": STEPS,
    }
    result = load_project(tmp_path, files, "train.py")
    assert codes(result.diagnostics) == []
    assert callees(result) == [("pkg.steps:load", "step")]


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("from pkg import steps", "steps.load(1)"),
        ("import pkg.steps", "pkg.steps.load(1)"),
        ("import pkg", "pkg.steps.load(1)"),
    ],
)
def test_a_package_that_imports_its_own_submodule(tmp_path: Path, imports: str, call: str) -> None:
    """`from . import steps` in the package's `__init__` is the submodule, not a cycle."""
    files = {
        "train.py": flow_calling(imports, call),
        "pkg/__init__.py": "from . import steps\n",
        "pkg/steps.py": STEPS,
    }
    result = load_project(tmp_path, files, "train.py")
    assert codes(result.diagnostics) == []
    assert callees(result) == [("pkg.steps:load", "step")]


def test_a_package_importing_a_submodule_it_lacks(tmp_path: Path) -> None:
    files = {
        "train.py": flow_calling("from pkg import steps", "steps.load(1)"),
        "pkg/__init__.py": "from . import steps\n",
    }
    result = load_project(tmp_path, files, "train.py")
    assert "FC006" in codes(result.diagnostics)


def test_an_imported_subflow(tmp_path: Path) -> None:
    result = load_source(tmp_path, flow_calling("from lib import twice", "twice(1)"), lib=SUBFLOW)
    assert codes(result.diagnostics) == []
    assert callees(result) == [("lib:twice", "flow")]
    assert result.program is not None
    sub = result.program.flow("lib:twice")
    assert [task.callee for task in sub.tasks()] == ["lib:count", "lib:count"]
    assert "lib:count" in [s.key for s in result.program.steps]


def test_imported_step_options_fold_in_their_own_module(tmp_path: Path) -> None:
    result = load_source(tmp_path, flow_calling("from lib import load"), lib=STEPS)
    assert step_named(result, "load").options.image == "ghcr.io/acme/ml:1"


def test_load_flow_keeps_imported_steps_it_reaches(tmp_path: Path) -> None:
    write_project(tmp_path, {"flow.py": flow_calling("from lib import load, count"), "lib.py": STEPS})
    result = load_flow(tmp_path / "flow.py", None)
    assert result.program is not None
    assert [s.key for s in result.program.steps] == ["lib:load"]


def test_sources_of_imported_modules_are_kept(tmp_path: Path) -> None:
    result = load_source(tmp_path, flow_calling("from lib import load"), lib=STEPS)
    assert sorted(Path(p).name for p in result.sources) == ["flow.py", "lib.py"]


def test_wiring_is_checked_across_modules(tmp_path: Path) -> None:
    found = lint_source(tmp_path, flow_calling("from lib import load", 'load("x")'), lib=STEPS)
    assert positions(found) == [("FC201", 7, 10)]


# --- what cannot be found -------------------------------------------------------------------


@pytest.mark.parametrize(
    "imports",
    ["from missing.steps import load", "from missing import load", "import missing.steps as load"],
)
def test_a_missing_module(tmp_path: Path, imports: str) -> None:
    call = "load.x(1)" if imports.startswith("import") else "load(1)"
    found = lint_source(tmp_path, flow_calling(imports, call))
    assert positions(found) == [("FC005", 7, 5)]


def test_a_missing_relative_module(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/train.py": flow_calling("from .nothing import load")}
    result = load_project(tmp_path, files, "pkg/train.py")
    assert codes(result.diagnostics) == ["FC005"]


def test_a_missing_name_in_a_found_module(tmp_path: Path) -> None:
    found = lint_source(tmp_path, flow_calling("from lib import nope", "nope(1)"), lib=STEPS)
    assert ("FC006", 2, 17) in positions(found)  # at the name


def test_a_missing_name_is_reported_once(tmp_path: Path) -> None:
    # the import is the problem; the use of the imported name is not also "undefined"
    found = lint_source(tmp_path, flow_calling("from lib import nope", "nope(1)"), lib=STEPS)
    assert codes(found) == ["FC006"]


def test_a_plain_function_imported_and_called(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path, flow_calling("from lib import helper", "helper(1)"), lib="def helper(x): ...\n"
    )
    assert positions(found) == [("FC302", 7, 5)]


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("from json import dumps", "dumps(1)"),
        ("import json", "json.dumps(1)"),
        ("from pytest import fixture", "fixture(1)"),
        ("import os.path", "os.path.join('a')"),
    ],
)
def test_an_installed_third_party_function_is_not_a_missing_module(
    tmp_path: Path, imports: str, call: str
) -> None:
    found = lint_source(tmp_path, flow_calling(imports, call))
    assert positions(found) == [("FC302", 7, 5)]


def test_a_circular_import(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path, flow_calling("from a import load"), a="from b import load\n", b="from a import load\n"
    )
    assert "FC007" in codes(found)
    assert "FC901" not in codes(found)


def test_a_syntax_error_in_an_imported_module(tmp_path: Path) -> None:
    found = lint_source(
        tmp_path, flow_calling("from lib import load"), lib="from flowc import step\n@step\ndef load(:\n"
    )
    assert [(Path(d.span.path).name, d.code, d.span.line) for d in found] == [("lib.py", "FC001", 3)]


def test_heavy_imports_used_only_by_steps_need_not_be_installed(tmp_path: Path) -> None:
    # lint must work without the steps' own dependencies (torch & co.) installed
    source = (
        "import torch_not_installed_xyz as torch\nfrom flowc import step, flow\n"
        "@step\ndef fit(n: int) -> int:\n    return int(torch.ones(n).sum())\n"
        "@flow\ndef main() -> None:\n    fit(3)\n"
    )
    assert codes(lint_source(tmp_path, source)) == []


def test_imported_modules_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    lib = STEPS + f"\nopen({str(marker)!r}, 'w').close()\n"
    result = load_source(tmp_path, flow_calling("from lib import load"), lib=lib)
    assert codes(result.diagnostics) == []
    assert not marker.exists()


def test_a_named_tuple_imported_from_another_module(tmp_path: Path) -> None:
    flow = (
        "from flowc import step, flow, Dataset\nfrom results import Result\n"
        "@step\ndef train(d: Dataset) -> Result: ...\n@step\ndef count(x: int) -> int: ...\n"
        "@flow\ndef main(d: Dataset) -> None:\n    r = train(d)\n    count(r.score)\n"
    )
    results = "from typing import NamedTuple\nfrom flowc import Model\nclass Result(NamedTuple):\n    model: Model\n    score: float\n"
    found = lint_source(tmp_path, flow, results=results)
    assert positions(found) == [("FC201", 10, 11)]  # a float into an int: the fields were read


# --- star imports -----------------------------------------------------------------------------


def test_star_imports_of_flowc_and_typing(tmp_path: Path) -> None:
    source = """
        from flowc import *
        from typing import *


        @step
        def s(x: int) -> Optional[Any]:
            return x


        @flow
        def main() -> None:
            s("x")
        """
    assert positions(lint_source(tmp_path, source)) == [("FC201", 12, 7)]


@pytest.mark.parametrize(
    ("steps", "found"),
    [
        (STEPS, [("lib:load", "step")]),
        ('__all__ = ["count"]\n' + STEPS, None),  # `load` is not exported
    ],
)
def test_a_star_import_of_a_project_module(
    tmp_path: Path, steps: str, found: list[tuple[str, str]] | None
) -> None:
    result = load_source(tmp_path, flow_calling("from lib import *"), lib=steps)
    if found is None:
        assert codes(result.diagnostics) == ["FC303"]
    else:
        assert codes(result.diagnostics) == []
        assert callees(result) == found
