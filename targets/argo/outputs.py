"""A finished workflow's outputs, read back as the flow's Python values.

Argo reports the entry template's output parameters as text (on the workflow's root node). The
text is not always the value's own text form: a value collected from a fan-out whose iterations
hand their values on as output parameters (a NamedTuple field, a sub-flow's output, what a
`for` block collects) is Argo's JSON list of their *texts*, `["10","20"]` for `[10, 20]`
(`aggregatedJSONValueList`; a step's `outputs.result` is collected as JSON instead). Both are
the runtime contract's text of the value (`compiler.shipping`: items that arrive as strings are
decoded again), so the outputs are decoded by their declared types, exactly as a step decodes
the same text as its input (with the decoder `flowc run` reads outputs with). A `list[str]`
whose every item Argo re-encoded as a JSON object is refused (`ValueError`), never returned
altered. `reported_texts` takes those texts from the workflow object the Argo Server returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flowc.compiler import ir
from flowc.compiler import types as t
from flowc.targets.local.values import decode_value


def decode_outputs(flow: ir.Flow, texts: Mapping[str, str]) -> dict[str, Any]:
    """The flow's value outputs from their texts (by output name); artifacts are left out.
    Raises ValueError naming the output that is missing or doesn't decode as its type."""
    found = {}
    for out in flow.outputs:
        if t.is_artifact(out.type):
            continue
        if out.name not in texts:
            raise ValueError(f"output `{out.name}`: the workflow reported no such output parameter")
        try:
            found[out.name] = _decode(texts[out.name], out.type)
        except ValueError as exc:
            raise ValueError(f"output `{out.name}`: {exc}") from None
    return found


def _decode(text: str, typ: t.Type) -> Any:
    if isinstance(t.non_optional(typ), t.ListT) and text == "":
        # what Argo v4 makes of what a fan-out that ran no iteration collected (PR #15841);
        # a step reads it as `[]` too (the runtime contract)
        return []
    return decode_value(text, typ)  # `null` of an Optional included


def reported_texts(workflow: Mapping[str, Any]) -> dict[str, str]:
    """The output parameters of a workflow's root node, from the workflow object the Argo Server
    returns (`status.nodes[<workflow name>].outputs.parameters`); empty until it has them."""
    name = workflow.get("metadata", {}).get("name", "")
    root = workflow.get("status", {}).get("nodes", {}).get(name, {})
    parameters = root.get("outputs", {}).get("parameters", [])
    return {p["name"]: str(p.get("value", "")) for p in parameters}
