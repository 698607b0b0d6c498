"""`flowc graph PATH[:FLOW]`: the task graph as text, Mermaid or Graphviz dot."""

from __future__ import annotations

import typer
from flowc.cli import show
from flowc.cli.load import load_or_report
from flowc.compiler.diagnostics import FlowcError

FORMATS = {"text": show.graph_text, "mermaid": show.graph_mermaid, "dot": show.graph_dot}


def register(app: typer.Typer) -> None:
    app.command("graph")(graph)


def graph(
    target: str = typer.Argument(
        ..., metavar="PATH[:FLOW]", help="A flow file, and the flow if it has several."
    ),
    fmt: str = typer.Option("text", "--format", help="text, mermaid or dot."),
) -> int:
    """Draw a flow's task graph."""
    if fmt not in FORMATS:
        raise FlowcError(f"unknown --format {fmt!r}; choose one of {', '.join(FORMATS)}")
    loaded = load_or_report(target)
    if isinstance(loaded, int):
        return loaded
    program = loaded.program
    assert program is not None
    typer.echo(FORMATS[fmt](program), nl=False)
    return 0
