"""Human views of the IR: the `inspect` tree and the `graph` drawings (text, Mermaid, dot)."""

from __future__ import annotations

import json

from flowc.compiler import ir
from flowc.compiler.graph import edges


def value(v: ir.Value, loops: dict[str, str] | None = None) -> str:
    """A value in flow-body notation: `bucket`, `train.accuracy`, `r["k"]`, `[score for r]`."""
    if isinstance(v, ir.Const):
        return _literal(v.value)
    if isinstance(v, ir.ParamRef):
        return v.name
    if isinstance(v, ir.TaskOutput):
        return v.task if v.field is None else f"{v.task}.{v.field}"
    if isinstance(v, ir.LoopItem):
        var = (loops or {}).get(v.loop, v.loop)
        return var + "".join(f"[{_literal(k)}]" for k in v.keys)
    if isinstance(v, ir.Collected):
        return f"[{value(v.value, loops)} for each {v.loop}]"
    parts = (
        p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else "{" + value(p, loops) + "}"
        for p in v.parts
    )
    return 'f"' + "".join(parts) + '"'


def cond(c: ir.Cond, loops: dict[str, str] | None = None) -> str:
    if isinstance(c, ir.Compare):
        return f"{value(c.left, loops)} {c.op} {value(c.right, loops)}"
    if isinstance(c, ir.Truthy):
        return value(c.value, loops)
    if isinstance(c, ir.Not):
        return f"not ({cond(c.operand, loops)})"
    return f" {c.op} ".join(f"({cond(o, loops)})" for o in c.operands)


def tree(program: ir.Program) -> str:
    lines: list[str] = []
    for flow in program.flows:
        lines.extend(_flow_tree(program, flow))
        lines.append("")
    steps = {s.key: s for s in program.steps}
    lines.append("steps")
    for step in steps.values():
        lines.extend(_step_tree(step))
    return "\n".join(lines).rstrip() + "\n"


def _flow_tree(program: ir.Program, flow: ir.Flow) -> list[str]:
    marker = " (entry)" if flow.key == program.entry else ""
    lines = [f"flow {flow.name}{marker}  [{flow.key}]  {flow.path}:{flow.span.line}"]
    if flow.description:
        lines.append(f"  description: {flow.description.splitlines()[0]}")
    for p in flow.params:
        default = f" = {_literal(p.default.value)}" if p.default is not None else ""
        lines.append(f"  param {p.name}: {p.type}{default}")
    lines.extend(f"  option {k}: {v}" for k, v in _options(flow.options))
    if flow.on_exit is not None:
        lines.append(f"  on_exit: {flow.on_exit.step}")
    loops = {n.id: n.var for n, _ in ir.walk(flow.body) if isinstance(n, ir.Loop)}
    lines.extend(_body(flow.body, program, loops, "  "))
    for out, result in zip(flow.outputs, flow.results, strict=False):
        lines.append(f"  return {out.name}: {out.type} = {value(result, loops)}")
    return lines


def _body(body: tuple[ir.Node, ...], program: ir.Program, loops: dict[str, str], indent: str) -> list[str]:
    lines: list[str] = []
    for node in body:
        if isinstance(node, ir.Task):
            args = ", ".join(f"{a.param}={value(a.value, loops)}" for a in node.args)
            after = f"  after {', '.join(node.after)}" if node.after else ""
            lines.append(
                f"{indent}task {node.id} = {node.kind} {node.callee}({args}){after}  :{node.span.line}"
            )
        elif isinstance(node, ir.Loop):
            limit = f" max={node.max_parallel}" if node.max_parallel else ""
            lines.append(
                f"{indent}for {node.var} in {value(node.source, loops)}{limit}  [{node.id}: {node.item_type}]"
            )
            lines.extend(_body(node.body, program, loops, indent + "  "))
        else:
            for i, case in enumerate(node.cases):
                head = (
                    "else" if case.cond is None else ("if " if i == 0 else "elif ") + cond(case.cond, loops)
                )
                lines.append(f"{indent}{head}  [{node.id}]")
                lines.extend(_body(case.body, program, loops, indent + "  "))
    return lines


def _step_tree(step: ir.Step) -> list[str]:
    params = ", ".join(
        f"{p.name}: {p.type}" + (f" = {_literal(p.default.value)}" if p.default else "") for p in step.params
    )
    lines = [f"  step {step.name}({params}) -> {step.returns}  [{step.key}]  {step.path}:{step.span.line}"]
    lines.extend(f"    {k}: {v}" for k, v in _options(step.options))
    return lines


def _options(options: ir.StepOptions | ir.FlowOptions) -> list[tuple[str, str]]:
    out = []
    for name in options.__dataclass_fields__:
        v = getattr(options, name)
        if name != "spans" and v not in (None, (), False):
            out.append((name, _option_text(v)))
    return out


def _option_text(v: object) -> str:
    if isinstance(v, tuple):
        return ", ".join(_option_text(x) for x in v)
    if isinstance(v, (ir.RetryPolicy, ir.Toleration, ir.SecretRef, ir.Volume, ir.Schedule)):
        fields = {
            k: getattr(v, k) for k in v.__dataclass_fields__ if k != "span" and getattr(v, k) is not None
        }
        return f"{type(v).__name__}(" + ", ".join(f"{k}={x!r}" for k, x in fields.items()) + ")"
    return str(v)


def _entry(program: ir.Program) -> ir.Flow:
    return program.flow(program.entry) if program.entry else program.flows[0]


def _labels(flow: ir.Flow, program: ir.Program) -> dict[str, str]:
    names = {s.key: s.name for s in program.steps} | {f.key: f.name for f in program.flows}
    return {
        t.id: t.id if names.get(t.callee, t.id) == t.id else f"{t.id} ({names.get(t.callee)})"
        for t in flow.tasks()
    }


def graph_text(program: ir.Program) -> str:
    """Each task with what it waits for (`train <- ingest`), nested in its loops and branches."""
    flow = _entry(program)
    incoming: dict[str, list[str]] = {t.id: [] for t in flow.tasks()}
    for e in edges(flow):
        incoming[e.target].append(e.source + ("" if e.kind == "data" else f" ({e.kind})"))
    lines = [f"flow {flow.name}", *_text_body(flow.body, incoming, "  ", _loop_vars(flow))]
    handler = _handler_label(program, flow)
    if handler:
        lines.append(f"  {handler}")
    return "\n".join(lines) + "\n"


def _text_body(
    body: tuple[ir.Node, ...], incoming: dict[str, list[str]], indent: str, loops: dict[str, str]
) -> list[str]:
    lines = []
    for node in body:
        if isinstance(node, ir.Task):
            sources = incoming[node.id]
            lines.append(f"{indent}{node.id}" + (f" <- {', '.join(sources)}" if sources else ""))
        elif isinstance(node, ir.Loop):
            lines.append(f"{indent}for each {node.var}:")
            lines.extend(_text_body(node.body, incoming, indent + "  ", loops))
        else:
            for i, case in enumerate(node.cases):
                lines.append(f"{indent}{_case_title(i, case, loops)}:")
                lines.extend(_text_body(case.body, incoming, indent + "  ", loops))
    return lines


def _handler_label(program: ir.Program, flow: ir.Flow) -> str | None:
    """`notify (on exit)`: the exit handler, which runs after every task, whatever happened."""
    if flow.on_exit is None:
        return None
    return f"{program.step(flow.on_exit.step).name} (on exit)"


def graph_mermaid(program: ir.Program) -> str:
    flow = _entry(program)
    labels = _labels(flow, program)
    lines = ["flowchart TD"]
    lines.extend(_mermaid_body(flow.body, labels, "  ", _loop_vars(flow)))
    handler = _handler_label(program, flow)
    if handler:
        lines.append(f'  on_exit_handler(["{_quote(handler)}"])')
    for e in edges(flow):
        arrow = "-->" if e.kind == "data" else "-.->"
        lines.append(f"  {_mid(e.source)} {arrow} {_mid(e.target)}")
    return "\n".join(lines) + "\n"


def _mid(task_id: str) -> str:
    return "t_" + task_id


def _mermaid_body(
    body: tuple[ir.Node, ...], labels: dict[str, str], indent: str, loops: dict[str, str]
) -> list[str]:
    lines = []
    for node in body:
        if isinstance(node, ir.Task):
            lines.append(f'{indent}{_mid(node.id)}["{labels[node.id]}"]')
        elif isinstance(node, ir.Loop):
            lines.append(f'{indent}subgraph {node.id}["for each {node.var}"]')
            lines.extend(_mermaid_body(node.body, labels, indent + "  ", loops))
            lines.append(f"{indent}end")
        else:
            for i, case in enumerate(node.cases):
                lines.append(f'{indent}subgraph {node.id}_{i}["{_quote(_case_title(i, case, loops))}"]')
                lines.extend(_mermaid_body(case.body, labels, indent + "  ", loops))
                lines.append(f"{indent}end")
    return lines


def _case_title(index: int, case: ir.Case, loops: dict[str, str]) -> str:
    if case.cond is None:
        return "else"
    return ("if " if index == 0 else "elif ") + cond(case.cond, loops)


def _loop_vars(flow: ir.Flow) -> dict[str, str]:
    """Loop id → its variable, as conditions over loop items are written."""
    return {n.id: n.var for n, _ctx in ir.walk(flow.body) if isinstance(n, ir.Loop)}


def _literal(value: object) -> str:
    """A literal as the flow's source writes it (`None`, `True`, `'a'`), not as JSON."""
    return repr(value)


def _dot_id(text: str) -> str:
    """A quoted dot ID; non-ASCII stays readable."""
    return json.dumps(text, ensure_ascii=False)


def _quote(text: str) -> str:
    """Text inside a Mermaid `"..."` label: `#` and `&` start entities there, `"` ends it."""
    return text.replace("#", "#35;").replace("&", "#38;").replace('"', "#quot;")


def graph_dot(program: ir.Program) -> str:
    flow = _entry(program)
    labels = _labels(flow, program)
    lines = [f"digraph {_dot_id(flow.name)} {{", "  rankdir=TB;", "  node [shape=box];"]
    lines.extend(_dot_body(flow.body, labels, "  ", _loop_vars(flow)))
    handler = _handler_label(program, flow)
    if handler:
        lines.append(f"  {_dot_id('on exit')} [label={_dot_id(handler)}, style=rounded];")
    for e in edges(flow):
        style = "" if e.kind == "data" else " [style=dashed]"
        lines.append(f"  {_dot_id(e.source)} -> {_dot_id(e.target)}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_body(
    body: tuple[ir.Node, ...], labels: dict[str, str], indent: str, loops: dict[str, str]
) -> list[str]:
    lines = []
    for node in body:
        if isinstance(node, ir.Task):
            lines.append(f"{indent}{_dot_id(node.id)} [label={_dot_id(labels[node.id])}];")
        elif isinstance(node, ir.Loop):
            lines.append(f"{indent}subgraph {_dot_id('cluster_' + node.id)} {{")
            lines.append(f"{indent}  label={_dot_id('for each ' + node.var)};")
            lines.extend(_dot_body(node.body, labels, indent + "  ", loops))
            lines.append(f"{indent}}}")
        else:
            for i, case in enumerate(node.cases):
                lines.append(f"{indent}subgraph {_dot_id(f'cluster_{node.id}_{i}')} {{")
                lines.append(f"{indent}  label={_dot_id(_case_title(i, case, loops))};")
                lines.extend(_dot_body(case.body, labels, indent + "  ", loops))
                lines.append(f"{indent}}}")
    return lines
