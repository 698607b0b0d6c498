"""The Argo oracles themselves are right: each accepts every valid sample and rejects exactly
the invalid samples it is meant to catch (tests/oracles/samples/).

Argo's error text is Argo's, not ours: it is asserted loosely, by substring.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.oracles.argo import (
    LintResult,
    argo_lint,
    argo_lint_binary,
    argo_lint_text,
    require_hera,
    validate_hera,
    validate_hera_many,
    validate_schema,
)

SAMPLES = Path(__file__).resolve().parent / "samples"
VALID = sorted(p.name for p in SAMPLES.glob("valid-*.yaml"))

# sample -> {oracle: substring expected in its errors, or None when the oracle must accept}.
# "go" = Argo's own validator, "schema" = strict official JSON Schema, "hera" = hera forbid mode.
INVALID: dict[str, dict[str, str | None]] = {
    "invalid-unknown-field.yaml": {
        "go": 'unknown field "spec.templates[0].retries"',
        "schema": "'retries' was unexpected",
        "hera": "spec.templates.0.retries: Extra inputs are not permitted",
    },
    "invalid-dangling-depends.yaml": {
        "go": "invalid dependency missing-task",
        "schema": None,
        "hera": None,
    },
    "invalid-template-name-underscore.yaml": {
        "go": "'train_model' is invalid: name must consist of alpha-numeric characters or '-'",
        "schema": None,
        "hera": None,
    },
    "invalid-non-ancestor-reference.yaml": {
        "go": "missing dependency 'b' for parameter 'x'",
        "schema": None,
        "hera": None,
    },
    "invalid-cron-v3-schedule.yaml": {
        "go": 'unknown field "spec.schedule"',
        "schema": "'schedules' is a required property",
        "hera": "spec.schedule: Extra inputs are not permitted",
    },
    "invalid-name-too-long.yaml": {
        "go": "must not be more than 63 characters long (currently 64)",
        "schema": None,
        "hera": None,
    },
    "invalid-yaml11-bool-name.yaml": {
        "go": "cannot unmarshal bool into Go struct field Parameter",
        "schema": None,
        "hera": None,
    },
}


def test_every_sample_has_an_expectation() -> None:
    on_disk = {p.name for p in SAMPLES.glob("*.yaml")}
    assert on_disk == set(VALID) | set(INVALID)
    assert len(VALID) >= 3


def _doc(name: str) -> dict[str, Any]:
    doc = yaml.safe_load((SAMPLES / name).read_text())
    assert isinstance(doc, dict)
    return doc


def _check(errors: list[str], expected: str | None, oracle: str, name: str) -> None:
    if expected is None:
        assert errors == [], f"{oracle} must accept {name}, got: {errors}"
    else:
        assert errors, f"{oracle} must reject {name}"
        assert any(expected in e for e in errors), f"{oracle} on {name}: {expected!r} not in {errors}"


# --- Argo's own validator ------------------------------------------------------------------


@pytest.fixture(scope="module")
def go_results() -> dict[str, LintResult]:
    """All samples in one run: the WorkflowTemplate resolves the templateRef samples."""
    names = VALID + sorted(INVALID)
    results = argo_lint([SAMPLES / n for n in names])  # skips only when `go` is absent
    assert [r.file.name for r in results] == names
    return {r.file.name: r for r in results}


@pytest.mark.parametrize("name", VALID)
def test_go_validator_accepts_valid(go_results: dict[str, LintResult], name: str) -> None:
    result = go_results[name]
    assert result.ok, result.text()
    assert result.errors == []


@pytest.mark.parametrize("name", sorted(INVALID))
def test_go_validator_verdict_on_invalid(go_results: dict[str, LintResult], name: str) -> None:
    result = go_results[name]
    expected = INVALID[name]["go"]
    _check(result.errors, expected, "argo validate", name)
    assert result.ok is (expected is None)


def test_go_validator_resolves_template_refs_only_when_linted_together() -> None:
    alone = argo_lint([SAMPLES / "valid-workflow-templateref.yaml"])[0]
    assert not alone.ok
    assert 'couldn\'t find workflow template "flowc-etl"' in alone.text()
    together = argo_lint(
        [SAMPLES / "valid-workflow-templateref.yaml", SAMPLES / "valid-workflowtemplate.yaml"]
    )
    assert all(r.ok for r in together), [r.errors for r in together]


def test_go_validator_binary_is_built_once() -> None:
    first = argo_lint_binary()
    assert first.is_file()
    assert argo_lint_binary() is first


def test_go_validator_reads_json_and_multi_document_yaml(tmp_path: Path) -> None:
    wf = _doc("valid-workflow-dag.yaml")
    (tmp_path / "wf.json").write_text(json.dumps(wf))
    multi = (SAMPLES / "valid-workflowtemplate.yaml").read_text() + "\n---\n"
    multi += (SAMPLES / "valid-workflow-templateref.yaml").read_text()
    (tmp_path / "multi.yaml").write_text(multi)
    (tmp_path / "empty.yaml").write_text("# nothing\n")
    results = argo_lint([tmp_path / "wf.json", tmp_path / "multi.yaml", tmp_path / "empty.yaml"])
    assert results[0].ok, results[0].text()
    assert results[1].ok, results[1].text()
    assert not results[2].ok
    assert "no Argo Workflow" in results[2].text()


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        pytest.param({"onExit": None}, "failed to resolve {{workflow.failures}}", id="failures-needs-onExit"),
        pytest.param({"activeDeadlineSeconds": "7200"}, "cannot unmarshal string", id="wf-deadline-is-int"),
        pytest.param(
            {"synchronization": {"mutex": {"name": "m"}}},
            'unknown field "spec.synchronization.mutex"',
            id="v4-removed-singular-mutex",
        ),
        pytest.param({"synchronization": {"mutexes": [{"name": "m"}]}}, None, id="v4-mutexes"),
    ],
)
def test_go_validator_spec_rules(tmp_path: Path, mutation: dict[str, Any], expected: str | None) -> None:
    wf = _doc("valid-workflow-dag.yaml")
    for key, value in mutation.items():
        if value is None:
            wf["spec"].pop(key)
        else:
            wf["spec"][key] = value
    result = argo_lint_text(yaml.safe_dump(wf), tmp_path)
    _check(result.errors, expected, "argo validate", str(mutation))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param({"timezone": "Mars/Olympus"}, 'invalid timezone "Mars/Olympus"', id="bad-timezone"),
        pytest.param({"schedules": []}, "must have at least one schedule", id="no-schedule"),
        pytest.param({"schedules": ["61 * * * *"]}, "cron schedule 61 * * * * is malformed", id="bad-cron"),
        pytest.param({"schedules": ["@daily", "CRON_TZ=UTC 0 1 * * *"]}, None, id="descriptors"),
    ],
)
def test_go_validator_cron_rules(tmp_path: Path, spec: dict[str, Any], expected: str | None) -> None:
    cron = _doc("valid-cronworkflow.yaml")
    cron["spec"].update(spec)
    result = argo_lint_text(yaml.safe_dump(cron), tmp_path)
    _check(result.errors, expected, "argo validate", str(spec))


# --- strict official JSON Schema -------------------------------------------------------------


@pytest.mark.parametrize("name", VALID)
def test_schema_accepts_valid(name: str) -> None:
    doc = _doc(name)
    assert validate_schema(doc, doc["kind"]) == []


@pytest.mark.parametrize("name", sorted(INVALID))
def test_schema_verdict_on_invalid(name: str) -> None:
    _check(validate_schema(_doc(name)), INVALID[name]["schema"], "JSON Schema", name)


def test_schema_is_strict_deep_down_but_keeps_maps_open() -> None:
    wf = _doc("valid-workflow-dag.yaml")
    wf["metadata"]["labels"]["any.domain/any-key"] = "ok"  # a map: arbitrary keys stay allowed
    wf["spec"]["templates"][2]["script"]["env"][0]["valueFrom"]["secretKeyRef"]["optinal"] = True
    errors = validate_schema(wf, "Workflow")
    assert len(errors) == 1, errors
    assert "secretKeyRef" in errors[0]
    assert "'optinal' was unexpected" in errors[0]


def test_schema_int_or_string_and_quantity_take_both() -> None:
    wf = _doc("valid-workflow-dag.yaml")
    train = wf["spec"]["templates"][2]
    assert train["name"] == "train-shard"
    train["activeDeadlineSeconds"] = "3600"
    train["retryStrategy"]["limit"] = "3"
    train["script"]["resources"]["limits"]["nvidia.com/gpu"] = 1  # the sample has "1"
    assert validate_schema(wf, "Workflow") == []
    train["script"]["resources"]["limits"]["nvidia.com/gpu"] = ["1"]
    assert validate_schema(wf, "Workflow"), "a list is neither an integer nor a string"


def test_schema_wrong_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown Argo kind"):
        validate_schema({}, "Pod")


# --- hera models, extra="forbid" --------------------------------------------------------------


@pytest.fixture(scope="module")
def hera_results() -> dict[str, list[str]]:
    require_hera()
    names = VALID + sorted(INVALID)
    return dict(zip(names, validate_hera_many([_doc(n) for n in names]), strict=True))


@pytest.mark.parametrize("name", VALID)
def test_hera_accepts_valid(hera_results: dict[str, list[str]], name: str) -> None:
    assert hera_results[name] == []


@pytest.mark.parametrize("name", sorted(INVALID))
def test_hera_verdict_on_invalid(hera_results: dict[str, list[str]], name: str) -> None:
    _check(hera_results[name], INVALID[name]["hera"], "hera", name)


def test_hera_forbid_mode_rejects_unknown_fields_that_default_mode_drops() -> None:
    require_hera()
    doc = _doc("invalid-unknown-field.yaml")
    assert any("Extra inputs are not permitted" in e for e in validate_hera(doc))
    # Control: without forbid mode hera drops the unknown field silently (the trap).
    default_mode = (
        "import json, sys\n"
        "from hera.workflows.models import Workflow\n"
        "wf = Workflow.model_validate(json.load(sys.stdin))\n"
        "print(json.dumps(wf.model_dump(by_alias=True, exclude_none=True)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", default_mode],
        input=json.dumps(doc),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "retries" not in proc.stdout


def test_hera_types_quantities_as_strings_only() -> None:
    """hera's Quantity is a str model: `nvidia.com/gpu: 1` (an int, which Kubernetes accepts) is
    rejected, so emitters should write every resource quantity as a string."""
    require_hera()
    wf = _doc("valid-workflow-dag.yaml")
    wf["spec"]["templates"][2]["script"]["resources"]["limits"]["nvidia.com/gpu"] = 1
    errors = validate_hera(wf)
    assert len(errors) == 1, errors
    assert "limits.nvidia.com/gpu: Input should be a valid string" in errors[0]


def test_hera_unknown_kind_is_an_error() -> None:
    require_hera()
    with pytest.raises(ValueError, match="is not one of"):
        validate_hera({"kind": "Pod"})
