"""`flowc inspect PATH[:FLOW]`: the IR as a readable tree, or as JSON with `--json`."""

from __future__ import annotations

import json

import typer
from flowc.cli import show
from flowc.cli.load import load_or_report
from flowc.compiler.serialize import to_data


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect)


def inspect(
    target: str = typer.Argument(
        ..., metavar="PATH[:FLOW]", help="A flow file, and the flow if it has several."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the IR as JSON."),
) -> int:
    """Show the IR of a flow: steps, tasks, wiring and options."""
    loaded = load_or_report(target)
    if isinstance(loaded, int):
        return loaded
    program = loaded.program
    assert program is not None
    if as_json:
        typer.echo(json.dumps(to_data(program), indent=2, ensure_ascii=False))
    else:
        typer.echo(show.tree(program))
    return 0
