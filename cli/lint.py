"""`flowc lint PATH...`: check flow files statically; the pre-commit entry point."""

from __future__ import annotations

from pathlib import Path

import typer
from flowc.cli import render
from flowc.compiler.batch import skip_final_collection
from flowc.compiler.config import Config, load_config
from flowc.compiler.diagnostics import FlowcError
from flowc.compiler.lint import lint_paths
from flowc.compiler.rules import select_codes, unknown_selectors


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
    config: Path = typer.Option(None, "--config", help="A pyproject.toml to read \\[tool.flowc] from."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when errors are found."),
) -> int:
    """Check flows for errors without importing them."""
    skip_final_collection()
    if output_format not in render.FORMATS:
        raise FlowcError(
            f"unknown --output-format {output_format!r}; choose one of {', '.join(render.FORMATS)}"
        )
    targets = paths or [Path(".")]
    settings = load_config(targets[0], config)
    enabled = enabled_codes(settings, _split(select), _split(extend_select), _split(ignore))
    result = lint_paths(targets, enabled, settings.exclude)
    render.render(output_format, result.diagnostics, result.sources, len(result.files))
    if any(d.code.startswith("FC9") for d in result.diagnostics):
        return 2  # flowc itself failed: not the user's flow
    return 1 if result.errors and not exit_zero else 0


def _split(values: list[str] | None) -> list[str] | None:
    """Accept both `--select FC1 --select FC2` and `--select FC1,FC2`."""
    if not values:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def enabled_codes(
    settings: Config, select: list[str] | None, extend: list[str] | None, ignore: list[str] | None
) -> frozenset[str]:
    chosen = select if select is not None else settings.select
    extra = (extend or []) + settings.extend_select
    ignored = (ignore or []) + settings.ignore
    for selectors in (chosen or [], extra, ignored):
        bad = unknown_selectors(selectors)
        if bad:
            raise FlowcError(f"unknown rule selector(s): {', '.join(bad)}; see `flowc explain --list`")
    enabled = set(select_codes(chosen, None))
    if extra:
        enabled |= select_codes(extra, None)
    if ignored:
        enabled -= select_codes(ignored, None)
    return frozenset(enabled)
