"""The split/join lowering: over random DAGs (with loops and branches), every edge of the flow's
task graph is respected by the compiled FlowSpec's step graph (the step of a task's input
reaches the task's step), and Metaflow's own graph linter accepts the file."""

from __future__ import annotations

import importlib.util
import random
import re
import sys
from pathlib import Path

import pytest
from flowc.compiler import graph, ir
from flowc.targets import CompileOptions, load_target
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.harness import load_one

NEXT = re.compile(r"self\.next\((.*)\)$")
TARGET_REF = re.compile(r"self\.(\w+)")


def dag_source(seed: int, size: int) -> str:
    """A flow of `size` tasks with random data edges, some in a loop or under a condition."""
    rng = random.Random(seed)
    lines = [
        "from flowc import flow, step",
        "",
        "@step",
        "def op(a: int = 0, b: int = 0, c: int = 0) -> int:",
        "    return a + b + c + 1",
        "",
        "@step",
        "def total(xs: list[int]) -> int:",
        "    return sum(xs)",
        "",
        "@flow",
        "def random_dag(n: int = 1) -> None:",
    ]
    names: list[str] = []
    for i in range(size):
        inputs = rng.sample(names, k=min(len(names), rng.randint(0, 3)))
        args = ", ".join(f"{k}={v}" for k, v in zip("abc", inputs, strict=False)) or "a=n"
        shape = rng.random()
        if shape < 0.15 and names:  # a fan-out and its fan-in
            lines.append(f"    l{i} = [op(a=x, b={rng.choice(names)}) for x in [1, 2]]")
            lines.append(f"    t{i} = total(l{i})")
            names.append(f"t{i}")
        elif shape < 0.25 and names:  # a task under a condition
            lines.append(f"    if {rng.choice(names)} > 2:")
            lines.append(f"        op({args})")
        else:
            lines.append(f"    t{i} = op({args})")
            names.append(f"t{i}")
    return "\n".join(lines) + "\n"


def step_graph(text: str) -> dict[str, set[str]]:
    """step → the steps it goes on to, read from the compiled file's `self.next(...)` lines."""
    edges: dict[str, set[str]] = {}
    current = None
    for line in text.splitlines():
        match = re.match(r"    def (\w+)\(self", line)
        if match:
            current = match.group(1)
            edges[current] = set()
        found = NEXT.search(line.strip())
        if found and current is not None:
            edges[current] |= set(TARGET_REF.findall(found.group(1)))
    return edges


def reaches(edges: dict[str, set[str]], source: str) -> set[str]:
    seen, stack = set(), [source]
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def compile_flow(folder: Path, source: str) -> tuple[ir.Flow, str]:
    loaded = load_one(folder, source)
    assert loaded.ok and loaded.program is not None, [(d.code, d.message) for d in loaded.diagnostics]
    result = load_target("metaflow").compile(loaded.program, CompileOptions(sources=loaded.sources))
    assert result.ok, [(d.code, d.message) for d in result.diagnostics]
    return loaded.program.flow(loaded.program.entry or ""), result.outputs[0].data.decode()


def metaflow_lint(path: Path) -> None:
    """Metaflow's graph linter (what `python flow.py check` runs), in this process."""
    from metaflow.graph import FlowGraph
    from metaflow.lint import linter

    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    try:
        spec.loader.exec_module(module)
        flow_class = next(v for k, v in vars(module).items() if k.endswith("Flow") and isinstance(v, type))
        linter.run_checks(FlowGraph(flow_class))
    finally:
        del sys.modules[path.stem]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), size=st.integers(1, 14))
def test_every_edge_of_a_random_dag_is_kept(
    seed: int, size: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    flow, text = compile_flow(tmp_path_factory.mktemp("dag"), dag_source(seed, size))
    steps = step_graph(text)
    assert steps["end"] == set()
    assert reaches(steps, "start") >= set(steps) - {"start"}  # no orphan step
    for edge in graph.edges(flow):
        assert edge.target in reaches(steps, edge.source), (edge, dag_source(seed, size))
    for task in flow.tasks():
        assert task.id not in reaches(steps, task.id), f"a cycle through {task.id}"


@pytest.mark.parametrize("seed", range(12))
def test_metaflows_linter_accepts_random_dags(seed: int, tmp_path: Path) -> None:
    pytest.importorskip("metaflow")
    (tmp_path / "src").mkdir()
    _flow, text = compile_flow(tmp_path / "src", dag_source(seed, 6 + seed))
    path = tmp_path / f"random_dag_{seed}.py"
    path.write_text(text)
    metaflow_lint(path)


def test_independent_tasks_run_as_static_branches(tmp_path: Path) -> None:
    source = dag_source(0, 0) + "    a = op(a=n)\n    b = op(a=n)\n    c = op(a=a, b=b)\n"
    _flow, text = compile_flow(tmp_path, source)
    steps = step_graph(text)
    assert steps["start"] == {"op", "op_2"}  # a split: a and b start together
    (join,) = steps["op"]
    assert steps["op_2"] == {join} and steps[join] == {"op_3"}


def test_a_task_after_a_sub_flow_waits_for_every_task_inlined_from_it(tmp_path: Path) -> None:
    steps_source = dag_source(0, 0).split("@flow\n")[0]
    source = steps_source.replace("from flowc import flow, step", "from flowc import after, flow, step") + (
        "@flow\ndef sub(x: int) -> int:\n    first = op(a=x)\n    return op(a=x, b=first)\n\n"
        "@flow\ndef outer(n: int = 1) -> int:\n    s = sub(n)\n    side = op(a=n)\n"
        "    with after(s):\n        last = op(a=side)\n    return op(a=s, b=last)\n"
    )
    loaded = load_one(tmp_path, source, "outer")
    assert loaded.ok and loaded.program is not None, [(d.code, d.message) for d in loaded.diagnostics]
    result = load_target("metaflow").compile(loaded.program, CompileOptions(sources=loaded.sources))
    assert result.ok, [(d.code, d.message) for d in result.diagnostics]
    steps = step_graph(result.outputs[0].data.decode())
    inlined = sorted(s for s in steps if s.startswith("sub__"))  # the sub-flow task is `sub`
    assert inlined == ["sub__op", "sub__op_2"]
    last = next(t.id for t in loaded.program.flow(loaded.program.entry or "").tasks() if t.binding == "last")
    for name in inlined:
        assert last in reaches(steps, name), name
