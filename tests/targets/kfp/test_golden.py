"""Every example flow compiled for Kubeflow Pipelines: byte-exact golden files, accepted by the
KFP API server's strict parse, deterministic, and free of SDK versions, timestamps and random ids.

`FLOWC_REGEN_GOLDEN=1 pytest tests/targets/kfp` rewrites the golden files (refused under CI).
"""

from __future__ import annotations

import contextlib
import copy
import re
import shutil
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pytest
import yaml
from flowc.cli.main import main

from tests.oracles.kfp import load_documents, require_kfp, require_kfp_kubernetes, strict_parse
from tests.targets.examples import check_golden
from tests.targets.kfp import (
    EXAMPLES,
    GOLDEN,
    REPO,
    compile_example,
    compile_result,
    example_flows,
    golden_name,
)

FLOWS = example_flows()
IDS = [golden_name(p, f) for p, f in FLOWS]
PIPELINE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,127}$")
# the constructs behind the Kubernetes platform spec: secrets, node selectors, tolerations,
# volumes, timeouts (issue 5); these examples use at least one of them, the others none
NEEDS_PLATFORM_SPEC = {"platform_settings.churn_scoring.yaml", "training.training.yaml"}
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@pytest.fixture(scope="module")
def compiled() -> dict[str, bytes]:
    """golden name → compiled bytes, for every example flow (compiled once per module)."""
    return {golden_name(p, f): compile_example(p, f) for p, f in FLOWS}


def test_there_are_examples() -> None:
    assert len(FLOWS) >= 6, FLOWS


@pytest.mark.parametrize(("path", "flow"), FLOWS, ids=IDS)
def test_golden(path: Path, flow: str) -> None:
    data = compile_example(path, flow)
    check_golden(data, GOLDEN / golden_name(path, flow), __file__)


def test_every_golden_file_has_an_example() -> None:
    assert {g.name for g in GOLDEN.glob("*.yaml")} == set(IDS)


@pytest.mark.parametrize(("path", "flow"), FLOWS, ids=IDS)
def test_the_kfp_api_servers_strict_parse_accepts_every_example(path: Path, flow: str) -> None:
    require_kfp()
    docs = load_documents(compile_example(path, flow))
    assert strict_parse(docs) == []


def test_one_output_named_after_the_pipeline() -> None:
    for path, flow in FLOWS:
        result = compile_result(path, flow)
        assert result.ok, [(d.code, d.message) for d in result.diagnostics]
        (output,) = result.outputs
        doc = load_documents(output.data)[0]
        name = doc["pipelineInfo"]["name"]
        assert PIPELINE_NAME.match(name), name
        assert output.name == f"{name}.kfp.yaml"


def test_a_platform_spec_document_exactly_when_the_flow_needs_one(compiled: dict[str, bytes]) -> None:
    counts = {name: len(load_documents(data)) for name, data in compiled.items()}
    assert counts == {name: 2 if name in NEEDS_PLATFORM_SPEC else 1 for name in compiled}
    for name in NEEDS_PLATFORM_SPEC & set(compiled):
        platform = load_documents(compiled[name])[1]
        assert set(platform["platforms"]) == {"kubernetes"}, name


def test_every_executor_is_a_lightweight_python_component(compiled: dict[str, bytes]) -> None:
    """The form kfp.local's SubprocessRunner accepts, and the KFP backend runs (ORACLES)."""
    for name, data in compiled.items():
        doc = load_documents(data)[0]
        for label, executor in doc["deploymentSpec"]["executors"].items():
            container = executor["container"]
            command = " ".join(container["command"])
            assert "kfp.dsl.executor_main" in command, (name, label)
            assert "--component_module_path" in command, (name, label)
            args = container["args"]
            assert args[:2] == ["--executor_input", "{{$}}"], (name, label)
            assert args[2] == "--function_to_execute", (name, label)


def test_every_step_and_the_flow_are_in_the_ir(compiled: dict[str, bytes]) -> None:
    """Components reference executors that exist, tasks reference components that exist."""
    for name, data in compiled.items():
        doc = load_documents(data)[0]
        components = doc["components"]
        executors = doc["deploymentSpec"]["executors"]
        for key, component in components.items():
            assert ("executorLabel" in component) != ("dag" in component), (name, key)
            if "executorLabel" in component:
                assert component["executorLabel"] in executors, (name, key)
        for dag in [doc["root"]["dag"], *(c["dag"] for c in components.values() if "dag" in c)]:
            for task_name, task in dag["tasks"].items():
                assert task["componentRef"]["name"] in components, (name, task_name)
                for producer in task.get("dependentTasks", []):
                    assert producer in dag["tasks"], (name, task_name, producer)


# --- determinism -----------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "flow"), FLOWS, ids=IDS)
def test_compiling_twice_gives_identical_bytes(path: Path, flow: str) -> None:
    assert compile_example(path, flow) == compile_example(path, flow)


def test_the_same_bytes_from_another_checkout_and_working_directory(
    compiled: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No absolute path, working directory or clone location leaks into the output."""
    copy_root = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(EXAMPLES, copy_root / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", copy_root / "pyproject.toml")
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    for path, flow in example_flows(copy_root / "examples"):
        assert compile_example(path, flow) == compiled[golden_name(path, flow)], golden_name(path, flow)


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in [str(k), *_strings(v)]]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


def test_no_sdk_version_timestamp_or_random_id(compiled: dict[str, bytes]) -> None:
    versions = {version("flowc")}
    with contextlib.suppress(PackageNotFoundError):  # flowc needs no kfp to compile
        versions.add(version("kfp"))
    for name, data in compiled.items():
        docs = load_documents(data)
        sdk = docs[0].get("sdkVersion")
        assert sdk is None or not any(v in sdk for v in versions), (name, sdk)
        text = data.decode()
        assert not UUID.search(text), (name, UUID.search(text))
        assert not TIMESTAMP.search(text), (name, TIMESTAMP.search(text))
        for doc in docs:
            for s in _strings(doc):
                assert f"flowc {version('flowc')}" not in s and f"flowc=={version('flowc')}" not in s, name


# --- the command line ------------------------------------------------------------------------


def test_flowc_compile_target_kfp_writes_the_golden_bytes_and_check_passes(
    tmp_path: Path, compiled: dict[str, bytes]
) -> None:
    path = EXAMPLES / "training.py"
    assert main(["compile", str(path), "--target", "kfp", "-o", str(tmp_path)]) == 0
    (written,) = tmp_path.iterdir()
    assert written.read_bytes() == compiled[golden_name(path, "training")]
    assert main(["compile", str(path), "--target", "kfp", "-o", str(tmp_path), "--check"]) == 0
    written.write_bytes(written.read_bytes() + b"# drift\n")
    assert main(["compile", str(path), "--target", "kfp", "-o", str(tmp_path), "--check"]) == 1


# --- the oracle is strict (independent of flowc: a hand-written minimal package) ------------

MINIMAL: dict[str, Any] = yaml.safe_load(
    """
pipelineInfo: {name: tiny}
schemaVersion: 2.1.0
root:
  dag:
    tasks:
      hello:
        componentRef: {name: comp-hello}
        taskInfo: {name: hello}
  inputDefinitions:
    parameters:
      n: {parameterType: NUMBER_INTEGER, defaultValue: 3}
components:
  comp-hello:
    executorLabel: exec-hello
deploymentSpec:
  executors:
    exec-hello:
      container:
        image: python:3.12-slim
        command: [python3, -c, "print('hello')"]
"""
)
PLATFORM: dict[str, Any] = yaml.safe_load(
    """
platforms:
  kubernetes:
    deploymentSpec:
      executors:
        exec-hello:
          nodeSelector: {labels: {pool: gpu}}
          secretAsEnv:
          - secretName: creds
            keyToEnv: [{secretKey: user, envVar: USER}]
"""
)


def _mutated(doc: dict[str, Any], path: list[str], key: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    node = out
    for part in path:
        node = node[part]
    node[key] = value
    return out


def test_the_strict_parse_accepts_a_minimal_package() -> None:
    require_kfp()
    assert strict_parse([MINIMAL]) == []
    assert strict_parse([MINIMAL, PLATFORM]) == []


@pytest.mark.parametrize(
    ("where", "key", "value"),
    [
        ([], "unknownTopLevel", 1),
        (["root", "dag", "tasks", "hello"], "retries", 3),
        (["deploymentSpec", "executors", "exec-hello", "container"], "imagePullPolicy", "Always"),
        (["deploymentSpec", "executors", "exec-hello"], "script", "x"),
        (["root", "inputDefinitions", "parameters", "n"], "parameterType", "INTEGER"),
        ([], "schemaVersion", "2.0.0"),
        (["pipelineInfo"], "name", ""),
    ],
    ids=["top", "task", "container-in-struct", "executor-in-struct", "enum", "schema", "name"],
)
def test_the_strict_parse_rejects_what_the_backend_rejects(where: list[str], key: str, value: Any) -> None:
    require_kfp()
    assert strict_parse([_mutated(MINIMAL, where, key, value)]) != []


def test_the_strict_parse_rejects_a_missing_root_and_a_third_document() -> None:
    require_kfp()
    assert strict_parse([{k: v for k, v in MINIMAL.items() if k != "root"}]) != []
    assert strict_parse([MINIMAL, PLATFORM, PLATFORM]) != []


def test_the_strict_parse_rejects_a_bad_platform_spec() -> None:
    require_kfp_kubernetes()
    assert strict_parse([MINIMAL, {"platforms": {"kubernetes": {"deploymentSpec": {"bogus": 1}}}}]) != []
    executor = ["platforms", "kubernetes", "deploymentSpec", "executors", "exec-hello"]
    assert strict_parse([MINIMAL, _mutated(PLATFORM, executor, "gpu", 1)]) != []
    assert strict_parse([MINIMAL, _mutated(PLATFORM, executor, "nodeSelector", {"pool": "gpu"})]) != []
