"""`flowc submit PATH[:FLOW] --target argo|kfp`: compile, stamp the lineage, send, maybe watch.

Every check of `compile` applies, and error diagnostics stop before any request. A tree with
uncommitted changes is refused unless --allow-dirty (or `allow-dirty = true` in [tool.flowc]).
--dry-run prints the exact body to stdout and sends nothing. The created object's summary goes
to stdout (`-o name` prints only its name, `-o json` the server's answer); progress and
messages go to stderr. Exit codes: 0 submitted (with --watch: the run succeeded), 1 error
diagnostics or a watched run that failed, 2 usage, configuration, server or connection errors,
130 interrupted. No token ever appears in what is printed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TextIO

import typer
from flowc.cli.compile import compile_options
from flowc.cli.load import compile_or_report, load_or_report
from flowc.cli.options import split_target
from flowc.compiler import ir
from flowc.compiler import types as t
from flowc.compiler.config import Config, governing_config
from flowc.compiler.diagnostics import FlowcError
from flowc.targets.submission import RunGone, redact

from flowc import __version__

if TYPE_CHECKING:
    from flowc.targets.lineage import Lineage
    from rich.console import RenderableType

Snapshot = tuple[str, str, list[tuple[str, str]]]  # run phase, its message, (task, phase) pairs
EXIT_CODES = {"Succeeded": 0, "Skipped": 0, "Failed": 1, "Error": 1, "Cancelled": 1}
OUTPUTS = ("summary", "name", "json")
WATCH_ATTEMPTS = 3  # consecutive failed polls before --watch gives up
EXTRAS = {"argo": "hera", "kfp": "kfp"}
_CLIENT_MODULES = frozenset({"hera", "requests", "urllib3", "kfp", "kfp_server_api", "google", "pydantic"})


class Submitted(Protocol):
    """What either target answers: `name` identifies it (workflow name, run id)."""

    @property
    def name(self) -> str: ...

    @property
    def document(self) -> dict[str, Any]: ...

    @property
    def watchable(self) -> bool: ...

    def rows(self) -> list[tuple[str, str]]: ...


class Request(NamedTuple):  # a NamedTuple: cheaper to define than a dataclass, and lint pays for it
    """The command line, as one value."""

    target_path: str
    target: str
    params: tuple[str, ...]
    namespace: str | None
    server: str | None
    token: str | None
    insecure: bool
    ca_cert: str | None
    timeout: float
    watch: bool
    dry_run: bool
    server_dry_run: bool
    allow_dirty: bool
    argo_kind: str | None
    argo_version: int | None
    update: bool
    experiment: str | None
    name: str | None
    upload: bool
    output: str
    poll_interval: float


class Compiled(NamedTuple):
    """The checked flow, its compiled file, the values given with -p, and its lineage."""

    flow: ir.Flow
    data: bytes
    values: dict[str, Any]
    config: Config
    lineage: Lineage
    labels: dict[str, str]
    annotations: dict[str, str]
    summary: str  # the lineage in one line


def register(app: typer.Typer) -> None:
    app.command("submit")(submit_flow)


def submit_flow(
    target_path: str = typer.Argument(
        ..., metavar="PATH[:FLOW]", help="A flow file, and the flow if it has several."
    ),
    target: str = typer.Option(..., "--target", "-t", help="argo or kfp."),
    params: list[str] = typer.Option(
        [], "--param", "-p", metavar="NAME=VALUE", help="A flow parameter (JSON unless it is text)."
    ),
    namespace: str = typer.Option(None, "--namespace", "-n", help="Kubernetes namespace."),
    server: str = typer.Option(
        None, "--server", help="Argo Server (ARGO_SERVER) or KFP API host (KF_PIPELINES_ENDPOINT)."
    ),
    token: str = typer.Option(
        None,
        "--token",
        help="Bearer token; prefer ARGO_TOKEN or KF_PIPELINES_TOKEN (command lines are visible to others).",
        show_default=False,
    ),
    insecure: bool = typer.Option(
        False, "--insecure-skip-verify", "-k", help="Don't verify the server's TLS certificate."
    ),
    ca_cert: Path = typer.Option(
        None, "--ca-cert", exists=True, dir_okay=False, help="Verify the server against this CA bundle."
    ),
    timeout: float = typer.Option(30.0, "--request-timeout", help="Seconds to wait for each answer."),
    watch: bool = typer.Option(False, "--watch", "-w", help="Follow the run; exit with its status."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print what would be sent; send nothing."),
    server_dry_run: bool = typer.Option(
        False, "--server-dry-run", help="Argo: let the server validate without creating anything."
    ),
    allow_dirty: bool = typer.Option(False, "--allow-dirty", help="Submit from a tree with changes."),
    argo_kind: str = typer.Option(
        None, "--argo-kind", help="workflow (default) or template (a WorkflowTemplate)."
    ),
    argo_version: int = typer.Option(None, "--argo-version", help="4 (default) or 3."),
    update: bool = typer.Option(
        False, "--update", help="Argo: replace a WorkflowTemplate or CronWorkflow of the same name."
    ),
    experiment: str = typer.Option(None, "--experiment", help="KFP: the run's experiment."),
    name: str = typer.Option(
        None, "--name", help="Argo: the object's name; KFP: the run's or pipeline version's name."
    ),
    upload: bool = typer.Option(False, "--upload", help="KFP: upload as a pipeline (version); no run."),
    output: str = typer.Option("summary", "--output", "-o", help="summary, name or json."),
    poll_interval: float = typer.Option(2.0, "--poll-interval", hidden=True),
) -> int:
    """Compile a flow and submit it to an Argo Server or a KFP API server."""
    request = Request(
        target_path=target_path,
        target=target,
        params=tuple(params),
        namespace=namespace,
        server=server,
        token=token,
        insecure=insecure,
        ca_cert=str(ca_cert) if ca_cert else None,
        timeout=timeout,
        watch=watch,
        dry_run=dry_run,
        server_dry_run=server_dry_run,
        allow_dirty=allow_dirty,
        argo_kind=argo_kind,
        argo_version=argo_version,
        update=update,
        experiment=experiment,
        name=name,
        upload=upload,
        output=output,
        poll_interval=poll_interval,
    )
    _check_usage(request)
    compiled = _compile(request)
    if isinstance(compiled, int):
        return compiled
    _check_tree(compiled, request)
    with _redacting(request.token):
        return _argo(request, compiled) if request.target == "argo" else _kfp(request, compiled)


# --- before any request -----------------------------------------------------------------------


def _check_usage(request: Request) -> None:
    problems = [
        (request.target not in EXTRAS, f"--target must be argo or kfp, not {request.target!r}"),
        (request.output not in OUTPUTS, f"--output must be one of {', '.join(OUTPUTS)}"),
        (request.timeout <= 0, "--request-timeout must be positive"),
        (request.poll_interval <= 0, "--poll-interval must be positive"),
        (
            request.watch and (request.dry_run or request.server_dry_run or request.upload),
            "--watch follows a run: it can't go with --dry-run, --server-dry-run or --upload",
        ),
        (
            request.target == "kfp" and request.server_dry_run,
            "--server-dry-run is argo-only (the KFP API has no dry run); --dry-run shows what would be sent",
        ),
        (
            request.target == "kfp" and (request.update or request.argo_kind is not None),
            "--update and --argo-kind are argo-only; a KFP upload adds a pipeline version",
        ),
        (
            request.target == "argo" and (request.upload or request.experiment is not None),
            "--upload and --experiment are kfp-only; for an Argo template use --argo-kind template",
        ),
    ]
    for problem, message in problems:
        if problem:
            raise FlowcError(message)


def _compile(request: Request) -> Compiled | int:
    """The compiled flow, or the exit code after its diagnostics were shown."""
    path = split_target(request.target_path)[0]
    config = governing_config(path)
    loaded = load_or_report(request.target_path, config)
    if isinstance(loaded, int):
        return loaded
    assert loaded.program is not None
    program = loaded.program
    flow = program.flow(program.entry or program.flows[0].key)
    options = compile_options(config, loaded.sources, request.argo_kind, request.argo_version, None)
    values = _parameters(flow, request.params, required=_runs(request, flow, options.argo_kind))
    outputs = compile_or_report(request.target, loaded, options, config)
    if isinstance(outputs, int):
        return outputs
    from flowc.targets import lineage  # only submit and --stamp pay for gitpython

    found = lineage.collect(path, loaded.sources, __version__)
    labels, annotations = lineage.as_labels(found, flow.name), lineage.as_annotations(found)
    return Compiled(flow, outputs[0].data, values, config, found, labels, annotations, lineage.summary(found))


def _runs(request: Request, flow: ir.Flow, argo_kind: str) -> bool:
    """Whether the submitted object runs the flow, so that it needs every parameter."""
    if request.target == "kfp":
        return not request.upload
    return argo_kind == "workflow" or flow.options.schedule is not None


def _parameters(flow: ir.Flow, raw: Sequence[str], required: bool) -> dict[str, Any]:
    """-p values, read and type-checked as `flowc run` reads them; only the given ones are sent
    (the compiled object holds the defaults)."""
    from flowc.targets import local

    given = {item.partition("=")[0].strip() for item in raw}
    for param in flow.params:
        if param.name in given and t.is_artifact(param.type):
            raise FlowcError(
                f"-p {param.name}: an artifact can't be given at submit time (it is a local file)"
            )
    values = local.resolve_parameters(flow if required else _all_optional(flow), raw)
    return {name: value for name, value in values.items() if name in given}


def _all_optional(flow: ir.Flow) -> ir.Flow:
    """A template or an upload leaves parameters to each run: a required one may stay unset."""
    params = tuple(replace(p, default=p.default or ir.Const(None, p.span)) for p in flow.params)
    return replace(flow, params=params)


def _check_tree(compiled: Compiled, request: Request) -> None:
    found = compiled.lineage
    if found.dirty is None:
        _say("not in a git repository (or git is unavailable): no commit is recorded")
        return
    if not found.dirty or request.allow_dirty or compiled.config.raw.get("allow-dirty", False):
        return
    if request.dry_run:
        _say("the git tree has uncommitted changes: submit will refuse it without --allow-dirty")
        return
    raise FlowcError(
        "the git tree has uncommitted changes, so the submitted flow would not match a commit: "
        "commit them, or give --allow-dirty (or set `allow-dirty = true` in [tool.flowc])"
    )


# --- the targets ------------------------------------------------------------------------------


def _argo(request: Request, compiled: Compiled) -> int:
    try:
        from flowc.targets.argo import submit as argo
    except ImportError as exc:
        raise _missing(exc, "argo") from None
    config = compiled.config.raw
    compiled_doc = _load_yaml(compiled.data)
    if request.watch and compiled_doc["kind"] != "Workflow":
        raise FlowcError(f"--watch follows a Workflow; a {compiled_doc['kind']} doesn't run by itself")
    ns = argo.namespace(request.namespace, compiled_doc, os.environ, config)
    document = argo.prepare(
        _renamed(compiled_doc, request.name),
        ns,
        argo.encode_parameters(compiled.flow, compiled.values),
        compiled.labels,
        compiled.annotations,
    )
    if request.dry_run:
        _dry_run(json.loads(argo.body(document, request.server_dry_run)), f"{document['kind']} in {ns}")
        return 0
    conn = argo.connection(config.get("argo", {}), os.environ, **_connection_flags(request))
    with _redacting(conn.token):
        _warn_insecure(conn.verify)
        created = argo.submit(conn, document, server_dry_run=request.server_dry_run, update=request.update)
        extra = [("Server", conn.shown)] + (
            [("Dry run", "nothing was created")] if request.server_dry_run else []
        )
        _report(created, request, compiled, extra)
        if request.watch:
            follow = f"argo watch -n {ns} {created.name}"
            code = _watch(
                lambda: argo.status(conn, ns, created.name), request.poll_interval, created.name, follow
            )
            if code == 0 and request.output not in ("name", "json"):
                _show_outputs(compiled.flow, lambda: argo.outputs(conn, ns, created.name))
            return code
    return 0


def _show_outputs(flow: ir.Flow, fetch: Callable[[], Mapping[str, str]]) -> None:
    """A watched run that succeeded: its outputs on stdout, as `flowc run` prints them."""
    if all(t.is_artifact(out.type) for out in flow.outputs):
        return
    from flowc.targets.argo.outputs import decode_outputs
    from flowc.targets.local import as_text

    try:
        values = decode_outputs(flow, fetch())
    except (ValueError, FlowcError) as exc:
        _say(f"warning: the run's outputs can't be read: {exc}")
        return
    types = {out.name: out.type for out in flow.outputs}
    sys.stdout.write("".join(f"{name} = {as_text(value, types[name])}\n" for name, value in values.items()))


def _connection_flags(request: Request) -> dict[str, Any]:
    """What the command line says about the server; the target adds its variables and config."""
    return {
        "server": request.server,
        "token": request.token,
        "insecure": request.insecure,
        "ca_cert": request.ca_cert,
        "timeout": request.timeout,
    }


def _renamed(document: dict[str, Any], name: str | None) -> dict[str, Any]:
    """--name: a fixed name instead of the compiled one (or instead of a generated one)."""
    if name is None:
        return document
    meta = {k: v for k, v in document["metadata"].items() if k != "generateName"}
    return {**document, "metadata": {**meta, "name": name}}


def _kfp(request: Request, compiled: Compiled) -> int:
    try:
        from flowc.targets.kfp import submit as kfp
    except ImportError as exc:
        raise _missing(exc, "kfp") from None
    config, found, flow = compiled.config.raw, compiled.lineage, compiled.flow
    package = kfp.with_lineage(compiled.data, compiled.labels, compiled.annotations)
    ns = kfp.namespace(request.namespace, flow, config)
    experiment = kfp.experiment(request.experiment, config.get("kfp", {}), os.environ)
    parameters = kfp.encode_parameters(flow, compiled.values)
    name = request.name or f"{flow.name} {datetime.now(UTC):%Y-%m-%d %H-%M-%S}"
    if request.dry_run:
        _kfp_dry_run(request, package, kfp.run_body(package, parameters, name, experiment, ns))
        return 0
    conn = kfp.connection(config.get("kfp", {}), os.environ, **_connection_flags(request))
    with _redacting(conn.token):
        _warn_insecure(conn.verify)
        if request.upload:
            version = request.name or _version_name(flow, found)
            created: Submitted = kfp.upload(conn, package, flow.name, version, compiled.summary, ns)
        else:
            created = kfp.create_run(conn, package, parameters, name, experiment, ns)
        _report(created, request, compiled, [])
        if request.watch:
            follow = f"{conn.shown}/#/runs/details/{created.name}"
            return _watch(lambda: kfp.status(conn, created.name), request.poll_interval, created.name, follow)
    return 0


def _kfp_dry_run(request: Request, package: bytes, run: dict[str, Any]) -> None:
    """An upload sends the package as it is; a run inlines it in the body `run` shows."""
    if not request.upload:
        _dry_run(run, f"a run in experiment {run['experiment']['display_name']}")
        return
    sys.stdout.buffer.write(package)
    sys.stdout.flush()
    _say("dry run: would upload this package as a pipeline, or a new version of it; nothing was sent")


def _version_name(flow: ir.Flow, found: Lineage) -> str:
    commit = f"-{found.commit[:12]}" if found.commit else ""
    return f"{flow.name}{commit}-{datetime.now(UTC):%Y%m%d-%H%M%S}"


def _missing(exc: ImportError, target: str) -> Exception:
    """A missing client library is a usage error naming the extra that installs it."""
    if (exc.name or "").split(".")[0] not in _CLIENT_MODULES:
        return exc
    return FlowcError(
        f"submitting to {target} needs {EXTRAS[target]} ({exc.name} is missing): pip install 'flowc[{target}]'"
    )


def _load_yaml(data: bytes) -> dict[str, Any]:
    import yaml

    document: dict[str, Any] = yaml.safe_load(data)
    return document


# --- output -----------------------------------------------------------------------------------


def _dry_run(body: Mapping[str, Any], what: str) -> None:
    sys.stdout.write(json.dumps(body, indent=2) + "\n")
    _say(f"dry run: would create {what}; nothing was sent")


def _report(created: Submitted, request: Request, compiled: Compiled, extra: list[tuple[str, str]]) -> None:
    if request.output == "name":
        sys.stdout.write(created.name + "\n")
        return
    if request.output == "json":
        sys.stdout.write(json.dumps(created.document, indent=2, sort_keys=True) + "\n")
        return
    rows = created.rows() + extra
    rows += [("Parameter", f"{k}={v}") for k, v in sorted(compiled.values.items())]
    rows.append(("Lineage", compiled.summary))
    width = max(len(key) for key, _ in rows) + 2
    sys.stdout.write("".join(f"{key + ':':<{width}}{value}\n" for key, value in rows))
    sys.stdout.flush()


def _say(message: str) -> None:
    print(f"flowc: {message}", file=sys.stderr, flush=True)


def _warn_insecure(verify: bool) -> None:
    if not verify:
        _say("warning: TLS verification is disabled; the server's identity is not checked")


@contextmanager
def _redacting(token: str | None) -> Iterator[None]:
    """Whatever fails, its message leaves without the token; so does whatever is printed, for
    a server may repeat the token in an answer (a run's message, an annotation)."""
    streams = sys.stdout, sys.stderr
    if token:
        sys.stdout, sys.stderr = _Redacted(sys.stdout, token), _Redacted(sys.stderr, token)
    try:
        yield
    except FlowcError as exc:
        raise FlowcError(redact(str(exc), token)) from None
    except (KeyboardInterrupt, SystemExit, ImportError):
        raise
    except Exception as exc:  # a bug: the boundary in main shows it, but never with the token
        raise FlowcError(f"internal error: {type(exc).__name__}: {redact(str(exc), token)}") from None
    finally:
        sys.stdout, sys.stderr = streams


class _Redacted:
    """A text stream that writes through to another one, without the token."""

    def __init__(self, stream: TextIO, token: str) -> None:
        self._stream = stream
        self._token = token

    def write(self, text: str) -> int:
        return self._stream.write(redact(text, self._token))

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding, … as they are
        return getattr(self._stream, name)


# --- watching ---------------------------------------------------------------------------------


def _watch(poll: Callable[[], Snapshot], interval: float, name: str, follow: str) -> int:
    """Poll until the run ends; its status is the exit code (130 when interrupted, saying how
    to `follow` the run from there)."""
    view: _Lines = _Live(name) if sys.stderr.isatty() else _Lines(name)
    try:
        with view:
            phase, message = _follow(poll, interval, view)
    except KeyboardInterrupt:
        _say(f"stopped watching {name}; it goes on running on the server: {follow}")
        return 130
    _say(f"{name} {phase}" + (f": {message}" if message else ""))
    return EXIT_CODES.get(phase, 1)


def _follow(poll: Callable[[], Snapshot], interval: float, view: _Lines) -> tuple[str, str]:
    failures = 0
    while True:
        try:
            phase, message, tasks = poll()
        except FlowcError as exc:
            failures += 1
            if failures >= WATCH_ATTEMPTS or isinstance(exc, RunGone):  # asking again won't help
                raise
            time.sleep(interval)
            continue
        failures = 0
        view.update(phase, tasks)
        if phase in EXIT_CODES:
            return phase, message
        time.sleep(interval)


class _Lines:
    """One line per change of the run's or a task's phase: for logs, CI and pipes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.phase = ""
        self.tasks: dict[str, str] = {}

    def __enter__(self) -> _Lines:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, phase: str, tasks: list[tuple[str, str]]) -> None:
        for task, state in tasks:
            if self.tasks.get(task) != state:
                self.show(f"  {task} {state}")
        if phase != self.phase:
            self.show(f"{self.name} {phase}")
        self.phase, self.tasks = phase, dict(tasks)

    def show(self, line: str) -> None:
        print(line, file=sys.stderr, flush=True)


class _Live(_Lines):
    """A live table on a terminal: the run's phase and every task's."""

    STYLES: Mapping[str, str] = {"Succeeded": "green", "Failed": "red", "Error": "red", "Running": "cyan"}

    def __init__(self, name: str) -> None:
        super().__init__(name)
        from rich.console import Console
        from rich.live import Live

        self.live = Live(console=Console(stderr=True), refresh_per_second=4, get_renderable=self._view)

    def __enter__(self) -> _Live:
        self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.__exit__(None, None, None)

    def show(self, line: str) -> None:
        """The table shows every change."""

    def _view(self) -> RenderableType:
        from rich.table import Table

        table = Table.grid(padding=(0, 2))
        table.add_row(f"[bold]{self.name}[/]", self._styled(self.phase or "Pending"))
        for task, state in self.tasks.items():
            table.add_row(f"  {task}", self._styled(state))
        return table

    def _styled(self, phase: str) -> str:
        style = self.STYLES.get(phase, "dim")
        return f"[{style}]{phase}[/]"
