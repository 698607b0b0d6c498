"""Loading one flow for commands that work on one (`inspect`, `graph`, later `compile`)."""

from __future__ import annotations

from flowc.cli import render
from flowc.cli.options import split_target
from flowc.compiler import ir
from flowc.compiler.frontend.loader import load_flow
from flowc.compiler.lint import internal_error


def load_or_report(target: str) -> ir.Program | int:
    """The selected flow's program, or the exit code after printing why it cannot be used:
    1 for errors in the flow, 2 when flowc itself failed."""
    path, flow = split_target(target)
    try:
        result = load_flow(path, flow)
    except Exception as exc:  # an unexpected failure is an internal error, never a traceback
        render.render("full", [internal_error(str(path), "loading", exc)], {}, 1)
        return 2
    problems = [d for d in result.diagnostics if d.is_error]
    if problems or result.program is None:
        render.render("full", list(result.diagnostics), result.sources, 1)
        return 1
    return result.program
