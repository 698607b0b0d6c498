"""Loading one flow for commands that work on one (`inspect`, `graph`, `compile`)."""

from __future__ import annotations

from flowc.cli import render
from flowc.cli.options import split_target
from flowc.compiler.frontend.loader import LoadResult, load_flow
from flowc.compiler.lint import internal_error


def load_or_report(target: str) -> LoadResult | int:
    """The selected flow, or the exit code after printing why it cannot be used: 1 for errors
    in the flow, 2 when flowc itself failed. Warnings are printed and the flow returned."""
    path, flow = split_target(target)
    try:
        result = load_flow(path, flow)
    except Exception as exc:  # an unexpected failure is an internal error, never a traceback
        render.render("full", [internal_error(str(path), "loading", exc)], {}, 1)
        return 2
    if result.diagnostics:
        render.render("full", list(result.diagnostics), result.sources, 1, summary=False)
    if not result.ok:
        return 1
    return result
