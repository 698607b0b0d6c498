"""Submitting a compiled pipeline to a Kubeflow Pipelines API server through `kfp.Client`.

A run is created with `create_run_from_pipeline_package` in an experiment (made when missing);
`upload` adds the package as a pipeline, or as a new version of the pipeline of that name. The
host comes from --server, `KF_PIPELINES_ENDPOINT` (the SDK's own variable) or
`[tool.flowc.kfp] host`; the token from --token or `KF_PIPELINES_TOKEN` (or the variable
`[tool.flowc.kfp] token-env` names). TLS is verified unless explicitly disabled.

The lineage travels in the package as Kubernetes pod labels and annotations of every executor
(the platform spec's `podMetadata`, which the KFP backend applies to each task's pod). kfp is
imported with this module, which only `flowc submit` loads.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import logging
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import kfp_server_api  # type: ignore[import-untyped,unused-ignore]
import urllib3
import yaml
from flowc.compiler import ir
from flowc.compiler.diagnostics import FlowcError
from flowc.compiler.frozen import frozen
from flowc.targets.kfp import kinds, with_pod_metadata
from flowc.targets.lineage import strip_credentials
from flowc.targets.submission import DEFAULT_TIMEOUT, Connection, SubmitError, gone_when_missing, token_from
from flowc.targets.yamlout import dump
from google.protobuf import json_format  # type: ignore[import-untyped,unused-ignore]
from kfp.client import Client  # type: ignore[import-untyped,unused-ignore]  # by module: see kfp/validate.py
from kfp.pipeline_spec import pipeline_spec_pb2  # type: ignore[import-untyped,unused-ignore]

ENDPOINT_ENV = "KF_PIPELINES_ENDPOINT"
TOKEN_ENV = "KF_PIPELINES_TOKEN"
EXPERIMENT_ENV = "KF_PIPELINES_DEFAULT_EXPERIMENT_NAME"  # read by the SDK too
DEFAULT_EXPERIMENT = "Default"
# KFP's run states in the words `flowc run` and Argo use
STATES = {
    "PENDING": "Pending",
    "RUNNING": "Running",
    "CANCELING": "Running",
    "PAUSED": "Paused",
    "SUCCEEDED": "Succeeded",
    "SKIPPED": "Skipped",
    "FAILED": "Failed",
    "CANCELED": "Cancelled",
}

Snapshot = tuple[str, str, list[tuple[str, str]]]  # run state, its message, (task, state) pairs


@frozen
class Created:
    """A run, or an uploaded pipeline or pipeline version, as the server answered."""

    kind: str  # "run", "pipeline" or "pipeline version"
    name: str  # what identifies it: the run id, pipeline id or version id
    document: dict[str, Any]
    summary: tuple[tuple[str, str], ...]

    @property
    def watchable(self) -> bool:
        return self.kind == "run"

    def rows(self) -> list[tuple[str, str]]:
        return list(self.summary)


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
    """The connection from flags, then the environment, then `[tool.flowc.kfp]`."""
    host = server or env.get(ENDPOINT_ENV) or config.get("host")
    if not host:
        raise FlowcError(f"no KFP host: give --server, or set {ENDPOINT_ENV} or `host` in [tool.flowc.kfp]")
    if "://" not in host:
        host = f"https://{host}"  # as the SDK does, without its warning
    if not host.startswith(("http://", "https://")):
        raise FlowcError(f"KFP host {strip_credentials(host)!r}: expected host:port or an http(s) URL")
    secret, source = token_from(token, env, config.get("token-env", TOKEN_ENV))
    return Connection(
        url=host.rstrip("/"),
        token=_without_scheme(secret),
        verify=not (insecure or config.get("insecure-skip-verify", False)),
        ca_cert=ca_cert,
        timeout=timeout,
        token_source=source,
    )


def _without_scheme(token: str | None) -> str | None:
    """The SDK adds `Bearer ` itself; HTTP schemes are case-insensitive."""
    if token is None:
        return None
    scheme, _, rest = token.partition(" ")
    return (rest.strip() if scheme.lower() == "bearer" else token) or None


def namespace(flag: str | None, flow: ir.Flow, config: Mapping[str, Any]) -> str | None:
    """--namespace, then the flow's `namespace=`, then `[tool.flowc.kfp]`, then `[tool.flowc]`;
    None in a single-user deployment, which has no namespaces."""
    found = (
        flag or flow.options.namespace or config.get("kfp", {}).get("namespace") or config.get("namespace")
    )
    return str(found) if found else None


def experiment(flag: str | None, config: Mapping[str, Any], env: Mapping[str, str]) -> str:
    return str(flag or config.get("experiment") or env.get(EXPERIMENT_ENV) or DEFAULT_EXPERIMENT)


# --- the package ------------------------------------------------------------------------------


def encode_parameters(flow: ir.Flow, values: Mapping[str, Any]) -> dict[str, Any]:
    """Run arguments in the form the pipeline's root parameters take."""
    found = {}
    for name, value in values.items():
        param = flow.param(name)
        assert param is not None, name
        found[name] = kinds.constant(value, param.type)
        unsafe = kinds.unsafe_integers(found[name])
        if unsafe:  # as `compile` refuses such a literal (FC501): KFP would round it
            raise FlowcError(
                f"-p {name}: KFP passes numbers as doubles, which round the integer {unsafe[0]} "
                f"(exact only up to 2**53 - 1); pass it as a str"
            )
    return found


def with_lineage(package: bytes, labels: Mapping[str, str], annotations: Mapping[str, str]) -> bytes:
    """The package with the lineage as pod labels and annotations of every executor."""
    documents = [doc for doc in yaml.safe_load_all(package) if doc is not None]
    spec = documents[0]
    platform = with_pod_metadata(spec, documents[1] if len(documents) > 1 else None, labels, annotations)
    return dump([spec, platform])


def pipeline_spec(package: bytes) -> dict[str, Any]:
    """The `pipeline_spec` of a run made from `package`, as `kfp.Client` builds it: each
    document parsed into its protobuf message, then back to JSON."""
    documents = [doc for doc in yaml.safe_load_all(package) if doc is not None]
    spec = json_format.MessageToDict(json_format.ParseDict(documents[0], pipeline_spec_pb2.PipelineSpec()))
    if len(documents) == 1:
        return dict(spec)
    platform = json_format.ParseDict(documents[1], pipeline_spec_pb2.PlatformSpec())
    return {"pipeline_spec": spec, "platform_spec": json_format.MessageToDict(platform)}


def run_body(
    package: bytes, parameters: Mapping[str, Any], name: str, experiment: str, namespace: str | None
) -> dict[str, Any]:
    """What `create_run` sends: the experiment it looks up (or creates), then the run."""
    return {
        "experiment": {"display_name": experiment, "namespace": namespace},
        "run": {
            "display_name": name,
            "pipeline_spec": pipeline_spec(package),
            "runtime_config": {"parameters": dict(parameters)},
        },
    }


# --- the server -------------------------------------------------------------------------------


def create_run(
    conn: Connection,
    package: bytes,
    parameters: Mapping[str, Any],
    name: str,
    experiment: str,
    namespace: str | None,
) -> Created:
    with _client(conn, namespace) as client, _package_file(package) as path:
        result = client.create_run_from_pipeline_package(
            str(path),
            arguments=dict(parameters),
            run_name=name,
            experiment_name=experiment,
            namespace=namespace,
        )
    run = result.run_info
    _identified(conn, run.run_id, "run")
    summary = (
        ("Run ID", run.run_id),
        ("Name", run.display_name or name),
        ("Experiment", f"{experiment} ({run.experiment_id})"),
        ("Namespace", namespace or "-"),
        ("State", STATES.get(str(run.state), str(run.state or "Pending"))),
        ("URL", f"{conn.url}/#/runs/details/{run.run_id}"),
    )
    return Created("run", str(run.run_id), _document(run), summary)


def upload(
    conn: Connection, package: bytes, pipeline: str, version: str, description: str, namespace: str | None
) -> Created:
    """A new pipeline named `pipeline`, or a new version `version` of the existing one."""
    with _client(conn, namespace) as client, _package_file(package) as path:
        pipeline_id = client.get_pipeline_id(pipeline)
        if pipeline_id is None:
            made = client.upload_pipeline(
                str(path), pipeline_name=pipeline, description=description, namespace=namespace
            )
            _identified(conn, made.pipeline_id, "pipeline")
            link = f"{conn.url}/#/pipelines/details/{made.pipeline_id}"
            summary: tuple[tuple[str, str], ...] = (
                ("Pipeline ID", made.pipeline_id),
                ("Pipeline", pipeline),
                ("URL", link),
            )
            return Created("pipeline", str(made.pipeline_id), _document(made), summary)
        added = client.upload_pipeline_version(
            str(path), pipeline_version_name=version, pipeline_id=pipeline_id, description=description
        )
        _identified(conn, added.pipeline_version_id, "pipeline version")
    link = f"{conn.url}/#/pipelines/details/{pipeline_id}/version/{added.pipeline_version_id}"
    summary = (
        ("Version ID", added.pipeline_version_id),
        ("Version", version),
        ("Pipeline", f"{pipeline} ({pipeline_id})"),
        ("URL", link),
    )
    return Created("pipeline version", str(added.pipeline_version_id), _document(added), summary)


def _identified(conn: Connection, found: object, what: str) -> None:
    """An answer without the new object's id did not come from the API server: an
    authenticating proxy answers 200 with its login page, which the SDK reads as empty."""
    if not found:
        raise SubmitError(
            f"the answer from {conn.shown} names no {what}, so it is not the KFP API server's: "
            f"a login page or a proxy in front of it? check --server and the token"
        )


def status(conn: Connection, run_id: str) -> Snapshot:
    """The run's state and error, and the state of each of its tasks (in start order)."""
    with gone_when_missing(f"run {run_id}"), _client(conn, None) as client:
        run = client.get_run(run_id)
    details = run.run_details.task_details if run.run_details is not None else None
    tasks = sorted(details or [], key=lambda t: (str(t.start_time or "~"), str(t.display_name)))
    message = run.error.message if run.error is not None and run.error.message else ""
    return (
        STATES.get(str(run.state), "Pending"),
        str(message),
        [(str(t.display_name), STATES.get(str(t.state), "Pending")) for t in tasks],
    )


def _document(model: Any) -> dict[str, Any]:
    return dict(json.loads(json.dumps(model.to_dict(), default=str)))


@contextlib.contextmanager
def _package_file(package: bytes) -> Iterator[Path]:
    """The SDK reads packages from files named `.yaml`."""
    with tempfile.TemporaryDirectory(prefix="flowc-") as directory:
        path = Path(directory) / "pipeline.yaml"
        path.write_bytes(package)
        yield path


class _Client(Client):  # type: ignore[misc,unused-ignore]
    """`kfp.Client` with a timeout on every request, and one health check instead of the SDK's
    five, five seconds apart (it retries even a 401 or a TLS failure)."""

    def __init__(self, conn: Connection, namespace: str | None) -> None:
        self._flowc_timeout = (conn.timeout, conn.timeout)  # (connect, read): a lone float is ignored
        super().__init__(
            host=conn.url,
            namespace=namespace or "kubeflow",  # the SDK's default: no namespace
            existing_token=conn.token,
            verify_ssl=conn.verify,
            ssl_ca_cert=conn.ca_cert,
        )
        rest = self._run_api.api_client.rest_client  # shared by every API of the client
        send = rest.request

        def request(*args: Any, **kwargs: Any) -> Any:
            kwargs["_request_timeout"] = kwargs.get("_request_timeout") or self._flowc_timeout
            return send(*args, **kwargs)

        rest.request = request

    def _load_config(self, *args: Any, **kwargs: Any) -> Any:
        """One attempt per request: urllib3 would retry three times by default, so a server that
        doesn't answer took four times --request-timeout (redirects are still followed)."""
        config = super()._load_config(*args, **kwargs)
        config.retries = urllib3.util.Retry(total=None, connect=0, read=0, status=0, other=0, redirect=5)
        return config

    def get_kfp_healthz(self, sleep_duration: int = 5) -> Any:
        return self._healthz_api.healthz_service_get_healthz(_request_timeout=self._flowc_timeout)


@contextlib.contextmanager
def _client(conn: Connection, namespace: str | None) -> Iterator[Any]:
    with _errors(conn):
        yield _connected(conn, namespace)


@functools.cache
def _connected(conn: Connection, namespace: str | None) -> _Client:
    """One client per server: making one costs a health check, and --watch reads many times."""
    return _Client(conn, namespace)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The SDK prints links to stdout and warns on every client; urllib3 logs its retries."""
    logger = logging.getLogger("urllib3.connectionpool")  # the SDK resets `urllib3`'s level
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def _errors(conn: Connection) -> Iterator[None]:
    """Every failure of a call as a SubmitError naming the cause."""
    try:
        with _quiet():
            yield
    except kfp_server_api.ApiException as exc:
        raise SubmitError(_http_error(conn, exc), exc.status or 0) from None
    except urllib3.exceptions.MaxRetryError as exc:
        raise SubmitError(_unreachable(conn, exc.reason)) from None
    except (urllib3.exceptions.HTTPError, TimeoutError) as exc:
        raise SubmitError(_unreachable(conn, exc)) from None
    except ValueError as exc:  # the SDK's own checks: several experiments of one name, …
        raise SubmitError(f"KFP client: {exc}") from None


def _http_error(conn: Connection, exc: Any) -> str:
    if exc.status == 0:  # the SDK reports TLS failures as an ApiException without a status
        return _tls(conn, str(exc.reason))
    message = _message(exc.body or exc.reason or "")
    if exc.status == 401:
        hint = f"check {conn.token_source}" if conn.token else f"no token was sent: set {conn.token_source}"
        return f"unauthorized (HTTP 401) by the KFP API server at {conn.shown}: {message}; {hint}"
    if exc.status == 403:
        return f"forbidden (HTTP 403): {message}; the token may lack rights in this namespace"
    if exc.status == 404:
        return f"not found (HTTP 404) at {conn.shown}: {message}; is it a KFP API server?"
    return f"the KFP API server refused the request (HTTP {exc.status}): {message}"


def _message(body: str | bytes) -> str:
    """The message of KFP's JSON error body (`message`, or `error_message` before 2.0)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        found = data.get("message") or data.get("error_message")
        if isinstance(found, str) and found:
            return found
    return " ".join(text.split())[:500] or "(no message)"


def _unreachable(conn: Connection, reason: object) -> str:
    refused = isinstance(reason, urllib3.exceptions.NewConnectionError)  # a ConnectTimeoutError, too
    if not refused and isinstance(reason, (urllib3.exceptions.TimeoutError, TimeoutError)):
        return (
            f"the KFP API server at {conn.shown} did not answer within {conn.timeout:g}s (--request-timeout)"
        )
    if isinstance(reason, urllib3.exceptions.SSLError):
        return _tls(conn, str(reason))
    cause = "connection refused" if "refused" in str(reason).lower() else "no connection"
    return f"cannot reach the KFP API server at {conn.shown} ({cause}); check --server or {ENDPOINT_ENV}"


def _tls(conn: Connection, text: str) -> str:
    detail = text.partition("certificate verify failed:")[2].split("(")[0].strip() or "TLS handshake failed"
    return (
        f"cannot verify the TLS certificate of {conn.shown}: {detail}; give its CA with --ca-cert, "
        f"or skip verification with --insecure-skip-verify"
    )
