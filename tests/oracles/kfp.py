"""Independent oracles for Kubeflow Pipelines v2 documents (see ../shared/ORACLES.md, "Kubeflow
Pipelines v2").

Two checks, each independent of flowc's own code:

* :func:`strict_parse` — what the KFP API server does with an uploaded package:
  ``json_format.ParseDict(doc, pipeline_spec_pb2.PipelineSpec(), ignore_unknown_fields=False)``.
  ``deploymentSpec`` is a ``google.protobuf.Struct`` in ``PipelineSpec`` (anything parses), so it
  is parsed again, strictly, into ``PipelineDeploymentConfig``; the backend's own requirements
  (``schemaVersion == "2.1.0"``, a non-empty ``pipelineInfo.name``, a ``root``) are checked too. A
  second YAML document is parsed as a ``PlatformSpec``; its per-executor Kubernetes configs are
  ``Struct`` as well, so they are parsed again into ``KubernetesExecutorConfig`` from
  kfp-kubernetes (what the KFP driver reads them as; the ``test`` extra installs it).
* :func:`run_local` — executes a compiled package with ``kfp.local`` and
  ``SubprocessRunner(use_venv=False)``, loaded from the YAML file exactly as a user would
  (``components.load_component_from_file``). kfp.local keeps global state (its config singleton,
  its cache, its workspace), so every run happens in a fresh interpreter.

What kfp.local does *not* check or do (kfp 2.17.0, read from ``kfp/local``): it ignores the
platform spec (secrets, node selectors, tolerations, volumes, timeouts) and resources
(cpu/memory/accelerators); it caches only with ``local.init(enable_caching=True)``, which
:func:`run_local` does not set; numbers are protobuf doubles (collected and nested ints arrive
as floats, an int in an f-string placeholder renders as ``500.0``); conditions are evaluated
with Python ``eval`` after pasting values in as ``'...'`` text, so a *string* containing a quote
breaks a condition there (the real backend evaluates CEL); every string parameter value goes
through placeholder resolution (``{{$}}`` in a value becomes the executor input); a loop task's
inputs that come from task outputs all receive the loop item. It does re-run failed tasks per
their ``retryPolicy``. tests/targets/kfp/test_local_execution.py shows each of these.

Skips: :func:`require_kfp` skips only when ``kfp`` is not installed and ``CI`` is unset; under
``CI`` a missing ``kfp`` (or kfp-kubernetes) is a failure (the ``test`` extra installs them).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

SCHEMA_VERSION = "2.1.0"
LOCAL_TIMEOUT_S = 300


class KfpLocalError(RuntimeError):
    """A kfp.local run failed (a task failed, or kfp.local refused the package)."""

    def __init__(self, message: str, log: str) -> None:
        super().__init__(f"{message}\n--- kfp.local log (tail) ---\n{log[-6000:]}")
        self.log = log


# --------------------------------------------------------------------------------------------
# availability
# --------------------------------------------------------------------------------------------


def kfp_available() -> bool:
    return importlib.util.find_spec("kfp") is not None


def kfp_kubernetes_available() -> bool:
    try:
        return importlib.util.find_spec("kfp.kubernetes") is not None
    except ModuleNotFoundError:
        return False


def require_kfp() -> None:
    """Skip the calling test when kfp is absent; fail instead under CI (the test extra has it)."""
    if kfp_available():
        return
    if os.environ.get("CI"):
        pytest.fail("kfp is not installed under CI: `pip install -e '.[test]'` must install kfp==2.17.0")
    pytest.skip("kfp is not installed (pip install 'kfp==2.17.0'): the KFP oracles are skipped")


def require_kfp_kubernetes() -> None:
    """Skip when kfp-kubernetes (the Kubernetes platform protos) is absent; fail under CI."""
    require_kfp()
    if kfp_kubernetes_available():
        return
    if os.environ.get("CI"):
        pytest.fail("kfp-kubernetes is not installed under CI: the test extra must install it")
    pytest.skip("kfp-kubernetes is not installed: Kubernetes executor configs are not parsed strictly")


# --------------------------------------------------------------------------------------------
# 1. strict parse, as the KFP API server does it
# --------------------------------------------------------------------------------------------


def load_documents(data: bytes | str) -> list[Any]:
    """The YAML documents of a compiled package, in order (empty documents dropped)."""
    return [doc for doc in yaml.safe_load_all(data) if doc is not None]


def _parse(message: Any, doc: Any, where: str) -> list[str]:
    from google.protobuf import json_format

    try:
        json_format.ParseDict(doc, message, ignore_unknown_fields=False)
    except (json_format.ParseError, TypeError, ValueError, AttributeError) as exc:
        return [f"{where}: {exc}"]
    return []


def _backend_requirements(doc: Mapping[str, Any]) -> list[str]:
    errors = []
    if doc.get("schemaVersion") != SCHEMA_VERSION:
        errors.append(f"schemaVersion: {doc.get('schemaVersion')!r}, the backend requires {SCHEMA_VERSION!r}")
    info = doc.get("pipelineInfo")
    if not isinstance(info, Mapping) or not info.get("name"):
        errors.append("pipelineInfo.name: missing or empty, the backend requires a pipeline name")
    if not isinstance(doc.get("root"), Mapping) or not doc["root"]:
        errors.append("root: missing, the backend requires the root component")
    return errors


def parse_pipeline_spec(doc: Any) -> list[str]:
    """Errors of one PipelineSpec document: strict parse, deploymentSpec, backend requirements."""
    from kfp.pipeline_spec import pipeline_spec_pb2

    if not isinstance(doc, Mapping):
        return [f"PipelineSpec: a mapping expected, got {type(doc).__name__}"]
    errors = _parse(pipeline_spec_pb2.PipelineSpec(), doc, "PipelineSpec")
    if "deploymentSpec" in doc:
        errors += _parse(
            pipeline_spec_pb2.PipelineDeploymentConfig(), doc["deploymentSpec"], "deploymentSpec"
        )
    return errors + _backend_requirements(doc)


def parse_platform_spec(doc: Any) -> list[str]:
    """Errors of a PlatformSpec document, its Kubernetes executor configs parsed strictly too
    (the calling test is skipped, or fails under CI, without kfp-kubernetes)."""
    from kfp.pipeline_spec import pipeline_spec_pb2

    if not isinstance(doc, Mapping):
        return [f"PlatformSpec: a mapping expected, got {type(doc).__name__}"]
    errors = _parse(pipeline_spec_pb2.PlatformSpec(), doc, "PlatformSpec")
    if errors:
        return errors
    require_kfp_kubernetes()
    from kfp.kubernetes import kubernetes_executor_config_pb2 as k8s

    platforms = doc.get("platforms") or {}
    executors = ((platforms.get("kubernetes") or {}).get("deploymentSpec") or {}).get("executors") or {}
    for name, config in executors.items():
        errors += _parse(k8s.KubernetesExecutorConfig(), config, f"PlatformSpec executor {name}")
    return errors


def strict_parse(documents: Iterable[Any]) -> list[str]:
    """Errors of a compiled package's documents; [] means the KFP backend accepts it.

    The first document is a PipelineSpec; an optional second one is a PlatformSpec; more are
    an error.
    """
    docs = list(documents)
    if not docs:
        return ["no YAML document"]
    errors = parse_pipeline_spec(docs[0])
    if len(docs) > 1:
        errors += parse_platform_spec(docs[1])
    if len(docs) > 2:
        errors.append(f"{len(docs)} YAML documents; a package has a PipelineSpec and at most a PlatformSpec")
    return errors


def strict_parse_bytes(data: bytes | str) -> list[str]:
    try:
        docs = load_documents(data)
    except yaml.YAMLError as exc:
        return [f"YAML: {exc}"]
    return strict_parse(docs)


# --------------------------------------------------------------------------------------------
# 2. execution with kfp.local, one fresh interpreter per run
# --------------------------------------------------------------------------------------------

_RUN_SCRIPT = r"""
import json, sys, traceback
request = json.loads(sys.argv[1])

def plain(value):
    # parameters are JSON already; an artifact is described by its type, metadata and content
    if hasattr(value, "schema_title") and hasattr(value, "uri"):
        path = getattr(value, "path", None)
        content = None
        try:
            with open(path, "rb") as f:
                content = f.read().decode("utf-8", "replace")
        except Exception:
            pass
        return {"__artifact__": value.schema_title, "metadata": value.metadata, "content": content}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value

result = {"ok": False, "outputs": {}, "error": ""}
try:
    from kfp import components, local
    local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=request["pipeline_root"])
    pipeline = components.load_component_from_file(request["yaml"])
    task = pipeline(**request["arguments"])
    result["outputs"] = {k: plain(v) for k, v in task.outputs.items()}
    result["ok"] = True
except BaseException:
    result["error"] = traceback.format_exc()
with open(request["result"], "w") as f:
    json.dump(result, f)
"""


@dataclass(frozen=True)
class LocalRun:
    """A successful kfp.local run: the pipeline's outputs and everything kfp.local printed."""

    outputs: dict[str, Any]
    log: str

    def lines(self) -> list[str]:
        """The log's lines without kfp.local's indentation: what the tasks printed is among them."""
        return [line.strip() for line in self.log.splitlines()]


def run_local(
    yaml_path: Path,
    arguments: Mapping[str, Any],
    pipeline_root: Path,
    *,
    workdir: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = LOCAL_TIMEOUT_S,
) -> dict[str, Any]:
    """Run ``yaml_path`` under kfp.local with ``arguments``; return the pipeline's outputs.

    See :func:`run_local_logged`, which also returns the log.
    """
    return run_local_logged(
        yaml_path, arguments, pipeline_root, workdir=workdir, env=env, timeout=timeout
    ).outputs


def run_local_logged(
    yaml_path: Path,
    arguments: Mapping[str, Any],
    pipeline_root: Path,
    *,
    workdir: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = LOCAL_TIMEOUT_S,
) -> LocalRun:
    """Run ``yaml_path`` under kfp.local in a fresh interpreter, as a user would::

        local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=...)
        task = components.load_component_from_file(yaml_path)(**arguments)

    Outputs are ``task.outputs``, keyed by the pipeline's output names; parameters come back
    as kfp.local produced them (JSON values: numbers inside lists and structs are floats); an
    artifact becomes ``{"__artifact__": schema_title, "metadata": ..., "content": <its text>}``.
    Raises :class:`KfpLocalError`, with the log, when the run fails. The tasks run with
    ``workdir`` (default: a folder beside ``pipeline_root``) as working directory; ``env``
    replaces the environment when given.
    """
    require_kfp()
    pipeline_root = Path(pipeline_root).resolve()
    pipeline_root.mkdir(parents=True, exist_ok=True)
    workdir = Path(workdir) if workdir is not None else pipeline_root.parent / f"{pipeline_root.name}-work"
    workdir.mkdir(parents=True, exist_ok=True)
    result_file = workdir / ".kfp-local-result.json"
    result_file.unlink(missing_ok=True)
    request = {
        "yaml": str(Path(yaml_path).resolve()),
        "arguments": dict(arguments),
        "pipeline_root": str(pipeline_root),
        "result": str(result_file),
    }
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _RUN_SCRIPT, json.dumps(request)],
            cwd=workdir,
            env=dict(env) if env is not None else None,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
        raise KfpLocalError(f"kfp.local run of {yaml_path} timed out after {timeout}s", out) from exc
    log = proc.stdout + proc.stderr
    if not result_file.exists():
        raise KfpLocalError(f"kfp.local runner crashed (exit {proc.returncode})", log)
    result = json.loads(result_file.read_text())
    if not result["ok"]:
        error = "\n".join(result["error"].splitlines()[-8:])  # the end of kfp.local's traceback
        raise KfpLocalError(f"kfp.local run of {yaml_path} failed:\n{error}", log)
    return LocalRun(outputs=result["outputs"], log=log)


__all__ = [
    "SCHEMA_VERSION",
    "KfpLocalError",
    "LocalRun",
    "kfp_available",
    "kfp_kubernetes_available",
    "load_documents",
    "parse_pipeline_spec",
    "parse_platform_spec",
    "require_kfp",
    "require_kfp_kubernetes",
    "run_local",
    "run_local_logged",
    "strict_parse",
    "strict_parse_bytes",
]
