"""The architecture is tested: dependencies point one way, and `lint` stays light.

`cli → targets → compiler`; `flowc` (the public API) imports the standard library only.
Checked statically on every module's imports (absolute and relative), then in real processes:
what `import flowc` loads, and what `flowc lint` imports (`-X importtime`).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flowc.cli.main import COMMANDS

ROOT = Path(__file__).parents[1]
# folder → its import name (pyproject's package-dir mapping)
PACKAGES = {"flowc": "flowc", "cli": "flowc.cli", "compiler": "flowc.compiler", "targets": "flowc.targets"}
FORBIDDEN = {
    "compiler": ("flowc.cli", "flowc.targets"),
    "targets": ("flowc.cli",),
}
HEAVY_FOR_IMPORT = ["typer", "rich", "yaml", "click", "jsonschema", "pydantic"]
HEAVY_FOR_LINT = ["kfp", "hera", "metaflow", "jsonschema", "yaml"]


def modules(folder: str) -> Iterator[tuple[Path, str]]:
    """(file, dotted module name) of every module under a top-level folder."""
    for path in sorted((ROOT / folder).rglob("*.py")):
        parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield path, ".".join([PACKAGES[folder], *parts])


def imported(path: Path, module: str) -> Iterator[tuple[str, int]]:
    """Absolute names of everything `path` imports (relative imports resolved), with lines."""
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                prefix = ".".join(base[: len(base) - node.level + 1])
                name = f"{prefix}.{node.module}" if node.module else prefix
            else:
                name = node.module or ""
            yield name, node.lineno
            # `from flowc import cli` imports the subpackage `flowc.cli`
            yield from ((f"{name}.{alias.name}", node.lineno) for alias in node.names)


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path, module in modules(folder):
        for name, line in imported(path, module):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)}:{line}: imports {name}")
    return found


@pytest.mark.parametrize(("folder", "forbidden"), FORBIDDEN.items())
def test_dependencies_point_one_way(folder: str, forbidden: tuple[str, ...]) -> None:
    assert _violations(folder, forbidden) == []


def test_the_checker_sees_relative_imports(tmp_path: Path) -> None:
    """The resolver itself: `from ...cli import x` in flowc.compiler.frontend.m is flowc.cli."""
    path = tmp_path / "m.py"
    path.write_text("from ...cli import render\nfrom ... import targets\nfrom . import flows\n")
    names = {name for name, _ in imported(path, "flowc.compiler.frontend.m")}
    assert {"flowc.cli", "flowc.cli.render", "flowc.targets", "flowc.compiler.frontend.flows"} <= names


def test_public_api_imports_only_the_standard_library() -> None:
    path = ROOT / "flowc" / "__init__.py"
    names = {name.split(".")[0] for name, _ in imported(path, "flowc")}
    names.discard("__future__")
    assert names <= sys.stdlib_module_names, names - sys.stdlib_module_names


def _modules_after(code: str) -> set[str]:
    """Every module loaded by a fresh interpreter after running `code`."""
    script = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def _top(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def test_import_flowc_is_light() -> None:
    loaded = _top(_modules_after("import flowc"))
    assert loaded.isdisjoint(HEAVY_FOR_IMPORT), loaded & set(HEAVY_FOR_IMPORT)


def test_import_compiler_never_loads_the_cli_or_targets() -> None:
    names = _modules_after("import flowc.compiler.lint, flowc.compiler.frontend.loader, flowc.compiler.graph")
    assert not [n for n in names if n.startswith(("flowc.cli", "flowc.targets"))]
    assert _top(names).isdisjoint(["typer", "rich", "click"])


def _importtime(*args: str, cwd: Path = ROOT) -> set[str]:
    """Every module a `python -X importtime -m flowc ARGS` process imports."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "flowc", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                names.add(name)
    assert names, "no -X importtime output"
    return names


@pytest.mark.parametrize(
    "args",
    [["lint", "examples/"], ["lint", "--output-format", "json", "examples/training.py"]],
)
def test_lint_never_imports_targets_or_validators(args: list[str]) -> None:
    top = _top(_importtime(*args))
    assert top.isdisjoint(HEAVY_FOR_LINT), top & set(HEAVY_FOR_LINT)


def test_lint_of_a_configured_project_never_imports_validators(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flowc]\nselect = ["FC"]\nignore = ["FC206"]\n\n[tool.flowc.argo]\nversion = 4\n',
        encoding="utf-8",
    )
    (tmp_path / "training.py").write_text((ROOT / "examples" / "training.py").read_text(encoding="utf-8"))
    top = _top(_importtime("lint", "training.py", cwd=tmp_path))
    assert top.isdisjoint(HEAVY_FOR_LINT), top & set(HEAVY_FOR_LINT)


def test_lint_imports_no_target_package() -> None:
    names = _importtime("lint", "examples/")
    assert not [n for n in names if n.startswith("flowc.targets.")]


@pytest.mark.parametrize(
    ("args", "command"),
    [(["lint", "examples/training.py"], "lint"), (["explain", "FC101"], "explain")],
)
def test_a_command_loads_only_its_own_cli_module(args: list[str], command: str) -> None:
    names = _importtime(*args)
    commands = {n.removeprefix("flowc.cli.") for n in names if n.startswith("flowc.cli.")}
    assert command in commands
    others = set(COMMANDS) - {command}
    assert commands.isdisjoint(others), commands & others


def test_help_lists_every_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flowc", "--help"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    for command in COMMANDS:
        assert f" {command} " in result.stdout


def test_compile_for_kfp_imports_its_protos_but_not_the_sdk(tmp_path: Path) -> None:
    pytest.importorskip("kfp.pipeline_spec")
    # no Kubernetes settings: checking those takes kfp-kubernetes, whose package imports kfp.dsl
    flow = "from flowc import flow, step\n\n@step\ndef one() -> int:\n    return 1\n\n@flow\ndef f() -> int:\n    return one()\n"
    (tmp_path / "f.py").write_text(flow, encoding="utf-8")
    names = _importtime("compile", "f.py", "--target", "kfp", "-o", "out", cwd=tmp_path)
    assert "google.protobuf.descriptor" in names  # the strict parse ran (the protos import it)
    assert not [n for n in names if n.startswith(("kfp.client", "kfp.dsl", "kfp.components"))]
