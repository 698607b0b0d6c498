"""Self-check of a compiled pipeline, before anything is written.

The strict parse is what the KFP API server does: the document into `PipelineSpec` with unknown
fields refused, and `deploymentSpec` (a `Struct` there) into `PipelineDeploymentConfig`, the
platform document into `PlatformSpec`. It needs `kfp-pipeline-spec` (the `kfp` extra) and is
skipped without it: `kfp.pipeline_spec` is imported here only, when `compile` runs. The
structural checks (references resolve, every producer is a dependency) need nothing.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from typing import Any

Spec = dict[str, Any]


def problems(spec: Spec, platform: Spec | None) -> list[str]:
    return [*_strict_parse(spec, platform), *_structure(spec)]


def _strict_parse(spec: Spec, platform: Spec | None) -> list[str]:
    _import_kfp_without_the_sdk()
    try:
        json_format = importlib.import_module("google.protobuf.json_format")
        pipeline_spec_pb2 = importlib.import_module("kfp.pipeline_spec.pipeline_spec_pb2")
    except ImportError:  # the KFP extra is not installed: the structural checks still run
        return []
    found = []
    checks: list[tuple[str, Spec, Any]] = [
        ("PipelineSpec", spec, pipeline_spec_pb2.PipelineSpec()),
        ("deploymentSpec", spec.get("deploymentSpec", {}), pipeline_spec_pb2.PipelineDeploymentConfig()),
    ]
    if platform is not None:
        checks.append(("PlatformSpec", platform, pipeline_spec_pb2.PlatformSpec()))
    checks += _kubernetes_checks(platform)
    for what, document, message in checks:
        try:
            json_format.ParseDict(document, message, ignore_unknown_fields=False)
        except json_format.ParseError as exc:
            found.append(f"{what}: {exc}")
    return found


def _import_kfp_without_the_sdk() -> None:
    """`import kfp` imports the whole SDK (client, dsl, components: most of a `flowc compile
    --target kfp`) unless `_KFP_RUNTIME` is "true", the switch KFP sets in its own containers.
    The protos need none of it; the SDK's modules stay importable by name (`kfp.client`)."""
    if "kfp" in sys.modules:
        return
    saved = os.environ.get("_KFP_RUNTIME")
    os.environ["_KFP_RUNTIME"] = "true"
    try:
        importlib.import_module("kfp")
    except ImportError:
        pass  # no KFP extra: the strict parse is skipped
    finally:
        if saved is None:
            del os.environ["_KFP_RUNTIME"]
        else:
            os.environ["_KFP_RUNTIME"] = saved


def _kubernetes_checks(platform: Spec | None) -> list[tuple[str, Spec, Any]]:
    """Each executor's Kubernetes settings, when `kfp-kubernetes` is installed to check them."""
    if platform is None:
        return []
    try:
        config_pb2 = importlib.import_module("kfp.kubernetes.kubernetes_executor_config_pb2")
    except ImportError:
        return []
    executors = platform["platforms"]["kubernetes"]["deploymentSpec"]["executors"]
    return [(f"kubernetes {n}", c, config_pb2.KubernetesExecutorConfig()) for n, c in executors.items()]


def _structure(spec: Spec) -> list[str]:
    found = []
    if spec.get("schemaVersion") != "2.1.0":
        found.append("schemaVersion must be 2.1.0")
    if not spec.get("pipelineInfo", {}).get("name"):
        found.append("pipelineInfo.name is empty")
    components = spec.get("components", {})
    executors = spec.get("deploymentSpec", {}).get("executors", {})
    for name, component in components.items():
        label = component.get("executorLabel")
        if label is not None and label not in executors:
            found.append(f"{name}: executor {label} is missing")
    for where, tasks in _dags(spec):
        for task_name, task in tasks.items():
            ref = task.get("componentRef", {}).get("name")
            if ref not in components:
                found.append(f"{where}/{task_name}: component {ref} is missing")
            missing = set(_producers(task)) - set(task.get("dependentTasks", []))
            if missing:
                found.append(f"{where}/{task_name}: producers {sorted(missing)} are not dependencies")
            unknown = set(task.get("dependentTasks", [])) - set(tasks)
            if unknown:
                found.append(f"{where}/{task_name}: dependencies {sorted(unknown)} are not tasks")
    return found


def _dags(spec: Spec) -> Iterator[tuple[str, Spec]]:
    yield "root", spec.get("root", {}).get("dag", {}).get("tasks", {})
    for name, component in spec.get("components", {}).items():
        if "dag" in component:
            yield name, component["dag"].get("tasks", {})


def _producers(task: Spec) -> Iterator[str]:
    for kind in ("parameters", "artifacts"):
        for value in task.get("inputs", {}).get(kind, {}).values():
            for ref in ("taskOutputParameter", "taskOutputArtifact", "taskFinalStatus"):
                if ref in value:
                    yield value[ref]["producerTask"]
