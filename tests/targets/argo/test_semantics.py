"""Flows whose Argo run must do what their Python call does: which branches run (`when` against
the condition task), what a flow returns (its parameters, collected values, empty fan-outs), and
flows that once failed flowc's own check (FC902). Each compiled workflow runs under `argo_sim`
(the controller's semantics) and passes Argo's own validator (`argo_lint`); its outputs are read
back with `targets.argo.outputs`, by their declared types."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from flowc.compiler import ir
from flowc.compiler.frontend.loader import load_flow
from flowc.compiler.shipping import encode_value
from flowc.targets import CompileOptions, CompileResult, load_target
from flowc.targets.argo.outputs import decode_outputs, reported_texts

from tests.oracles.argo import argo_lint
from tests.oracles.argo_sim import Run, SkippedRefs, run_workflow

_MARK = re.compile(r"MARK:([^\n]*)")


def compile_source(tmp_path: Path, source: str, flow: str, **options: Any) -> tuple[CompileResult, ir.Flow]:
    path = tmp_path / f"{flow}_flows.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    loaded = load_flow(path, flow)
    assert loaded.program is not None, [(d.code, d.message) for d in loaded.diagnostics]
    result = load_target("argo").compile(loaded.program, CompileOptions(sources=loaded.sources, **options))
    return result, loaded.program.flow(loaded.program.entry or "")


def compile_ok(tmp_path: Path, source: str, flow: str) -> tuple[str, ir.Flow]:
    """The compiled document (after checking Argo's validator accepts it) and the flow."""
    result, entry = compile_source(tmp_path, source, flow)
    assert result.ok, [(d.code, d.message) for d in result.diagnostics]
    (output,) = result.outputs
    path = tmp_path / output.name
    path.write_bytes(output.data)
    (linted,) = argo_lint([path])
    assert linted.ok, linted.errors
    return output.data.decode(), entry


def python_call(tmp_path: Path, flow: str, params: dict[str, Any]) -> tuple[Any, list[str]]:
    """The flow called in-process (a debugger's view of it): what it returns, and the marks its
    steps printed."""
    path = tmp_path / f"{flow}_flows.py"
    spec = importlib.util.spec_from_file_location(f"semantics_{flow}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        printed = io.StringIO()
        (tmp_path / "py").mkdir(exist_ok=True)
        with contextlib.chdir(tmp_path / "py"), contextlib.redirect_stdout(printed):
            result = getattr(module, flow)(**params)
    finally:
        del sys.modules[spec.name]
    return result, sorted(_MARK.findall(printed.getvalue()))


def argo_call(
    tmp_path: Path, document: str, entry: ir.Flow, params: dict[str, Any], mode: SkippedRefs = "literal"
) -> tuple[Run, list[str]]:
    types = {p.name: p.type for p in entry.params}
    texts = {k: encode_value(v, types[k]) for k, v in params.items()}
    run = run_workflow(document, texts, workdir=tmp_path / "argo", timeout=120, skipped_refs=mode)
    printed = "\n".join(a.stdout + a.stderr for n in run.nodes for a in n.attempts)
    return run, sorted(_MARK.findall(printed))


def named(entry: ir.Flow, result: Any) -> dict[str, Any]:
    names = [o.name for o in entry.outputs]
    return dict(zip(names, list(result) if len(names) > 1 else [result] if names else [], strict=True))


def assert_same_run(
    tmp_path: Path, source: str, flow: str, params: dict[str, Any], mode: SkippedRefs = "literal"
) -> tuple[str, Run]:
    document, entry = compile_ok(tmp_path, source, flow)
    result, py_marks = python_call(tmp_path, flow, params)
    run, argo_marks = argo_call(tmp_path, document, entry, params, mode)
    assert run.status == "Succeeded", run.message
    assert argo_marks == py_marks
    assert decode_outputs(entry, run.outputs) == named(entry, result)
    return document, run


def dag_tasks(document: str, template: str) -> dict[str, dict[str, Any]]:
    doc = yaml.safe_load(document)
    found = next(t for t in doc["spec"]["templates"] if t["name"] == template)
    return {t["name"]: t for t in found["dag"]["tasks"]}


# --- conditions: `when` only where govaluate agrees with Python -------------------------------

NUMBERS = """
from flowc import flow, step

@step
def f(x: float) -> float:
    return x

@step
def i(x: int) -> int:
    return x

@step
def b(x: bool) -> bool:
    return x

@step
def mark(tag: str) -> str:
    print("MARK:" + tag)
    return tag

@flow
def numbers(tiny: float = 5e-05, big: int = 9007199254740993, neg: float = -2.5, flag: bool = False,
            n: int = 0, thr: float = 0.3) -> int:
    a = f(tiny)
    c = f(neg)
    k = i(big)
    z = i(n)
    v = b(flag)
    if a < 0.001:
        mark("tiny<0.001")
    if a > 1e-05:
        mark("tiny>1e-05")
    if c < -2:
        mark("neg<-2")
    if a >= thr or c > thr:
        mark("or")
    if k > 9007199254740992:
        mark("big>2**53")
    if k == 9007199254740993:
        mark("big==")
    if k != big:
        mark("big!=param")
    if z > 3:
        mark("n>3")
    elif z == 0:
        mark("n==0")
    else:
        mark("n-else")
    if z == False:
        mark("n==False")
    if v == False:
        mark("flag==False")
    if not v:
        mark("not-flag")
    if v > False:
        mark("flag>False")
    return k
"""


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"tiny": 1e-07, "big": 2**53, "neg": -1.5, "flag": True, "n": 1},
        {"tiny": 2.5, "big": -(2**60) - 1, "neg": 1e20, "flag": False, "n": 4, "thr": 1e-09},
    ],
    ids=["defaults", "small", "large"],
)
def test_branches_run_as_in_python(tmp_path: Path, params: dict[str, Any]) -> None:
    """Float texts like `5e-05` and `1e+20` would make a `when` an error, ints beyond 2**53 compare
    as float64 there, and `0 == false` is false: none of them may reach a `when`."""
    assert_same_run(tmp_path, NUMBERS, "numbers", params)


def test_when_is_only_written_where_it_is_exact(tmp_path: Path) -> None:
    document, _ = compile_ok(tmp_path, NUMBERS, "numbers")
    tasks = dag_tasks(document, "numbers")
    whens = {name: task.get("when", "") for name, task in tasks.items() if name.startswith("mark")}
    direct = sorted(w for w in whens.values() if "-cond." not in w)
    # only `z > 3` / `z == 0` (an int against a small int literal) and the bool comparisons
    assert direct == sorted(
        [
            "{{tasks.i-2.outputs.result}} > 3",
            "!({{tasks.i-2.outputs.result}} > 3) && {{tasks.i-2.outputs.result}} == 0",
            "!({{tasks.i-2.outputs.result}} > 3) && !({{tasks.i-2.outputs.result}} == 0)",
            "{{tasks.b.outputs.result}} == false",
            "!({{tasks.b.outputs.result}} == true)",
        ]
    )
    conditions = [name for name in tasks if name.endswith("-cond")]
    # floats (4), 2**53 and beyond (2), two run-time ints (1), an int against a bool, bools ordered
    assert len(conditions) == 9


# --- what a flow returns -------------------------------------------------------------------------

RETURNS = """
from typing import Optional
from flowc import Dataset, flow, step

@step
def noop() -> None:
    pass

@step
def size(d: Dataset) -> int:
    return len(d.read_text())

@step
def write(s: str) -> Dataset:
    from pathlib import Path
    Path("d.txt").write_text(s)
    return Path("d.txt")

@flow
def same(x: int, d: Dataset) -> tuple[int, Dataset]:
    noop()
    return (x, d)

@flow
def returns(x: int = 3, s: str = 'a "b"\\n ü', o: Optional[int] = None,
            l: list[float] = [1.0, 2.5]) -> tuple[int, str, Optional[int], list[float], int, int]:
    noop()
    y, d = same(x, write(s))
    return (x, s, o, l, y, size(d))
"""


def test_a_flow_returns_its_parameters(tmp_path: Path) -> None:
    """Argo substitutes `{{inputs.parameters.x}}` in a DAG's outputs before resolving them (and
    then resolves `{{3}}`): the bare scope key is what resolves."""
    document, run = assert_same_run(tmp_path, RETURNS, "returns", {"x": 7, "o": 4})
    outputs = {
        p["name"]: p["valueFrom"]
        for p in yaml.safe_load(document)["spec"]["templates"][0]["outputs"]["parameters"]
    }
    assert outputs["output_0"] == {"parameter": "inputs.parameters.x"}
    assert run.node("same").outputs == {"output_0": "7"}


def test_returning_a_literal_is_refused_and_its_hint_works(tmp_path: Path) -> None:
    literal = """
    from flowc import flow, step

    @step
    def noop() -> None:
        pass

    @flow
    def seven() -> int:
        noop()
        return 7
    """
    result, _ = compile_source(tmp_path, literal, "seven")
    assert [d.code for d in result.diagnostics] == ["FC501"]
    hinted = literal.replace("def seven() -> int:", "def seven(n: int = 7) -> int:").replace(
        "return 7", "return n"
    )
    assert_same_run(tmp_path, hinted, "seven", {})


def test_a_flow_that_runs_no_task_is_refused(tmp_path: Path) -> None:
    """Argo's validator refuses a DAG without tasks."""
    source = """
    from flowc import flow, step

    @step
    def inc(x: int) -> int:
        return x + 1

    @flow
    def same(x: int) -> int:
        return x

    @flow
    def outer(x: int = 1) -> int:
        return inc(same(x))
    """
    result, _ = compile_source(tmp_path, source, "outer")
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("FC501", 9)]


def test_returning_a_parameter_that_may_be_a_string_item_is_refused(tmp_path: Path) -> None:
    """Such a parameter arrives as JSON text (`"a"`); a DAG output can't decode it."""
    source = """
    from flowc import flow, step

    @flow
    def ident(s: str) -> str:
        return s

    @flow
    def strings(xs: list[str] = ["a", "b"]) -> list[str]:
        return [ident(x) for x in xs]
    """
    result, _ = compile_source(tmp_path, source, "strings")
    assert [d.code for d in result.diagnostics] == ["FC501"]


COLLECTED = """
from typing import NamedTuple
from flowc import flow, step

class R(NamedTuple):
    v: int
    s: str

@step
def mk(i: int) -> R:
    return R(v=i * 10, s=f"s{i}")

@step
def add(a: int, b: int) -> int:
    return a + b

@step
def total(xs: list[int]) -> int:
    return sum(xs)

@flow
def single(x: int) -> int:
    return add(x, 1)

@flow
def collected(items: list[int] = [1, 2, 3]) -> tuple[list[int], list[str], list[int], list[int], list[int]]:
    rs = [mk(i) for i in items]
    nested = [total([add(o, k) for k in items]) for o in items]
    return ([r.v for r in rs], [r.s for r in rs], [single(v) for v in items], nested,
            [add(i, 0) for i in items])
"""


def test_collected_outputs_read_back_as_python_values(tmp_path: Path) -> None:
    """Argo collects output parameters as a JSON list of their texts (`["10","20"]`); read by
    their declared types, the flow's outputs are Python's."""
    _, run = assert_same_run(tmp_path, COLLECTED, "collected", {})
    assert json.loads(run.outputs["output_0"]) == ["10", "20", "30"]  # what Argo itself reports
    assert json.loads(run.outputs["output_4"]) == [1, 2, 3]  # results are collected as JSON


OPTIONAL_ITEMS = """
from typing import NamedTuple, Optional
from flowc import flow, step

class R(NamedTuple):
    v: Optional[int]
    s: str

@step
def mk(i: int) -> R:
    return R(None if i == 2 else i, "x")

@step
def show(xs: list[Optional[int]]) -> str:
    return repr(xs)

@flow
def optional_items(items: list[int] = [1, 2, 3]) -> tuple[str, list[Optional[int]]]:
    rs = [mk(i) for i in items]
    vs = [r.v for r in rs]
    return (show(vs), vs)
"""


def test_collected_optional_items_keep_their_none(tmp_path: Path) -> None:
    """Argo collects an output written `null` as the text `null` (`["1","null","3"]`): the
    fan-in step and the flow's outputs read it as None."""
    _, run = assert_same_run(tmp_path, OPTIONAL_ITEMS, "optional_items", {})
    assert json.loads(run.outputs["output_1"]) == ["1", "null", "3"]


def test_outputs_that_argo_re_encoded_are_refused(tmp_path: Path) -> None:
    source = """
    from flowc import flow, step

    @step
    def text(i: int) -> str:
        return "{}" if i else "a"

    @flow
    def texts(items: list[int] = [0, 1]) -> list[str]:
        return [text(i) for i in items]
    """
    document, entry = compile_ok(tmp_path, source, "texts")
    run, _ = argo_call(tmp_path, document, entry, {})
    assert decode_outputs(entry, run.outputs) == {"output": ["a", "{}"]}
    run, _ = argo_call(tmp_path, document, entry, {"items": [1, 1]})
    assert run.outputs == {"output": "[{},{}]"}  # every text was a JSON object: Argo decoded them
    with pytest.raises(ValueError, match="output"):
        decode_outputs(entry, run.outputs)
    with pytest.raises(ValueError, match="output"):
        decode_outputs(entry, {})


def test_reported_texts_are_the_root_nodes_outputs() -> None:
    workflow = {
        "metadata": {"name": "wf-abc"},
        "status": {
            "nodes": {
                "wf-abc": {"outputs": {"parameters": [{"name": "output", "value": '["1","2"]'}]}},
                "wf-abc-1": {"outputs": {"parameters": [{"name": "output", "value": "1"}]}},
            }
        },
    }
    assert reported_texts(workflow) == {"output": '["1","2"]'}
    assert reported_texts({"metadata": {"name": "wf"}, "status": {}}) == {}


# --- flows flowc's own check once refused (FC902) ------------------------------------------------


def test_an_f_string_waits_for_every_task_it_reads(tmp_path: Path) -> None:
    source = """
    from flowc import flow, step

    @step
    def echo(s: str) -> str:
        return s

    @step
    def it(x: int) -> int:
        return x

    @flow
    def both(n: int = 3) -> str:
        a = it(n)
        b = it(n)
        return echo(f"{a}-{b}")
    """
    document, _ = assert_same_run(tmp_path, source, "both", {"n": 5})
    assert dag_tasks(document, "both")["echo"]["depends"] == "it && it-2"


def test_a_condition_over_a_nested_collection(tmp_path: Path) -> None:
    source = """
    from flowc import flow, step

    @step
    def sq(a: int) -> int:
        return a * a

    @step
    def total(xs: list[int]) -> int:
        return sum(xs)

    @step
    def mark(tag: str) -> str:
        print("MARK:" + tag)
        return tag

    @flow
    def nested(outer: list[int] = [1, 2]) -> list[int]:
        res = [total([sq(k) for k in outer]) for o in outer]
        if 5 in res:
            mark("five")
        if 4 in res:
            mark("four")
        return res
    """
    assert_same_run(tmp_path, source, "nested", {})


# --- fan-outs that run no iteration ------------------------------------------------------------

EMPTY = """
from flowc import flow, step

@step
def sq(x: int) -> int:
    return x * x

@step
def total(xs: list[int]) -> int:
    print(f"MARK:total {len(xs)}")
    return sum(xs)

@step
def gen(n: int) -> list[int]:
    return list(range(n))

@flow
def squares(xs: list[int]) -> list[int]:
    return [sq(x) for x in xs]

@flow
def summed(xs: list[int]) -> int:
    return total(xs)

@flow
def returned(n: int = 0) -> tuple[list[int], list[list[int]], list[int]]:
    ks = gen(n)
    return ([sq(k) for k in ks], [squares(ks) for o in [1, 2]], [summed(ks) for o in ks])

@flow
def fan_in(n: int = 0) -> int:
    ks = gen(n)
    return total([sq(k) for k in ks])
"""


@pytest.mark.parametrize("mode", ["literal", "empty", "hang"])
def test_a_flow_returns_what_an_empty_fan_out_collected(tmp_path: Path, mode: SkippedRefs) -> None:
    """A fan-out that ran no iteration leaves its outputs unset; a DAG's output defaults to `[]`
    on every Argo version (v3; v4 with or without PR #15841)."""
    assert_same_run(tmp_path, EMPTY, "returned", {}, mode)
    assert_same_run(tmp_path, EMPTY, "returned", {"n": 2}, mode)


@pytest.mark.parametrize(("mode", "works"), [("literal", True), ("empty", False), ("hang", False)])
def test_a_fan_in_after_an_empty_fan_out(tmp_path: Path, mode: SkippedRefs, works: bool) -> None:
    """Argo v3 hands the unresolved reference on, and the step reads it as `[]`; Argo v4 never
    starts the fan-in (README: a known limitation, FC507 where the list is empty by default)."""
    if works:
        assert_same_run(tmp_path, EMPTY, "fan_in", {}, mode)
        return
    document, entry = compile_ok(tmp_path, EMPTY, "fan_in")
    run, _ = argo_call(tmp_path, document, entry, {}, mode)
    assert run.status == "Error"
    assert run.task("total").phase == "Error"
    run, _ = argo_call(tmp_path, document, entry, {"n": 2}, mode)
    assert decode_outputs(entry, run.outputs) == {"output": 1}


EMPTY_BY_DEFAULT = """
from flowc import flow, step

@step
def sq(x: int) -> int:
    return x * x

@step
def total(xs: list[int]) -> int:
    return sum(xs)

@flow
def by_default(items: list[int] = []) -> tuple[int, list[int]]:
    a = [sq(i) for i in items]
    b = [sq(i) for i in items]
    return (total(a), b)
"""


def test_reading_an_empty_by_default_fan_out_is_a_warning_on_argo_4(tmp_path: Path) -> None:
    result, _ = compile_source(tmp_path, EMPTY_BY_DEFAULT, "by_default")
    assert result.ok
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("FC507", 14)]  # `a`: total reads it
    result, _ = compile_source(tmp_path, EMPTY_BY_DEFAULT, "by_default", argo_version=3)
    assert result.diagnostics == ()


TOLERATED = """
from flowc import after, flow, step

@step(continue_on_failure=True)
def soft(x: int) -> int:
    if x > 0:
        raise ValueError("soft")
    return x

@step
def use(v: int) -> int:
    print(f"MARK:use {v}")
    return v

@step
def later(v: int) -> int:
    print(f"MARK:later {v}")
    return v

@step
def mark(tag: str) -> str:
    print("MARK:" + tag)
    return tag

@flow
def tolerated(x: int = 1) -> None:
    s = soft(x)
    u = use(s)
    later(u)
    with after(s):
        mark("ordered")
"""


@pytest.mark.parametrize("x", [0, 1])
def test_a_tolerated_failure_skips_what_reads_it_and_runs_what_is_only_ordered(
    tmp_path: Path, x: int
) -> None:
    """After a `continue_on_failure` task failed, Argo would start the tasks reading its outputs
    with the outputs' tags unresolved; a `when` on its status skips them (and what comes after
    them) instead, as `flowc run` does. Tasks only ordered after it run."""
    document, entry = compile_ok(tmp_path, TOLERATED, "tolerated")
    run, marks = argo_call(tmp_path, document, entry, {"x": x})
    if x == 0:
        assert run.status == "Succeeded", run.message
        assert marks == ["later 0", "ordered", "use 0"]
    else:
        assert marks == ["ordered"]  # `use` and `later` never ran with an unwritten input
        assert {n.task for n in run.nodes if n.phase == "Skipped"} >= {"use", "later"}


ANY_ITEMS = """
from typing import Any
from flowc import flow, step

@step
def echo(s: str) -> str:
    return s

@step
def echo_any(v: Any) -> Any:
    return v

@flow
def any_items(rows: list[dict[str, Any]] = [{"k": "plain"}], strs: list[str] = ["plain"],
              anys: list[Any] = ["x"]) -> tuple[list[str], list[Any], list[Any], list[Any]]:
    a = [echo(r["k"]) for r in rows]
    b = [echo_any(s) for s in strs]
    c = [echo_any(x) for x in anys]
    d = [echo_any(r["k"]) for r in rows]
    return (a, b, c, d)
"""

HOSTILE_TEXT = 'q"uote nl\\nx \\u00fc'


def test_string_loop_items_reach_parameters_unescaped(tmp_path: Path) -> None:
    """Argo renders a string `{{item}}` with its JSON escapes but without its quotes: a loop
    item travels quoted where it surely is a string (a `str` item into an `Any` parameter) or
    must be one (an `Any` item into a `str` parameter)."""
    params = {"rows": [{"k": HOSTILE_TEXT}], "strs": [HOSTILE_TEXT], "anys": [3, [1, "a"]]}
    source = ANY_ITEMS.replace('d = [echo_any(r["k"]) for r in rows]', "d = [echo(s) for s in strs]")
    assert_same_run(tmp_path, source, "any_items", params)


def test_an_any_item_for_an_any_parameter_is_a_warning(tmp_path: Path) -> None:
    """Argo renders the string "3" and the number 3 alike: such an item can't be quoted."""
    result, _ = compile_source(tmp_path, ANY_ITEMS, "any_items")
    assert result.ok
    assert sorted((d.code, d.span.line) for d in result.diagnostics) == [("FC507", 18), ("FC507", 19)]


OPTIONAL_ARTIFACTS = """
from pathlib import Path
from typing import Optional

from flowc import Model, flow, step


@step
def maybe(flag: bool) -> Optional[Model]:
    if flag:
        path = Path("m.txt")
        path.write_text("yes")
        return path
    return None


@step
def use(m: Optional[Model]) -> str:
    return "none" if m is None else m.read_text()


@flow
def inner(flag: bool) -> Optional[Model]:
    return maybe(flag)


@flow
def optional_artifacts(flag: bool = False) -> tuple[str, str]:
    return (use(inner(flag)), use(maybe(flag)))
"""


@pytest.mark.parametrize("flag", [False, True])
def test_an_optional_artifact_may_be_none(tmp_path: Path, flag: bool) -> None:
    """A step returning None for an `Optional[Model]` leaves no file: Argo must not fail it
    (`optional` on the output), nor the tasks and DAG outputs that take it (on their arguments)."""
    assert_same_run(tmp_path, OPTIONAL_ARTIFACTS, "optional_artifacts", {"flag": flag})


OPTIONAL_TEXT_ITEMS = """
from typing import Optional

from flowc import flow, step


@step
def greet(name: Optional[str]) -> str:
    return f"hello {name}"


@flow
def relay(name: Optional[str]) -> str:
    return greet(name)


@flow
def optional_text_items(names: list[str] = ["Zoë", 'say "hi"', "a\\nb"]) -> tuple[list[str], list[str]]:
    return ([greet(n) for n in names], [relay(n) for n in names])
"""


def test_string_items_reach_optional_str_parameters_unescaped(tmp_path: Path) -> None:
    """Argo renders a string item with its JSON escapes: flowc quotes it for an `Optional[str]`
    parameter too, directly and through a sub-flow's parameter."""
    assert_same_run(tmp_path, OPTIONAL_TEXT_ITEMS, "optional_text_items", {})


def test_an_f_string_over_a_sub_flow_parameter_a_string_item_reaches(tmp_path: Path) -> None:
    source = OPTIONAL_TEXT_ITEMS.replace("return greet(name)", 'return greet(f"<{name}>")')
    source = source.replace("relay(name: Optional[str])", "relay(name: str)")
    result, _entry = compile_source(tmp_path, source, "optional_text_items")
    assert [d.code for d in result.diagnostics if d.is_error] == ["FC501"]
    (error,) = [d for d in result.diagnostics if d.is_error]
    assert (error.span.line, error.span.col) == (14, 22)  # at `name` in the f-string


FLOAT_ITEMS = """
from typing import Any

from flowc import flow, step


@step
def train(cfg: dict[str, Any], tag: str) -> str:
    return f"{cfg!r} {tag}"


@step
def say(text: str) -> str:
    return text


@flow
def float_items() -> tuple[list[str], list[str]]:
    a = [train(c, f"lr={c['lr']}") for c in [{"lr": 1.0}, {"lr": 1e-05}]]
    b = [say(f"r={r}") for r in [1e-05, 2.0, 3]]
    return (a, b)
"""


def test_floats_of_a_literal_loop_list_keep_their_text(tmp_path: Path) -> None:
    """`withItems` would hand them on as Go writes float64s (`2.0` as `2`); `withParam` keeps
    the JSON text, so `1.0` and `1e-05` arrive as Python wrote them."""
    document, _run = assert_same_run(tmp_path, FLOAT_ITEMS, "float_items", {})
    assert "withItems" not in document
