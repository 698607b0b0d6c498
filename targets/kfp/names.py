"""KFP naming, as an IR→IR pass: step, flow, task, loop and branch names become the
DNS-style names the KFP SDK would give them (`maybe_rename_for_k8s`: lower case, anything but
`[-0-9a-z]` becomes `-`, runs of `-` collapse, no `-` at either end).

The SDK silently suffixes names that collide (`-2`, `-3` …); flowc reports them instead (FC505),
so the names in the compiled pipeline are the ones the flow's author chose. Parameter and output
names keep their Python spelling: KFP's IR accepts them, and users type them at submit time.
"""

from __future__ import annotations

import re

from flowc.compiler import ir, naming
from flowc.compiler.diagnostics import Diagnostic
from flowc.compiler.naming import NamingRules

TARGET = "KFP"
PIPELINE_NAME_LIMIT = 128
_INVALID = re.compile(r"[^-0-9a-z]+")
_DASHES = re.compile(r"-{2,}")


def k8s_name(name: str) -> str:
    """`pick_best` → `pick-best`, as the KFP SDK renames tasks and components."""
    text = _DASHES.sub("-", _INVALID.sub("-", name.lower())).strip("-")
    return text or "x"


def _node_name(node: ir.Node) -> str:
    if isinstance(node, ir.Loop):
        return "for-loop-" + k8s_name(node.id.removeprefix("for_"))
    return k8s_name(node.id)


RULES = NamingRules(TARGET, "component", k8s_name, _node_name)


def lower_names(program: ir.Program) -> tuple[ir.Program, list[Diagnostic]]:
    """The program with KFP names for steps, flows, tasks, loops and branches."""
    return naming.lower_names(program, RULES)
