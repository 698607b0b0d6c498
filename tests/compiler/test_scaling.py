"""Compile and lint work grows linearly with a flow's steps: work counted, never timed.

Work is the number of lines of flowc's compiler, Argo target and YAML writer executed (a
trace), measured at 100, 500 and 1,000 steps for each shape of `bench/shapes.py`: the work per
added step must stay the same, so a pass that looks at every task for every task (quadratic)
fails, as the last test shows with one planted on purpose. Counts of the key per-step calls
(parsing, shipping, templates, IR walks) pin down that nothing is done twice.
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import flowc.compiler
import flowc.targets.argo
import pytest
from flowc.compiler import ir, shipping
from flowc.compiler.frontend.loader import load_flow
from flowc.compiler.lint import lint_paths
from flowc.compiler.rules import RULES
from flowc.targets import CompileOptions, load_target
from flowc.targets.argo import validate

from bench.shapes import Case, flowc_flow

emit = importlib.import_module("flowc.targets.argo.emit")  # the package's `emit` is its function
SIZES = (100, 500, 1000)
CASES = [Case(shape, 0, distinct) for shape in ("chain", "fan") for distinct in (False, True)]
# The work per step from 500 to 1,000 steps over the work per step from 100 to 500: 1 when
# linear (less, as caches warm up); a pass quadratic in the steps makes it grow with them (a
# linear search for each task's step took it from 0.89 to 1.22).
LINEAR_SLACK = 1.1
_ROOTS = (
    str(Path(flowc.compiler.__file__).parent),
    str(Path(flowc.targets.argo.__file__).parent),
    str(Path(flowc.targets.argo.__file__).parents[1] / "yamlout.py"),
)
TraceFunction = Callable[[FrameType, str, object], object]


def _write(tmp_path: Path, case: Case, n: int) -> Path:
    path = tmp_path / f"{case.shape}_{'distinct' if case.distinct else 'reused'}_{n}.py"
    path.write_text(flowc_flow(Case(case.shape, n, case.distinct)), encoding="utf-8")
    return path


def _compile(path: Path) -> None:
    loaded = load_flow(path, None)
    assert loaded.ok and loaded.program is not None, loaded.diagnostics
    result = load_target("argo").compile(loaded.program, CompileOptions(sources=loaded.sources))
    assert result.ok, result.diagnostics


def _lint(path: Path) -> None:
    assert lint_paths([path], frozenset(RULES)).diagnostics == []


def _lines_executed(work: Callable[[], None]) -> int:
    """Lines of flowc's compiler, Argo target and YAML writer run by `work`."""
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> TraceFunction:
        nonlocal count
        count += event == "line"
        return local

    def calls(frame: FrameType, event: str, arg: object) -> TraceFunction | None:
        return local if frame.f_code.co_filename.startswith(_ROOTS) else None

    previous = sys.gettrace()  # e.g. coverage's; restored after
    sys.settrace(calls)
    try:
        work()
    finally:
        sys.settrace(previous)
    return count


def _per_step_growth(counts: dict[int, int]) -> float:
    """Work per added step at the larger sizes over work per added step at the smaller ones."""
    small, middle, large = SIZES
    early = (counts[middle] - counts[small]) / (middle - small)
    late = (counts[large] - counts[middle]) / (large - middle)
    return late / early


def _work(tmp_path: Path, case: Case, stage: Callable[[Path], None]) -> dict[int, int]:
    paths = {n: _write(tmp_path, case, n) for n in SIZES}
    return {n: _lines_executed(lambda p=paths[n]: stage(p)) for n in SIZES}  # type: ignore[misc]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label)
def test_compile_work_per_step_is_constant(tmp_path: Path, case: Case) -> None:
    counts = _work(tmp_path, case, _compile)
    assert _per_step_growth(counts) <= LINEAR_SLACK, counts


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label)
def test_lint_work_per_step_is_constant(tmp_path: Path, case: Case) -> None:
    counts = _work(tmp_path, case, _lint)
    assert _per_step_growth(counts) <= LINEAR_SLACK, counts


# --- nothing done twice -------------------------------------------------------------------------


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, calls: Counter[str]) -> None:
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)


def _counted_compile(monkeypatch: pytest.MonkeyPatch, path: Path) -> Counter[str]:
    calls: Counter[str] = Counter()
    with monkeypatch.context() as patch:
        _counting(patch, ast, "parse", calls)
        _counting(patch, shipping._Shipper, "closure", calls)
        _counting(patch, emit.Emitter, "_script_template", calls)
        _counting(patch, validate, "_template_problems", calls)
        _counting_walks(patch, calls)
        _compile(path)
    return calls


def _counting_walks(monkeypatch: pytest.MonkeyPatch, calls: Counter[str]) -> None:
    """Count the nodes every walk of a flow body visits: a walk per task would be quadratic."""
    original = ir.walk

    def walk(
        body: tuple[ir.Node, ...], ctx: ir.Context = ir.Context()
    ) -> Iterator[tuple[ir.Node, ir.Context]]:
        for item in original(body, ctx):
            calls["nodes walked"] += 1
            yield item

    monkeypatch.setattr(ir, "walk", walk)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label)
def test_each_module_parsed_and_each_step_shipped_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, case: Case
) -> None:
    counts = {n: _counted_compile(monkeypatch, _write(tmp_path, case, n)) for n in (50, 500)}
    steps = {n: n if case.distinct else 1 for n in counts}
    for n, calls in counts.items():
        assert calls["parse"] == 1  # the flow file, once for the frontend and shipping both
        assert calls["closure"] == calls["_script_template"] == steps[n]
        assert calls["_template_problems"] == steps[n] + 1  # and the flow's DAG template
    assert counts[500]["nodes walked"] <= 10 * counts[50]["nodes walked"], counts


# --- the measure sees a quadratic pass ---------------------------------------------------------


def test_a_quadratic_pass_fails_the_measure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Plant a scan of every task for every task (what a lookup by linear search does)."""
    original = emit.Emitter._depends

    def scanning(self: emit.Emitter, scope: emit.Scope, node: Any, cond_deps: set[str]) -> list[str]:
        assert any(True for _ in scope.flow.tasks())  # touches every task: O(n) per task
        for task in scope.flow.tasks():
            if task.id == node.id:
                break
        return original(self, scope, node, cond_deps)

    monkeypatch.setattr(emit.Emitter, "_depends", scanning)
    counts = _work(tmp_path, Case("chain", 0, False), _compile)
    assert _per_step_growth(counts) > LINEAR_SLACK, counts
