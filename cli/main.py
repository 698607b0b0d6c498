"""The `flowc` command: a typer app and the single error boundary mapping failures to exit codes.

Exit codes: 0 clean, 1 error-level diagnostics (or drift), 2 usage, configuration or internal error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click
import typer
from flowc.cli import compile, explain, graph, inspect, lint, run, submit
from flowc.compiler.diagnostics import FlowcError

from flowc import __version__

app = typer.Typer(
    name="flowc",
    help="Lint and compile typed Python ML pipelines, without importing them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
for module in (lint, compile, explain, inspect, graph, run, submit):
    module.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"flowc {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """flowc: lint, inspect and compile flows."""


def main(argv: Sequence[str] | None = None) -> int:
    command = typer.main.get_command(app)
    try:
        result = command.main(
            args=list(argv) if argv is not None else None, prog_name="flowc", standalone_mode=False
        )
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Abort:
        print("flowc: aborted", file=sys.stderr)
        return 130
    except FlowcError as exc:
        print(f"flowc: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1
    except Exception as exc:  # the last boundary: a bug in flowc is a message and exit 2, never a traceback
        print(f"flowc: internal error: {type(exc).__name__}: {exc}; please report this bug", file=sys.stderr)
        return 2
    return result if isinstance(result, int) else 0
