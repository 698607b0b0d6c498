"""The rule registry: codes, names, docs, families, selection, and message templates."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from flowc.compiler.diagnostics import Severity, Span
from flowc.compiler.rules import (
    FAMILIES,
    RULES,
    Rule,
    diagnostic,
    rule_by_name_or_code,
    select_codes,
    unknown_selectors,
)

COMPILER = Path(__file__).resolve().parents[2] / "compiler"
ALL = frozenset(RULES)


def template_fields(rule: Rule) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(rule.message) if f is not None]


# --- the registry -------------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_rule_shape(rule: Rule) -> None:
    assert re.fullmatch(r"FC\d{3}", rule.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    assert isinstance(rule.severity, Severity)
    assert rule.message.strip()
    assert "## What it does" in rule.doc
    assert rule.doc.split("## What it does", 1)[1].strip()
    assert rule.family == FAMILIES[rule.code[:3]]


def test_registry_keys_are_the_codes() -> None:
    assert all(code == rule.code for code, rule in RULES.items())


def test_names_are_unique() -> None:
    names = [r.name for r in RULES.values()]
    assert len(names) == len(set(names))


def test_every_code_belongs_to_a_family() -> None:
    assert {code[:3] for code in RULES} <= set(FAMILIES)
    assert all(re.fullmatch(r"FC\d", prefix) for prefix in FAMILIES)


def test_codes_are_listed_in_order() -> None:
    assert list(RULES) == sorted(RULES)


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_templates_use_only_named_fields(rule: Rule) -> None:
    for field in template_fields(rule):
        assert field.isidentifier(), (rule.code, field)  # no `{}`, `{0}`, `{x.attr}` or `{x[0]}`


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_diagnostic_formats_every_template(rule: Rule) -> None:
    fields = dict.fromkeys(template_fields(rule), "value")
    found = diagnostic(rule.code, Span("f.py", 3, 4, 3, 9), "a note", **fields)
    assert (found.code, found.severity, found.span.line, found.notes) == (
        rule.code,
        rule.severity,
        3,
        ("a note",),
    )
    assert found.is_error == (rule.severity is Severity.ERROR)


def test_known_warning_codes() -> None:
    warnings = {c for c, r in RULES.items() if r.severity is Severity.WARNING}
    assert {"FC010", "FC011", "FC105", "FC206", "FC308"} <= warnings
    assert {"FC001", "FC201", "FC901"}.isdisjoint(warnings)


# --- what the compiler passes to each template ------------------------------------------------


def _calls_with_codes() -> list[tuple[str, int, str, set[str], bool]]:
    """(file, line, code, keyword names, has **kwargs) of every call in compiler/ whose first
    string argument is a rule code."""
    found = []
    for path in sorted(p for p in COMPILER.rglob("*.py") if p.name != "rules.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            code = next(
                (
                    a.value
                    for a in node.args
                    if isinstance(a, ast.Constant)
                    and isinstance(a.value, str)
                    and re.fullmatch(r"FC\d{3}", a.value)
                ),
                None,
            )
            if code is None:
                continue
            keywords = {k.arg for k in node.keywords if k.arg is not None}
            dynamic = any(k.arg is None for k in node.keywords)
            found.append((path.name, node.lineno, code, keywords, dynamic))
    return found


CALLS = _calls_with_codes()


def test_the_compiler_reports_codes() -> None:
    assert len(CALLS) > 50


def test_every_code_the_compiler_reports_is_registered() -> None:
    assert {code for _, _, code, _, _ in CALLS} <= ALL


@pytest.mark.parametrize(
    ("where", "code", "keywords"),
    [(f"{f}:{line}", code, kw) for f, line, code, kw, dynamic in CALLS if not dynamic],
    ids=[f"{f}:{line}:{code}" for f, line, code, _, dynamic in CALLS if not dynamic],
)
def test_callers_pass_every_template_field(where: str, code: str, keywords: set[str]) -> None:
    assert set(template_fields(RULES[code])) <= keywords, where


# --- selection --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        (None, None, ALL),
        ([], [], ALL),
        (["ALL"], None, ALL),
        (["all"], None, ALL),
        (["FC2"], None, {c for c in RULES if c.startswith("FC2")}),
        (["fc2"], None, {c for c in RULES if c.startswith("FC2")}),
        (["FC201"], None, {"FC201"}),
        (["FC20"], None, {c for c in RULES if c.startswith("FC20")}),
        (["FC201", "FC3"], None, {"FC201"} | {c for c in RULES if c.startswith("FC3")}),
        (None, ["FC2"], {c for c in RULES if not c.startswith("FC2")}),
        (None, ["FC201"], ALL - {"FC201"}),
        (["FC2"], ["FC201", "FC206"], {c for c in RULES if c.startswith("FC2")} - {"FC201", "FC206"}),
        (["FC"], None, ALL),
        (None, ["ALL"], set()),
        (["FC8"], None, set()),
    ],
)
def test_select_codes(select: list[str] | None, ignore: list[str] | None, expected: set[str]) -> None:
    assert select_codes(select, ignore) == frozenset(expected)


@pytest.mark.parametrize(
    ("selectors", "unknown"),
    [
        (["FC2", "FC201", "ALL", "all", "fc3"], []),
        (["FC8", "E501", "FC2", "FC999"], ["FC8", "E501", "FC999"]),
        ([], []),
    ],
)
def test_unknown_selectors(selectors: list[str], unknown: list[str]) -> None:
    assert unknown_selectors(selectors) == unknown


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("FC201", "FC201"),
        ("fc201", "FC201"),
        (" FC201 ", "FC201"),
        ("type-mismatch", "FC201"),
        ("Type-Mismatch", "FC201"),
    ],
)
def test_rule_by_name_or_code(key: str, code: str) -> None:
    rule = rule_by_name_or_code(key)
    assert rule is not None
    assert rule.code == code


@pytest.mark.parametrize("key", ["FC999", "", "no-such-rule", "FC2"])
def test_rule_by_name_or_code_unknown(key: str) -> None:
    assert rule_by_name_or_code(key) is None
