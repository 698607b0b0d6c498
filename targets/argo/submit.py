"""Submitting a compiled Argo document to an Argo Server through hera's `WorkflowsService`.

Settings are read like the argo CLI reads them: `ARGO_SERVER` (`host:port`, HTTPS unless
`ARGO_SECURE=false`; a URL is accepted too), `ARGO_BASE_HREF`, `ARGO_TOKEN` (`Bearer xxx` or the
bare token), `ARGO_NAMESPACE` and `ARGO_INSECURE_SKIP_VERIFY`. Flags win over them, and
`[tool.flowc.argo]` fills in what neither gives. TLS is verified unless explicitly disabled.

Failures become one `SubmitError` whose message names the cause and never holds the token.
hera is imported with this module, which only `flowc submit` loads.
"""

from __future__ import annotations

import copy
import json
import re
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import requests  # type: ignore[import-untyped,unused-ignore]
from flowc.compiler import ir
from flowc.compiler.diagnostics import FlowcError
from flowc.compiler.frozen import frozen
from flowc.compiler.shipping import encode_value
from flowc.targets.lineage import strip_credentials
from flowc.targets.submission import (
    DEFAULT_TIMEOUT,
    Connection,
    SubmitError,
    gone_when_missing,
    redact,
    token_from,
)
from hera.exceptions import HeraException
from hera.workflows import WorkflowsService, models
from pydantic import BaseModel

SERVER_ENV = "ARGO_SERVER"
TOKEN_ENV = "ARGO_TOKEN"
NAMESPACE_ENV = "ARGO_NAMESPACE"
INSECURE_ENV = "ARGO_INSECURE_SKIP_VERIFY"
SECURE_ENV = "ARGO_SECURE"
BASE_HREF_ENV = "ARGO_BASE_HREF"
DEFAULT_NAMESPACE = "default"
# the request field holding each kind, as the Argo Server's API names it
BODY_KEYS = {"Workflow": "workflow", "WorkflowTemplate": "template", "CronWorkflow": "cronWorkflow"}
FINAL_PHASES = frozenset({"Succeeded", "Failed", "Error"})
_SHOWN_NODES = frozenset({"Pod", "Skipped", "Suspend"})
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_TRUE = frozenset({"1", "true", "yes"})
_FALSE = frozenset({"0", "false", "no"})

Snapshot = tuple[str, str, list[tuple[str, str]]]  # run phase, its message, (task, phase) pairs


@frozen
class Created:
    """What the server answered: the object as stored (or as it would be, on a dry run)."""

    kind: str
    name: str
    namespace: str
    document: dict[str, Any]
    updated: bool = False

    @property
    def watchable(self) -> bool:
        return self.kind == "Workflow"

    def rows(self) -> list[tuple[str, str]]:
        meta, status = self.document.get("metadata", {}), self.document.get("status", {})
        rows = [("Name", self.name), ("Namespace", self.namespace), ("Kind", self.kind)]
        if self.updated:
            rows.append(("Updated", "replaced the existing one"))
        if self.kind == "Workflow":
            rows.append(("Status", status.get("phase") or "Pending"))
        if "creationTimestamp" in meta:
            rows.append(("Created", str(meta["creationTimestamp"])))
        return rows


# --- settings ---------------------------------------------------------------------------------


def connection(
    config: Mapping[str, Any],
    env: Mapping[str, str],
    *,
    server: str | None = None,
    token: str | None = None,
    insecure: bool = False,
    ca_cert: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Connection:
    """The connection from flags, then the argo CLI's variables, then `[tool.flowc.argo]`."""
    address = server or env.get(SERVER_ENV) or config.get("server")
    if not address:
        raise FlowcError(
            f"no Argo Server: give --server, or set {SERVER_ENV} or `server` in [tool.flowc.argo]"
        )
    secret, source = token_from(token, env, config.get("token-env", TOKEN_ENV))
    skip = insecure or _flag(env, INSECURE_ENV) is True or bool(config.get("insecure-skip-verify", False))
    return Connection(
        url=_url(address, secure=_flag(env, SECURE_ENV) is not False, base=env.get(BASE_HREF_ENV, "")),
        token=secret,
        verify=not skip,
        ca_cert=ca_cert,
        timeout=timeout,
        token_source=source,
    )


def _flag(env: Mapping[str, str], name: str) -> bool | None:
    """A boolean variable, None when it is unset or empty."""
    text = env.get(name, "").strip().lower()
    if text and text not in _TRUE | _FALSE:
        raise FlowcError(f"{name}={text!r}: expected true or false")
    return None if not text else text in _TRUE


def _url(address: str, secure: bool, base: str) -> str:
    """`host:2746` → `https://host:2746/` (the argo CLI's default); a base href is appended."""
    url = address if "://" in address else f"{'https' if secure else 'http'}://{address}"
    if not url.startswith(("http://", "https://")):
        raise FlowcError(f"Argo Server {strip_credentials(url)!r}: expected host:port or an http(s) URL")
    path = "/".join(part for part in (url.rstrip("/"), base.strip("/")) if part)
    return path + "/"


def namespace(
    flag: str | None, document: Mapping[str, Any], env: Mapping[str, str], config: Mapping[str, Any]
) -> str:
    """--namespace, then the flow's own `namespace=`, then ARGO_NAMESPACE, then the configuration
    (`[tool.flowc.argo] namespace`, then `[tool.flowc] namespace`), then `default`."""
    argo = config.get("argo", {})
    found = (
        flag
        or document.get("metadata", {}).get("namespace")
        or env.get(NAMESPACE_ENV)
        or argo.get("namespace")
        or config.get("namespace")
        or DEFAULT_NAMESPACE
    )
    if not _NAMESPACE.match(found):
        raise FlowcError(f"namespace {found!r} is not a valid Kubernetes namespace name")
    return str(found)


# --- the document -----------------------------------------------------------------------------


def encode_parameters(flow: ir.Flow, values: Mapping[str, Any]) -> dict[str, str]:
    """Parameter values in the text form the compiled workflow's steps decode."""
    found = {}
    for name, value in values.items():
        param = flow.param(name)
        assert param is not None, name
        text = encode_value(value, param.type)
        if "{{" in text:
            raise FlowcError(f"-p {name}: Argo would read `{{{{` in the value as a template tag")
        found[name] = text
    return found


def prepare(
    document: Mapping[str, Any],
    namespace: str,
    parameters: Mapping[str, str],
    labels: Mapping[str, str],
    annotations: Mapping[str, str],
) -> dict[str, Any]:
    """The document to send: in `namespace`, parameters set, lineage on the object and, for a
    template or cron workflow, on every workflow it creates."""
    doc = copy.deepcopy(dict(document))
    meta = doc["metadata"]
    meta["namespace"] = namespace
    _merge(meta, labels, annotations)
    spec = doc["spec"]
    if doc["kind"] != "Workflow":
        _merge(spec.setdefault("workflowMetadata", {}), labels, annotations)
    workflow_spec = spec.get("workflowSpec", spec)
    for param in workflow_spec.get("arguments", {}).get("parameters", []):
        if param["name"] in parameters:
            param["value"] = parameters[param["name"]]
    return doc


def _merge(meta: dict[str, Any], labels: Mapping[str, str], annotations: Mapping[str, str]) -> None:
    meta["labels"] = {**meta.get("labels", {}), **labels}
    meta["annotations"] = {**meta.get("annotations", {}), **annotations}


def body(document: Mapping[str, Any], server_dry_run: bool = False) -> str:
    """The exact JSON body hera sends for `document`."""
    return _json(_request(document, server_dry_run))


def _request(document: Mapping[str, Any], server_dry_run: bool) -> BaseModel:
    """hera's create request, checked to carry `document` unchanged: hera's models drop fields
    they don't know without a word, and flowc never sends something other than it compiled."""
    kind = document["kind"]
    with _quiet():
        request = _create_request(kind, document, server_dry_run)
        sent = json.loads(_json(request))[BODY_KEYS[kind]]
    where = _difference(document, sent, "")
    if where is not None:
        raise SubmitError(
            f"hera would change the {kind} it sends (at {where or '/'}); please report this bug"
        )
    return request


def _create_request(kind: str, document: Mapping[str, Any], server_dry_run: bool) -> BaseModel:
    options = models.CreateOptions(dry_run=["All"]) if server_dry_run else None
    if kind == "Workflow":
        workflow = models.Workflow.model_validate(document)
        return models.WorkflowCreateRequest(workflow=workflow, server_dry_run=server_dry_run or None)
    if kind == "WorkflowTemplate":
        template = models.WorkflowTemplate.model_validate(document)
        return models.WorkflowTemplateCreateRequest(template=template, create_options=options)
    cron = models.CronWorkflow.model_validate(document)
    return models.CreateCronWorkflowRequest(cron_workflow=cron, create_options=options)


def _json(model: BaseModel) -> str:
    """Serialised as hera's service serialises requests (its `.json()` is this, deprecated)."""
    return model.model_dump_json(exclude_none=True, by_alias=True, exclude_unset=True, exclude_defaults=True)


def _difference(expected: Any, actual: Any, path: str) -> str | None:
    """The JSON path of the first place where `actual` differs from `expected`, or None."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            found = _difference(expected.get(key), actual.get(key), f"{path}/{key}")
            if found is not None:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        pairs = zip(expected, actual, strict=True)
        return next(
            (f for i, (e, a) in enumerate(pairs) if (f := _difference(e, a, f"{path}/{i}")) is not None),
            None,
        )
    return None if expected == actual and type(expected) is type(actual) else path


# --- the server -------------------------------------------------------------------------------


def submit(
    conn: Connection, document: Mapping[str, Any], *, server_dry_run: bool = False, update: bool = False
) -> Created:
    """Create the document's object; with `update`, replace a template or cron workflow of the
    same name instead of failing."""
    kind, ns = document["kind"], document["metadata"]["namespace"]
    request = _request(document, server_dry_run)
    with _service(conn) as (service, session):
        try:
            created = _create(service, kind, ns, request)
        except HeraException:
            if not (update and kind != "Workflow" and session.status == 409):
                raise
            return _replace(service, document, ns)
    return _created(kind, ns, created)


def _create(service: WorkflowsService, kind: str, ns: str, request: Any) -> BaseModel:
    if kind == "Workflow":
        return service.create_workflow(request, namespace=ns)
    if kind == "WorkflowTemplate":
        return service.create_workflow_template(request, namespace=ns)
    return service.create_cron_workflow(request, namespace=ns)


def _replace(service: WorkflowsService, document: Mapping[str, Any], ns: str) -> Created:
    """Kubernetes updates name the version they replace: read it, then send the new object."""
    kind, name = document["kind"], document["metadata"]["name"]
    doc = copy.deepcopy(dict(document))
    replaced: BaseModel
    if kind == "WorkflowTemplate":
        current = service.get_workflow_template(name, namespace=ns)
        doc["metadata"]["resourceVersion"] = current.metadata.resource_version
        template = models.WorkflowTemplate.model_validate(doc)
        replaced = service.update_workflow_template(
            name, models.WorkflowTemplateUpdateRequest(template=template), namespace=ns
        )
    else:
        current_cron = service.get_cron_workflow(name, namespace=ns)
        doc["metadata"]["resourceVersion"] = current_cron.metadata.resource_version
        cron = models.CronWorkflow.model_validate(doc)
        replaced = service.update_cron_workflow(
            name, models.UpdateCronWorkflowRequest(cron_workflow=cron), namespace=ns
        )
    created = _created(kind, ns, replaced)
    return Created(created.kind, created.name, created.namespace, created.document, updated=True)


def _created(kind: str, ns: str, model: BaseModel) -> Created:
    document = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    meta = document.get("metadata", {})
    return Created(kind, str(meta.get("name", "")), str(meta.get("namespace") or ns), document)


def status(conn: Connection, ns: str, name: str) -> Snapshot:
    """The workflow's phase and message, and the phase of each of its pods (in start order)."""
    state = _workflow(conn, ns, name).get("status", {})
    nodes = sorted(
        (n for n in state.get("nodes", {}).values() if n.get("type") in _SHOWN_NODES),
        key=lambda n: (str(n.get("startedAt", "~")), str(n.get("displayName", n["name"]))),
    )
    tasks = [(str(n.get("displayName", n["name"])), str(n.get("phase") or "Pending")) for n in nodes]
    return str(state.get("phase") or "Pending"), str(state.get("message", "")), tasks


def outputs(conn: Connection, ns: str, name: str) -> dict[str, str]:
    """The texts of the workflow's outputs, by name (see `outputs.reported_texts`)."""
    from flowc.targets.argo.outputs import reported_texts

    return reported_texts(_workflow(conn, ns, name))


def _workflow(conn: Connection, ns: str, name: str) -> dict[str, Any]:
    with gone_when_missing(f"workflow {name} in {ns}"), _service(conn) as (service, _session):
        workflow = service.get_workflow(name, namespace=ns)
    document: dict[str, Any] = workflow.model_dump(mode="json", by_alias=True, exclude_none=True)
    return document


class _Session(requests.Session):  # type: ignore[misc,unused-ignore]
    """Adds what hera's calls leave out: a timeout on every request, and a CA bundle to verify
    against; keeps the last status code for error messages."""

    def __init__(self, conn: Connection) -> None:
        super().__init__()
        self.conn = conn
        self.status = 0
        self.text = ""
        self.url = ""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override,unused-ignore]
        kwargs.setdefault("timeout", self.conn.timeout)
        if self.conn.ca_cert and kwargs.get("verify") is True:
            kwargs["verify"] = self.conn.ca_cert
        response = super().request(method, url, *args, **kwargs)
        self.status, self.text, self.url = response.status_code, response.text, str(url)
        return response


@contextmanager
def _service(conn: Connection) -> Iterator[tuple[WorkflowsService, _Session]]:
    session = _Session(conn)
    service = WorkflowsService(host=conn.url, token=conn.token, verify_ssl=conn.verify, session=session)
    with service, _errors(conn, session):
        yield service, session


@contextmanager
def _quiet() -> Iterator[None]:
    """hera's serialiser and urllib3 (when verification is off) warn on every call."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@contextmanager
def _errors(conn: Connection, session: _Session) -> Iterator[None]:
    """Every failure of a call as a SubmitError naming the cause, without the token."""
    try:
        with _quiet():
            yield
    except HeraException:
        raise SubmitError(redact(_http_error(conn, session), conn.token), session.status) from None
    except requests.exceptions.SSLError as exc:
        raise SubmitError(redact(_tls_error(conn, exc), conn.token)) from None
    except requests.exceptions.Timeout:
        raise SubmitError(
            f"the Argo Server at {conn.shown} did not answer within {conn.timeout:g}s (--request-timeout)"
        ) from None
    except requests.exceptions.ConnectionError as exc:
        raise SubmitError(redact(_connection_error(conn, exc), conn.token)) from None
    except requests.JSONDecodeError:  # before RequestException, which it is too
        raise SubmitError(_not_json(conn, session)) from None
    except requests.RequestException as exc:
        raise SubmitError(redact(f"request to {conn.shown} failed: {exc}", conn.token)) from None
    except (KeyError, ValueError) as exc:  # an answer hera can't read (pydantic errors are ValueErrors)
        detail = " ".join(redact(str(exc), conn.token).split())[:300]
        raise SubmitError(f"unexpected answer from the Argo Server at {conn.shown}: {detail}") from None


def _not_json(conn: Connection, session: _Session) -> str:
    """A 200 whose body isn't JSON comes from something in front of the server, most often a
    login page of an authenticating proxy."""
    return (
        f"the answer from {conn.shown} (HTTP {session.status}) is not JSON, so not the Argo Server's: "
        f"a login page or a proxy in front of it? check --server, {BASE_HREF_ENV} and the token"
    )


def _http_error(conn: Connection, session: _Session) -> str:
    message = server_message(session.text)
    code = session.status
    if code == 401:
        hint = f"check {conn.token_source}" if conn.token else f"no token was sent: set {conn.token_source}"
        return f"unauthorized (HTTP 401) by the Argo Server at {conn.shown}: {message}; {hint}"
    if code == 403:
        return f"forbidden (HTTP 403): {message}; the token may lack rights in this namespace"
    if code == 404:
        return f"not found (HTTP 404) at {conn.shown}: {message}; is it an Argo Server ({BASE_HREF_ENV})?"
    if code == 409:
        replaceable = "/workflow-templates/" in session.url or "/cron-workflows/" in session.url
        hint = (
            "give --update to replace it"
            if replaceable
            else "give another --name (a Workflow is never replaced)"
        )
        return f"already exists (HTTP 409): {message}; {hint}"
    return f"the Argo Server refused the request (HTTP {code}): {message}"


def server_message(text: str) -> str:
    """The `message` of a JSON error body (Argo's and KFP's form), else the text itself."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("message", "error_message", "error"):
            if isinstance(data.get(key), str) and data[key]:
                return str(data[key])
    return " ".join(text.split())[:500] or "(no message)"


def _tls_error(conn: Connection, exc: Exception) -> str:
    reason = re.search(r"certificate verify failed: ([^(')]+)", str(exc))
    detail = reason.group(1).strip() if reason else "TLS handshake failed"
    return (
        f"cannot verify the TLS certificate of {conn.shown}: {detail}; give its CA with --ca-cert, "
        f"or skip verification with --insecure-skip-verify ({INSECURE_ENV}=true)"
    )


def _connection_error(conn: Connection, exc: Exception) -> str:
    text = str(exc)
    cause = "connection refused" if "refused" in text.lower() else "no connection"
    return f"cannot reach the Argo Server at {conn.shown} ({cause}); check --server or {SERVER_ENV}"
