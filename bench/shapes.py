"""Equivalent pipelines of N steps written for flowc, the KFP SDK and Hera.

A *case* is a shape, a size and whether the steps share one function:

- `chain`: step i takes step i-1's output (`N` tasks in a line);
- `fan`: one root task, `N - 2` tasks taking its output in parallel, and a last task that
  runs after all of them (fan-out, then fan-in);
- `reused`: every task calls the same step function (one template, one component);
  `distinct`: N step functions with the same body (N templates, N components).

Every version does the same thing: the same tasks with the same names, the same wiring, the
same image and, as a script or lightweight component, the same Python body `x + 1` (Hera's
inline scripts hand a value on by printing it; flowc and KFP by returning it). The KFP and Hera
files compile themselves to the YAML file named on their command line, the way their users
compile: `compiler.Compiler().compile(...)` and `Workflow.to_yaml()`.
"""

from __future__ import annotations

from dataclasses import dataclass

IMAGE = "python:3.12-slim"
SHAPES = ("chain", "fan")


@dataclass(frozen=True)
class Case:
    shape: str  # "chain" | "fan"
    n: int  # number of tasks
    distinct: bool  # one step function per task, or one for all

    @property
    def label(self) -> str:
        return f"{self.shape}/{'distinct' if self.distinct else 'reused'}"

    @property
    def flow_name(self) -> str:
        return f"{self.shape}{self.n}"


@dataclass(frozen=True)
class Task:
    var: str  # the Python variable holding its result
    name: str  # its task name on the engine (flowc's naming, copied by the others)
    function: str  # the step function it calls
    source: str | None  # the task whose output it takes; None: the flow parameter `start`
    after: tuple[str, ...]  # tasks it runs after without taking their outputs


def functions(case: Case) -> list[str]:
    return [f"step_{i}" for i in range(case.n)] if case.distinct else ["work"]


def tasks(case: Case) -> list[Task]:
    if case.n < 3:
        raise ValueError("a case needs at least 3 steps")
    found = []
    for i in range(case.n):
        source, after = _wiring(case, i)
        found.append(Task(f"t{i}", _task_name(case, i), _function(case, i), source, after))
    return found


def _wiring(case: Case, i: int) -> tuple[str | None, tuple[str, ...]]:
    if i == 0:
        return None, ()
    if case.shape == "chain":
        return f"t{i - 1}", ()
    if i < case.n - 1:
        return "t0", ()
    return "t0", tuple(f"t{j}" for j in range(1, case.n - 1))


def _function(case: Case, i: int) -> str:
    return f"step_{i}" if case.distinct else "work"


def _task_name(case: Case, i: int) -> str:
    """flowc's task ids in Argo spelling: `step-3`, or `work`, `work-2`, `work-3`…"""
    if case.distinct:
        return f"step-{i}"
    return "work" if i == 0 else f"work-{i + 1}"


# --- flowc ------------------------------------------------------------------------------------


def flowc_flow(case: Case) -> str:
    lines = ["from flowc import after, flow, step", "", f"IMAGE = {IMAGE!r}", ""]
    for name in functions(case):
        lines += ["", "@step", f"def {name}(x: int) -> int:", "    return x + 1", ""]
    lines += ["", "@flow(image=IMAGE)", f"def {case.flow_name}(start: int = 0) -> None:"]
    for task in tasks(case):
        call = f"{task.var} = {task.function}({task.source or 'start'})"
        if task.after:
            lines += [f"    with after({', '.join(task.after)}):", f"        {call}"]
        else:
            lines.append(f"    {call}")
    return "\n".join(lines) + "\n"


# --- KFP --------------------------------------------------------------------------------------


def kfp_pipeline(case: Case) -> str:
    lines = ["import sys", "", "from kfp import compiler, dsl", "", f"IMAGE = {IMAGE!r}", ""]
    for name in functions(case):
        lines += [
            "",
            "@dsl.component(base_image=IMAGE)",
            f"def {name}(x: int) -> int:",
            "    return x + 1",
            "",
        ]
    lines += ["", f"@dsl.pipeline(name={case.flow_name!r})", f"def {case.flow_name}(start: int = 0):"]
    for task in tasks(case):
        value = f"{task.source}.output" if task.source else "start"
        after = f".after({', '.join(task.after)})" if task.after else ""
        lines.append(f"    {task.var} = {task.function}(x={value}){after}")
    lines += ["", "", "compiler.Compiler().compile(" + case.flow_name + ", sys.argv[1])"]
    return "\n".join(lines) + "\n"


# --- Hera -------------------------------------------------------------------------------------


def hera_workflow(case: Case) -> str:
    lines = [
        "import sys",
        "",
        "from hera.workflows import DAG, Workflow, script",
        "",
        f"IMAGE = {IMAGE!r}",
        "",
    ]
    for name in functions(case):
        lines += ["", "@script(image=IMAGE)", f"def {name}(x: int):", "    print(x + 1)", ""]
    flow = case.flow_name
    lines += [
        "",
        f'with Workflow(generate_name="{flow}-", entrypoint="{flow}", arguments={{"start": 0}}) as w:',
        f'    with DAG(name="{flow}"):',
    ]
    for task in tasks(case):
        value = f"{task.source}.result" if task.source else '"{{workflow.parameters.start}}"'
        lines.append(f'        {task.var} = {task.function}(name="{task.name}", arguments={{"x": {value}}})')
        upstream = ([task.source] if task.source else []) + list(task.after)
        if upstream:
            lines.append(f"        [{', '.join(upstream)}] >> {task.var}")
    lines += ["", 'with open(sys.argv[1], "w", encoding="utf-8") as out:', "    out.write(w.to_yaml())"]
    return "\n".join(lines) + "\n"
