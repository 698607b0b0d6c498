"""The IR: traversal contexts, outputs, lookups, and its JSON form (`flowc inspect --json`)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from flowc.compiler import ir
from flowc.compiler import types as t
from flowc.compiler.diagnostics import Span
from flowc.compiler.serialize import to_data

from tests.harness import codes, load_source

SPAN = Span("f.py", 1, 1, 1, 2)

FLOW = """
from typing import NamedTuple
from flowc import step, flow, after, parallel, Dataset, Model, RunStatus, Retry


class Result(NamedTuple):
    model: Model
    accuracy: float


@step(cpu=2, memory="1Gi", retries=Retry(limit=2, backoff="10s", factor=2), timeout="1h",
      env={"A": "1"}, secrets={"TOKEN": "creds/token"}, tolerations=["gpu=true:NoSchedule"],
      volumes={"/data": "pvc"}, node_selector={"pool": "gpu"}, cache="v1", packages=["pandas"])
def train(data: Dataset, lr: float = 0.1) -> Result: ...
@step
def load(n: int) -> Dataset: ...
@step
def count(x: int) -> int: ...
@step
def shout(text: str) -> str: ...
@step
def rates() -> list[float]: ...
@step
def notify(status: RunStatus) -> None: ...


@flow
def sub(n: int) -> tuple[Dataset, int]:
    return load(n), count(n)


@flow(schedule="0 2 * * *", timezone="UTC", labels={"team": "ml"}, on_exit=notify, max_parallel=2)
def main(n: int = 3, name: str = "x") -> float:
    '''Trains.'''
    d = load(n)
    rs = [train(d, lr=r) for r in parallel(rates(), max=2)]
    if n > 2:
        shout(f"big-{name}")
    elif name == "y":
        for i in [1, 2]:
            count(i)
    else:
        with after(d):
            count(n)
    a, b = sub(n)
    best = train(a)
    return best.accuracy
"""


@pytest.fixture
def program(tmp_path: Path) -> ir.Program:
    result = load_source(tmp_path, FLOW)
    assert codes(result.diagnostics) == [], result.diagnostics
    assert result.program is not None
    return result.program


def main_of(program: ir.Program) -> ir.Flow:
    return program.flow("flow:main")


# --- walk ---------------------------------------------------------------------------------


def test_walk_is_depth_first_in_source_order(program: ir.Program) -> None:
    kinds = [(type(n).__name__, n.id) for n, _ in ir.walk(main_of(program).body)]
    assert kinds == [
        ("Task", "load"),
        ("Task", "rates"),
        ("Loop", "for_r"),
        ("Task", "train"),
        ("Branch", "branch"),
        ("Task", "shout"),
        ("Loop", "for_i"),
        ("Task", "count"),
        ("Task", "count_2"),
        ("Task", "sub"),
        ("Task", "train_2"),
    ]


def test_walk_contexts(program: ir.Program) -> None:
    contexts = {n.id: ctx for n, ctx in ir.walk(main_of(program).body)}
    assert contexts["load"] == ir.Context()
    assert [loop.id for loop in contexts["train"].loops] == ["for_r"]
    assert contexts["train"].conditions == ()
    (shout,) = contexts["shout"].conditions
    assert shout[:2] == ("branch", 0)
    assert isinstance(shout[2], ir.Compare)
    count = contexts["count"]
    assert [loop.id for loop in count.loops] == ["for_i"]
    assert [(b, i) for b, i, _ in count.conditions] == [("branch", 1)]
    (else_case,) = contexts["count_2"].conditions
    assert else_case[:2] == ("branch", 2)
    assert else_case[2] is None
    assert contexts["sub"] == ir.Context()


def test_context_entering_is_pure() -> None:
    loop = ir.Loop("l", "i", ir.Const([1], SPAN), t.INT, (), SPAN)
    outer = ir.Context()
    inner = outer.enter_loop(loop)
    assert outer.loops == ()
    assert inner.loops == (loop,)
    branch = ir.Branch("b", (ir.Case(None, (), SPAN),), SPAN)
    assert inner.enter_case(branch, 0).conditions == (("b", 0, None),)
    assert inner.conditions == ()


def test_flow_tasks_and_params(program: ir.Program) -> None:
    flow = main_of(program)
    assert [task.id for task in flow.tasks()] == [
        "load",
        "rates",
        "train",
        "shout",
        "count",
        "count_2",
        "sub",
        "train_2",
    ]
    param = flow.param("name")
    assert param is not None
    assert (param.type, param.required) == (t.STR, False)
    assert flow.param("missing") is None


def test_task_arg(program: ir.Program) -> None:
    load = next(main_of(program).tasks())
    assert isinstance(load.arg("n"), ir.ParamRef)
    assert load.arg("nope") is None


# --- outputs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("returns", "expected"),
    [
        (t.NONE, ()),
        (t.INT, (ir.Output("output", t.INT),)),
        (t.ListT(t.STR), (ir.Output("output", t.ListT(t.STR)),)),
        (t.ArtifactT("Model"), (ir.Output("output", t.ArtifactT("Model")),)),
        (t.OptionalT(t.INT), (ir.Output("output", t.OptionalT(t.INT)),)),
        (
            t.NamedTupleT("R", (("model", t.ArtifactT("Model")), ("score", t.FLOAT))),
            (ir.Output("model", t.ArtifactT("Model")), ir.Output("score", t.FLOAT)),
        ),
        (t.TupleT((t.INT, t.STR)), (ir.Output("output_0", t.INT), ir.Output("output_1", t.STR))),
    ],
    ids=str,
)
def test_outputs_of(returns: t.Type, expected: tuple[ir.Output, ...]) -> None:
    assert ir.outputs_of(returns) == expected


def test_callee_outputs(program: ir.Program) -> None:
    by_id = {task.id: task for task in main_of(program).tasks()}
    assert program.callee_outputs(by_id["train"]) == (
        ir.Output("model", t.ArtifactT("Model")),
        ir.Output("accuracy", t.FLOAT),
    )
    assert program.callee_outputs(by_id["load"]) == (ir.Output("output", t.ArtifactT("Dataset")),)
    assert program.callee_outputs(by_id["sub"]) == (
        ir.Output("output_0", t.ArtifactT("Dataset")),
        ir.Output("output_1", t.INT),
    )


def test_program_lookups(program: ir.Program) -> None:
    assert sorted(f.key for f in program.flows) == ["flow:main", "flow:sub"]
    assert program.step("flow:count").function == "count"
    assert program.flow("flow:sub").function == "sub"
    assert [s.key for s in program.steps] == sorted(s.key for s in program.steps)
    with pytest.raises(StopIteration):
        program.step("flow:nope")


def test_subflow_results_and_flow_result(program: ir.Program) -> None:
    sub = program.flow("flow:sub")
    assert [(getattr(r, "task", None), getattr(r, "field", None)) for r in sub.results] == [
        ("load", None),
        ("count", None),
    ]
    main = main_of(program)
    (result,) = main.results
    assert isinstance(result, ir.TaskOutput)
    assert (result.task, result.field) == ("train_2", "accuracy")
    assert main.outputs == (ir.Output("output", t.FLOAT),)


def test_step_outputs_property(program: ir.Program) -> None:
    assert [o.name for o in program.step("flow:train").outputs] == ["model", "accuracy"]
    assert program.step("flow:notify").outputs == ()


# --- values and conditions ------------------------------------------------------------------


def test_value_refs_and_cond_values() -> None:
    out = ir.TaskOutput("t", None, SPAN)
    item = ir.LoopItem("l", ("k",), SPAN)
    fstring = ir.FString(("a", out, "b", item), SPAN)
    assert list(ir.value_refs(fstring)) == [fstring, out, item]
    collected = ir.Collected("l", out, SPAN)
    assert list(ir.value_refs(collected)) == [collected, out]
    cond = ir.BoolOp(
        "or",
        (ir.Not(ir.Truthy(out, SPAN), SPAN), ir.Compare("==", item, ir.Const(1, SPAN), SPAN)),
        SPAN,
    )
    assert [type(v).__name__ for v in ir.cond_values(cond)] == ["TaskOutput", "LoopItem", "Const"]


def test_option_spans(program: ir.Program) -> None:
    options = program.step("flow:train").options
    cpu = options.span_of("cpu")
    assert cpu is not None
    assert (
        cpu.line
        == FLOW.lstrip("\n")
        .splitlines()
        .index('@step(cpu=2, memory="1Gi", retries=Retry(limit=2, backoff="10s", factor=2), timeout="1h",')
        + 1
    )
    assert options.span_of("gpu") is None
    assert main_of(program).options.span_of("schedule") is not None


def test_ir_nodes_are_frozen(program: ir.Program) -> None:
    task = next(main_of(program).tasks())
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(task, "id", "other")  # noqa: B010


def test_every_node_has_a_span(program: ir.Program) -> None:
    for flow in program.flows:
        assert flow.span.line >= 1
        for node, _ in ir.walk(flow.body):
            assert node.span.line >= 1
            assert node.span.path == flow.path
    for step in program.steps:
        assert step.span.line >= 1


# --- serialisation --------------------------------------------------------------------------


def test_to_data_is_json_and_round_trips(program: ir.Program) -> None:
    data = to_data(program)
    text = json.dumps(data, sort_keys=True)
    assert json.loads(text) == data
    assert data["node"] == "Program"


def test_to_data_tags_nodes_and_prints_types(program: ir.Program) -> None:
    data = to_data(main_of(program))
    assert data["node"] == "Flow"
    assert data["returns"] == "float"
    # the node tag does not collide with Task.kind ("step" | "flow")
    assert [n["node"] for n in data["body"]] == ["Task", "Task", "Loop", "Branch", "Task", "Task"]
    assert data["params"][0]["type"] == "int"
    assert data["span"]["line"] == main_of(program).span.line
    assert data["options"]["labels"] == {"team": "ml"}


def test_to_data_of_step_options(program: ir.Program) -> None:
    options = to_data(program.step("flow:train").options)
    assert options["env"] == {"A": "1"}
    assert options["retries"] == {
        "node": "RetryPolicy",
        "limit": 2,
        "backoff_seconds": 10,
        "factor": 2.0,
        "max_backoff_seconds": None,
        "on": "always",
    }
    assert options["secrets"] == [{"node": "SecretRef", "env": "TOKEN", "secret": "creds", "key": "token"}]


def test_to_data_gives_mappings_the_same_shape_when_empty() -> None:
    # `env`, `node_selector`, `labels` … are mappings: a consumer must not see [] for an empty one
    # and {} for a full one
    empty = to_data(ir.StepOptions())
    full = to_data(ir.StepOptions(env=(("A", "1"),)))
    assert type(empty["env"]) is type(full["env"]) is dict


def test_to_data_of_every_example(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parents[2] / "examples"
    from flowc.compiler.frontend.loader import load_file

    for path in sorted(examples.glob("*.py")):
        result = load_file(path)
        if result.program is not None:
            assert json.loads(json.dumps(to_data(result.program))) == to_data(result.program), path
