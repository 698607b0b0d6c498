"""`flowc explain FC201`: a rule's documentation; `--list` for every rule."""

from __future__ import annotations

import typer
from flowc.compiler.diagnostics import FlowcError
from flowc.compiler.rules import FAMILIES, RULES, rule_by_name_or_code, select_codes, unknown_selectors


def register(app: typer.Typer) -> None:
    app.command("explain")(explain)


def explain(
    code: str = typer.Argument(None, help="A rule code (FC201) or name (type-mismatch)."),
    list_rules: bool = typer.Option(
        False, "--list", help="List every rule, or with a code or prefix (FC2) the rules it selects."
    ),
) -> int:
    """Explain a diagnostic code."""
    if list_rules or code is None:
        selected = _selected(code) if code is not None else frozenset(RULES)
        for family, title in FAMILIES.items():
            rules = [r for r in RULES.values() if r.code.startswith(family) and r.code in selected]
            if rules:
                typer.echo(f"{family}xx  {title}")
                for r in rules:
                    typer.echo(f"  {r.code}  {r.name:<28} {r.severity.value}")
        return 0
    rule = rule_by_name_or_code(code)
    if rule is None:
        raise FlowcError(f"unknown rule {code!r}; `flowc explain --list` lists them")
    typer.echo(
        f"# {rule.name} ({rule.code})\n\nDefault severity: {rule.severity.value}. Family: {rule.family}.\n"
    )
    typer.echo(rule.doc)
    return 0


def _selected(prefix: str) -> frozenset[str]:
    if unknown_selectors([prefix]):
        raise FlowcError(f"no rule code starts with {prefix!r}; `flowc explain --list` lists them")
    return select_codes([prefix], None)
