"""The Python task that decides a branch when Argo's `when` can't do it safely.

Strings, `in`, `None` and lists can't be compared in a `when` expression without splicing
run-time text into it; instead the values reach this script as environment variables (like any
step input), and it writes the index of the case that holds.
"""

from __future__ import annotations

import json

from flowc.compiler import ir
from flowc.compiler import types as t

_RUNTIME = """\
import json
import os


def _decode(text, kind):
    if kind == "str":
        return text
    if kind == "any":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return _deep(json.loads(text), kind)


def _deep(value, kind):
    # fanned-in lists arrive as lists of strings: decode their items too
    if isinstance(kind, list) and isinstance(value, list):
        return [_deep(json.loads(v) if isinstance(v, str) and kind[0] != "str" else v, kind[0]) for v in value]
    return value


def _v(name, kind):
    return _decode(os.environ["FLOWC_IN_" + name], kind)
"""


def _kind(typ: t.Type) -> object:
    """A tiny decoding descriptor: "str", "json", "any", or [item kind] for lists."""
    if isinstance(typ, t.OptionalT):
        return "json"
    if isinstance(typ, t.AnyT):
        return "any"
    if (isinstance(typ, t.Scalar) and typ.name == "str") or (
        isinstance(typ, t.LiteralT) and all(isinstance(v, str) for v in typ.values)
    ):
        return "str"
    if isinstance(typ, t.ListT):
        return [_kind(typ.item)]
    return "json"


def condition_script(branch: ir.Branch, refs: dict[str, ir.Value], types: dict[str, t.Type]) -> str:
    names = {value_key(v): k for k, v in refs.items()}
    lines = [_RUNTIME, ""]
    lines += [f"{k} = _v({k!r}, {json.dumps(_kind(types[k]))})" for k in refs]
    lines.append("case = -1")
    for index, case in enumerate(branch.cases):
        test = "True" if case.cond is None else _expr(case.cond, names)
        keyword = "if" if index == 0 else "elif"
        lines.append(f"{keyword} {test}:\n    case = {index}")
    lines.append('os.makedirs("/tmp/flowc/outputs", exist_ok=True)')
    lines.append('with open("/tmp/flowc/outputs/case", "w") as out:\n    out.write(str(case))')
    return "\n".join(lines) + "\n"


def value_key(v: ir.Value) -> str:
    """Identity of a value regardless of where it is written (spans differ between uses)."""
    if isinstance(v, ir.ParamRef):
        return f"p:{v.name}"
    if isinstance(v, ir.TaskOutput):
        return f"t:{v.task}.{v.field}"
    if isinstance(v, ir.LoopItem):
        return f"i:{v.loop}:{'.'.join(v.keys)}"
    if isinstance(v, ir.Collected):
        return f"c:{v.loop}:{value_key(v.value)}"
    return repr(v)


def _expr(cond: ir.Cond, names: dict[str, str]) -> str:
    if isinstance(cond, ir.Compare):
        return f"({_operand(cond.left, names)} {cond.op} {_operand(cond.right, names)})"
    if isinstance(cond, ir.Truthy):
        return f"bool({_operand(cond.value, names)})"
    if isinstance(cond, ir.Not):
        return f"(not {_expr(cond.operand, names)})"
    return "(" + f" {cond.op} ".join(_expr(o, names) for o in cond.operands) + ")"


def _operand(value: ir.Value, names: dict[str, str]) -> str:
    if isinstance(value, ir.Const):
        # a literal from the flow's source code (never a run-time value), as a Python literal
        return f"json.loads({json.dumps(json.dumps(value.value))})"
    return names[value_key(value)]
