"""A fake Argo Server on 127.0.0.1 that validates every body it receives, for submission tests.

It implements the routes of ../shared/ORACLES.md ("Submission") that flowc's client uses:
create a Workflow, WorkflowTemplate or CronWorkflow (`POST /api/v1/{workflows,workflow-templates,
cron-workflows}/{ns}`), read and replace templates and cron workflows, and read a workflow
(`GET /api/v1/workflows/{ns}/{name}`), whose `status.phase` and `status.nodes` advance on
every read through `phases` (Pending → Running → Succeeded or Failed). Errors are answered like
the real server: `{"code": ..., "message": ...}`, HTTP 400 for an invalid object, 401 for a
missing or wrong token, 404, 409.

Unlike the real server (which drops unknown fields, ORACLES.md), every object received is
checked by the Argo target's own oracles: Argo's validator (`argo_lint`, strict parse), the
strict official JSON Schema (skipped only when ../shared/schemas/argo is absent, as in the
target's tests) and hera's models in `extra="forbid"` mode. Request fields must be ones the
API defines. Every rejection and unknown route is also kept in `failures`, which a test (or
the fixture) asserts empty.

`FakeServer` holds what both fakes share (threads, TLS, recording, tokens, injected errors,
a server that never answers); `tests/oracles/kfp_server.py` builds the KFP fake on it.
"""

from __future__ import annotations

import atexit
import datetime
import functools
import ipaddress
import json
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.oracles.argo import SCHEMA_FILE, argo_lint, argo_lint_binary, require_hera, validate_schema

CREATED = "2026-01-01T00:00:00Z"
# What the submission tests send: a flow with a parameter of each kind flowc passes by value.
SUBMITTED_FLOW = """
from flowc import step, flow

@step
def train(rate: float, epochs: int, tags: list[str], name: str, fast: bool, seed: int | None) -> float:
    return rate * epochs

@step
def report(score: float) -> None:
    print(score)

@flow
def tune(rate: float = 0.1, epochs: int = 3, tags: list[str] = ["a"], name: str = "x",
         fast: bool = False, seed: int | None = None) -> None:
    report(train(rate, epochs, tags, name, fast, seed))
"""
HANG_LIMIT_S = 60  # a hanging handler gives up after this, or when the server stops
CREATE_FIELDS = {
    "workflows": ({"namespace", "workflow", "instanceID", "serverDryRun", "createOptions"}, "workflow"),
    "workflow-templates": ({"namespace", "template", "createOptions"}, "template"),
    "cron-workflows": ({"namespace", "cronWorkflow", "createOptions"}, "cronWorkflow"),
}
UPDATE_FIELDS = {
    "workflow-templates": ({"name", "namespace", "template"}, "template"),
    "cron-workflows": ({"name", "namespace", "cronWorkflow"}, "cronWorkflow"),
}
KINDS = {"workflows": "Workflow", "workflow-templates": "WorkflowTemplate", "cron-workflows": "CronWorkflow"}
CREATE_OPTIONS = {"dryRun", "fieldManager", "fieldValidation"}


@dataclass
class Received:
    """One request as it arrived."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names in lower case
    body: Any  # parsed JSON, (content type, bytes) of a multipart body, or bytes


class Reply(Exception):
    """An answer other than 200: raised anywhere in a route."""

    def __init__(self, status: int, message: str, code: int = 3) -> None:
        super().__init__(message)
        self.status, self.body = status, {"code": code, "message": message}


@dataclass
class FakeServer:
    """An HTTP(S) server on 127.0.0.1 and a free port, in a thread; subclasses route requests."""

    token: str | None = None  # the bearer token every request must carry; None: no auth
    tls: tuple[Path, Path] | None = None  # certificate and key: serve HTTPS
    received: list[Received] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    # injected answers: (prefix of "METHOD /path", status, message), each used by one request
    errors: list[tuple[str, int, str]] = field(default_factory=list)
    hang: bool = False  # accept requests and never answer (until the server stops)
    # injected answers that aren't JSON, as a proxy in front of the server gives them:
    # (prefix of "METHOD /path", status, HTML text), each used by one request
    pages: list[tuple[str, int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        if self.tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*self.tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def requests_to(self, method: str, prefix: str) -> list[Received]:
        return [r for r in self.received if r.method == method and r.path.startswith(prefix)]

    def injected(self, request: str) -> tuple[int, str] | None:
        """The first injected error for `request`, taken off the list (under the lock)."""
        return _take(self.errors, request)

    def page(self, request: str) -> tuple[int, str] | None:
        """The first injected page for `request`, taken off the list (under the lock)."""
        return _take(self.pages, request)

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)

    def handle(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        """The answer to one request, after authentication and injected errors."""
        raise NotImplementedError

    def unauthorized(self, headers: dict[str, str]) -> bool:
        return self.token is not None and headers.get("authorization") != f"Bearer {self.token}"


def _take(injected: list[tuple[str, int, str]], request: str) -> tuple[int, str] | None:
    for i, (prefix, status, text) in enumerate(injected):
        if request.startswith(prefix):
            del injected[i]
            return status, text
    return None


def _handler(fake: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read `received`
            return

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            body = _decode(raw, headers.get("content-type", ""))
            with fake.lock:
                fake.received.append(Received(method, parts.path, parse_qs(parts.query), headers, body))
                injected = fake.injected(f"{method} {parts.path}")
                page = fake.page(f"{method} {parts.path}")
            if fake.hang:
                fake.stopping.wait(HANG_LIMIT_S)
                self.close_connection = True
                return
            if page is not None:
                self._send(page[0], "text/html", page[1].encode())
                return
            self._answer(*_answer(fake, method, self.path, headers, body, injected))

        def _answer(self, status: int, document: Any) -> None:
            self._send(status, "application/json", json.dumps(document).encode())

        def _send(self, status: int, content_type: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _decode(raw: bytes, content_type: str) -> Any:
    """JSON parsed; a multipart body as (its content type, the bytes); anything else as bytes."""
    if content_type.startswith("multipart/"):
        return content_type, raw
    if "json" not in content_type:
        return raw
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw


def _answer(
    fake: FakeServer,
    method: str,
    path: str,
    headers: dict[str, str],
    body: Any,
    injected: tuple[int, str] | None,
) -> tuple[int, Any]:
    if fake.unauthorized(headers):
        return 401, {"code": 16, "message": "token not valid"}
    if injected is not None:
        return injected[0], {"code": 3, "message": injected[1]}
    try:
        return fake.handle(method, path, body)
    except Reply as reply:
        if reply.status in (400, 404):
            fake.fail(f"{method} {path}: {reply.status} {reply.body['message']}")
        return reply.status, reply.body


# --------------------------------------------------------------------------------------------
# the Argo Server
# --------------------------------------------------------------------------------------------


@dataclass
class ArgoServer(FakeServer):
    """Stores what it creates; `phases` are what successive reads of a workflow show."""

    phases: list[str] = field(default_factory=lambda: ["Pending", "Running", "Succeeded"])
    objects: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)  # (route, ns, name)
    reads: int = 0
    validated: list[dict[str, Any]] = field(default_factory=list)  # every object that passed the checks
    polled: threading.Event = field(default_factory=threading.Event)  # set by each workflow read
    # When set, a workflow read as Succeeded has really run, in the simulator under this folder:
    # its root node carries the outputs the run produced, as the Argo Server reports them.
    simulate_in: Path | None = None
    message: str | None = None  # the message of a workflow read as Failed, instead of the usual one
    _ran: dict[str, dict[str, str]] = field(default_factory=dict)

    def handle(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        parts = urlsplit(path).path.strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["api", "v1"] and method == "POST" and parts[2] in CREATE_FIELDS:
            return 200, self._create(parts[2], parts[3], body)
        if len(parts) == 5 and parts[:2] == ["api", "v1"] and method == "GET" and parts[2] in KINDS:
            return 200, self._read(parts[2], parts[3], parts[4])
        if len(parts) == 5 and parts[:2] == ["api", "v1"] and method == "PUT" and parts[2] in UPDATE_FIELDS:
            return 200, self._update(parts[2], parts[3], parts[4], body)
        raise Reply(404, f"no route {method} {path}", code=5)

    # --- routes ---

    def _create(self, route: str, ns: str, body: Any) -> dict[str, Any]:
        allowed, key = CREATE_FIELDS[route]
        document = self._checked(body, allowed, key, route, ns)
        meta = document["metadata"]
        if "generateName" in meta and "name" not in meta:
            meta["name"] = meta["generateName"] + uuid.uuid4().hex[:5]
        if (route, ns, meta["name"]) in self.objects:
            name = f'{route.replace("-", "")}.argoproj.io "{meta["name"]}"'
            raise Reply(409, f"{name} already exists", code=6)
        meta.update(namespace=ns, uid=str(uuid.uuid4()), resourceVersion="1", creationTimestamp=CREATED)
        if not _dry_run(body):
            with self.lock:
                self.objects[(route, ns, meta["name"])] = document
        return document

    def _update(self, route: str, ns: str, name: str, body: Any) -> dict[str, Any]:
        allowed, key = UPDATE_FIELDS[route]
        document = self._checked(body, allowed, key, route, ns)
        stored = self.objects.get((route, ns, name))
        if stored is None:
            raise Reply(404, f'"{name}" not found', code=5)
        version = document["metadata"].get("resourceVersion")
        if version != stored["metadata"]["resourceVersion"]:
            raise Reply(409, f"the object has been modified (resourceVersion {version!r})", code=10)
        document["metadata"].update(
            namespace=ns,
            uid=stored["metadata"]["uid"],
            resourceVersion=str(int(version) + 1),
            creationTimestamp=stored["metadata"]["creationTimestamp"],
        )
        with self.lock:
            self.objects[(route, ns, name)] = document
        return document

    def _read(self, route: str, ns: str, name: str) -> dict[str, Any]:
        stored = self.objects.get((route, ns, name))
        if stored is None:
            raise Reply(404, f'{route} "{name}" not found', code=5)
        if route != "workflows":
            return stored
        with self.lock:
            phase = self.phases[min(self.reads, len(self.phases) - 1)]
            self.reads += 1
        self.polled.set()
        status = _status(stored, phase)
        if phase == "Failed" and self.message is not None:
            status["message"] = self.message
        if phase == "Succeeded" and self.simulate_in is not None:
            status["nodes"][name] = {"id": name, "name": name, "type": "DAG", "phase": phase}
            status["nodes"][name]["outputs"] = {"parameters": self._outputs(stored)}
        return {**stored, "status": status}

    def _outputs(self, workflow: dict[str, Any]) -> list[dict[str, str]]:
        """The output parameters of the workflow's entrypoint, from a run in the simulator."""
        from tests.oracles import argo_sim

        name = workflow["metadata"]["name"]
        if name not in self._ran:
            assert self.simulate_in is not None
            run = argo_sim.run_workflow(workflow, workdir=self.simulate_in / name)
            assert run.status == "Succeeded", run.message
            self._ran[name] = run.outputs
        return [{"name": k, "value": v} for k, v in sorted(self._ran[name].items())]

    # --- checks ---

    def _checked(self, body: Any, allowed: set[str], key: str, route: str, ns: str) -> dict[str, Any]:
        """The object of a request body, after every check of the Argo target's oracles."""
        if not isinstance(body, dict):
            raise Reply(400, "the request body is not a JSON object")
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise Reply(400, f"unknown field(s) {unknown} in the request")
        if not set(body.get("createOptions") or {}) <= CREATE_OPTIONS:
            raise Reply(400, f"unknown createOptions {sorted(body['createOptions'])}")
        document = body.get(key)
        if not isinstance(document, dict) or document.get("kind") != KINDS[route]:
            raise Reply(400, f"`{key}` must be a {KINDS[route]}")
        if document.get("metadata", {}).get("namespace", ns) != ns:
            raise Reply(
                400, "the namespace of the provided object does not match the namespace sent on the request"
            )
        problems = validate(document)
        if problems:
            raise Reply(400, "; ".join(problems[:5]))
        with self.lock:
            self.validated.append(json.loads(json.dumps(document)))
        return json.loads(json.dumps(document))


def _dry_run(body: dict[str, Any]) -> bool:
    return bool(body.get("serverDryRun")) or "All" in (body.get("createOptions") or {}).get("dryRun", [])


def _status(workflow: dict[str, Any], phase: str) -> dict[str, Any]:
    """A status in `phase`: the entrypoint's tasks as pods, the last one failing on Failed."""
    name = workflow["metadata"]["name"]
    spec = workflow["spec"]
    entry = next(t for t in spec["templates"] if t["name"] == spec["entrypoint"])
    tasks = [task["name"] for task in entry.get("dag", {}).get("tasks", [])] or [entry["name"]]
    phases = _task_phases(len(tasks), phase)
    nodes = {
        f"{name}-{i}": {
            "id": f"{name}-{i}",
            "name": f"{name}.{task}",
            "displayName": task,
            "type": "Pod",
            "phase": state,
            "startedAt": f"2026-01-01T00:00:{i:02d}Z",
        }
        for i, (task, state) in enumerate(zip(tasks, phases, strict=True))
        if state is not None
    }
    status: dict[str, Any] = {"phase": phase, "startedAt": CREATED, "nodes": nodes}
    if phase == "Failed":
        status["message"] = f"child '{name}-{len(tasks) - 1}' failed"
    return status


def _task_phases(count: int, phase: str) -> list[str | None]:
    if phase == "Pending":
        return [None] * count
    if phase == "Running":
        return ["Running"] + [None] * (count - 1)
    if phase == "Failed":
        return ["Succeeded"] * (count - 1) + ["Failed"]
    return [phase] * count


# --------------------------------------------------------------------------------------------
# the oracles, applied to one object
# --------------------------------------------------------------------------------------------


def validate(document: dict[str, Any]) -> list[str]:
    """Problems of one Argo object for the Argo target's three oracles; [] means valid."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "object.json"
        path.write_text(json.dumps(document))
        problems = [f"argo lint: {e}" for e in argo_lint([path])[0].errors]
    if SCHEMA_FILE.is_file():
        problems += [f"schema: {e}" for e in validate_schema(document)]
    return problems + [f"hera: {e}" for e in _hera_forbid().check(document)]


_HERA_WORKER = r"""
import json, sys
from hera.shared._pydantic import APIBaseModel
APIBaseModel.model_config["extra"] = "forbid"   # must precede the import of the models
from hera.workflows import models
import pydantic

for line in sys.stdin:
    item = json.loads(line)
    try:
        getattr(models, item["kind"]).model_validate(item["doc"])
        errors = []
    except pydantic.ValidationError as exc:
        errors = [".".join(map(str, e["loc"])) + ": " + e["msg"] for e in exc.errors()]
    print(json.dumps(errors), flush=True)
"""


class _HeraWorker:
    """hera's models in forbid mode, as `tests.oracles.argo.validate_hera` applies them, kept
    in one process for the session (each import of hera costs about a second)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _HERA_WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        atexit.register(self.process.kill)

    def check(self, document: dict[str, Any]) -> list[str]:
        assert self.process.stdin is not None and self.process.stdout is not None
        with self.lock:
            self.process.stdin.write(json.dumps({"kind": document["kind"], "doc": document}) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the hera oracle process died")
        errors: list[str] = json.loads(line)
        return errors


@functools.cache
def _hera_forbid() -> _HeraWorker:
    return _HeraWorker()


def refused_url() -> str:
    """An address on 127.0.0.1 where nothing listens: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def require_oracles() -> None:
    """Build Argo's validator and start hera in the test's thread: skips (no Go, no hera) and
    build failures belong to the test, not to a request."""
    argo_lint_binary()
    require_hera()
    _hera_forbid()


# --------------------------------------------------------------------------------------------
# TLS
# --------------------------------------------------------------------------------------------


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by itself, and its key: what a server without a
    public CA presents."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "server.crt", directory / "server.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path
