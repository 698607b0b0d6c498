"""`flowc run PATH[:FLOW] [-p name=value]...`: execute a flow locally (`flowc.targets.local`).

Progress goes to stderr (a live view on a terminal, one line per finished task otherwise);
the flow's outputs go to stdout as `name = value` lines, or the whole run record with
`--output-format json`. Exit codes: 0 the flow succeeded, 1 it failed (or doesn't load),
2 usage errors, 130 interrupted. The runner is imported only when a run starts.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from flowc.cli.load import load_or_report, report_stopping
from flowc.cli.options import split_target
from flowc.compiler.config import Config, governing_config
from flowc.compiler.diagnostics import FlowcError

if TYPE_CHECKING:
    from flowc.compiler import ir
    from flowc.compiler.frontend.loader import LoadResult
    from flowc.compiler.shipping import Script
    from flowc.targets.local import RunRecord
    from flowc.targets.local.record import TaskRecord

EXIT_CODES = {"Succeeded": 0, "Failed": 1, "Cancelled": 130}
FINAL = frozenset({"Succeeded", "Failed", "Skipped", "Cancelled"})


def register(app: typer.Typer) -> None:
    app.command("run")(run_flow)


def run_flow(
    target: str = typer.Argument(
        ..., metavar="PATH[:FLOW]", help="A flow file, and the flow if it has several."
    ),
    params: list[str] = typer.Option(
        [], "--param", "-p", metavar="NAME=VALUE", help="A flow parameter (JSON unless it is text)."
    ),
    max_parallel: int = typer.Option(
        None, "--max-parallel", help="Tasks running at once (default: the number of CPUs)."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Don't reuse cached results."),
    resume: str = typer.Option(
        None, "--resume", metavar="RUN_ID", help="Reuse every task that succeeded in this earlier run."
    ),
    python: str = typer.Option(None, "--python", help="The interpreter running the steps."),
    run_dir: Path = typer.Option(
        None, "--run-dir", help="Where `runs/` and `cache/` live (default: .flowc)."
    ),
    output_format: str = typer.Option("text", "--output-format", help="text or json."),
) -> int:
    """Run a flow on this machine, every task in its own process."""
    if output_format not in ("text", "json"):
        raise FlowcError(f"unknown --output-format {output_format!r}; choose text or json")
    if max_parallel is not None and max_parallel < 1:
        raise FlowcError("--max-parallel must be at least 1")
    path = split_target(target)[0]
    settings = governing_config(path)  # read once, for the flow's and its scripts' diagnostics
    loaded = load_or_report(target, settings)
    if isinstance(loaded, int):
        return loaded
    assert loaded.program is not None
    from flowc.targets import local  # only `run` pays for the runner

    program = loaded.program
    scripts = _shipped_or_report(loaded, settings)
    if scripts is None:
        return 1
    flow = program.flow(program.entry or program.flows[0].key)
    options = local.RunOptions(
        parameters=local.resolve_parameters(flow, params),
        path=str(path),
        root=run_dir or Path(".flowc"),
        max_parallel=max_parallel,
        use_cache=not no_cache,
        resume=resume,
        python=python or sys.executable,
    )
    run = local.prepare(program, loaded.sources, options, scripts)
    with _progress() as progress:
        print(f"flowc: run {run.record.run_id} in {run.run_dir}", file=sys.stderr)
        record = run.execute(progress.update)
    _report(record, flow, output_format, run.run_dir)
    return EXIT_CODES.get(record.status, 1)


def _shipped_or_report(loaded: LoadResult, settings: Config) -> dict[str, Script] | None:
    """Every step shipped as a cluster would run it, or None after printing the errors that
    would fail it there (`compile` reports the same: FC4xx); warnings are printed too."""
    from flowc.compiler.shipping import ship_all

    assert loaded.program is not None
    scripts = ship_all(loaded.program, loaded.sources)
    found = [d for script in scripts.values() for d in script.diagnostics]
    failed = any(d.is_error for d in found)  # as for compile: a step not shipped has no script
    report_stopping(found, loaded.sources, settings, failed)
    return None if failed else scripts


def _report(record: RunRecord, flow: ir.Flow, output_format: str, run_dir: Path) -> None:
    document = record.to_json()
    if output_format == "json":
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return
    from flowc.targets.local import as_text

    types = {out.name: out.type for out in flow.outputs}
    for name, value in document["outputs"].items():
        sys.stdout.write(f"{name} = {as_text(value, types[name])}\n")
    for error in record.errors:
        print(f"flowc: error: {error}", file=sys.stderr)
    for task in record.tasks:
        if task.status == "Failed":
            print(
                f"flowc: {task.path} failed ({task.reason}); see {run_dir / task.dir / 'stderr'}",
                file=sys.stderr,
            )
    print(f"flowc: {record.status} in {document['duration_seconds']:.2f}s", file=sys.stderr)


class _Lines:
    """One line per finished task: for logs, CI and pipes."""

    def __enter__(self) -> _Lines:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, task: TaskRecord) -> None:
        if task.status not in FINAL:
            return
        print(_line(task), file=sys.stderr, flush=True)


def _line(task: TaskRecord) -> str:
    extra = f" ({task.reason or 'cached'})" if task.cached else f" ({task.reason})" if task.reason else ""
    return f"{task.path} {task.status} {task.duration:.2f}s{extra}"


class _Live(_Lines):
    """A live view on a terminal: finished tasks scroll by, running ones stay at the bottom."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.live import Live

        self.console = Console(stderr=True)
        self.running: dict[str, float] = {}
        self.done = 0
        self.live = Live(
            console=self.console, refresh_per_second=8, transient=True, get_renderable=self._view
        )

    def __enter__(self) -> _Live:
        self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.__exit__(None, None, None)

    def update(self, task: TaskRecord) -> None:
        if task.status not in FINAL:
            self.running.setdefault(task.path, time.monotonic())
            return
        self.running.pop(task.path, None)
        self.done += 1
        style = {"Succeeded": "green", "Failed": "red", "Cancelled": "yellow"}.get(task.status, "dim")
        self.console.print(f"[{style}]{_line(task)}[/]", highlight=False, markup=True)

    def _view(self) -> Any:
        from rich.table import Table

        table = Table.grid(padding=(0, 2))
        now = time.monotonic()
        for path, since in list(self.running.items())[:20]:
            table.add_row("[cyan]running[/]", path, f"{now - since:.1f}s")
        more = len(self.running) - 20
        if more > 0:
            table.add_row("", f"… and {more} more", "")
        table.add_row("[bold]done[/]", str(self.done), "")
        return table


def _progress() -> _Lines:
    return _Live() if sys.stderr.isatty() else _Lines()
