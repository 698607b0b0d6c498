"""`flowc lint PATH...`: check flow files statically; the pre-commit entry point."""

from __future__ import annotations

from pathlib import Path

import typer
from flowc.cli import render
from flowc.cli.load import failure_code
from flowc.cli.options import check_selectors, enabled_codes
from flowc.compiler.batch import skip_final_collection
from flowc.compiler.config import ConfigFinder
from flowc.compiler.diagnostics import FlowcError
from flowc.compiler.lint import Scope, ScopeOf, lint_project


def register(app: typer.Typer) -> None:
    app.command("lint")(lint)


def lint(
    paths: list[Path] = typer.Argument(
        None, help="Flow files or directories (default: the current directory)."
    ),
    output_format: str = typer.Option(
        "full", "--output-format", help="full, concise, json, github or sarif."
    ),
    select: list[str] = typer.Option(
        None, "--select", help="Enable only these codes or prefixes (e.g. FC2, FC201)."
    ),
    extend_select: list[str] = typer.Option(None, "--extend-select", help="Enable these codes in addition."),
    ignore: list[str] = typer.Option(None, "--ignore", help="Disable these codes or prefixes."),
    config: Path = typer.Option(
        None, "--config", help="A pyproject.toml to read \\[tool.flowc] from, for every file."
    ),
    force_exclude: bool = typer.Option(
        False, "--force-exclude", help="Apply `exclude` to files named on the command line too."
    ),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when errors are found."),
) -> int:
    """Check flows for errors without importing them."""
    skip_final_collection()
    if output_format not in render.FORMATS:
        raise FlowcError(
            f"unknown --output-format {output_format!r}; choose one of {', '.join(render.FORMATS)}"
        )
    given = _split(select), _split(extend_select), _split(ignore)
    for selectors in given:
        check_selectors(selectors or [])  # now, not at the first file: they apply to every one
    scopes = scopes_from(ConfigFinder(config), *given)
    result = lint_project(paths or [Path(".")], scopes, force_exclude)
    render.render(output_format, result.diagnostics, result.sources, len(result.files))
    if failure_code(result.diagnostics) == 2:
        return 2  # flowc itself failed: not the user's flow
    return 1 if result.errors and not exit_zero else 0


def _split(values: list[str] | None) -> list[str] | None:
    """Accept both `--select FC1 --select FC2` and `--select FC1,FC2`."""
    if not values:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def scopes_from(
    configs: ConfigFinder, select: list[str] | None, extend: list[str] | None, ignore: list[str] | None
) -> ScopeOf:
    """The Scope of each directory: its configuration with the command line's selection applied,
    as ruff applies command-line settings to every configuration it resolves."""
    made: dict[Path | None, Scope] = {}

    def scope_of(directory: Path) -> Scope:
        settings = configs(directory)
        if settings.path not in made:  # one Scope per pyproject.toml, however many directories
            enabled = enabled_codes(settings, select, extend, ignore)
            made[settings.path] = Scope(enabled, tuple(settings.exclude), configs.root(settings))
        return made[settings.path]

    return scope_of
