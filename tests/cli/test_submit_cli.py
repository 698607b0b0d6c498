"""`flowc submit`: the whole command against fake servers on 127.0.0.1 that validate every body
with the targets' oracles (tests/oracles/argo_server.py, tests/oracles/kfp_server.py), from a
real git repository made with gitpython.

Covered: lineage labels and annotations, namespace and parameters on the wire, settings from
flags, environment and [tool.flowc], each Argo kind, server and client dry runs, KFP runs and
uploads, --watch to the end (and Ctrl-C), the dirty-tree refusal, errors that stop before any
request, every server and connection failure as exit 2 with a clear message, and the token in
no output at all.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import git
import pytest
from flowc.cli.main import main

from tests.oracles.argo_server import SUBMITTED_FLOW, ArgoServer, refused_url, self_signed
from tests.oracles.argo_server import require_oracles as require_argo_oracles
from tests.oracles.kfp import load_documents
from tests.oracles.kfp_server import KfpServer
from tests.oracles.kfp_server import require_oracles as require_kfp_oracles
from tests.targets.test_lineage import git_repo

TOKEN = "tok-3f9a7c1e5b"
REMOTE = "https://bot:ghp_remote_s3cret@github.com/acme/ml.git"
REQUIRED = SUBMITTED_FLOW.replace("rate: float = 0.1, epochs: int = 3", "rate: float, epochs: int = 3")
BROKEN = SUBMITTED_FLOW.replace("report(train(rate, epochs, tags, name, fast, seed))", "report(train(rate))")
ENVIRONMENT = (
    "ARGO_SERVER",
    "ARGO_TOKEN",
    "ARGO_NAMESPACE",
    "ARGO_INSECURE_SKIP_VERIFY",
    "ARGO_SECURE",
    "ARGO_BASE_HREF",
    "KF_PIPELINES_ENDPOINT",
    "KF_PIPELINES_TOKEN",
    "KF_PIPELINES_DEFAULT_EXPERIMENT_NAME",
    "KF_PIPELINES_OVERRIDE_EXPERIMENT_NAME",
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> git.Repo:
    """A committed project holding flow.py, as the working directory; no server settings."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    repo = git_repo(tmp_path, {"flow.py": SUBMITTED_FLOW})
    repo.create_remote("origin", REMOTE)
    monkeypatch.chdir(tmp_path)
    return repo


def commit(repo: git.Repo, files: dict[str, str]) -> None:
    root = Path(repo.working_tree_dir or ".")
    for name, text in files.items():
        (root / name).write_text(text)
    repo.git.add(".")
    repo.index.commit("change")


@pytest.fixture
def argo() -> Iterator[ArgoServer]:
    require_argo_oracles()
    with ArgoServer(token=TOKEN) as server:
        yield server
    assert server.failures == []


@pytest.fixture
def kfp() -> Iterator[KfpServer]:
    require_kfp_oracles()
    with KfpServer(token=TOKEN) as server:
        yield server
    assert server.failures == []


def submit(capsys: pytest.CaptureFixture[str], *args: str, token: str | None = TOKEN) -> tuple[int, str, str]:
    """`flowc submit flow.py ARGS`, with the token on the command line; (code, stdout, stderr).
    Every test through here also checks that the token was printed nowhere."""
    argv = ["submit", "flow.py", *args] + (["--token", token] if token else [])
    code = main(argv)
    out, err = capsys.readouterr()
    for secret in (TOKEN, "ghp_remote_s3cret"):
        assert secret not in out + err
    assert "Traceback" not in out + err
    return code, out, err


def argo_submit(capsys: pytest.CaptureFixture[str], server: ArgoServer, *args: str) -> tuple[int, str, str]:
    return submit(capsys, "-t", "argo", "--server", server.url, "--poll-interval", "0.01", *args)


def kfp_submit(capsys: pytest.CaptureFixture[str], server: KfpServer, *args: str) -> tuple[int, str, str]:
    return submit(capsys, "-t", "kfp", "--server", server.url, "--poll-interval", "0.01", *args)


# --- Argo: what is sent ---------------------------------------------------------------------


def test_a_workflow_arrives_valid_with_lineage_namespace_and_parameters(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = argo_submit(
        capsys, argo, "-n", "ml", "-p", "epochs=5", "-p", 'tags=["b","c"]', "-p", "fast=true", "-p", "seed=7"
    )
    assert code == 0
    (request,) = argo.received
    assert request.path == "/api/v1/workflows/ml"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    (workflow,) = argo.validated
    meta = workflow["metadata"]
    assert meta["namespace"] == "ml"
    assert meta["labels"]["flowc/git-commit"] == project.head.commit.hexsha
    assert (meta["labels"]["flowc/git-branch"], meta["labels"]["flowc/git-dirty"]) == ("main", "false")
    assert meta["labels"]["flowc/flow"] == "tune"
    assert meta["annotations"]["flowc/git-remote"] == "https://github.com/acme/ml.git"
    assert meta["annotations"]["flowc/source-path"] == "flow.py"
    params = {p["name"]: p.get("value") for p in workflow["spec"]["arguments"]["parameters"]}
    given = {"rate": "0.1", "epochs": "5", "tags": '["b","c"]', "name": "x", "fast": "true", "seed": "7"}
    assert given.items() <= params.items()
    name = next(iter(argo.objects))[2]
    assert name.startswith("tune-")
    assert name in out


def test_settings_come_from_the_argo_clis_variables(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARGO_SERVER", argo.url.removeprefix("http://"))
    monkeypatch.setenv("ARGO_SECURE", "false")
    monkeypatch.setenv("ARGO_TOKEN", f"Bearer {TOKEN}")
    monkeypatch.setenv("ARGO_NAMESPACE", "team")
    assert submit(capsys, "-t", "argo", token=None)[0] == 0
    assert argo.received[0].path == "/api/v1/workflows/team"
    assert argo.received[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_settings_come_from_the_configuration(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = f'[tool.flowc]\nnamespace = "top"\n\n[tool.flowc.argo]\nserver = "{argo.url}"\ntoken-env = "CI_TOKEN"\n'
    commit(project, {"pyproject.toml": '[project]\nname = "demo"\nversion = "0"\n\n' + config})
    monkeypatch.setenv("CI_TOKEN", TOKEN)
    assert submit(capsys, "-t", "argo", token=None)[0] == 0
    assert argo.received[0].path == "/api/v1/workflows/top"


def test_a_template_goes_to_its_route_with_the_lineage_for_its_workflows(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert argo_submit(capsys, argo, "--argo-kind", "template")[0] == 0
    assert argo.received[0].path == "/api/v1/workflow-templates/default"
    labels = argo.validated[0]["spec"]["workflowMetadata"]["labels"]
    assert labels["flowc/git-commit"] == project.head.commit.hexsha


def test_a_scheduled_flow_is_a_cron_workflow_and_update_replaces_it(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(project, {"flow.py": SUBMITTED_FLOW.replace("@flow\n", '@flow(schedule="0 2 * * *")\n')})
    assert argo_submit(capsys, argo)[0] == 0
    assert argo_submit(capsys, argo)[0] == 2  # it exists
    code, out, _err = argo_submit(capsys, argo, "--update")
    assert code == 0
    assert "Updated" in out
    assert [(r.method, r.path) for r in argo.received][-2:] == [
        ("GET", "/api/v1/cron-workflows/default/tune"),
        ("PUT", "/api/v1/cron-workflows/default/tune"),
    ]


def test_name_fixes_the_workflows_name(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = argo_submit(capsys, argo, "--name", "tune-nightly", "-o", "name")
    assert (code, out) == (0, "tune-nightly\n")
    assert "generateName" not in argo.validated[0]["metadata"]


def test_a_server_dry_run_creates_nothing(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = argo_submit(capsys, argo, "--server-dry-run")
    assert code == 0
    assert argo.received[0].body["serverDryRun"] is True
    assert argo.objects == {}
    assert "Dry run" in out


def test_a_dry_run_prints_the_exact_body_and_sends_nothing(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = submit(capsys, "-t", "argo", "--server", refused_url(), "--dry-run", "-p", "epochs=9")
    assert code == 0
    shown = json.loads(out)
    assert argo_submit(capsys, argo, "-p", "epochs=9")[0] == 0
    assert shown == {"workflow": argo.validated[0]}


def test_json_output_is_the_servers_answer(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = argo_submit(capsys, argo, "-o", "json")
    assert code == 0
    assert json.loads(out)["metadata"]["uid"] == next(iter(argo.objects.values()))["metadata"]["uid"]


# --- Argo: watching -------------------------------------------------------------------------


def test_watch_follows_the_run_to_success(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = argo_submit(capsys, argo, "--watch")
    assert code == 0
    assert [r.method for r in argo.received] == ["POST", "GET", "GET", "GET"]
    assert "train Running" in err
    assert "report Succeeded" in err


RETURNING = SUBMITTED_FLOW.replace(
    "fast: bool = False, seed: int | None = None) -> None:\n    report(train(rate, epochs, tags, name, fast, seed))",
    "fast: bool = False, seed: int | None = None) -> tuple[float, Optional[int], list[str]]:\n"
    "    report(train(rate, epochs, tags, name, fast, seed))\n"
    "    return (train(rate, epochs, tags, name, fast, seed), seed, tags)",
).replace("from flowc import step, flow", "from typing import Optional\nfrom flowc import step, flow")


def test_watch_prints_the_outputs_of_a_run_that_succeeded(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """As `flowc run` prints them: decoded by their types (the run happens in the simulator)."""
    assert RETURNING != SUBMITTED_FLOW
    commit(project, {"flow.py": RETURNING})
    argo.simulate_in = tmp_path / "runs"
    code, out, _err = argo_submit(capsys, argo, "--watch", "-p", "rate=0.5", "-p", 'tags=["x","y"]')
    assert code == 0
    assert out.splitlines()[-3:] == ["output_0 = 1.5", "output_1 = null", 'output_2 = ["x","y"]']
    code, out, _err = argo_submit(capsys, argo, "--watch", "-o", "name")
    assert code == 0
    assert len(out.splitlines()) == 1  # the name only, as asked


def test_watch_exits_1_when_the_run_fails(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argo.phases = ["Pending", "Running", "Failed"]
    code, _out, err = argo_submit(capsys, argo, "--watch")
    assert code == 1
    assert "report Failed" in err


def test_watch_draws_a_live_table_on_a_terminal(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, _out, err = argo_submit(capsys, argo, "--watch")
    assert code == 0
    assert "report" in err
    assert "Succeeded" in err


def test_watch_rides_out_a_failed_read_or_two(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argo.errors.extend([("GET", 503, "etcd is busy")] * 2)
    assert argo_submit(capsys, argo, "--watch")[0] == 0


def test_watch_gives_up_after_three_failed_reads_in_a_row(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argo.errors.extend([("GET", 503, "etcd is busy")] * 3)
    code, _out, err = argo_submit(capsys, argo, "--watch")
    assert code == 2
    assert "etcd is busy" in err


def test_a_token_the_server_repeats_in_the_runs_message_is_never_printed(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argo.phases = ["Running", "Failed"]
    argo.message = f"pod admission failed for Bearer {TOKEN}"
    code, _out, err = argo_submit(capsys, argo, "--watch")  # checks the token is nowhere
    assert code == 1
    assert "pod admission failed" in err


def test_a_workflow_deleted_while_watched_ends_the_watch_at_once(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argo.errors.append(("GET", 404, "workflows.argoproj.io not found"))
    code, _out, _err = argo_submit(capsys, argo, "--watch")
    assert code == 2
    assert len(argo.requests_to("GET", "/api/v1/workflows/")) == 1  # not asked again: it won't come back


def test_watch_needs_a_workflow(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert argo_submit(capsys, argo, "--argo-kind", "template", "--watch")[0] == 2
    assert argo.received == []


def test_ctrl_c_while_watching_exits_130_without_a_traceback(project: git.Repo, argo: ArgoServer) -> None:
    argo.phases = ["Pending", "Running"]  # it never ends
    command = [sys.executable, "-m", "flowc", "submit", "flow.py", "-t", "argo", "--server", argo.url]
    env = {**os.environ, "ARGO_TOKEN": TOKEN}
    with subprocess.Popen(
        [*command, "--watch", "--poll-interval", "0.05"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert argo.polled.wait(timeout=120), "the watch never read the workflow"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "Traceback" not in out + err
    assert TOKEN not in out + err
    assert "argo watch -n " in err  # how to go on following it


# --- Argo: failures -------------------------------------------------------------------------


def test_401_is_exit_2_naming_the_token_variable(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARGO_TOKEN", "not-the-token")
    code, _out, err = submit(capsys, "-t", "argo", "--server", argo.url, token=None)
    assert code == 2
    assert "401" in err
    assert "ARGO_TOKEN" in err
    assert "not-the-token" not in err


def test_400_shows_the_servers_message_without_the_token(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argo.errors.append(("POST", 400, f"admission webhook denied the request (token {TOKEN})"))
    code, _out, err = argo_submit(capsys, argo)
    assert code == 2
    assert "admission webhook denied the request" in err


def test_a_login_page_instead_of_the_argo_servers_answer_is_exit_2(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argo.pages.append(("POST /api/v1/workflows/", 200, "<html><body>Sign in</body></html>"))
    code, _out, err = argo_submit(capsys, argo)
    assert code == 2
    assert len(err.strip().splitlines()) == 1


def test_a_taken_workflow_name_is_not_answered_with_update(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """--update replaces templates and cron workflows only: a Workflow needs another name."""
    argo.errors.append(("POST", 409, 'workflows.argoproj.io "run-1" already exists'))
    code, _out, err = argo_submit(capsys, argo, "--name", "run-1")
    assert code == 2
    assert "--update" not in err
    assert "--name" in err


def test_401_names_the_configured_token_variable(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = f'[tool.flowc.argo]\nserver = "{argo.url}"\ntoken-env = "CI_TOKEN"\n'
    commit(project, {"pyproject.toml": config})
    monkeypatch.setenv("CI_TOKEN", "not-the-token")
    code, _out, err = submit(capsys, "-t", "argo", token=None)
    assert code == 2
    assert "CI_TOKEN" in err
    assert "not-the-token" not in err


@pytest.mark.parametrize("target", ["argo", "kfp"])
def test_a_token_of_two_lines_is_refused_before_any_request(
    project: git.Repo,
    argo: ArgoServer,
    kfp: KfpServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    target: str,
) -> None:
    """`ARGO_TOKEN="Bearer $(cmd)"` where cmd printed two lines: a client would print a piece
    of it in its error, or send no Authorization header at all."""
    monkeypatch.setenv("ARGO_TOKEN", "Bearer firsthalf-7d1\nsecondhalf-9c2")
    monkeypatch.setenv("KF_PIPELINES_TOKEN", "firsthalf-7d1\nsecondhalf-9c2")
    server = argo.url if target == "argo" else kfp.url
    code, out, err = submit(capsys, "-t", target, "--server", server, token=None)
    assert code == 2
    assert "firsthalf" not in out + err and "secondhalf" not in out + err
    assert argo.received == [] and kfp.received == []


def test_connection_refused_is_exit_2(project: git.Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = submit(capsys, "-t", "argo", "--server", refused_url())
    assert code == 2
    assert "refused" in err


def test_no_answer_is_exit_2(project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]) -> None:
    argo.hang = True
    code, _out, err = argo_submit(capsys, argo, "--request-timeout", "0.3")
    assert code == 2
    assert "--request-timeout" in err


def test_an_unverified_certificate_is_exit_2(
    project: git.Repo, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    require_argo_oracles()
    with ArgoServer(token=TOKEN, tls=self_signed(tmp_path_factory.mktemp("tls"))) as server:
        code, _out, err = submit(capsys, "-t", "argo", "--server", server.url)
    assert code == 2
    assert "--insecure-skip-verify" in err


# --- before any request ---------------------------------------------------------------------


def test_compile_errors_stop_before_any_request(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(project, {"flow.py": BROKEN})
    code, _out, err = argo_submit(capsys, argo)
    assert code == 1
    assert "FC2" in err
    assert argo.received == []


def test_a_dirty_tree_is_refused(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("flow.py").write_text(SUBMITTED_FLOW + "\n# a change\n")
    code, _out, err = argo_submit(capsys, argo)
    assert code == 2
    assert "--allow-dirty" in err
    assert argo.received == []


def test_allow_dirty_submits_and_records_it(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("flow.py").write_text(SUBMITTED_FLOW + "\n# a change\n")
    assert argo_submit(capsys, argo, "--allow-dirty")[0] == 0
    assert argo.validated[0]["metadata"]["labels"]["flowc/git-dirty"] == "true"


def test_allow_dirty_can_be_configured(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(
        project,
        {"pyproject.toml": '[project]\nname = "demo"\nversion = "0"\n\n[tool.flowc]\nallow-dirty = true\n'},
    )
    Path("notes.md").write_text("x")
    project.git.add("notes.md")
    assert argo_submit(capsys, argo)[0] == 0


def test_a_dry_run_of_a_dirty_tree_warns(project: git.Repo, capsys: pytest.CaptureFixture[str]) -> None:
    Path("flow.py").write_text(SUBMITTED_FLOW + "\n# a change\n")
    code, _out, err = submit(capsys, "-t", "argo", "--dry-run")
    assert code == 0
    assert "--allow-dirty" in err


@pytest.mark.parametrize("comment", ["", "  # flowc: ignore[FC507]"])
def test_suppressed_target_warnings_are_not_shown(
    project: git.Repo, capsys: pytest.CaptureFixture[str], comment: str
) -> None:
    """As for `compile`: a target's warning obeys `# flowc: ignore` and `[tool.flowc] ignore`."""
    source = SUBMITTED_FLOW.replace("from flowc import", "from flowc import Retry,").replace(
        "@step\ndef train", f"@step(retries=Retry(limit=2, on='transient')){comment}\ndef train"
    )
    Path("flow.py").write_text(source)
    project.git.commit("-qam", "retries")
    code, _out, err = submit(capsys, "-t", "kfp", "--dry-run")
    assert code == 0
    assert ("FC507" in err) == (not comment)


@pytest.mark.parametrize(
    "param",
    ["epochs=five", "epochs", "nope=1", "tags=[1, 2]", "fast=maybe"],
)
def test_bad_parameters_stop_before_any_request(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str], param: str
) -> None:
    assert argo_submit(capsys, argo, "-p", param)[0] == 2
    assert argo.received == []


def test_a_missing_required_parameter_stops_a_workflow_but_not_a_template(
    project: git.Repo, argo: ArgoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(project, {"flow.py": REQUIRED})
    code, _out, err = argo_submit(capsys, argo)
    assert code == 2
    assert "rate" in err
    assert argo.received == []
    assert argo_submit(capsys, argo, "--argo-kind", "template")[0] == 0
    assert argo_submit(capsys, argo, "-p", "rate=0.5")[0] == 0


@pytest.mark.parametrize(
    "args",
    [
        ["-t", "kfp", "--server-dry-run"],
        ["-t", "kfp", "--argo-kind", "template"],
        ["-t", "argo", "--upload"],
        ["-t", "argo", "--watch", "--dry-run"],
        ["-t", "airflow"],
        ["-t", "argo", "-o", "yaml"],
        ["-t", "argo", "--request-timeout", "0"],
    ],
)
def test_usage_errors(project: git.Repo, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    assert submit(capsys, *args)[0] == 2


@pytest.mark.parametrize(("target", "module", "extra"), [("argo", "hera", "argo"), ("kfp", "kfp", "kfp")])
def test_a_missing_client_library_names_the_extra(
    project: git.Repo, target: str, module: str, extra: str
) -> None:
    script = (
        f"import sys; sys.modules[{module!r}] = None\n"
        "from flowc.cli.main import main\n"
        f"raise SystemExit(main(['submit', 'flow.py', '-t', {target!r}, '--dry-run']))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert f"flowc[{extra}]" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("target", ["argo", "kfp"])
def test_submit_never_runs_the_flows_code(
    project: git.Repo, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    trap = 'from pathlib import Path\nPath(__file__).with_name("PWNED").write_text("x")\n'
    commit(project, {"flow.py": trap + SUBMITTED_FLOW})
    assert submit(capsys, "-t", target, "--dry-run")[0] == 0
    assert not Path("PWNED").exists()


def test_outside_a_git_repository_it_warns_and_submits(
    tmp_path: Path, argo: ArgoServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    (outside / "flow.py").write_text(SUBMITTED_FLOW)
    monkeypatch.chdir(outside)
    code, _out, err = argo_submit(capsys, argo)
    assert code == 0
    assert "git" in err
    assert "flowc/git-commit" not in argo.validated[0]["metadata"]["labels"]


# --- KFP ------------------------------------------------------------------------------------


def test_a_kfp_run_arrives_valid_with_lineage_experiment_and_parameters(
    project: git.Repo, kfp: KfpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = kfp_submit(
        capsys, kfp, "-p", "epochs=5", "-p", "seed=7", "--experiment", "tuning", "-n", "team-a"
    )
    assert code == 0
    run = kfp.requests_to("POST", "/apis/v2beta1/runs")[0].body
    assert run["runtime_config"]["parameters"] == {"epochs": 5, "seed": "7"}
    experiment = kfp.requests_to("POST", "/apis/v2beta1/experiments")[0].body
    assert (experiment["display_name"], experiment["namespace"]) == ("tuning", "team-a")
    platform = run["pipeline_spec"]["platform_spec"]
    for config in platform["platforms"]["kubernetes"]["deploymentSpec"]["executors"].values():
        assert config["podMetadata"]["labels"]["flowc/git-commit"] == project.head.commit.hexsha
    assert next(iter(kfp.runs)) in out
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in kfp.received)


def test_the_kfp_host_and_token_come_from_the_environment(
    project: git.Repo, kfp: KfpServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KF_PIPELINES_ENDPOINT", kfp.url)
    monkeypatch.setenv("KF_PIPELINES_TOKEN", TOKEN)
    assert submit(capsys, "-t", "kfp", token=None)[0] == 0
    assert len(kfp.runs) == 1


def test_kfp_upload_adds_a_pipeline_then_a_version(
    project: git.Repo, kfp: KfpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kfp_submit(capsys, kfp, "--upload")[0] == 0
    assert kfp_submit(capsys, kfp, "--upload", "--name", "v2")[0] == 0
    (version,) = kfp.versions.values()
    assert version["display_name"] == "v2"
    assert project.head.commit.hexsha[:12] in version["description"]
    assert kfp.runs == {}


def test_kfp_watch_follows_the_run(
    project: git.Repo, kfp: KfpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = kfp_submit(capsys, kfp, "--watch")
    assert code == 0
    assert "report Succeeded" in err
    kfp.states = ["PENDING", "RUNNING", "FAILED"]
    kfp.reads = 0
    code, _out, err = kfp_submit(capsys, kfp, "--watch")
    assert code == 1
    assert "task failed" in err


def test_a_kfp_dry_run_prints_the_run_and_sends_nothing(
    project: git.Repo, kfp: KfpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = submit(capsys, "-t", "kfp", "--dry-run", "-p", "epochs=4", "--name", "r1")
    assert code == 0
    shown = json.loads(out)
    assert kfp_submit(capsys, kfp, "-p", "epochs=4", "--name", "r1")[0] == 0
    body = kfp.requests_to("POST", "/apis/v2beta1/runs")[0].body
    assert {k: body[k] for k in shown["run"]} == shown["run"]


def test_a_kfp_upload_dry_run_prints_the_package(
    project: git.Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = submit(capsys, "-t", "kfp", "--dry-run", "--upload")
    assert code == 0
    spec, _platform = load_documents(out)
    assert spec["pipelineInfo"]["name"] == "tune"


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("unauthorized", "--token"),  # where the token came from
        ("bad request", "the run's pipeline is invalid"),
        ("hang", "--request-timeout"),
    ],
)
def test_kfp_failures_are_exit_2(
    project: git.Repo, kfp: KfpServer, capsys: pytest.CaptureFixture[str], setup: str, expected: str
) -> None:
    args = ["--request-timeout", "0.2"]
    if setup == "unauthorized":
        kfp.token = "another"
    elif setup == "bad request":
        kfp.errors.append(("POST /apis/v2beta1/runs", 400, f"the run's pipeline is invalid ({TOKEN})"))
    else:
        kfp.hang = True
    code, _out, err = kfp_submit(capsys, kfp, *args)
    assert code == 2
    assert expected in err


def test_a_kfp_answer_naming_no_run_is_exit_2(
    project: git.Repo, kfp: KfpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """An authenticating proxy answers 200 with its login page: that is no run."""
    kfp.pages.append(("POST /apis/v2beta1/runs", 200, "<html><body>Sign in</body></html>"))
    code, out, _err = kfp_submit(capsys, kfp)
    assert code == 2
    assert "None" not in out


def test_a_kfp_token_the_server_repeats_is_never_printed(
    project: git.Repo, kfp: KfpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    kfp.states = ["RUNNING", "FAILED"]
    kfp.message = f"driver could not authenticate with {TOKEN}"
    code, _out, err = kfp_submit(capsys, kfp, "--watch")  # checks the token is nowhere
    assert code == 1
    assert "driver could not authenticate" in err


def test_kfp_makes_one_attempt_per_request(
    project: git.Repo, kfp: KfpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """--request-timeout bounds the wait: the client's own retries would multiply it."""
    kfp.hang = True
    assert kfp_submit(capsys, kfp, "--request-timeout", "0.2")[0] == 2
    assert len(kfp.received) == 1


def test_kfp_connection_refused_is_exit_2(project: git.Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = submit(capsys, "-t", "kfp", "--server", refused_url())
    assert code == 2
    assert "refused" in err


def test_submit_is_listed_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["submit", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--watch" in out
    assert "--dry-run" in out


@pytest.mark.parametrize("given", ["Bearer tok-1", "bearer tok-1", "BEARER  tok-1", "tok-1"])
def test_the_kfp_token_loses_its_scheme_however_it_is_written(given: str) -> None:
    """The SDK adds `Bearer ` itself, and HTTP schemes are case-insensitive."""
    require_kfp_oracles()
    from flowc.targets.kfp.submit import connection

    assert connection({}, {"KF_PIPELINES_TOKEN": given}, server="http://h").token == "tok-1"
