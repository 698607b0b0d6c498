"""Argo naming, as an IR→IR pass: Python names become DNS-style names Argo accepts.

Template, task, step and flow names are lowercased with `-` for `_` (Argo allows neither `_`
nor `.` in them); two names that become equal are reported, never silently suffixed. Parameter
names keep their Python spelling (Argo allows `_` there), since users type them at submit time.
"""

from __future__ import annotations

import re

from flowc.compiler import ir, naming
from flowc.compiler.diagnostics import Diagnostic
from flowc.compiler.naming import NamingRules

TARGET = "Argo"
TEMPLATE_NAME_LIMIT = 128
_INVALID = re.compile(r"[^a-z0-9-]+")


def kebab(name: str) -> str:
    """`pick_best` → `pick-best`; anything else Argo rejects becomes `-`."""
    text = _INVALID.sub("-", name.lower().replace("_", "-")).strip("-")
    text = re.sub(r"-{2,}", "-", text)
    if not text or not text[0].isalpha():
        text = f"t-{text}" if text else "t"  # tasks used in `depends` must not start with a digit
    return text


RULES = NamingRules(TARGET, "template", kebab, lambda node: kebab(node.id), TEMPLATE_NAME_LIMIT)


def lower_names(program: ir.Program) -> tuple[ir.Program, list[Diagnostic]]:
    """The program with Argo names for steps, flows, tasks, loops and branches."""
    return naming.lower_names(program, RULES)
