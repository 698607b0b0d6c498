"""The distribution as users get it: a wheel with every module, typed (PEP 561) for their mypy."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"flowc": "flowc", "cli": "flowc/cli", "compiler": "flowc/compiler", "targets": "flowc/targets"}

USER_FLOW = """
from pathlib import Path
from flowc import Dataset, flow, step

@step(cpu=2)
def load(n: int) -> Dataset:
    return Path(str(n))

@step
def count(data: Dataset) -> int:
    return len(data.name)

@flow
def pipeline(n: int = 3) -> int:
    return count(load(n))

total: int = pipeline(4)
wrong: str = pipeline(4)
"""


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("flowc-*.whl"))


def test_the_wheel_holds_every_module(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"{target}/{path.relative_to(ROOT / folder).as_posix()}"
        for folder, target in FOLDERS.items()
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".json", ".typed") and "__pycache__" not in path.parts
    }
    assert expected <= names, sorted(expected - names)


def test_users_mypy_sees_the_typed_api(wheel: Path, tmp_path: Path) -> None:
    """`from flowc import step` type-checks as installed from the wheel: ParamSpec keeps signatures."""
    env = tmp_path / "env"
    venv.create(env, with_pip=False)
    site = next(env.glob("lib/python*/site-packages"))
    zipfile.ZipFile(wheel).extractall(site)
    (tmp_path / "user_flow.py").write_text(textwrap.dedent(USER_FLOW).lstrip())
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--python-executable",
            str(env / "bin" / "python"),
            "user_flow.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert [e.split(": error:")[0] for e in errors] == ["user_flow.py:17"], result.stdout
