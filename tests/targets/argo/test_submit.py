"""Submission to an Argo Server with hera's real `WorkflowsService`, against a fake server on
127.0.0.1 that checks every object with the Argo target's oracles (tests/oracles/argo_server.py).

Covered: settings read like the argo CLI's, the document sent (namespace, parameters, lineage),
each kind's route, server-side dry runs, replacing templates, reading a workflow's progress,
TLS verification, and every failure as one clear message: 401, 400 with the server's message,
404, 409, connection refused, no answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from flowc.compiler.diagnostics import FlowcError
from flowc.targets import CompileOptions, load_target
from flowc.targets.argo import submit

from tests.harness import load_one
from tests.oracles.argo_server import SUBMITTED_FLOW, ArgoServer, refused_url, require_oracles, self_signed

TOKEN = "argo-s3cret-token"
FLOW = SUBMITTED_FLOW
SCHEDULED = FLOW.replace("@flow\n", '@flow(schedule="0 2 * * *")\n')
LABELS = {"flowc/git-commit": "c" * 40, "flowc/flow": "tune"}
ANNOTATIONS = {"flowc/git-remote": "https://github.com/acme/ml.git"}


def compiled(tmp_path: Path, source: str = FLOW, kind: str = "workflow") -> dict[str, Any]:
    loaded = load_one(tmp_path, source)
    assert loaded.ok and loaded.program is not None, loaded.diagnostics
    result = load_target("argo").compile(
        loaded.program, CompileOptions(argo_kind=kind, sources=loaded.sources)
    )
    assert result.ok, result.diagnostics
    document: dict[str, Any] = yaml.safe_load(result.outputs[0].data)
    return document


def prepared(tmp_path: Path, source: str = FLOW, kind: str = "workflow", ns: str = "ml") -> dict[str, Any]:
    return submit.prepare(compiled(tmp_path, source, kind), ns, {"epochs": "5"}, LABELS, ANNOTATIONS)


@pytest.fixture
def server() -> Iterator[ArgoServer]:
    require_oracles()
    with ArgoServer(token=TOKEN) as fake:
        yield fake
    assert fake.failures == []


def connect(server: ArgoServer, **flags: Any) -> submit.Connection:
    return submit.connection({}, {}, server=server.url, token=TOKEN, **flags)


# --- settings, like the argo CLI ------------------------------------------------------------


def test_argo_server_is_host_and_port_over_https_by_default() -> None:
    conn = submit.connection({}, {"ARGO_SERVER": "argo.example.com:2746"})
    assert conn.url == "https://argo.example.com:2746/"
    assert conn.verify is True


def test_argo_secure_false_means_http_and_the_base_href_is_kept() -> None:
    env = {"ARGO_SERVER": "localhost:2746", "ARGO_SECURE": "false", "ARGO_BASE_HREF": "/argo/"}
    assert submit.connection({}, env).url == "http://localhost:2746/argo/"


def test_flags_win_over_the_environment_which_wins_over_the_configuration() -> None:
    config = {"server": "config:1", "insecure-skip-verify": False}
    env = {"ARGO_SERVER": "env:2", "ARGO_TOKEN": "from-env"}
    assert submit.connection(config, {}).url == "https://config:1/"
    assert submit.connection(config, env).url == "https://env:2/"
    conn = submit.connection(config, env, server="http://flag:3", token="from-flag")
    assert (conn.url, conn.token) == ("http://flag:3/", "from-flag")


@pytest.mark.parametrize(
    ("env", "config", "verify"),
    [
        ({}, {}, True),
        ({"ARGO_INSECURE_SKIP_VERIFY": "true"}, {}, False),
        ({"ARGO_INSECURE_SKIP_VERIFY": "false"}, {}, True),
        ({}, {"insecure-skip-verify": True}, False),
    ],
)
def test_tls_is_verified_unless_disabled(env: dict[str, str], config: dict[str, Any], verify: bool) -> None:
    assert submit.connection(config, {"ARGO_SERVER": "h:1", **env}).verify is verify


def test_a_bad_boolean_is_a_usage_error() -> None:
    with pytest.raises(FlowcError, match="ARGO_INSECURE_SKIP_VERIFY"):
        submit.connection({}, {"ARGO_SERVER": "h:1", "ARGO_INSECURE_SKIP_VERIFY": "maybe"})


def test_no_server_names_where_to_set_one() -> None:
    with pytest.raises(FlowcError, match="ARGO_SERVER"):
        submit.connection({}, {})


def test_the_token_variable_can_be_renamed_in_the_configuration() -> None:
    env = {"ARGO_SERVER": "h:1", "ARGO_TOKEN": "generic", "CI_ARGO_TOKEN": " Bearer ci \n"}
    assert submit.connection({"token-env": "CI_ARGO_TOKEN"}, env).token == "Bearer ci"


def test_the_token_is_not_in_the_connection_repr() -> None:
    assert TOKEN not in repr(submit.connection({}, {"ARGO_SERVER": "h:1", "ARGO_TOKEN": TOKEN}))


def test_namespace_precedence() -> None:
    doc: dict[str, Any] = {"metadata": {}}
    config = {"namespace": "top", "argo": {"namespace": "argo-ns"}}
    assert submit.namespace(None, doc, {}, {}) == "default"
    assert submit.namespace(None, doc, {}, {"namespace": "top"}) == "top"
    assert submit.namespace(None, doc, {}, config) == "argo-ns"
    assert submit.namespace(None, doc, {"ARGO_NAMESPACE": "env"}, config) == "env"
    assert (
        submit.namespace(None, {"metadata": {"namespace": "flow"}}, {"ARGO_NAMESPACE": "env"}, config)
        == "flow"
    )
    assert submit.namespace("flag", {"metadata": {"namespace": "flow"}}, {}, config) == "flag"
    with pytest.raises(FlowcError):
        submit.namespace("Not_Valid", doc, {}, {})


# --- the document ---------------------------------------------------------------------------


def test_parameters_are_encoded_as_the_steps_decode_them(tmp_path: Path) -> None:
    loaded = load_one(tmp_path, FLOW)
    assert loaded.program is not None
    flow = loaded.program.flows[0]
    values = {"rate": 0.5, "epochs": 5, "tags": ["b", "c"], "name": "run 1", "fast": True, "seed": None}
    assert submit.encode_parameters(flow, values) == {
        "rate": "0.5",
        "epochs": "5",
        "tags": '["b","c"]',
        "name": "run 1",
        "fast": "true",
        "seed": "null",
    }
    with pytest.raises(FlowcError, match="template tag"):
        submit.encode_parameters(flow, {"name": "{{workflow.name}}"})


def test_prepare_sets_namespace_parameters_and_lineage(tmp_path: Path) -> None:
    document = prepared(tmp_path)
    meta = document["metadata"]
    assert meta["namespace"] == "ml"
    assert LABELS.items() <= meta["labels"].items()
    assert ANNOTATIONS.items() <= meta["annotations"].items()
    params = {p["name"]: p.get("value") for p in document["spec"]["arguments"]["parameters"]}
    assert (params["epochs"], params["rate"]) == ("5", "0.1")


@pytest.mark.parametrize(("source", "kind"), [(FLOW, "template"), (SCHEDULED, "workflow")])
def test_templates_and_cron_workflows_pass_the_lineage_to_their_workflows(
    tmp_path: Path, source: str, kind: str
) -> None:
    document = prepared(tmp_path, source, kind)
    assert LABELS.items() <= document["spec"]["workflowMetadata"]["labels"].items()
    spec = document["spec"].get("workflowSpec", document["spec"])
    assert {"name": "epochs", "value": "5"} in spec["arguments"]["parameters"]


def test_the_body_is_the_document_unchanged(tmp_path: Path) -> None:
    document = prepared(tmp_path)
    body = json.loads(submit.body(document))
    assert body == {"workflow": document}
    assert json.loads(submit.body(document, server_dry_run=True))["serverDryRun"] is True


def test_a_field_hera_would_drop_stops_the_submission(tmp_path: Path) -> None:
    document = prepared(tmp_path)
    document["spec"]["notAField"] = 1
    with pytest.raises(submit.SubmitError, match="/spec/notAField"):
        submit.body(document)


# --- the server -----------------------------------------------------------------------------


def test_a_workflow_is_created_in_its_namespace(tmp_path: Path, server: ArgoServer) -> None:
    document = prepared(tmp_path)
    created = submit.submit(connect(server), document)
    (request,) = server.received
    assert (request.method, request.path) == ("POST", "/api/v1/workflows/ml")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert server.validated == [document]
    assert created.name.startswith("tune-")
    assert (created.namespace, created.kind, created.watchable) == ("ml", "Workflow", True)


def test_a_bearer_prefixed_token_is_sent_as_it_is(tmp_path: Path, server: ArgoServer) -> None:
    submit.submit(submit.connection({}, {}, server=server.url, token=f"Bearer {TOKEN}"), prepared(tmp_path))
    assert server.received[0].headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(
    ("source", "kind", "route"),
    [(FLOW, "template", "workflow-templates"), (SCHEDULED, "workflow", "cron-workflows")],
)
def test_each_kind_has_its_route(
    tmp_path: Path, server: ArgoServer, source: str, kind: str, route: str
) -> None:
    created = submit.submit(connect(server), prepared(tmp_path, source, kind))
    assert [r.path for r in server.received] == [f"/api/v1/{route}/ml"]
    assert created.name == "tune"
    assert not created.watchable


def test_a_server_dry_run_creates_nothing(tmp_path: Path, server: ArgoServer) -> None:
    submit.submit(connect(server), prepared(tmp_path), server_dry_run=True)
    submit.submit(connect(server), prepared(tmp_path, kind="template"), server_dry_run=True)
    workflow, template = (r.body for r in server.received)
    assert workflow["serverDryRun"] is True
    assert template["createOptions"] == {"dryRun": ["All"]}
    assert server.objects == {}


def test_an_existing_template_is_refused_then_replaced_with_update(
    tmp_path: Path, server: ArgoServer
) -> None:
    document = prepared(tmp_path, kind="template")
    submit.submit(connect(server), document)
    with pytest.raises(submit.SubmitError, match="--update"):
        submit.submit(connect(server), document)
    replaced = submit.submit(connect(server), document, update=True)
    assert replaced.updated
    assert replaced.document["metadata"]["resourceVersion"] == "2"
    assert [r.method for r in server.received] == ["POST", "POST", "POST", "GET", "PUT"]


def test_a_cron_workflow_is_replaced_with_update(tmp_path: Path, server: ArgoServer) -> None:
    document = prepared(tmp_path, SCHEDULED)
    submit.submit(connect(server), document)
    assert submit.submit(connect(server), document, update=True).updated
    assert server.received[-1].path == "/api/v1/cron-workflows/ml/tune"


def test_status_follows_the_phases_and_the_pods(tmp_path: Path, server: ArgoServer) -> None:
    server.phases = ["Pending", "Running", "Failed"]
    conn = connect(server)
    created = submit.submit(conn, prepared(tmp_path))
    pending, running, failed = (submit.status(conn, "ml", created.name) for _ in range(3))
    assert pending == ("Pending", "", [])
    assert running[0] == "Running"
    assert running[2][0] == ("train", "Running")
    assert failed[0] == "Failed"
    assert failed[1]  # the workflow's message
    assert failed[2] == [("train", "Succeeded"), ("report", "Failed")]


# --- failures -------------------------------------------------------------------------------


def test_401_says_to_check_the_token(tmp_path: Path, server: ArgoServer) -> None:
    conn = submit.connection({}, {"ARGO_TOKEN": "wrong"}, server=server.url)
    with pytest.raises(submit.SubmitError, match=r"401.*ARGO_TOKEN"):
        submit.submit(conn, prepared(tmp_path))


def test_401_without_a_token_says_none_was_sent(tmp_path: Path, server: ArgoServer) -> None:
    with pytest.raises(submit.SubmitError, match="no token was sent"):
        submit.submit(submit.connection({}, {}, server=server.url), prepared(tmp_path))
    assert "authorization" not in server.received[0].headers


def test_400_shows_the_servers_message(tmp_path: Path, server: ArgoServer) -> None:
    server.errors.append(("POST /api/v1/workflows", 400, "spec.templates[0].name: Invalid value"))
    with pytest.raises(submit.SubmitError, match=r"400.*spec\.templates\[0\]\.name: Invalid value"):
        submit.submit(connect(server), prepared(tmp_path))


def test_404_suggests_the_base_href(tmp_path: Path, server: ArgoServer) -> None:
    conn = submit.connection({}, {"ARGO_BASE_HREF": "/wrong"}, server=server.url, token=TOKEN)
    with pytest.raises(submit.SubmitError, match=r"404.*ARGO_BASE_HREF"):
        submit.submit(conn, prepared(tmp_path))
    server.failures.clear()  # the unknown route, on purpose


def test_connection_refused(tmp_path: Path) -> None:
    conn = submit.connection({}, {}, server=refused_url(), token=TOKEN)
    with pytest.raises(submit.SubmitError, match="connection refused"):
        submit.submit(conn, prepared(tmp_path))


def test_a_server_that_does_not_answer_times_out(tmp_path: Path, server: ArgoServer) -> None:
    server.hang = True
    with pytest.raises(submit.SubmitError, match=r"did not answer within 0\.3s"):
        submit.submit(connect(server, timeout=0.3), prepared(tmp_path))


# --- TLS ------------------------------------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[ArgoServer, Path]]:
    require_oracles()
    cert, key = self_signed(tmp_path)
    with ArgoServer(token=TOKEN, tls=(cert, key)) as fake:
        yield fake, cert
    assert fake.failures == []


def test_an_unknown_certificate_is_refused_by_default(
    tmp_path: Path, tls_server: tuple[ArgoServer, Path]
) -> None:
    server, _cert = tls_server
    with pytest.raises(submit.SubmitError, match=r"--ca-cert.*--insecure-skip-verify"):
        submit.submit(connect(server), prepared(tmp_path))
    assert server.received == []  # nothing was sent to an unverified server


def test_the_servers_ca_verifies_it(tmp_path: Path, tls_server: tuple[ArgoServer, Path]) -> None:
    server, cert = tls_server
    submit.submit(connect(server, ca_cert=str(cert)), prepared(tmp_path))
    assert len(server.validated) == 1


def test_verification_can_be_skipped_explicitly(tmp_path: Path, tls_server: tuple[ArgoServer, Path]) -> None:
    server, _cert = tls_server
    submit.submit(connect(server, insecure=True), prepared(tmp_path))
    assert len(server.validated) == 1
