"""The frontend: flow files → IR (DESIGN §2.2, §2.3), and the diagnostics of the flow body.

IR tests build small flows and look at `program.flows[...]`; diagnostic tests assert codes and
positions, never wording.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TypeVar

import pytest
from flowc.compiler import ir
from flowc.compiler import types as t
from flowc.compiler.frontend.loader import LoadResult, load_file

from tests.harness import assert_codes, codes, lint_source, load_one, load_source, positions

# --- helpers ------------------------------------------------------------------------------

N = TypeVar("N", ir.Loop, ir.Branch)

HEADER = """\
from typing import NamedTuple, Optional
from flowc import step, flow, after, parallel, Artifact, Dataset, Model, RunStatus

PREFIX = "run"


class Pair(NamedTuple):
    model: Model
    score: float


@step
def load(n: int = 1) -> Dataset: ...
@step
def train(data: Dataset, lr: float = 0.1) -> Pair: ...
@step
def evaluate(model: Model) -> float: ...
@step
def count(x: int) -> int: ...
@step
def shout(text: str) -> str: ...
@step
def numbers() -> list[int]: ...
@step
def configs() -> list[dict[str, int]]: ...
@step
def total(values: list[float]) -> float: ...
@step
def maybe() -> Optional[int]: ...
@step
def flag() -> bool: ...
@step
def done() -> None: ...
@step
def archive(a: Artifact) -> None: ...
@step
def notify(status: RunStatus) -> None: ...


@flow
def pipeline(n: int = 2, name: str = "x", rates: list[float] = [0.1], items: list[str] = ["a"]) -> None:
"""
BODY_LINE = HEADER.count("\n") + 1  # the line of the body's first statement


def flow_source(body: str) -> str:
    return HEADER + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + "\n"


def load_body(tmp_path: Path, body: str) -> LoadResult:
    return load_source(tmp_path, flow_source(body))


def pipeline_of(result: LoadResult) -> ir.Flow:
    assert result.program is not None
    return next(f for f in result.program.flows if f.function == "pipeline")


def body_of(tmp_path: Path, body: str) -> tuple[ir.Node, ...]:
    result = load_body(tmp_path, body)
    assert codes(result.diagnostics) == [], positions(result.diagnostics)
    return pipeline_of(result).body


def body_positions(tmp_path: Path, body: str) -> list[tuple[str, int, int]]:
    """(code, line, col) of the lint diagnostics, line and col relative to the body snippet.

    FC308 (a flow that runs no step) is left out: several snippets call no step on purpose."""
    found = lint_source(tmp_path, flow_source(body))
    return [(c, line - BODY_LINE + 1, col - 4) for c, line, col in positions(found) if c != "FC308"]


def output(value: ir.Value | str | None) -> tuple[str, str | None]:
    """(task, field) of a task output."""
    assert isinstance(value, ir.TaskOutput), value
    return value.task, value.field


def const(value: ir.Value | None) -> object:
    assert isinstance(value, ir.Const), value
    return value.value


def tasks(body: tuple[ir.Node, ...]) -> list[ir.Task]:
    return [n for n, _ in ir.walk(body) if isinstance(n, ir.Task)]


def only(body: tuple[ir.Node, ...], kind: type[N]) -> N:
    """The one node of `kind` at the top of `body`."""
    found = [n for n in body if isinstance(n, kind)]
    assert len(found) == 1, body
    return found[0]


def test_the_header_alone_is_clean(tmp_path: Path) -> None:
    assert body_positions(tmp_path, "done()") == []


# --- tasks and arguments ------------------------------------------------------------------


def test_tasks_bind_parameters_literals_and_outputs(tmp_path: Path) -> None:
    body = body_of(
        tmp_path,
        """
        d = load(n)
        r = train(d, lr=0.5)
        evaluate(r.model)
        done()
        """,
    )
    load_t, train_t, eval_t, done_t = tasks(body)
    assert (load_t.id, load_t.callee, load_t.kind, load_t.binding) == ("load", "flow:load", "step", "d")
    n_value = load_t.arg("n")
    assert isinstance(n_value, ir.ParamRef)
    assert n_value.name == "n"
    assert isinstance(train_t.arg("data"), ir.TaskOutput)
    assert output(train_t.arg("data")) == ("load", None)
    lr = train_t.arg("lr")
    assert isinstance(lr, ir.Const)
    assert lr.value == 0.5
    model = eval_t.arg("model")
    assert isinstance(model, ir.TaskOutput)
    assert (model.task, model.field) == ("train", "model")
    assert eval_t.binding is None
    assert done_t.args == ()
    assert all(task.after == () for task in (load_t, train_t, eval_t, done_t))


def test_arguments_are_keyed_by_parameter_name(tmp_path: Path) -> None:
    (task,) = tasks(body_of(tmp_path, "train(lr=0.2, data=load())")[1:])
    assert [a.param for a in task.args] == ["lr", "data"]


def test_omitted_defaults_are_not_arguments(tmp_path: Path) -> None:
    _, task = tasks(body_of(tmp_path, "train(load())"))
    assert task.arg("lr") is None
    assert [a.param for a in task.args] == ["data"]


def test_repeated_calls_get_unique_task_ids(tmp_path: Path) -> None:
    body = body_of(tmp_path, "count(1)\ncount(2)\ncount(3)")
    assert [task.id for task in tasks(body)] == ["count", "count_2", "count_3"]


def test_value_spans_point_at_the_use(tmp_path: Path) -> None:
    (_, task) = tasks(body_of(tmp_path, "x = count(n)\ncount(x)"))
    value = task.arg("x")
    assert isinstance(value, ir.TaskOutput)
    assert (value.span.line, value.span.col) == (BODY_LINE + 1, 11)
    assert (task.span.line, task.span.col) == (BODY_LINE + 1, 5)


def test_annotated_assignment_binds_a_task(tmp_path: Path) -> None:
    (task,) = tasks(body_of(tmp_path, "x: int = count(1)"))
    assert task.binding == "x"


def test_annotated_assignment_checks_the_type(tmp_path: Path) -> None:
    assert body_positions(tmp_path, "x: str = count(1)") == [("FC201", 1, 10)]


def test_docstring_becomes_the_description_and_pass_is_allowed(tmp_path: Path) -> None:
    result = load_body(tmp_path, '"""Trains things."""\npass\ndone()\n"a string used as a comment"\n...')
    flow = pipeline_of(result)
    assert codes(result.diagnostics) == []
    assert flow.description == "Trains things."
    assert [task.id for task in flow.tasks()] == ["done"]


# --- constants and f-strings --------------------------------------------------------------


def test_fstring_over_parameters(tmp_path: Path) -> None:
    (task,) = tasks(body_of(tmp_path, 'shout(f"{name}-{n}!")'))
    value = task.arg("text")
    assert isinstance(value, ir.FString)
    assert [
        p if isinstance(p, str) else (type(p).__name__, getattr(p, "name", None)) for p in value.parts
    ] == [
        ("ParamRef", "name"),
        "-",
        ("ParamRef", "n"),
        "!",
    ]


def test_fstring_over_task_outputs_and_loop_items(tmp_path: Path) -> None:
    body = body_of(tmp_path, 'x = count(1)\nfor i in items:\n    shout(f"{x}/{i}")')
    loop = only(body, ir.Loop)
    (task,) = tasks(loop.body)
    value = task.arg("text")
    assert isinstance(value, ir.FString)
    first, slash, second = value.parts
    assert isinstance(first, ir.TaskOutput)
    assert first.task == "count"
    assert slash == "/"
    assert isinstance(second, ir.LoopItem)
    assert second.loop == loop.id


def test_fstring_over_constants_is_folded(tmp_path: Path) -> None:
    (task,) = tasks(body_of(tmp_path, 'shout(f"{PREFIX}-{2 * 3}")'))
    value = task.arg("text")
    assert isinstance(value, ir.Const)
    assert value.value == "run-6"


def test_module_constants_are_folded_in_the_body(tmp_path: Path) -> None:
    (task,) = tasks(body_of(tmp_path, "shout(PREFIX)"))
    value = task.arg("text")
    assert isinstance(value, ir.Const)
    assert value.value == "run"


def test_fstring_with_a_format_spec_over_a_parameter_is_rejected(tmp_path: Path) -> None:
    # the column of an f-string part differs between Python versions
    assert [(c, line) for c, line, _ in body_positions(tmp_path, 'shout(f"{n:>3}")')] == [("FC302", 1)]


def test_fstring_over_an_artifact_is_a_type_error(tmp_path: Path) -> None:
    assert body_positions(tmp_path, 'd = load()\nshout(f"{d}")') == [("FC201", 2, 10)]


# --- fan-out, fan-in ----------------------------------------------------------------------


def test_comprehension_over_a_list_parameter(tmp_path: Path) -> None:
    body = body_of(tmp_path, "xs = [count(len_) for len_ in [1, 2]]\nscores = [shout(i) for i in items]")
    first, second = body
    assert isinstance(first, ir.Loop)
    assert isinstance(second, ir.Loop)
    assert first.comprehension
    assert isinstance(first.source, ir.Const)
    assert first.source.value == [1, 2]
    assert first.item_type == t.INT
    assert isinstance(second.source, ir.ParamRef)
    assert second.source.name == "items"
    assert second.item_type == t.STR
    (task,) = second.body
    assert isinstance(task, ir.Task)
    item = task.arg("text")
    assert isinstance(item, ir.LoopItem)
    assert (item.loop, item.keys) == (second.id, ())


def test_fan_in_passes_a_collected_list(tmp_path: Path) -> None:
    body = body_of(
        tmp_path, "d = load()\nscores = [evaluate(train(d, lr=r).model) for r in rates]\ntotal(scores)"
    )
    loop = only(body, ir.Loop)
    assert [task.id for task in tasks(loop.body)] == ["train", "evaluate"]
    final = body[-1]
    assert isinstance(final, ir.Task)
    collected = final.arg("values")
    assert isinstance(collected, ir.Collected)
    assert collected.loop == loop.id
    assert isinstance(collected.value, ir.TaskOutput)
    assert collected.value.task == "evaluate"


def test_comprehension_over_a_task_output(tmp_path: Path) -> None:
    body = body_of(tmp_path, "ns = numbers()\nxs = [count(x) for x in ns]")
    loop = only(body, ir.Loop)
    assert isinstance(loop.source, ir.TaskOutput)
    assert loop.source.task == "numbers"
    assert loop.item_type == t.INT


def test_field_projection_over_collected_named_tuples(tmp_path: Path) -> None:
    body = body_of(
        tmp_path,
        """
        d = load()
        rs = [train(d, lr=r) for r in rates]
        total([r.score for r in rs])
        """,
    )
    loop = only(body, ir.Loop)
    final = body[-1]
    assert isinstance(final, ir.Task)
    value = final.arg("values")
    assert isinstance(value, ir.Collected)
    assert value.loop == loop.id
    assert isinstance(value.value, ir.TaskOutput)
    assert (value.value.task, value.value.field) == ("train", "score")
    assert len([n for n in body if isinstance(n, ir.Loop)]) == 1  # a projection adds no loop


def test_for_block_fans_out_several_steps(tmp_path: Path) -> None:
    body = body_of(tmp_path, "for c in configs():\n    x = count(c['lr'])\n    count(x)")
    loop = only(body, ir.Loop)
    assert not loop.comprehension
    assert loop.var == "c"
    assert loop.item_type == t.DictT(t.INT)
    first, second = tasks(loop.body)
    item = first.arg("x")
    assert isinstance(item, ir.LoopItem)
    assert item.keys == ("lr",)
    assert isinstance(second.arg("x"), ir.TaskOutput)


def test_nested_item_keys(tmp_path: Path) -> None:
    source = (
        HEADER.replace(
            "@flow\n",
            "@step\ndef nested() -> list[dict[str, dict[str, int]]]: ...\n\n\n@flow\n",
        )
        + "    for c in nested():\n        count(c['a']['b'])\n"
    )
    result = load_source(tmp_path, source)
    assert codes(result.diagnostics) == []
    loop = only(pipeline_of(result).body, ir.Loop)
    (task,) = tasks(loop.body)
    item = task.arg("x")
    assert isinstance(item, ir.LoopItem)
    assert item.keys == ("a", "b")


def test_parallel_sets_the_loop_concurrency(tmp_path: Path) -> None:
    body = body_of(
        tmp_path, "for i in parallel(items, max=4):\n    shout(i)\nys = [shout(i) for i in parallel(items)]"
    )
    first, second = body
    assert isinstance(first, ir.Loop)
    assert isinstance(second, ir.Loop)
    assert first.max_parallel == 4
    assert isinstance(first.source, ir.ParamRef)
    assert second.max_parallel is None


def test_parallel_max_up_to_the_largest_int32(tmp_path: Path) -> None:
    """KFP keeps a loop's parallelism limit in an int32: the largest one is kept, larger is FC309."""
    body = body_of(tmp_path, "for i in parallel(items, max=2**31 - 1):\n    shout(i)")
    assert only(body, ir.Loop).max_parallel == 2**31 - 1


def test_nested_comprehensions_collect_lists_of_lists(tmp_path: Path) -> None:
    body = body_of(tmp_path, "grid = [[count(x) for x in row] for row in [[1, 2], [3]]]")
    outer = only(body, ir.Loop)
    inner = only(outer.body, ir.Loop)
    assert outer.item_type == t.ListT(t.INT)
    assert isinstance(inner.source, ir.LoopItem)
    assert inner.source.loop == outer.id


def test_a_loop_variable_in_two_loops_gets_two_loop_ids(tmp_path: Path) -> None:
    first, second = body_of(tmp_path, "xs = [shout(i) for i in items]\nys = [shout(i) for i in items]")
    assert isinstance(first, ir.Loop)
    assert isinstance(second, ir.Loop)
    assert first.id != second.id


# --- branches and ordering ----------------------------------------------------------------


def test_if_elif_else_become_cases(tmp_path: Path) -> None:
    body = body_of(
        tmp_path,
        """
        x = count(n)
        if x > 3 and name == "a":
            count(1)
        elif name in items or not x:
            count(2)
        else:
            count(3)
        """,
    )
    branch = only(body, ir.Branch)
    first, second, last = branch.cases
    assert isinstance(first.cond, ir.BoolOp)
    assert first.cond.op == "and"
    compare = first.cond.operands[0]
    assert isinstance(compare, ir.Compare)
    assert compare.op == ">"
    assert isinstance(compare.left, ir.TaskOutput)
    assert isinstance(compare.right, ir.Const)
    assert isinstance(second.cond, ir.BoolOp)
    assert second.cond.op == "or"
    contains, negated = second.cond.operands
    assert isinstance(contains, ir.Compare)
    assert contains.op == "in"
    assert isinstance(negated, ir.Not)
    assert isinstance(negated.operand, ir.Truthy)
    assert last.cond is None
    assert [[const(task.arg("x")) for task in tasks(c.body)] for c in branch.cases] == [[1], [2], [3]]


def test_chained_comparison_is_a_conjunction(tmp_path: Path) -> None:
    branch = only(body_of(tmp_path, "if 1 < n <= 5:\n    done()"), ir.Branch)
    (case,) = branch.cases
    assert isinstance(case.cond, ir.BoolOp)
    assert [getattr(c, "op", None) for c in case.cond.operands] == ["<", "<="]


def test_optional_output_compared_with_none(tmp_path: Path) -> None:
    branch = only(body_of(tmp_path, "m = maybe()\nif m is not None:\n    count(n)"), ir.Branch)
    cond = branch.cases[0].cond
    assert isinstance(cond, ir.Compare)
    assert cond.op == "is not"
    assert isinstance(cond.right, ir.Const)
    assert cond.right.value is None


def test_truthiness_of_a_bool_output(tmp_path: Path) -> None:
    branch = only(body_of(tmp_path, "ok = flag()\nif ok:\n    done()"), ir.Branch)
    cond = branch.cases[0].cond
    assert isinstance(cond, ir.Truthy)
    assert isinstance(cond.value, ir.TaskOutput)


def test_with_after_orders_tasks(tmp_path: Path) -> None:
    body = body_of(
        tmp_path,
        """
        a = count(1)
        b = done()
        with after(a, b):
            count(2)
        with after(a):
            with after(b):
                count(3)
        count(4)
        """,
    )
    by_arg = {const(task.arg("x")): task for task in tasks(body) if task.callee == "flow:count"}
    assert by_arg[2].after == ("count", "done")
    assert by_arg[3].after == ("count", "done")
    assert by_arg[4].after == ()


def test_with_after_a_fan_out_waits_for_every_iteration(tmp_path: Path) -> None:
    body = body_of(tmp_path, "xs = [count(i) for i in [1, 2]]\nwith after(xs):\n    done()")
    assert tasks(body)[-1].after == ("count",)


# --- sub-flows and results -------------------------------------------------------------------


SUBFLOWS = """
from flowc import step, flow, Dataset


@step
def load(n: int) -> Dataset: ...
@step
def count(x: int) -> int: ...


@flow
def prepare(n: int) -> Dataset:
    return load(n)


@flow
def pair(n: int) -> tuple[Dataset, int]:
    d = load(n)
    c = count(n)
    return d, c


@flow
def main(n: int = 1) -> int:
    d = prepare(n)
    a, b = pair(n)
    return count(b)
"""


def test_a_flow_called_in_a_flow_is_a_subflow_task(tmp_path: Path) -> None:
    result = load_source(tmp_path, SUBFLOWS)
    assert codes(result.diagnostics) == []
    assert result.program is not None
    main = result.program.flow("flow:main")
    prepare_t, pair_t, count_t = main.tasks()
    assert (prepare_t.kind, prepare_t.callee, prepare_t.binding) == ("flow", "flow:prepare", "d")
    assert (pair_t.kind, pair_t.callee) == ("flow", "flow:pair")
    value = count_t.arg("x")
    assert isinstance(value, ir.TaskOutput)
    assert (value.task, value.field) == ("pair", "output_1")


def test_flow_outputs_and_results(tmp_path: Path) -> None:
    result = load_source(tmp_path, SUBFLOWS)
    assert result.program is not None
    prepare = result.program.flow("flow:prepare")
    assert prepare.outputs == (ir.Output("output", t.ArtifactT("Dataset")),)
    assert prepare.returns == t.ArtifactT("Dataset")
    (res,) = prepare.results
    assert isinstance(res, ir.TaskOutput)
    assert res.task == "load"
    pair = result.program.flow("flow:pair")
    assert [o.name for o in pair.outputs] == ["output_0", "output_1"]
    assert pair.returns == t.TupleT((t.ArtifactT("Dataset"), t.INT))
    assert [output(r) for r in pair.results] == [("load", None), ("count", None)]
    main = result.program.flow("flow:main")
    assert main.outputs == (ir.Output("output", t.INT),)


def test_flow_params(tmp_path: Path) -> None:
    result = load_source(
        tmp_path,
        "from flowc import step, flow\n@step\ndef s(x: int) -> None: ...\n"
        "@flow\ndef f(a: int, b: str = 'x', *, c: list[float] = [1, 2.5]) -> None:\n    s(a)\n",
    )
    assert codes(result.diagnostics) == []
    assert result.program is not None
    a, b, c = result.program.flows[0].params
    assert (a.name, a.type, a.required, a.keyword_only) == ("a", t.INT, True, False)
    assert (b.name, b.type, b.required) == ("b", t.STR, False)
    assert b.default is not None
    assert b.default.value == "x"
    assert (c.name, c.type, c.keyword_only) == ("c", t.ListT(t.FLOAT), True)
    assert c.default is not None
    assert c.default.value == [1, 2.5]


def test_returning_a_named_tuple_call_returns_every_field(tmp_path: Path) -> None:
    # `return train(...)` means the same as `r = train(...)` then `return r`
    source = HEADER.replace("-> None:\n", "-> tuple[Model, float]:\n") + "    return train(load())\n"
    result = load_source(tmp_path, source)
    assert codes(result.diagnostics) == []
    flow = pipeline_of(result)
    assert [output(r) for r in flow.results] == [("train", "model"), ("train", "score")]


def test_return_of_a_bound_named_tuple_returns_every_field(tmp_path: Path) -> None:
    source = (
        HEADER.replace("-> None:\n", "-> tuple[Model, float]:\n") + "    r = train(load())\n    return r\n"
    )
    result = load_source(tmp_path, source)
    assert codes(result.diagnostics) == []
    flow = pipeline_of(result)
    assert [output(r) for r in flow.results] == [("train", "model"), ("train", "score")]
    assert [o.type for o in flow.outputs] == [t.ArtifactT("Model"), t.FLOAT]


def test_exit_handler(tmp_path: Path) -> None:
    source = HEADER.replace("@flow\n", "@flow(on_exit=notify)\n") + "    done()\n"
    result = load_source(tmp_path, source)
    assert codes(result.diagnostics) == []
    flow = pipeline_of(result)
    assert flow.on_exit is not None
    assert (flow.on_exit.step, flow.on_exit.status_param) == ("flow:notify", "status")


def test_exit_handler_without_status(tmp_path: Path) -> None:
    source = HEADER.replace("@flow\n", "@flow(on_exit=done)\n") + "    count(1)\n"
    flow = pipeline_of(load_source(tmp_path, source))
    assert flow.on_exit is not None
    assert (flow.on_exit.step, flow.on_exit.status_param) == ("flow:done", None)


# --- annotations --------------------------------------------------------------------------

ANNOTATED = """
import typing
from typing import Any, Dict, List, Literal, Optional
import flowc as fc

@fc.step
def s(
    a: "int",
    b: typing.Optional[str] = None,
    c: int | None = None,
    d: List[int] = [],
    e: Dict[str, float] = {},
    f: "list[fc.Dataset]" = [],
    g: "Optional[List[int]]" = None,
    h: list = [],
    i: Any = None,
    j: Literal["a", "b"] = "a",
    k: dict[str, list[fc.Model]] = {},
    m: None | float = None,
    n: fc.Metrics | None = None,
) -> "fc.Dataset": ...
"""


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        ("a", t.INT),
        ("b", t.OptionalT(t.STR)),
        ("c", t.OptionalT(t.INT)),
        ("d", t.ListT(t.INT)),
        ("e", t.DictT(t.FLOAT)),
        ("f", t.ListT(t.ArtifactT("Dataset"))),
        ("g", t.OptionalT(t.ListT(t.INT))),
        ("h", t.ListT(t.ANY)),
        ("i", t.ANY),
        ("j", t.LiteralT(("a", "b"))),
        ("k", t.DictT(t.ListT(t.ArtifactT("Model")))),
        ("m", t.OptionalT(t.FLOAT)),
        ("n", t.OptionalT(t.ArtifactT("Metrics"))),
    ],
)
def test_annotations_become_types(tmp_path: Path, param: str, expected: t.Type) -> None:
    result = load_source(tmp_path, ANNOTATED)
    assert codes(result.diagnostics) == []
    assert result.program is not None
    (step,) = result.program.steps
    assert next(p.type for p in step.params if p.name == param) == expected
    assert step.returns == t.ArtifactT("Dataset")


def test_named_tuple_return_type(tmp_path: Path) -> None:
    result = load_source(tmp_path, HEADER + "    done()\n")
    assert result.program is not None
    step = result.program.step("flow:train")
    assert step.returns == t.NamedTupleT("Pair", (("model", t.ArtifactT("Model")), ("score", t.FLOAT)))
    assert [o.name for o in step.outputs] == ["model", "score"]


def test_missing_annotations_mean_any_with_a_warning(tmp_path: Path) -> None:
    source = "from flowc import step\n@step\ndef s(x, y: int):\n    return x\n"
    result = load_source(tmp_path, source)
    assert positions(result.diagnostics) == [("FC206", 3, 1), ("FC206", 3, 7)]  # the return, then `x`
    assert result.program is not None
    (step,) = result.program.steps
    assert step.params[0].type == t.ANY
    assert not step.params[0].annotated
    assert not step.returns_annotated
    assert step.returns == t.ANY


@pytest.mark.parametrize(
    ("annotation", "col"),
    [
        ("set[int]", 10),
        ("tuple[int, int]", 10),
        ("Union[int, str]", 10),
        ("dict[int, str]", 15),
        ("bytes", 10),
        ("'not valid ('", 10),
        ("3", 10),
    ],
)
def test_unsupported_annotations(tmp_path: Path, annotation: str, col: int) -> None:
    source = f"from typing import Union\nfrom flowc import step\n@step\ndef s(x: {annotation}) -> None: ...\n"
    assert positions(load_source(tmp_path, source).diagnostics) == [("FC207", 4, col)]


def test_named_tuple_is_not_a_parameter_type(tmp_path: Path) -> None:
    source = HEADER.replace("@flow\n", "@step\ndef use(p: Pair) -> None: ...\n\n\n@flow\n") + "    done()\n"
    found = load_source(tmp_path, source).diagnostics
    line = source.splitlines().index("def use(p: Pair) -> None: ...") + 1
    assert positions(found) == [("FC207", line, 12)]


# --- decorator aliases --------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "import flowc as fc\n@fc.step\ndef s() -> None: ...\n@fc.flow\ndef f() -> None:\n    s()\n",
        "import flowc\n@flowc.step()\ndef s() -> None: ...\n@flowc.flow()\ndef f() -> None:\n    s()\n",
        "from flowc import step as st, flow as fl\n@st\ndef s() -> None: ...\n@fl\ndef f() -> None:\n    s()\n",
    ],
    ids=["module-alias", "module", "name-alias"],
)
def test_decorator_aliases(tmp_path: Path, source: str) -> None:
    result = load_source(tmp_path, source)
    assert codes(result.diagnostics) == []
    assert result.program is not None
    assert [s.key for s in result.program.steps] == ["flow:s"]
    assert [task.callee for task in result.program.flows[0].tasks()] == ["flow:s"]


def test_an_unrelated_step_decorator_is_not_flowc(tmp_path: Path) -> None:
    source = "from flowc import flow\nfrom other import step\n@step\ndef s() -> None: ...\n"
    result = load_source(tmp_path, source)
    assert result.program is not None
    assert result.program.steps == ()


# --- load_flow: selecting one flow ----------------------------------------------------------

TWO_FLOWS = """
from flowc import step, flow
@step
def s() -> None: ...
@step
def unused() -> None: ...
@flow
def a() -> None:
    s()
@flow
def b() -> None:
    s()
"""


def test_load_flow_selects_by_name_and_keeps_what_it_reaches(tmp_path: Path) -> None:
    result = load_one(tmp_path, TWO_FLOWS, "b")
    assert codes(result.diagnostics) == []
    assert result.program is not None
    assert [f.key for f in result.program.flows] == ["flow:b"]
    assert [s.key for s in result.program.steps] == ["flow:s"]
    assert result.program.entry == "flow:b"


@pytest.mark.parametrize(("flow", "code"), [(None, "FC004"), ("c", "FC003")])
def test_load_flow_needs_an_existing_unambiguous_flow(tmp_path: Path, flow: str | None, code: str) -> None:
    result = load_one(tmp_path, TWO_FLOWS, flow)
    assert codes(result.diagnostics) == [code]
    assert result.program is None


def test_load_flow_of_a_file_without_flows(tmp_path: Path) -> None:
    assert codes(load_one(tmp_path, "from flowc import step\n").diagnostics) == ["FC003"]


def test_load_file_keeps_every_step_and_flow(tmp_path: Path) -> None:
    result = load_source(tmp_path, TWO_FLOWS)
    assert result.program is not None
    assert [f.key for f in result.program.flows] == ["flow:a", "flow:b"]
    assert [s.key for s in result.program.steps] == ["flow:s", "flow:unused"]
    assert result.program.entry is None
    assert result.ok


# --- file-level problems --------------------------------------------------------------------


def test_syntax_error(tmp_path: Path) -> None:
    result = load_source(tmp_path, "from flowc import step\ndef f(:\n    pass\n")
    assert positions(result.diagnostics) == [("FC001", 2, 7)]
    assert result.program is None
    assert not result.ok


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "flow.py"
    path.write_bytes(b"from flowc import step\nX = '\xff'\n")
    result = load_file(path)
    assert codes(result.diagnostics) == ["FC002"]


def test_a_bom_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "flow.py"
    (tmp_path / "pyproject.toml").write_text("")
    path.write_bytes("\ufefffrom flowc import step, flow\n@step\ndef s() -> None: ...\n".encode())
    assert load_file(path).diagnostics == ()


# --- flow-body diagnostics ------------------------------------------------------------------

BODY_DIAGNOSTICS: list[tuple[str, list[tuple[str, int, int]]]] = [
    # types and wiring
    ("d = load()\nevaluate(d)", [("FC201", 2, 10)]),
    ("count(name)", [("FC201", 1, 7)]),
    ("count('3')", [("FC201", 1, 7)]),
    ("count(True)", [("FC201", 1, 7)]),
    ("count(x=1.5)", [("FC201", 1, 9)]),
    ("total(items)", [("FC201", 1, 7)]),
    ("total(rates)", []),
    ("total([1, 2])", []),
    ("total(['a'])", [("FC201", 1, 7)]),
    ("m = maybe()\ncount(m)", [("FC201", 2, 7)]),
    ("archive(load())", []),
    ("archive(train(load()).model)", []),
    ("count()", [("FC202", 1, 1)]),
    ("count(1, x=2)", [("FC204", 1, 10)]),
    ("count(1, 2)", [("FC205", 1, 10)]),
    ("count(1, y=2)", [("FC203", 1, 10)]),
    ("r = train(load())\nevaluate(r)", [("FC215", 2, 10)]),
    ("r = train(load())\nevaluate(r.modle)", [("FC209", 2, 10)]),
    ("x = count(1)\ncount(x.field)", [("FC209", 2, 7)]),
    ("x = done()\nshout(x)", [("FC211", 2, 7)]),
    ("shout(f'{done()}')", [("FC211", 1, 10)]),
    ("notify()", [("FC212", 1, 1)]),
    ("d = load()\nif d:\n    done()", [("FC213", 2, 4)]),
    ("if name > 1:\n    done()", [("FC213", 1, 4)]),
    ("if name in rates:\n    done()", [("FC213", 1, 4)]),
    ("count(items[0])", [("FC214", 1, 7)]),
    ("for i in items:\n    shout(i['k'])", [("FC214", 2, 11)]),
    ("a, b, c = train(load())", [("FC215", 1, 1)]),
    ("a, b = count(1)", [("FC215", 1, 8)]),
    ("for c in configs():\n    shout(c['lr'])", [("FC201", 2, 11)]),
    ("xs = [count(i) for i in rates]", [("FC201", 1, 13)]),
    (
        "grid = [[count(x) for x in row] for row in [[1], [2]]]\nys = [count(r) for r in grid]",
        [("FC201", 2, 13)],
    ),
    # fan-out
    ("for c in name:\n    shout(c)", [("FC208", 1, 10)]),
    ("for c in count(1):\n    shout(name)", [("FC208", 1, 10)]),
    ("xs = [shout(c) for c in 'abc']", [("FC208", 1, 25)]),
    ("m = maybe()\nxs = [count(i) for i in m]", [("FC208", 2, 25)]),
    ("for i in parallel(items, max=0):\n    shout(i)", [("FC309", 1, 30)]),
    ("for i in parallel(items, max=n):\n    shout(i)", [("FC309", 1, 30)]),
    ("for i in parallel(items, max=10**30):\n    shout(i)", [("FC309", 1, 30)]),
    ("xs = [shout(i) for i in parallel(items, max=2**31)]", [("FC309", 1, 45)]),
    ("for i in parallel(items, limit=2):\n    shout(i)", [("FC309", 1, 10)]),
    ("xs = parallel(items)", [("FC309", 1, 6)]),
    ("xs = [shout(i) for i in items if i]", [("FC302", 1, 6)]),
    ("xs = [shout(i) for i in items for j in items]", [("FC302", 1, 6)]),
    ("xs = [i for i in items]", [("FC302", 1, 7)]),
    ("xs = [done() for i in items]\nshout(xs)", [("FC211", 2, 7)]),
    ("r = [train(load()) for i in items]\ntotal(r)", [("FC215", 2, 7)]),
    ("xs = [count(1) for i in items]\nys = [x.f for x in xs]", [("FC209", 2, 7)]),
    # scopes and names
    ("shout(missing)", [("FC303", 1, 7)]),
    ("missing()", [("FC303", 1, 1)]),
    ("if n > 1:\n    x = count(1)\ncount(x)", [("FC304", 3, 7)]),
    ("for i in items:\n    x = count(1)\ncount(x)", [("FC304", 3, 7)]),
    ("xs = [shout(i) for i in items]\nshout(i)", [("FC303", 2, 7)]),
    ("for n in items:\n    shout(n)", [("FC311", 1, 5)]),
    ("shout(shout)", [("FC310", 1, 7)]),
    ("for s in load:\n    done()", [("FC310", 1, 10)]),
    ("count([load])", [("FC310", 1, 8)]),
    ("x = pipeline", [("FC310", 1, 5)]),
    # unsupported statements
    ("while True:\n    done()", [("FC301", 1, 1)]),
    ("try:\n    done()\nexcept Exception:\n    pass", [("FC301", 1, 1)]),
    ("import os\ndone()", [("FC301", 1, 1)]),
    ("def g():\n    pass\ndone()", [("FC301", 1, 1)]),
    ("x = 1\nx += 1\ndone()", [("FC301", 2, 1)]),
    ("a = b = done()", [("FC301", 1, 1)]),
    ("x: int\ndone()", [("FC301", 1, 1)]),
    ("with open('f'):\n    done()", [("FC301", 1, 1)]),
    ("for i in items:\n    shout(i)\nelse:\n    done()", [("FC301", 4, 5)]),
    ("for a, b in items:\n    done()", [("FC301", 1, 5)]),
    ("assert n\ndone()", [("FC301", 1, 1)]),
    ("raise ValueError()", [("FC301", 1, 1)]),
    ("n\ndone()", [("FC301", 1, 1)]),
    ("match n:\n    case 1:\n        done()", [("FC301", 1, 1)]),
    ("for i in items:\n    break", [("FC301", 2, 5)]),
    # unsupported expressions
    ("count(n + 1)", [("FC302", 1, 7)]),
    ("count(-n)", [("FC302", 1, 7)]),
    ("count(1 if n else 2)", [("FC302", 1, 7)]),
    ("count(*[1])", [("FC302", 1, 7)]),
    ("count(**{'x': 1})", [("FC302", 1, 9)]),
    ("len(items)", [("FC302", 1, 1)]),
    ("x = count(1)\ntotal([x])", [("FC302", 2, 7)]),
    ("if flag():\n    done()", [("FC302", 1, 4)]),
    ("if n is 1:\n    done()", [("FC302", 1, 9)]),
    ("shout(lambda: 1)", [("FC302", 1, 7)]),
    ("x = [count(i) for i in range(3)]", [("FC302", 1, 24)]),
    # after
    ("with after(n):\n    done()", [("FC306", 1, 12)]),
    ("with after():\n    done()", [("FC306", 1, 6)]),
    ("x = after(n)", [("FC306", 1, 5)]),
    ("with after(missing):\n    done()", [("FC303", 1, 12)]),
    ("with after(count(1)) as a:\n    done()", [("FC301", 1, 1)]),
    # return
    ("if n:\n    return count(1)", [("FC307", 2, 5)]),
    ("return count(1)\ndone()", [("FC307", 1, 1)]),
]


@pytest.mark.parametrize(("body", "expected"), BODY_DIAGNOSTICS, ids=[b for b, _ in BODY_DIAGNOSTICS])
def test_body_diagnostics(tmp_path: Path, body: str, expected: list[tuple[str, int, int]]) -> None:
    assert body_positions(tmp_path, body) == expected


def test_empty_flow_is_a_warning(tmp_path: Path) -> None:
    found = assert_codes(tmp_path, "from flowc import flow\n@flow\ndef f() -> None:\n    pass\n", "FC308")
    assert positions(found) == [("FC308", 3, 1)]
    assert not found[0].is_error


def test_declared_return_type_must_match(tmp_path: Path) -> None:
    """Reported at what is returned, as mypy does."""
    source = HEADER.replace("-> None:\n", "-> str:\n") + "    return count(1)\n"
    line = source.count("\n")
    assert positions(lint_source(tmp_path, source)) == [("FC216", line, 12)]


def test_return_without_annotation_infers_the_outputs(tmp_path: Path) -> None:
    source = HEADER.replace(") -> None:\n", "):\n") + "    return count(1)\n"
    result = load_source(tmp_path, source)
    assert codes(result.diagnostics) == ["FC206"]  # a missing return annotation is still a warning
    flow = pipeline_of(result)
    assert flow.returns == t.INT
    assert flow.outputs == (ir.Output("output", t.INT),)


# --- recursion, definitions -----------------------------------------------------------------


def test_recursive_flows(tmp_path: Path) -> None:
    source = """
    from flowc import step, flow
    @step
    def s() -> None: ...
    @flow
    def a() -> None:
        b()
    @flow
    def b() -> None:
        a()
    """
    assert codes(lint_source(tmp_path, source)) == ["FC305"]


def test_self_recursive_flow(tmp_path: Path) -> None:
    source = "from flowc import flow\n@flow\ndef a() -> None:\n    a()\n"
    assert positions(lint_source(tmp_path, source)) == [("FC305", 4, 5)]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from flowc import step\n@step\nasync def s() -> None: ...\n",
            [("FC119", 3, 1)],
        ),
        (
            "from flowc import step\n@step\ndef s(*args: int) -> None: ...\n",
            [("FC119", 3, 8)],
        ),
        (
            "from flowc import step\n@step\ndef s(**kw: int) -> None: ...\n",
            [("FC119", 3, 9)],
        ),
        (
            "from flowc import step\n@step\ndef s(a: int, /) -> None: ...\n",
            [("FC119", 3, 7)],
        ),
        (
            "from flowc import step, flow\n@step\n@flow\ndef s() -> None: ...\n",
            [("FC119", 3, 2)],
        ),
        (
            "from flowc import step\n@step\ndef s() -> None: ...\n@step\ndef s() -> int: ...\n",
            [("FC120", 5, 1)],
        ),
        (
            "from flowc import step\ndef outer() -> None:\n    @step\n    def inner() -> None: ...\n",
            [("FC116", 4, 5)],
        ),
        (
            "from flowc import step\nclass K:\n    @step\n    def m(self) -> None: ...\n",
            [("FC116", 4, 5)],
        ),
        (
            "from flowc import flow\ndef a():\n    def b():\n        @flow\n        def c() -> None: ...\n",
            [("FC116", 5, 9)],
        ),
        (
            "from flowc import step\nif True:\n    @step\n    def s() -> None: ...\n",
            [("FC116", 4, 5)],
        ),
    ],
    ids=[
        "async",
        "varargs",
        "kwargs",
        "positional-only",
        "step-and-flow",
        "duplicate",
        "nested-in-function",
        "method",
        "deeply-nested",
        "under-if",
    ],
)
def test_definition_problems(tmp_path: Path, source: str, expected: list[tuple[str, int, int]]) -> None:
    assert positions(lint_source(tmp_path, source)) == expected


@pytest.mark.parametrize(
    ("default", "col"),
    [
        ("x: int = 'no'", 16),
        ("x: list[int] = [1, 'a']", 22),
        ("x: Literal['a'] = 'b'", 25),
        ("x: int = len('a')", 16),
    ],
)
def test_invalid_defaults(tmp_path: Path, default: str, col: int) -> None:
    source = f"from typing import Literal\nfrom flowc import step\n@step\ndef s({default}) -> None: ...\n"
    assert positions(lint_source(tmp_path, source)) == [("FC210", 4, col)]


def test_a_flow_parameter_cannot_be_a_run_status(tmp_path: Path) -> None:
    source = "from flowc import flow, step, RunStatus\n@step\ndef s() -> None: ...\n@flow\ndef f(x: RunStatus) -> None:\n    s()\n"
    assert positions(lint_source(tmp_path, source)) == [("FC212", 5, 7)]


# --- robustness -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "from flowc import step\n@step\nclass C: ...\n",
        "from flowc import step, flow\n@flow\ndef f() -> None:\n    x = [[1] for i in [1]]\n",
        "from flowc import step, flow\n@flow(on_exit=lambda: 0)\ndef f() -> None:\n    pass\n",
        "from flowc import step, flow\n@step\ndef s(x: 'list[') -> None: ...\n",
        "from flowc import step, flow\n@flow\ndef f() -> None:\n    " + "(" * 200 + "1" + ")" * 200 + "\n",
        "from flowc import step, flow\n@step(retries=Retry)\ndef s() -> None: ...\n",
        "from flowc import step, flow\n@step\ndef s(x: int = 10**100000) -> None: ...\n",
    ],
    ids=[
        "decorated-class",
        "comprehension-of-literals",
        "lambda-exit",
        "bad-string-annotation",
        "deep",
        "bare-retry",
        "huge-int",
    ],
)
def test_odd_input_gives_diagnostics_not_internal_errors(tmp_path: Path, source: str) -> None:
    found = lint_source(tmp_path, source)
    assert "FC901" not in codes(found)


# --- the DESIGN §2 example ---------------------------------------------------------------------

DESIGN_EXAMPLE = """
from pathlib import Path
from typing import NamedTuple
from flowc import step, flow, Dataset, Model, Retry, RunStatus

IMAGE = "ghcr.io/acme/ml:1.4"

@step(image=IMAGE, packages=["pandas==2.2.3"])
def ingest(bucket: str, limit: int = 1000) -> Dataset:
    import pandas as pd
    df = load(bucket, limit)
    out = Path("raw.parquet"); df.to_parquet(out)
    return out

class TrainResult(NamedTuple):
    model: Model
    accuracy: float

@step(cpu=4, memory="16Gi", gpu=1, retries=Retry(limit=3, backoff="30s", factor=2),
      timeout="2h", cache=True)
def train(data: Dataset, lr: float = 0.01) -> TrainResult: ...

@step
def score(data: Dataset, lr: float) -> float: ...

@step
def pick_best(scores: list[float], rates: list[float]) -> float: ...

@step
def deploy(model: Model, stage: str = "prod") -> None: ...

@step
def notify(status: RunStatus) -> None: ...

@flow(schedule="0 2 * * *", on_exit=notify)
def training(bucket: str = "my-data-bucket", threshold: float = 0.85,
             rates: list[float] = [0.1, 0.01]) -> None:
    data = ingest(bucket)
    scores = [score(data, lr=r) for r in rates]
    best = pick_best(scores, rates)
    result = train(data, lr=best)
    if result.accuracy > threshold:
        deploy(result.model, stage=f"prod-{bucket}")
"""


def test_the_design_example(tmp_path: Path) -> None:
    result = load_one(tmp_path, DESIGN_EXAMPLE)
    assert codes(result.diagnostics) == []
    assert result.program is not None
    (flow,) = result.program.flows
    assert [type(n).__name__ for n in flow.body] == ["Task", "Loop", "Task", "Task", "Branch"]
    assert [task.id for task in flow.tasks()] == ["ingest", "score", "pick_best", "train", "deploy"]
    assert flow.options.schedule is not None
    assert flow.on_exit is not None
    assert flow.on_exit.status_param == "status"
    train = result.program.step("flow:train")
    assert train.options.retries == ir.RetryPolicy(3, 30, 2.0)
    assert (train.options.cpu, train.options.memory, train.options.gpu) == ("4", "16Gi", 1)
    assert (train.options.timeout_seconds, train.options.cache) == (7200, True)
    assert result.program.step("flow:ingest").options.image == "ghcr.io/acme/ml:1.4"
    assert [s.key for s in result.program.steps] == [
        "flow:deploy",
        "flow:ingest",
        "flow:notify",
        "flow:pick_best",
        "flow:score",
        "flow:train",
    ]


def test_a_comprehension_variable_shadowing_a_task_result(tmp_path: Path) -> None:
    assert body_positions(tmp_path, "x = count(1)\nys = [count(x) for x in [1, 2]]") == [("FC311", 2, 20)]


def test_a_name_bound_in_every_branch_is_still_branch_local(tmp_path: Path) -> None:
    body = "if n > 1:\n    a = count(1)\nelse:\n    a = count(2)\ncount(a)"
    assert body_positions(tmp_path, body) == [("FC304", 5, 7)]


def test_a_flow_parameter_may_be_an_artifact(tmp_path: Path) -> None:
    source = HEADER.replace("(n: int = 2,", "(data: Dataset, n: int = 2,") + "    train(data)\n"
    result = load_source(tmp_path, source)
    assert codes(result.diagnostics) == []
    assert pipeline_of(result).params[0].type == t.ArtifactT("Dataset")


# --- rebinding names ------------------------------------------------------------------------
# A flow is a static graph: a name has one producer per block. Rebinding it in the block that
# bound it is sequential, as in Python; rebinding a name of an enclosing block inside a branch or
# loop body would leave the enclosing block (and the loop's next iteration) with the earlier
# value where Python sees the new one, so it is FC311 at the rebinding.

REBOUND_IN_A_BLOCK = [
    ("x = count(1)\nif n > 1:\n    x = count(2)\ncount(x)", [("FC311", 3, 5)]),
    ("x = count(1)\nfor i in items:\n    x = count(2)\ncount(x)", [("FC311", 3, 5)]),
    ("x = count(1)\nfor i in items:\n    count(x)\n    x = count(2)", [("FC311", 4, 5)]),  # next item
    ("x = count(1)\nif n > 1:\n    x = count(2)", [("FC311", 3, 5)]),  # not even used after
    ("for i in items:\n    n = count(n)", [("FC311", 2, 5)]),  # a flow parameter
    ("x = count(1)\nif n > 1:\n    x = count(2)\n    x = count(x)\ncount(x)", [("FC311", 3, 5)]),
    (
        "x = count(1)\nif n > 1:\n    x = count(2)\nelif n > 0:\n    x = count(3)\nelse:\n    x = count(4)",
        [("FC311", 3, 5), ("FC311", 5, 5), ("FC311", 7, 5)],
    ),
    (
        "for i in items:\n    x = shout(i)\n    if n > 1:\n        x = shout(name)\n    shout(x)",
        [("FC311", 4, 9)],
    ),
    ("x = count(1)\nif n > 1:\n    for i in items:\n        x = count(2)", [("FC311", 4, 9)]),
    ("for i in items:\n    if n > 1:\n        i = shout(name)\n    shout(i)", [("FC311", 3, 9)]),  # loop var
    ("a = load()\nif n > 1:\n    a, s = train(a)\n    evaluate(a)", [("FC311", 3, 5)]),
    ("x = count(1)\nif n > 1:\n    x: int = count(2)", [("FC311", 3, 5)]),
    ("xs = [count(i) for i in [1]]\nif n > 1:\n    xs = [count(i) for i in [2]]", [("FC311", 3, 5)]),
    ("x = count(1)\nif n > 1:\n    with after(x):\n        x = count(2)", [("FC311", 4, 9)]),
    ("d = done()\nfor i in items:\n    d = done()\nwith after(d):\n    done()", [("FC311", 3, 5)]),
    ("x = count(1)\nif n > 1:\n    x = missing()", [("FC303", 3, 9), ("FC311", 3, 5)]),
]


@pytest.mark.parametrize(("body", "expected"), REBOUND_IN_A_BLOCK, ids=[b for b, _ in REBOUND_IN_A_BLOCK])
def test_rebinding_an_enclosing_name_in_a_block(
    tmp_path: Path, body: str, expected: list[tuple[str, int, int]]
) -> None:
    assert sorted(body_positions(tmp_path, body)) == sorted(expected)


def test_the_rebinding_notes_the_earlier_binding(tmp_path: Path) -> None:
    found = lint_source(tmp_path, flow_source("x = count(1)\nshout(name)\nif n > 1:\n    x = count(2)"))
    (rebinding,) = found
    assert positions(found) == [("FC311", BODY_LINE + 3, 9)]
    (note,) = rebinding.notes
    assert str(BODY_LINE) in note


def test_a_name_standing_for_a_reported_mistake_is_not_reported_again(tmp_path: Path) -> None:
    assert body_positions(tmp_path, "x = missing()\nif n > 1:\n    x = count(1)") == [("FC303", 1, 5)]


def test_unpacking_into_the_name_of_a_step(tmp_path: Path) -> None:
    assert body_positions(tmp_path, "load, s = train(load())") == [("FC311", 1, 1)]


def test_rebinding_in_the_same_block_is_sequential(tmp_path: Path) -> None:
    body = body_of(tmp_path, "a = count(n)\na = count(a)\ncount(a)")
    first, second, third = tasks(body)
    assert output(second.arg("x")) == (first.id, None)
    assert output(third.arg("x")) == (second.id, None)


def test_unpacking_passes_the_earlier_value_of_a_rebound_name(tmp_path: Path) -> None:
    first, second, third = tasks(body_of(tmp_path, "a = load()\na, s = train(a)\nevaluate(a)"))
    assert output(second.arg("data")) == (first.id, None)
    assert output(third.arg("model")) == (second.id, "model")


@pytest.mark.parametrize("kind", ["if n > 1:", "for i in items:"])
def test_rebinding_a_block_local_name_in_its_block_is_sequential(tmp_path: Path, kind: str) -> None:
    body = body_of(tmp_path, f"{kind}\n    b = count(1)\n    b = count(b)\n    count(b)")
    first, second, third = tasks(body)
    assert output(second.arg("x")) == (first.id, None)
    assert output(third.arg("x")) == (second.id, None)


def test_rebinding_a_loop_variable_in_its_own_body_is_sequential(tmp_path: Path) -> None:
    loop = only(body_of(tmp_path, "for i in items:\n    i = shout(i)\n    shout(i)"), ir.Loop)
    first, second = tasks(loop.body)
    assert isinstance(first.arg("text"), ir.LoopItem)
    assert output(second.arg("text")) == (first.id, None)


def test_rebinding_a_collected_result_at_the_top_level(tmp_path: Path) -> None:
    body = body_of(tmp_path, "xs = [count(i) for i in [1, 2]]\nxs = [count(x) for x in xs]\ncount(1)")
    first, second, _ = body
    assert isinstance(first, ir.Loop)
    assert isinstance(second, ir.Loop)
    assert isinstance(second.source, ir.Collected)
    assert second.source.loop == first.id


def test_block_local_names_of_separate_blocks_are_separate(tmp_path: Path) -> None:
    body = body_of(
        tmp_path,
        """
        if n > 1:
            x = count(1)
            count(x)
        for i in items:
            x = count(2)
            count(x)
        x = count(3)
        count(x)
        """,
    )
    assert [output(task.arg("x"))[0] for task in tasks(body) if isinstance(task.arg("x"), ir.TaskOutput)] == [
        "count",
        "count_3",
        "count_5",
    ]


# A name the flow binds is a local in Python, even where a module constant has the same name:
# f-strings and literals over it are not folded to the constant.


@pytest.mark.parametrize(
    "body",
    [
        "PREFIX = shout(name)\nshout(f'{PREFIX}-x')",
        "for PREFIX in items:\n    shout(f'{PREFIX}-x')",
        "xs = [shout(f'{PREFIX}-x') for PREFIX in items]",
    ],
)
def test_a_local_name_is_not_the_module_constant_it_shadows(tmp_path: Path, body: str) -> None:
    used = tasks(body_of(tmp_path, body))[-1].arg("text")
    assert isinstance(used, ir.FString)
    assert isinstance(used.parts[0], (ir.TaskOutput, ir.LoopItem))


def test_a_flow_parameter_is_not_the_module_constant_it_shadows(tmp_path: Path) -> None:
    source = HEADER.replace("(n: int = 2,", "(PREFIX: str, n: int = 2,") + "    shout(f'{PREFIX}-x')\n"
    result = load_source(tmp_path, source)
    assert codes(result.diagnostics) == []
    (task,) = tasks(pipeline_of(result).body)
    used = task.arg("text")
    assert isinstance(used, ir.FString)
    param = used.parts[0]
    assert isinstance(param, ir.ParamRef)
    assert param.name == "PREFIX"


SHADOWED_CONSTANT = [
    ("if n > 1:\n    PREFIX = shout(name)\nshout(f'{PREFIX}')", [("FC304", 3, 10)]),
    ("PREFIX = shout(name)\ntotal([PREFIX, 1.0])", [("FC302", 2, 7)]),
]


@pytest.mark.parametrize(("body", "expected"), SHADOWED_CONSTANT, ids=[b for b, _ in SHADOWED_CONSTANT])
def test_a_shadowed_module_constant_is_not_folded(
    tmp_path: Path, body: str, expected: list[tuple[str, int, int]]
) -> None:
    assert body_positions(tmp_path, body) == expected


def test_a_result_shadowing_a_constant_is_not_a_parallel_limit(tmp_path: Path) -> None:
    header = HEADER.replace('PREFIX = "run"\n', 'PREFIX = "run"\nLIMIT = 4\n')
    source = header + "    LIMIT = count(1)\n    for i in parallel(items, max=LIMIT):\n        shout(i)\n"
    line = header.count("\n") + 2
    assert positions(lint_source(tmp_path, source)) == [("FC309", line, 34)]


# --- narrowing of Optional values by conditions -----------------------------------------------


@pytest.mark.parametrize(
    ("test", "outcome", "proved"),
    [
        ("x is not None", True, {"x"}),
        ("x is not None", False, set()),
        ("x is None", False, {"x"}),
        ("None is x", False, {"x"}),
        ("x != None", True, {"x"}),
        ("x == None", True, set()),
        ("x", True, {"x"}),
        ("x", False, set()),
        ("not x", False, {"x"}),
        ("r.f is not None", True, {"r.f"}),
        ("x is not None and y is not None", True, {"x", "y"}),
        ("x is not None and y is not None", False, set()),
        ("x is None or y is None", False, {"x", "y"}),
        ("x is not None or y is not None", True, set()),
        ("x is not None or x", True, {"x"}),
        ("x == 3", True, set()),
        ("x is not None is not y", True, set()),
        ("f(x) is not None", True, set()),
    ],
)
def test_what_a_condition_proves_not_none(test: str, outcome: bool, proved: set[str]) -> None:
    import ast

    from flowc.compiler.frontend.flows import not_none

    node = ast.parse(test, mode="eval").body
    assert not_none(node, outcome) == proved


def test_a_narrowed_value_keeps_its_producer(tmp_path: Path) -> None:
    """Narrowing changes the type the wiring is checked with, not the value passed."""
    src = textwrap.dedent(
        """
        from typing import Optional
        from flowc import flow, step

        @step
        def maybe() -> Optional[int]: ...
        @step
        def need(n: int) -> None: ...
        @flow
        def f() -> None:
            m = maybe()
            if m is not None:
                need(m)
        """
    )
    result = load_one(tmp_path, src)
    assert codes(result.diagnostics) == []
    assert result.program is not None
    (flow,) = result.program.flows
    need = next(task for task in flow.tasks() if task.id == "need")
    (arg,) = need.args
    assert isinstance(arg.value, ir.TaskOutput)
    assert arg.value.task == "maybe"
    assert ir.value_type(result.program, flow, arg.value, ()) == t.OptionalT(t.INT)


FSTRING_PARTS = """
from flowc import flow, step

REGISTRY = "ghcr.io/acme"
TAG = "v1"


@step
def echo(s: str) -> str:
    return s


@step(image=f"{REGISTRY}/ml:"
            f"{TAG:d}")
def other(s: str) -> str:
    return s


@flow
def parts(name: str = "a") -> str:
    return echo(f"{name}-"
                f"{name!r}")
"""


def test_a_part_of_a_concatenated_f_string_is_placed_at_its_value(tmp_path: Path) -> None:
    """Python 3.11 places a `{...}` part at the whole (concatenated) f-string, 3.12+ at itself:
    diagnostics point at the value inside, placed alike by both, so lint agrees across them."""
    found = positions(lint_source(tmp_path, FSTRING_PARTS))
    assert ("FC101", 13, 16) in found  # TAG, on the second line
    assert ("FC302", 21, 20) in found  # name, on the second line
