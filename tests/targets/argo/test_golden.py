"""Every example flow compiled for Argo: byte-exact golden files, accepted by every oracle.

`FLOWC_REGEN_GOLDEN=1 pytest tests/targets/argo` rewrites the golden files (refused under CI).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.oracles.argo import argo_lint, validate_hera_many, validate_schema
from tests.targets import examples
from tests.targets.examples import EXAMPLES, REPO, check_golden, example_flows

GOLDEN = REPO / "golden" / "argo"


FLOWS = example_flows()


def golden_name(path: Path, flow: str) -> str:
    return f"{path.relative_to(EXAMPLES).with_suffix('').as_posix().replace('/', '.')}.{flow}.yaml"


def compile_example(path: Path, flow: str, **options: object) -> bytes:
    return examples.compile_example("argo", path, flow, **options)


@pytest.mark.parametrize(("path", "flow"), FLOWS, ids=[golden_name(p, f) for p, f in FLOWS])
def test_golden(path: Path, flow: str) -> None:
    data = compile_example(path, flow)
    check_golden(data, GOLDEN / golden_name(path, flow), __file__)


def test_every_golden_file_has_an_example() -> None:
    expected = {golden_name(p, f) for p, f in FLOWS}
    assert {g.name for g in GOLDEN.glob("*.yaml")} == expected


@pytest.mark.parametrize(("path", "flow"), FLOWS[:3], ids=[golden_name(p, f) for p, f in FLOWS[:3]])
def test_compiling_twice_gives_identical_bytes(path: Path, flow: str) -> None:
    assert compile_example(path, flow) == compile_example(path, flow)


def test_output_is_one_yaml_document_per_flow() -> None:
    for path, flow in FLOWS:
        docs = list(yaml.safe_load_all(compile_example(path, flow)))
        assert len(docs) == 1
        assert docs[0]["apiVersion"] == "argoproj.io/v1alpha1"


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("argo")
    files = []
    for path, flow in FLOWS:
        target = out / golden_name(path, flow)
        target.write_bytes(compile_example(path, flow))
        files.append(target)
    return files


def test_argos_own_validator_accepts_every_example(compiled: list[Path]) -> None:
    results = argo_lint(compiled)
    assert [r.file.name for r in results if not r.ok] == [], [r.text() for r in results if not r.ok]


def test_the_strict_official_schema_accepts_every_example(compiled: list[Path]) -> None:
    for path in compiled:
        assert validate_schema(yaml.safe_load(path.read_text())) == [], path.name


def test_heras_models_in_forbid_mode_accept_every_example(compiled: list[Path]) -> None:
    docs = [yaml.safe_load(p.read_text()) for p in compiled]
    assert validate_hera_many(docs) == [[] for _ in docs]


def test_argo_v3_cron_form_is_valid_for_the_schema_of_its_time(tmp_path: Path) -> None:
    doc = yaml.safe_load(compile_example(EXAMPLES / "training.py", "training", argo_version=3))
    assert doc["spec"]["schedule"] == "0 2 * * *"


def test_workflow_templates_are_valid(tmp_path: Path) -> None:
    files = []
    for path, flow in FLOWS:
        target = tmp_path / golden_name(path, flow)
        target.write_bytes(compile_example(path, flow, argo_kind="template"))
        files.append(target)
    results = argo_lint(files)
    assert [r.text() for r in results if not r.ok] == []
