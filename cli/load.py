"""Loading one flow for commands that work on one (`inspect`, `graph`, `compile`, `run`, `submit`).

Every command shows the diagnostics `flowc lint` would: `[tool.flowc]` select/ignore and
`# flowc: ignore[...]` comments apply to all of them, so a suppressed finding never passes
lint and then stops a compile. Unused suppressions are lint's to report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from flowc.cli import render
from flowc.cli.options import enabled_codes, split_target
from flowc.compiler.config import Config, governing_config
from flowc.compiler.diagnostics import Diagnostic
from flowc.compiler.frontend.loader import LoadResult, load_flow
from flowc.compiler.lint import internal_error
from flowc.targets import CompileOptions, Output, load_target


def load_or_report(target: str, settings: Config | None = None) -> LoadResult | int:
    """The selected flow, or the exit code after printing why it cannot be used: 1 for errors
    in the flow, 2 when flowc itself failed. Warnings are printed and the flow returned.
    `settings`: the file's configuration, when the command has read it already."""
    path, flow = split_target(target)
    try:
        result = load_flow(path, flow)
    except Exception as exc:  # an unexpected failure is an internal error, never a traceback
        render.render("full", [internal_error(str(path), "loading", exc)], {}, 1)
        return 2
    if result.program is None:  # nothing to go on with: a suppressed error still stops it
        shown = list(result.diagnostics)
    else:
        shown = shown_diagnostics(result.diagnostics, result.sources, settings or governing_config(path))
    if shown:
        render.render("full", shown, result.sources, 1, summary=False)
    if result.program is None or any(d.is_error for d in shown):
        return failure_code(shown)
    return replace(result, diagnostics=tuple(shown))


def failure_code(diagnostics: Sequence[Diagnostic]) -> int:
    """The exit code for diagnostics that stop a command: 2 when flowc itself failed (FC9xx),
    1 for errors in the flow."""
    return 2 if any(d.code.startswith("FC9") for d in diagnostics) else 1


def shown_diagnostics(
    diagnostics: Sequence[Diagnostic], sources: dict[str, str], settings: Config
) -> list[Diagnostic]:
    """The diagnostics left after the configuration's selection and the source's suppressions."""
    from flowc.compiler.suppress import apply_suppressions

    enabled = enabled_codes(settings, None, None, None)
    kept = apply_suppressions(list(diagnostics), sources, enabled, linted=set())
    return [d for d in kept if d.code in enabled]


def compile_or_report(
    target: str, loaded: LoadResult, options: CompileOptions, settings: Config
) -> tuple[Output, ...] | int:
    """`target`'s files for the loaded flow, after printing the diagnostics the configuration
    and the suppressions leave; the exit code when the compile failed (its errors are then
    always shown)."""
    assert loaded.program is not None
    result = load_target(target).compile(loaded.program, options)
    report_stopping(result.diagnostics, loaded.sources, settings, failed=not result.ok)
    return result.outputs if result.ok else failure_code(result.diagnostics)


def report_stopping(
    diagnostics: Sequence[Diagnostic], sources: dict[str, str], settings: Config, failed: bool
) -> None:
    """Print what the configuration and suppressions leave of `diagnostics`; all of them when
    they `failed` a stage that has no output without them, so a suppressed error still says
    why it stops."""
    shown = shown_diagnostics(diagnostics, sources, settings)
    if failed and not any(d.is_error for d in shown):
        shown = list(diagnostics)
    if shown:
        render.render("full", shown, sources, 1, summary=False)
