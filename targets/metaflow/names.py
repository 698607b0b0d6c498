"""Metaflow naming, as an IR→IR pass, and the names of what the FlowSpec file defines.

Step names must be lower-case identifiers not starting with `_` (`metaflow/lint.py`
`check_step_names`) and must not shadow a word Metaflow reserves or an attribute of `FlowSpec`;
such a name gets a `_step` suffix. Two names that become equal are reported (FC505), never
suffixed. The flow's class is its name in CamelCase plus `Flow`; deployed to Argo Workflows the
flow's name is limited to 45 characters (`argo_workflows_cli.py`, `resolve_workflow_name`).
"""

from __future__ import annotations

import keyword
import re

from flowc.compiler import ir, naming
from flowc.compiler.diagnostics import Diagnostic
from flowc.compiler.naming import NamingRules

TARGET = "Metaflow"
FLOW_NAME_LIMIT = 45
# `check_reserved_words`, the generated steps, and FlowSpec's public attributes and methods
RESERVED = frozenset(
    {
        "name",
        "next",
        "input",
        "index",
        "cmd",
        "start",
        "end",
        "foreach_stack",
        "merge_artifacts",
        "script_name",
        "parallel",
        "project",
        "config",
        "self",
        "inputs",
    }
)
# names the generated module binds at its top level
MODULE_NAMES = frozenset(
    {"json", "os", "shutil", "subprocess", "sys", "tempfile", "run_script", "as_text", "read_output"}
    | {"pack", "unpack", "step", "FlowSpec", "Parameter", "JSONType", "current"}
)
_INVALID = re.compile(r"[^0-9a-z_]+")


def step_name(name: str) -> str:
    """`Fit_Model` → `fit_model`; `next` → `next_step`."""
    text = _INVALID.sub("_", name.lower()).lstrip("_") or "step"
    if text[0].isdigit():
        text = "s" + text
    if text in RESERVED or keyword.iskeyword(text) or text.startswith("_"):
        text += "_step"
    return text


def class_name(flow_name: str) -> str:
    """`word_count` → `WordCountFlow`."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", flow_name) if w]
    text = "".join(w[:1].upper() + w[1:] for w in words) or "Compiled"
    if text[0].isdigit():
        text = "F" + text
    return text if text.endswith("Flow") else text + "Flow"


# Step definitions and flows keep their Python names (they name module-level helpers, and
# sub-flows are inlined); tasks, loops and branches become steps.
RULES = NamingRules(TARGET, "step", lambda name: name, lambda node: step_name(node.id))


def lower_names(program: ir.Program) -> tuple[ir.Program, list[Diagnostic]]:
    """The program with Metaflow step names for steps, flows, tasks, loops and branches."""
    return naming.lower_names(program, RULES)
