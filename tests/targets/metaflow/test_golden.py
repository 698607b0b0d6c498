"""Every example flow compiled for Metaflow: byte-exact golden files, deterministic, accepted by
Metaflow's own graph check (`python flow.py --no-pylint check`), readable Python.

`FLOWC_REGEN_GOLDEN=1 pytest tests/targets/metaflow/test_golden.py` rewrites the golden files
(refused under CI).
"""

from __future__ import annotations

import ast
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flowc.cli.main import main

from tests.targets.examples import check_golden, example_flows
from tests.targets.metaflow import (
    EXAMPLES,
    GOLDEN,
    REPO,
    compile_example,
    compile_result,
    golden_name,
    metaflow_check,
)

FLOWS = example_flows()
IDS = [golden_name(p, f) for p, f in FLOWS]


@pytest.fixture(scope="module")
def compiled() -> dict[str, bytes]:
    return {golden_name(p, f): compile_example(p, f) for p, f in FLOWS}


@pytest.mark.parametrize(("path", "flow"), FLOWS, ids=IDS)
def test_golden(path: Path, flow: str) -> None:
    data = compile_example(path, flow)
    check_golden(data, GOLDEN / golden_name(path, flow), __file__)


def test_every_golden_file_has_an_example() -> None:
    assert {g.name for g in GOLDEN.glob("*.py")} == set(IDS)


def test_metaflows_graph_check_accepts_every_example(compiled: dict[str, bytes], tmp_path: Path) -> None:
    # Metaflow makes its local datastore `.metaflow` in the working directory when none is found
    # above it: checks started side by side would race to create it (FileExistsError)
    (tmp_path / ".metaflow").mkdir()
    files = []
    for name, data in compiled.items():
        path = tmp_path / name.replace(".", "_", 1)
        path.write_bytes(data)
        files.append(path)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(metaflow_check, files))
    for path, result in zip(files, results, strict=True):
        assert result.returncode == 0, (path.name, result.stdout[-2000:], result.stderr[-2000:])


def test_one_flowspec_class_and_a_main_guard(compiled: dict[str, bytes]) -> None:
    """A file a Metaflow user can keep editing: one FlowSpec subclass with `@step` methods, a
    start and an end step, every step documented, and no code run at import but the class."""
    for name, data in compiled.items():
        tree = ast.parse(data)
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
        flows = [c for c in classes if any(isinstance(b, ast.Name) and b.id == "FlowSpec" for b in c.bases)]
        assert len(flows) == 1, name
        steps = [f for f in flows[0].body if isinstance(f, ast.FunctionDef)]
        assert {"start", "end"} <= {s.name for s in steps}, name
        for s in steps:
            assert any(isinstance(d, ast.Name) and d.id == "step" for d in s.decorator_list), (name, s.name)
            assert ast.get_docstring(s), (name, s.name)
        last = tree.body[-1]
        assert isinstance(last, ast.If) and "__main__" in ast.unparse(last.test), name


def test_no_blob_but_the_shipped_step_sources(compiled: dict[str, bytes]) -> None:
    """Every string constant longer than a line is a shipped step script, readable as Python."""
    for name, data in compiled.items():
        tree = ast.parse(data)
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                value = node.value.value
                if isinstance(value, str) and "\n" in value:
                    target = node.targets[0]
                    assert isinstance(target, ast.Name) and target.id.endswith("_SCRIPT"), (name, target)
                    ast.parse(value)  # real Python source, not encoded data
                    assert value.startswith("# flowc step script:"), (name, target.id)


@pytest.mark.parametrize(("path", "flow"), FLOWS, ids=IDS)
def test_compiling_twice_gives_identical_bytes(path: Path, flow: str) -> None:
    assert compile_example(path, flow) == compile_example(path, flow)


def test_the_same_bytes_from_another_checkout_and_working_directory(
    compiled: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_root = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(EXAMPLES, copy_root / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", copy_root / "pyproject.toml")
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    for path, flow in example_flows(copy_root / "examples"):
        assert compile_example(path, flow) == compiled[golden_name(path, flow)], golden_name(path, flow)


def test_what_metaflow_cannot_express_is_said() -> None:
    """training.py asks for an image, caching and an exponential backoff: FC507 warnings, and
    the file is still written."""
    result = compile_result(EXAMPLES / "training.py", "training")
    assert result.ok
    warned = [d for d in result.diagnostics if d.code == "FC507"]
    texts = " ".join(d.message for d in warned)
    assert "`image`" in texts and "`cache`" in texts and "exponential" in texts


def test_flowc_compile_target_metaflow_check_and_diff(
    tmp_path: Path, compiled: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    path = EXAMPLES / "map_reduce.py"
    assert main(["compile", str(path), "--target", "metaflow", "-o", str(tmp_path)]) == 0
    (written,) = tmp_path.iterdir()
    assert written.name == "word_count.py"
    assert written.read_bytes() == compiled[golden_name(path, "word_count")]
    assert main(["compile", str(path), "--target", "metaflow", "-o", str(tmp_path), "--check"]) == 0
    written.write_bytes(written.read_bytes().replace(b"@step", b"@step ", 1))
    assert main(["compile", str(path), "--target", "metaflow", "-o", str(tmp_path), "--check"]) == 1
    capsys.readouterr()
    assert main(["compile", str(path), "--target", "metaflow", "-o", str(tmp_path), "--diff"]) == 0
    assert "-    @step \n+    @step\n" in capsys.readouterr().out
