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
# FlowSpec's members (`dir(FlowSpec)`) and `name`, which its constructor sets: an attribute of
# one of these names (a parameter, a loop item, an artifact) would shadow it, and Metaflow skips
# `_`-prefixed attributes when it looks for parameters
FLOWSPEC_MEMBERS = frozenset(
    {"cmd", "foreach_stack", "index", "input", "merge_artifacts", "name", "next", "script_name"}
)
# parameter names `Parameter` refuses (`metaflow/parameters.py`): options of `run` and their
# keyword arguments; click lowercases option names, so they are compared in lower case
RESERVED_PARAMETERS = frozenset(
    name
    for option in (
        "params",
        "with",
        "tag",
        "namespace",
        "obj",
        "tags",
        "decospecs",
        "run-id-file",
        "max-num-splits",
        "max-workers",
        "max-log-size",
        "user-namespace",
        "run-id",
        "task-id",
        "runner-attribute-file",
    )
    for name in (option, option.replace("-", "_"))
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


def attribute_ok(name: str) -> bool:
    """Whether the FlowSpec may hold a user-chosen attribute under `name` unchanged."""
    return name not in FLOWSPEC_MEMBERS and not name.startswith("_")


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
