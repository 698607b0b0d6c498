"""The `flowc` command: a typer app and the single error boundary mapping failures to exit codes.

Exit codes: 0 clean, 1 error-level diagnostics (or drift), 2 usage, configuration or internal error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click
import typer
from flowc.compiler.diagnostics import FlowcError

from flowc import __version__

# The commands, in `flowc --help` order, each a module of this package with a `register(app)`.
COMMANDS = ("lint", "compile", "explain", "inspect", "graph", "run", "submit")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"flowc {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """flowc: lint, inspect and compile flows."""


# click suggests a command for a typo itself; typer 0.20+ would add the same suggestion again
_NO_SUGGESTIONS: dict[str, Any] = (
    {"suggest_commands": False} if "suggest_commands" in typer.Typer.__init__.__code__.co_varnames else {}
)


def build_app(argv: Sequence[str]) -> typer.Typer:
    """The app with the command `argv` names, or with every command when it names none
    (`flowc --help`, a typo): a pre-commit hook runs `flowc lint` many times, and importing
    and introspecting the other commands would be most of its start-up."""
    app = typer.Typer(
        name="flowc",
        help="Lint and compile typed Python ML pipelines, without importing them.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        **_NO_SUGGESTIONS,
    )
    app.callback()(_root)  # a callback keeps a group of one command a group: `flowc lint …`
    named = next((a for a in argv if not a.startswith("-")), None)
    for name in (named,) if named in COMMANDS else COMMANDS:
        # `__import__`, not `importlib.import_module`: `python -X importtime` shows only the former
        __import__(f"flowc.cli.{name}", fromlist=["register"]).register(app)
    return app


def main(argv: Sequence[str] | None = None) -> int:
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        command = typer.main.get_command(build_app(args))  # imports the command: Ctrl-C may land here
        result = command.main(args=args, prog_name="flowc", standalone_mode=False)
    except click.exceptions.Exit as exc:
        if exc.exit_code == 130:  # typer's Ctrl-C: say so, as for an interrupt caught anywhere else
            print("flowc: aborted", file=sys.stderr)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return 2
    except (click.exceptions.Abort, KeyboardInterrupt):
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
