"""The codebase's own gates: ruff and mypy --strict, run as part of the suite so CI enforces them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"cli": "cli", "compiler": "compiler", "targets": "targets"}


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_ruff_check() -> None:
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run("ruff", "format", "--check", "flowc", "cli", "compiler", "targets", "tests", "examples")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict(tmp_path: Path) -> None:
    """mypy sees the installed layout: the top-level folders as subpackages of `flowc`."""
    package = tmp_path / "flowc"
    package.mkdir()
    for item in (ROOT / "flowc").iterdir():
        if item.suffix in (".py", ".typed"):
            (package / item.name).symlink_to(item)
    for name, folder in PACKAGES.items():
        (package / name).symlink_to(ROOT / folder, target_is_directory=True)
    result = _run(
        "mypy",
        "--strict",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "--cache-dir",
        str(ROOT / ".mypy_cache"),
        "-p",
        "flowc",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
