"""The task graph derived from the IR: data, ordering, loop-source and condition edges."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowc.compiler import ir
from flowc.compiler.diagnostics import Span
from flowc.compiler.graph import Edge, edges, loops_of, value_tasks
from flowc.compiler.types import INT

from tests.harness import codes, load_source

STEPS = """\
from flowc import step, flow, after
@step
def a() -> int: ...
@step
def b() -> int: ...
@step
def c(x: int = 0) -> int: ...
@step
def xs() -> list[int]: ...
@step
def total(v: list[int]) -> int: ...
@step
def done() -> None: ...
@flow
def f() -> None:
"""


def flow_of(tmp_path: Path, body: str) -> ir.Flow:
    result = load_source(tmp_path, STEPS + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + "\n")
    assert codes(result.diagnostics) == [], result.diagnostics
    assert result.program is not None
    return result.program.flows[0]


def triples(flow: ir.Flow) -> list[tuple[str, str, str]]:
    return [(e.source, e.target, e.kind) for e in edges(flow)]


def test_data_edges(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, "x = a()\ny = c(x)\nc(y)")
    assert triples(flow) == [("a", "c", "data"), ("c", "c_2", "data")]


def test_independent_tasks_have_no_edges(tmp_path: Path) -> None:
    assert edges(flow_of(tmp_path, "a()\nb()\nc(1)")) == []


def test_after_edges(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, "x = a()\ny = done()\nwith after(x, y):\n    c(1)")
    assert triples(flow) == [("a", "c", "after"), ("done", "c", "after")]


def test_an_edge_is_kept_once_with_its_first_kind(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, "x = a()\nwith after(x):\n    c(x)")
    assert triples(flow) == [("a", "c", "data")]


def test_loop_source_edges_reach_every_task_in_the_loop(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, "items = xs()\nfor i in items:\n    y = c(i)\n    c(y)")
    assert triples(flow) == [("xs", "c", "loop"), ("c", "c_2", "data"), ("xs", "c_2", "loop")]


def test_fan_in_depends_on_every_task_of_the_loop(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, "items = xs()\nys = [c(c(i)) for i in items]\ntotal(ys)")
    assert ("c", "total", "data") in triples(flow)
    assert ("c_2", "total", "data") in triples(flow)
    assert ("xs", "total", "data") not in triples(flow)


def test_condition_edges(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, "x = a()\nif x > 1:\n    c(1)")
    assert triples(flow) == [("a", "c", "condition")]


def test_elif_depends_on_earlier_conditions(tmp_path: Path) -> None:
    flow = flow_of(
        tmp_path,
        """
        x = a()
        y = b()
        if x > 1:
            c(1)
        elif y > 2:
            c(2)
        else:
            c(3)
        """,
    )
    assert triples(flow) == [
        ("a", "c", "condition"),
        ("a", "c_2", "condition"),
        ("b", "c_2", "condition"),
        ("a", "c_3", "condition"),
        ("b", "c_3", "condition"),
    ]


def test_nested_branches_inside_loops(tmp_path: Path) -> None:
    flow = flow_of(
        tmp_path,
        """
        items = xs()
        for i in items:
            y = c(i)
            if y > 0:
                c(y)
        """,
    )
    assert set(triples(flow)) == {
        ("xs", "c", "loop"),
        ("c", "c_2", "data"),
        ("xs", "c_2", "loop"),
    }


def test_condition_over_parameters_has_no_edges(tmp_path: Path) -> None:
    source = STEPS.replace("def f()", "def f(n: int = 1)") + "    if n > 1:\n        c(n)\n"
    result = load_source(tmp_path, source)
    assert result.program is not None
    assert edges(result.program.flows[0]) == []


def test_edges_are_between_tasks_only(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, "items = xs()\nys = [c(i) for i in items]\nx = total(ys)\nif x > 0:\n    c(x)")
    ids = {t.id for t in flow.tasks()}
    assert all(e.source in ids and e.target in ids for e in edges(flow))
    assert all(e.source != e.target for e in edges(flow))


# --- value_tasks on hand-built values ---------------------------------------------------------

SPAN = Span("f.py", 1, 1, 1, 1)


def test_value_tasks() -> None:
    inner = ir.Task("t2", "m:s", "step", (), (), SPAN)
    loop = ir.Loop("for_i", "i", ir.Const([1], SPAN), INT, (inner,), SPAN)
    loops = {"for_i": loop}
    assert value_tasks(ir.Const(1, SPAN), loops) == set()
    assert value_tasks(ir.ParamRef("n", SPAN), loops) == set()
    assert value_tasks(ir.TaskOutput("t1", None, SPAN), loops) == {"t1"}
    assert value_tasks(ir.Collected("for_i", ir.TaskOutput("t2", None, SPAN), SPAN), loops) == {"t2"}
    fstring = ir.FString(("a", ir.TaskOutput("t1", "f", SPAN), ir.LoopItem("for_i", (), SPAN)), SPAN)
    assert value_tasks(fstring, loops) == {"t1"}


def test_loops_of(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, "items = xs()\nfor i in items:\n    ys = [c(j) for j in [1, 2]]\n    total(ys)")
    assert sorted(loops_of(flow)) == ["for_i", "for_j"]


def test_edge_is_a_value() -> None:
    assert Edge("a", "b", "data") == Edge("a", "b", "data")
