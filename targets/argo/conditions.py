"""The Python task that decides a branch when Argo's `when` can't do it safely.

Strings, `in`, `None` and lists can't be compared in a `when` expression without splicing
run-time text into it, and floats, large ints and mixed kinds compare differently there
(govaluate: float64 without exponents, no coercion); instead the values reach this script as
environment variables, decoded by the same code as a step's inputs (`shipping.value_reader`),
and it writes the index of the case that holds (-1 for none) as its `case` output.
"""

from __future__ import annotations

from flowc.compiler import ir
from flowc.compiler import types as t
from flowc.compiler.shipping import type_descriptor, value_reader


def condition_script(branch: ir.Branch, refs: dict[str, ir.Value], types: dict[str, t.Type]) -> str:
    names = {value_key(v): k for k, v in refs.items()}
    descriptors = {k: type_descriptor(types[k]) for k in refs}
    lines = ["# flowc branch condition"]
    if refs:  # the reader imports `os as _flowc_os` itself, which the lines below use too
        lines.append(value_reader(descriptors.values()).rstrip("\n"))
    else:
        lines.append("import os as _flowc_os")
    lines += [f"{k} = _flowc_value({k!r}, {descriptors[k]!r})" for k in refs]
    lines.append("case = -1")
    for index, case in enumerate(branch.cases):
        head = "else" if case.cond is None else f"{'if' if index == 0 else 'elif'} {_expr(case.cond, names)}"
        lines.append(f"{head}:\n    case = {index}")
    lines.append('out = _flowc_os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")')
    lines.append("_flowc_os.makedirs(out, exist_ok=True)")
    lines.append('with open(_flowc_os.path.join(out, "case"), "w") as f:\n    f.write(str(case) + "\\n")')
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
        # a literal from the flow's source code (never a run-time value): JSON-like, so its
        # repr is the Python literal of the same value
        return repr(value.value)
    return names[value_key(value)]
