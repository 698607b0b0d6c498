"""Submission to a KFP API server with the real `kfp.Client`, against a fake server on 127.0.0.1
that parses every pipeline strictly as the API server does (tests/oracles/kfp_server.py).

Covered: settings, the lineage in the package (pod labels and annotations of every executor),
the run body (the package inlined, typed arguments, the experiment made once), uploads of a
pipeline and of its next version, a run's progress, TLS verification, and every failure as one
clear message: 401, 400 with the server's message, connection refused, no answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flowc.compiler import ir
from flowc.compiler.diagnostics import FlowcError
from flowc.targets import CompileOptions, load_target
from flowc.targets.kfp import submit

from tests.harness import load_one
from tests.oracles.argo_server import SUBMITTED_FLOW, refused_url, self_signed
from tests.oracles.kfp import load_documents, strict_parse_bytes
from tests.oracles.kfp_server import KfpServer, require_oracles

REPO = Path(__file__).resolve().parents[3]
TOKEN = "kfp-s3cret-token"
FLOW = SUBMITTED_FLOW
LABELS = {"flowc/git-commit": "c" * 40, "flowc/flow": "tune"}
ANNOTATIONS = {"flowc/git-remote": "https://github.com/acme/ml.git"}
VALUES = {"rate": 0.5, "epochs": 5, "tags": ["b", "c"], "name": "run 1", "fast": True, "seed": 7}
ENCODED = {**VALUES, "seed": "7"}  # an optional travels as text in a STRING parameter


def compiled(tmp_path: Path, source: str = FLOW) -> tuple[ir.Flow, bytes]:
    loaded = load_one(tmp_path, source)
    assert loaded.ok and loaded.program is not None, loaded.diagnostics
    result = load_target("kfp").compile(loaded.program, CompileOptions(sources=loaded.sources))
    assert result.ok, result.diagnostics
    return loaded.program.flows[0], result.outputs[0].data


def package(tmp_path: Path) -> bytes:
    return submit.with_lineage(compiled(tmp_path)[1], LABELS, ANNOTATIONS)


@pytest.fixture
def server() -> Iterator[KfpServer]:
    require_oracles()
    with KfpServer(token=TOKEN) as fake:
        yield fake
    assert fake.failures == []


def connect(server: KfpServer, **flags: Any) -> submit.Connection:
    return submit.connection({}, {}, server=server.url, token=TOKEN, **flags)


def run(
    server: KfpServer, data: bytes, conn: submit.Connection | None = None, **arguments: Any
) -> submit.Created:
    return submit.create_run(conn or connect(server), data, arguments, "tune 1", "exp", None)


# --- settings -------------------------------------------------------------------------------


def test_the_sdks_endpoint_variable_is_read_and_flags_win() -> None:
    env = {"KF_PIPELINES_ENDPOINT": "kfp.example.com", "KF_PIPELINES_TOKEN": "t"}
    conn = submit.connection({"host": "http://config:1"}, env)
    assert (conn.url, conn.token, conn.verify) == ("https://kfp.example.com", "t", True)
    assert submit.connection({"host": "http://config:1/"}, {}).url == "http://config:1"
    assert submit.connection({}, env, server="http://flag:2", token="f").url == "http://flag:2"


def test_a_bearer_prefix_is_not_doubled() -> None:
    assert submit.connection({}, {}, server="h", token="Bearer abc").token == "abc"


def test_the_token_variable_can_be_renamed_and_verification_disabled_in_the_configuration() -> None:
    env = {"KF_PIPELINES_TOKEN": "generic", "CI_KFP_TOKEN": "ci"}
    conn = submit.connection({"host": "h", "token-env": "CI_KFP_TOKEN", "insecure-skip-verify": True}, env)
    assert (conn.token, conn.verify) == ("ci", False)


def test_no_host_names_where_to_set_one() -> None:
    with pytest.raises(FlowcError, match="KF_PIPELINES_ENDPOINT"):
        submit.connection({}, {})


def test_namespace_and_experiment_precedence(tmp_path: Path) -> None:
    flow, _data = compiled(tmp_path)
    config = {"namespace": "top", "kfp": {"namespace": "kfp-ns", "experiment": "cfg"}}
    assert submit.namespace(None, flow, {}) is None
    assert submit.namespace(None, flow, {"namespace": "top"}) == "top"
    assert submit.namespace(None, flow, config) == "kfp-ns"
    assert submit.namespace("flag", flow, config) == "flag"
    assert submit.experiment(None, {}, {}) == "Default"
    assert submit.experiment(None, {}, {"KF_PIPELINES_DEFAULT_EXPERIMENT_NAME": "env"}) == "env"
    assert submit.experiment(None, config["kfp"], {}) == "cfg"
    assert submit.experiment("flag", config["kfp"], {}) == "flag"


def test_the_clients_tls_verification_is_on_by_default(server: KfpServer) -> None:
    with submit._client(connect(server), None) as client:
        assert client._existing_config.verify_ssl is True
    with submit._client(connect(server, insecure=True), None) as client:
        assert client._existing_config.verify_ssl is False


# --- the package ----------------------------------------------------------------------------


def test_parameters_take_the_pipelines_types(tmp_path: Path) -> None:
    flow, _data = compiled(tmp_path)
    assert submit.encode_parameters(flow, VALUES) == ENCODED
    assert submit.encode_parameters(flow, {"seed": None}) == {"seed": "null"}


def test_an_integer_kfp_would_round_is_refused(tmp_path: Path) -> None:
    """As `compile` refuses such a literal (FC501); an Optional's, sent as text, is exact."""
    flow, _data = compiled(tmp_path)
    with pytest.raises(FlowcError):
        submit.encode_parameters(flow, {"epochs": 2**53 + 1})
    assert submit.encode_parameters(flow, {"epochs": 2**53 - 1}) == {"epochs": 2**53 - 1}
    assert submit.encode_parameters(flow, {"seed": 2**53 + 1}) == {"seed": str(2**53 + 1)}


def test_every_executor_carries_the_lineage_and_the_package_still_parses(tmp_path: Path) -> None:
    data = package(tmp_path)
    assert strict_parse_bytes(data) == []
    spec, platform = load_documents(data)
    executors = platform["platforms"]["kubernetes"]["deploymentSpec"]["executors"]
    assert set(executors) == set(spec["deploymentSpec"]["executors"])
    for config in executors.values():
        assert config["podMetadata"] == {"labels": LABELS, "annotations": ANNOTATIONS}


def test_existing_platform_settings_are_kept(tmp_path: Path) -> None:
    source = (REPO / "examples" / "platform_settings.py").read_text()
    _flow, data = compiled(tmp_path, source)
    before = load_documents(data)[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"]
    after = load_documents(submit.with_lineage(data, LABELS, ANNOTATIONS))[1]
    executors = after["platforms"]["kubernetes"]["deploymentSpec"]["executors"]
    for name, config in before.items():
        assert {k: v for k, v in executors[name].items() if k != "podMetadata"} == config
    assert strict_parse_bytes(submit.with_lineage(data, LABELS, ANNOTATIONS)) == []


# --- the server -----------------------------------------------------------------------------


def test_a_run_is_created_in_a_new_experiment(tmp_path: Path, server: KfpServer) -> None:
    data = package(tmp_path)
    created = run(server, data, **ENCODED)
    paths = [(r.method, r.path) for r in server.received]
    assert paths == [
        ("GET", "/apis/v2beta1/healthz"),
        ("GET", "/apis/v2beta1/experiments"),
        ("POST", "/apis/v2beta1/experiments"),
        ("POST", "/apis/v2beta1/runs"),
    ]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in server.received)
    body = server.requests_to("POST", "/apis/v2beta1/runs")[0].body
    assert body["runtime_config"] == {"parameters": ENCODED}
    assert body["pipeline_spec"] == submit.pipeline_spec(data)
    assert (created.kind, created.watchable) == ("run", True)
    assert created.name == next(iter(server.runs))


def test_the_experiment_is_reused(tmp_path: Path, server: KfpServer) -> None:
    data = package(tmp_path)
    run(server, data)
    run(server, data)
    assert len(server.experiments) == 1
    assert len(server.runs) == 2


def test_the_run_body_is_what_the_dry_run_shows(tmp_path: Path, server: KfpServer) -> None:
    data = package(tmp_path)
    run(server, data, epochs=4)
    body = server.requests_to("POST", "/apis/v2beta1/runs")[0].body
    shown = submit.run_body(data, {"epochs": 4}, "tune 1", "exp", None)
    assert {k: body[k] for k in shown["run"]} == shown["run"]
    assert server.requests_to("POST", "/apis/v2beta1/experiments")[0].body["display_name"] == "exp"


def test_a_namespace_reaches_the_experiment(tmp_path: Path, server: KfpServer) -> None:
    submit.create_run(connect(server), package(tmp_path), {}, "tune 1", "exp", "team-a")
    lookup = server.requests_to("GET", "/apis/v2beta1/experiments")[0]
    assert lookup.query["namespace"] == ["team-a"]
    assert server.requests_to("POST", "/apis/v2beta1/experiments")[0].body["namespace"] == "team-a"


def test_an_upload_makes_a_pipeline_then_a_version(tmp_path: Path, server: KfpServer) -> None:
    data = package(tmp_path)
    first = submit.upload(connect(server), data, "tune", "v1", "lineage", None)
    second = submit.upload(connect(server), data, "tune", "v2", "lineage", None)
    assert (first.kind, second.kind) == ("pipeline", "pipeline version")
    assert not first.watchable
    (version,) = server.versions.values()
    assert (version["display_name"], version["description"]) == ("v2", "lineage")
    assert version["pipeline_id"] == first.name
    assert len(server.specs) == 2  # both packages parsed strictly


def test_status_follows_the_run_and_its_tasks(tmp_path: Path, server: KfpServer) -> None:
    server.states = ["PENDING", "RUNNING", "FAILED"]
    conn = connect(server)
    created = run(server, package(tmp_path))
    pending, running, failed = (submit.status(conn, created.name) for _ in range(3))
    assert pending == ("Pending", "", [])
    assert running[0] == "Running"
    assert ("report", "Running") in running[2]
    assert failed[0] == "Failed"
    assert failed[1] == "task failed"
    assert ("train", "Failed") in failed[2]


def test_a_wrong_argument_type_is_refused_by_the_server(tmp_path: Path, server: KfpServer) -> None:
    """The fake checks arguments against the pipeline: what flowc encodes must pass it."""
    with pytest.raises(submit.SubmitError, match=r"400.*epochs"):
        run(server, package(tmp_path), epochs="five")
    server.failures.clear()


# --- failures -------------------------------------------------------------------------------


def test_401_says_to_check_the_token(tmp_path: Path, server: KfpServer) -> None:
    conn = submit.connection({}, {"KF_PIPELINES_TOKEN": "wrong"}, server=server.url)
    with pytest.raises(submit.SubmitError, match=r"401.*KF_PIPELINES_TOKEN"):
        run(server, package(tmp_path), conn)
    assert len(server.received) == 1  # one health check, not the SDK's five


def test_400_shows_the_servers_message(tmp_path: Path, server: KfpServer) -> None:
    server.errors.append(("POST /apis/v2beta1/runs", 400, "Invalid input error: pipeline spec is invalid"))
    with pytest.raises(submit.SubmitError, match=r"400.*pipeline spec is invalid"):
        run(server, package(tmp_path))


def test_connection_refused(tmp_path: Path) -> None:
    conn = submit.connection({}, {}, server=refused_url(), token=TOKEN)
    with pytest.raises(submit.SubmitError, match="connection refused"):
        submit.create_run(conn, package(tmp_path), {}, "tune 1", "exp", None)


def test_a_server_that_does_not_answer_times_out(tmp_path: Path, server: KfpServer) -> None:
    server.hang = True
    with pytest.raises(submit.SubmitError, match=r"did not answer within 0\.2s"):
        run(server, package(tmp_path), connect(server, timeout=0.2))


# --- TLS ------------------------------------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[KfpServer, Path]]:
    require_oracles()
    cert, key = self_signed(tmp_path)
    with KfpServer(token=TOKEN, tls=(cert, key)) as fake:
        yield fake, cert
    assert fake.failures == []


def test_an_unknown_certificate_is_refused_by_default(
    tmp_path: Path, tls_server: tuple[KfpServer, Path]
) -> None:
    server, _cert = tls_server
    with pytest.raises(submit.SubmitError, match=r"--ca-cert.*--insecure-skip-verify"):
        run(server, package(tmp_path))
    assert server.received == []


def test_the_servers_ca_verifies_it(tmp_path: Path, tls_server: tuple[KfpServer, Path]) -> None:
    server, cert = tls_server
    run(server, package(tmp_path), connect(server, ca_cert=str(cert)))
    assert len(server.runs) == 1


def test_verification_can_be_skipped_explicitly(tmp_path: Path, tls_server: tuple[KfpServer, Path]) -> None:
    server, _cert = tls_server
    run(server, package(tmp_path), connect(server, insecure=True))
    assert len(server.runs) == 1
