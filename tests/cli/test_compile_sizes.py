"""`flowc compile --sizes`: where the output's bytes go, on stderr, parts summing to the total."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from flowc.cli.main import main

from bench.shapes import Case, flowc_flow
from tests.cli.test_compile_cli import UNSUPPORTED

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("*.py"))
PART = re.compile(r"^  (?P<part>\S.*?)\s+(?P<size>[\d,]+)\s+[\d.]+%$")
TOTAL = re.compile(r"^(?P<name>\S+): (?P<size>[\d,]+) bytes$")


def _report(err: str) -> tuple[int, dict[str, int]]:
    """The total and the parts of the one file reported."""
    totals = [TOTAL.match(line) for line in err.splitlines()]
    (total,) = [int(m["size"].replace(",", "")) for m in totals if m]
    parts = {}
    for line in err.splitlines():
        match = PART.match(line)
        if match:
            parts[match["part"]] = int(match["size"].replace(",", ""))
    return total, parts


def _compile(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes, str]:
    code = main(["compile", *args])
    captured = capsysbinary.readouterr()
    return code, captured.out, captured.err.decode()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_argo_parts_sum_to_the_file(capsysbinary: pytest.CaptureFixture[bytes], path: Path) -> None:
    code, out, err = _compile(capsysbinary, str(path), "--target", "argo", "--sizes")
    total, parts = _report(err)
    assert code == 0
    assert total == len(out)
    assert sum(parts.values()) == total
    assert {"step scripts", "DAG tasks", "metadata and settings"} <= parts.keys()
    assert "not as flowc writes it" not in parts


def test_shared_runtime_is_a_part_of_its_own(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    (tmp_path / "flow.py").write_text(flowc_flow(Case("chain", 20, distinct=True)))
    code, out, err = _compile(capsysbinary, str(tmp_path / "flow.py"), "--target", "argo", "--sizes")
    total, parts = _report(err)
    assert code == 0
    assert sum(parts.values()) == total == len(out)
    assert 0 < parts["shared runtime"] < parts["step scripts"] + parts["step templates (without scripts)"]
    assert "largest of 21 templates: chain20 " in err


def test_sizes_change_nothing_written(capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path) -> None:
    example = str(REPO / "examples" / "map_reduce.py")
    assert main(["compile", example, "--target", "argo", "-o", str(tmp_path / "plain")]) == 0
    code, out, err = _compile(
        capsysbinary, example, "--target", "argo", "-o", str(tmp_path / "sized"), "--sizes"
    )
    assert (code, out) == (0, b"")
    assert (tmp_path / "plain" / "word-count.argo.yaml").read_bytes() == (
        tmp_path / "sized" / "word-count.argo.yaml"
    ).read_bytes()
    total, parts = _report(err)
    assert total == (tmp_path / "sized" / "word-count.argo.yaml").stat().st_size == sum(parts.values())


def test_kfp_parts_are_its_top_level_keys(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, err = _compile(
        capsysbinary, str(REPO / "examples" / "map_reduce.py"), "--target", "kfp", "--sizes"
    )
    total, parts = _report(err)
    assert code == 0
    assert sum(parts.values()) == total == len(out)
    assert {"deploymentSpec", "components", "root"} <= parts.keys()


def test_no_report_when_the_compile_fails(capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path) -> None:
    (tmp_path / "flow.py").write_text(UNSUPPORTED)
    code, out, err = _compile(capsysbinary, str(tmp_path / "flow.py"), "--target", "argo", "--sizes")
    assert (code, out) == (1, b"")
    assert "FC501" in err
    assert not any(TOTAL.match(line) for line in err.splitlines())


def test_sizes_do_not_import_yaml_without_the_option(tmp_path: Path) -> None:
    """Reading the output back is `--sizes`' cost only: a plain compile writes YAML without PyYAML."""
    import subprocess

    probe = (
        "import sys\nfrom flowc.cli.main import main\n"
        f"code = main(['compile', {str(REPO / 'examples' / 'map_reduce.py')!r}, '--target', 'argo', '-o', {str(tmp_path)!r}])\n"
        "print(code, 'yaml' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.split() == ["0", "False"]
