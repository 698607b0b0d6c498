"""A fake Kubeflow Pipelines API server (v2beta1) on 127.0.0.1 that validates what it receives.

It implements the routes of ../shared/ORACLES.md ("Submission") that `kfp.Client` calls for
flowc: the health check, experiments (find by name, create), runs (create, read) and pipeline
uploads (a new pipeline, a new version, find by name). A run's `state` and its tasks advance on
every read through `states` (PENDING → RUNNING → SUCCEEDED or FAILED).

Every pipeline received — inlined in a run as `pipeline_spec`, or uploaded as a file — is
parsed strictly as the API server does (`tests.oracles.kfp`: protobuf with unknown fields as
errors, `deploymentSpec` and each Kubernetes executor config parsed again into their messages,
the backend's own requirements). Request fields must be ones the API defines, and a run's
parameters must be the pipeline's root parameters with values of their types, every required
one given. Rejections (HTTP 400) and unknown routes (404) are kept in `failures`.
"""

from __future__ import annotations

import email.parser
import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

from tests.oracles.argo_server import CREATED, FakeServer, Reply
from tests.oracles.kfp import parse_pipeline_spec, parse_platform_spec, require_kfp_kubernetes

API = "/apis/v2beta1"
RUN_FIELDS = {
    "experiment_id",
    "display_name",
    "description",
    "pipeline_spec",
    "pipeline_version_reference",
    "runtime_config",
    "service_account",
    "recurring_run_id",
}
EXPERIMENT_FIELDS = {"display_name", "description", "namespace"}
RUNTIME_FIELDS = {"parameters", "pipeline_root"}
FINAL = {"SUCCEEDED", "FAILED", "SKIPPED", "CANCELED"}
# ParameterType → what a JSON value of it must be
KINDS: dict[str, tuple[type, ...]] = {
    "STRING": (str,),
    "NUMBER_INTEGER": (int, float),
    "NUMBER_DOUBLE": (int, float),
    "BOOLEAN": (bool,),
    "LIST": (list,),
    "STRUCT": (dict,),
}


def require_oracles() -> None:
    """Skip (or fail under CI) in the test's thread when the strict parse can't run."""
    require_kfp_kubernetes()


@dataclass
class KfpServer(FakeServer):
    states: list[str] = field(default_factory=lambda: ["PENDING", "RUNNING", "SUCCEEDED"])
    multi_user: bool = False
    experiments: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    pipelines: dict[str, dict[str, Any]] = field(default_factory=dict)
    versions: dict[str, dict[str, Any]] = field(default_factory=dict)
    specs: list[dict[str, Any]] = field(default_factory=list)  # every pipeline spec that passed
    reads: int = 0
    message: str = "task failed"  # the error message of a run read as FAILED

    def handle(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        parts = urlsplit(path)
        route, query = parts.path.removeprefix(API), parse_qs(parts.query)
        if not parts.path.startswith(API + "/"):
            raise Reply(404, f"no route {method} {path}", code=5)
        if (method, route) == ("GET", "/healthz"):
            return 200, {"multi_user": self.multi_user, "pipeline_store": "database"}
        if (method, route) == ("GET", "/experiments"):
            return 200, _listing("experiments", self.experiments.values(), query)
        if (method, route) == ("POST", "/experiments"):
            return 200, self._create_experiment(body)
        if (method, route) == ("POST", "/runs"):
            return 200, self._create_run(body)
        if method == "GET" and route.startswith("/runs/"):
            return 200, self._read_run(route.removeprefix("/runs/"))
        if (method, route) == ("GET", "/pipelines"):
            return 200, _listing("pipelines", self.pipelines.values(), query)
        if (method, route) == ("POST", "/pipelines/upload"):
            return 200, self._upload(query, body)
        if (method, route) == ("POST", "/pipelines/upload_version"):
            return 200, self._upload_version(query, body)
        raise Reply(404, f"no route {method} {path}", code=5)

    # --- experiments and runs ---

    def _create_experiment(self, body: Any) -> dict[str, Any]:
        _fields(body, EXPERIMENT_FIELDS, "experiment")
        if not body.get("display_name"):
            raise Reply(400, "an experiment needs a display_name")
        experiment = {
            "experiment_id": str(uuid.uuid4()),
            "display_name": body["display_name"],
            "namespace": body.get("namespace") or "",
            "created_at": CREATED,
            "storage_state": "AVAILABLE",
        }
        with self.lock:
            self.experiments[experiment["experiment_id"]] = experiment
        return experiment

    def _create_run(self, body: Any) -> dict[str, Any]:
        _fields(body, RUN_FIELDS, "run")
        if body.get("experiment_id") not in self.experiments:
            raise Reply(400, f"no experiment {body.get('experiment_id')!r}")
        if not body.get("display_name"):
            raise Reply(400, "a run needs a display_name")
        spec = self._pipeline(body.get("pipeline_spec"))
        runtime = body.get("runtime_config") or {}
        _fields(runtime, RUNTIME_FIELDS, "runtime_config")
        _check_arguments(spec, runtime.get("parameters") or {})
        run = {**body, "run_id": str(uuid.uuid4()), "state": "PENDING", "created_at": CREATED}
        with self.lock:
            self.runs[run["run_id"]] = run
        return run

    def _read_run(self, run_id: str) -> dict[str, Any]:
        run = self.runs.get(run_id)
        if run is None:
            raise Reply(404, f"run {run_id} not found", code=5)
        with self.lock:
            state = self.states[min(self.reads, len(self.states) - 1)]
            self.reads += 1
        spec = run["pipeline_spec"].get("pipeline_spec", run["pipeline_spec"])
        answer = {**run, "state": state, "run_details": {"task_details": _tasks(spec, state)}}
        if state == "FAILED":
            answer["error"] = {"code": 2, "message": self.message}
        if state in FINAL:
            answer["finished_at"] = CREATED
        return answer

    # --- pipelines ---

    def _upload(self, query: dict[str, list[str]], body: Any) -> dict[str, Any]:
        _fields(query, {"name", "display_name", "description", "namespace"}, "upload query")
        name = _one(query, "name")
        self._package(body)
        if any(p["display_name"] == name for p in self.pipelines.values()):
            raise Reply(409, f"a pipeline named {name!r} already exists", code=6)
        pipeline = {
            "pipeline_id": str(uuid.uuid4()),
            "display_name": name,
            "description": _one(query, "description", ""),
            "namespace": _one(query, "namespace", ""),
            "created_at": CREATED,
        }
        with self.lock:
            self.pipelines[pipeline["pipeline_id"]] = pipeline
        return pipeline

    def _upload_version(self, query: dict[str, list[str]], body: Any) -> dict[str, Any]:
        _fields(query, {"name", "display_name", "pipelineid", "description"}, "upload_version query")
        pipeline_id, name = _one(query, "pipelineid"), _one(query, "name")
        if pipeline_id not in self.pipelines:
            raise Reply(400, f"no pipeline {pipeline_id!r}")
        self._package(body)
        if any(v["pipeline_id"] == pipeline_id and v["display_name"] == name for v in self.versions.values()):
            raise Reply(409, f"a version named {name!r} already exists", code=6)
        version = {
            "pipeline_id": pipeline_id,
            "pipeline_version_id": str(uuid.uuid4()),
            "display_name": name,
            "description": _one(query, "description", ""),
            "created_at": CREATED,
        }
        with self.lock:
            self.versions[version["pipeline_version_id"]] = version
        return version

    # --- checks ---

    def _pipeline(self, document: Any) -> dict[str, Any]:
        """A run's `pipeline_spec`: the spec, or the spec and platform spec together."""
        if not isinstance(document, dict):
            raise Reply(400, "pipeline_spec must be an object")
        if "pipeline_spec" in document:
            _fields(document, {"pipeline_spec", "platform_spec"}, "pipeline_spec")
            return self._parsed(document["pipeline_spec"], document.get("platform_spec"))
        return self._parsed(document, None)

    def _package(self, body: Any) -> None:
        """An uploaded package: the multipart field `uploadfile`, one or two YAML documents."""
        data = _upload_file(body)
        documents = [doc for doc in yaml.safe_load_all(data) if doc is not None]
        if not 1 <= len(documents) <= 2:
            raise Reply(400, f"a package has 1 or 2 YAML documents, not {len(documents)}")
        self._parsed(documents[0], documents[1] if len(documents) == 2 else None)

    def _parsed(self, spec: Any, platform: Any) -> dict[str, Any]:
        problems = parse_pipeline_spec(spec)
        if platform is not None:
            problems += parse_platform_spec(platform)
        if problems:
            raise Reply(400, "; ".join(problems[:5]))
        with self.lock:
            self.specs.append({"pipeline_spec": spec, "platform_spec": platform})
        return dict(spec)


def _fields(document: Any, allowed: set[str], what: str) -> None:
    if not isinstance(document, dict):
        raise Reply(400, f"{what} must be an object")
    unknown = sorted(set(document) - allowed)
    if unknown:
        raise Reply(400, f"unknown field(s) {unknown} in the {what}")


def _one(query: dict[str, list[str]], name: str, default: str | None = None) -> str:
    values = query.get(name)
    if values:
        return values[0]
    if default is None:
        raise Reply(400, f"missing query parameter {name!r}")
    return default


def _listing(key: str, items: Any, query: dict[str, list[str]]) -> dict[str, Any]:
    """A list filtered as `kfp.Client` asks: one EQUALS predicate on `display_name`."""
    wanted = None
    if "filter" in query:
        predicates = json.loads(query["filter"][0]).get("predicates", [])
        wanted = {p["key"]: p.get("stringValue", p.get("string_value")) for p in predicates}
    namespace = _one(query, "namespace", "")
    found = [
        item
        for item in items
        if (wanted is None or item["display_name"] == wanted.get("display_name"))
        and (not namespace or item.get("namespace", "") == namespace)
    ]
    return {key: found, "total_size": len(found)} if found else {}


def _check_arguments(spec: dict[str, Any], arguments: dict[str, Any]) -> None:
    """Run arguments against the root's parameters: known names, their types, none missing."""
    declared = spec["root"].get("inputDefinitions", {}).get("parameters", {})
    unknown = sorted(set(arguments) - set(declared))
    if unknown:
        raise Reply(400, f"unknown run parameter(s) {unknown}")
    for name, definition in declared.items():
        if name not in arguments:
            if not definition.get("isOptional") and "defaultValue" not in definition:
                raise Reply(400, f"run parameter {name!r} is required")
            continue
        value, kind = arguments[name], definition["parameterType"]
        fits = isinstance(value, KINDS[kind]) and not (isinstance(value, bool) and kind != "BOOLEAN")
        if kind == "NUMBER_INTEGER" and fits and isinstance(value, float):
            fits = value.is_integer()
        if not fits:
            raise Reply(400, f"run parameter {name!r}: {value!r} is not a {kind}")


def _tasks(spec: dict[str, Any], state: str) -> list[dict[str, Any]]:
    names = sorted(spec["root"].get("dag", {}).get("tasks", {}))
    if state == "PENDING":
        return []
    if state == "RUNNING":
        states = ["RUNNING"] + ["PENDING"] * (len(names) - 1)
    elif state == "FAILED":
        states = ["SUCCEEDED"] * (len(names) - 1) + ["FAILED"]
    else:
        states = [state] * len(names)
    return [
        {"task_id": f"task-{i}", "display_name": name, "state": s, "start_time": f"2026-01-01T00:00:{i:02d}Z"}
        for i, (name, s) in enumerate(zip(names, states, strict=True))
    ]


def _upload_file(body: Any) -> bytes:
    """The `uploadfile` part of a multipart/form-data body (the raw bytes with their header)."""
    if not isinstance(body, tuple) or len(body) != 2:
        raise Reply(400, "an upload is a multipart/form-data body")
    content_type, raw = body
    message = email.parser.BytesParser().parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
    )
    for part in message.walk():
        if part.get_param("name", header="content-disposition") == "uploadfile":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload
    raise Reply(400, "no `uploadfile` in the upload")
