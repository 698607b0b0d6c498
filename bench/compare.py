"""flowc against the KFP SDK and Hera: compile time and YAML size on equivalent pipelines.

    python bench/compare.py              # N = 10, 100, 1000, 5000 (several minutes)
    python bench/compare.py --quick      # N = 10 and 100, three runs each (about a minute)

For each N and each case of `bench/shapes.py` (a chain and a fan-out/fan-in, with one step
function for every task or one per task), the same pipeline is written as a flowc flow, a KFP
SDK pipeline and a Hera workflow, and each tool is timed as a whole process, the way a CI job
or a pre-commit hook runs it: interpreter start and imports included, median of several runs
(7 up to 100 steps, 5 at 1,000, 3 beyond). Measured: `flowc compile --target argo`,
`flowc lint`, `flowc compile --target kfp` (for information), the KFP file compiling itself
with `compiler.Compiler().compile(...)`, the Hera file writing `Workflow.to_yaml()`. Every
output's task count is checked against N, so the three really describe the same pipeline.

Every tool runs once untimed first, and with Python's bytecode cache on (as for an installed
package; `PYTHONDONTWRITEBYTECODE` is dropped for the children), so no run pays for compiling
a library's modules. A flow whose Argo workflow exceeds flowc's 1 MiB object budget (FC502:
the cluster would refuse it) is compiled with a raised `[tool.flowc.argo] size-budget`; an
output over flowc's KFP budget is reported as `over budget`, a run over `--timeout` seconds
as `timeout`.

Prints progress to stderr and two Markdown tables to stdout: times, with flowc's compile time
as a ratio to KFP's and Hera's, and sizes, with flowc's YAML as a ratio to theirs; then how
flowc's compile time grows from 500 to 5,000 steps. `--json FILE` keeps every number.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script or imported as bench.compare
from shapes import SHAPES, Case, flowc_flow, hera_workflow, kfp_pipeline

FULL_SIZES = (10, 100, 1000, 5000)
QUICK_SIZES = (10, 100)
SCALING = (500, 5000)  # flowc only: time at the larger size over time at the smaller
RAISED_BUDGET = 64 * 1024 * 1024


@dataclass
class Timing:
    seconds: float | None = None  # median of the runs
    runs: int = 0
    status: str = "ok"  # ok | timeout | error | over budget (FC502) | missing


@dataclass
class Result:
    n: int
    case: str
    times: dict[str, Timing] = field(default_factory=dict)  # tool → timing
    sizes: dict[str, int | None] = field(default_factory=dict)  # output → bytes
    tasks_ok: bool = True


@dataclass(frozen=True)
class Tool:
    name: str
    argv: Callable[[Path], list[str]]  # the case directory → the command
    output: Callable[[Path, Case], Path] | None  # the YAML it writes, if any
    module: str | None = None  # a library it needs, for "missing"


def _tools() -> list[Tool]:
    py = sys.executable
    argo = (
        "flowc-argo",
        lambda d: [py, "-m", "flowc", "compile", "flow.py", "--target", "argo", "-o", "flowc-argo"],
    )
    kfp_ir = (
        "flowc-kfp",
        lambda d: [py, "-m", "flowc", "compile", "flow.py", "--target", "kfp", "-o", "flowc-kfp"],
    )
    return [
        Tool(argo[0], argo[1], lambda d, c: d / "flowc-argo" / f"{c.flow_name}.argo.yaml"),
        Tool("flowc-lint", lambda d: [py, "-m", "flowc", "lint", "flow.py"], None),
        Tool(kfp_ir[0], kfp_ir[1], lambda d, c: d / "flowc-kfp" / f"{c.flow_name}.kfp.yaml"),
        Tool("kfp", lambda d: [py, "kfp_pipeline.py", "kfp.yaml"], lambda d, c: d / "kfp.yaml", "kfp"),
        Tool("hera", lambda d: [py, "hera_workflow.py", "hera.yaml"], lambda d, c: d / "hera.yaml", "hera"),
    ]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode cached
    return env


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- running -------------------------------------------------------------------------------------


def _run(argv: list[str], cwd: Path, timeout: float) -> tuple[float | None, str]:
    """(seconds, "ok") for one whole process; None and "timeout" or "error" otherwise."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            argv,
            check=False,
            cwd=cwd,
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None, "timeout"
    elapsed = time.perf_counter() - start
    if done.returncode == 1 and b"FC502" in done.stderr:
        return None, "over budget"  # flowc refuses an object its platform would refuse
    if done.returncode != 0:
        _progress(f"    {' '.join(argv[1:4])} failed ({done.returncode}): {done.stderr.decode()[-600:]}")
        return None, "error"
    return elapsed, "ok"


def _time(argv: list[str], cwd: Path, runs: int, timeout: float) -> Timing:
    samples: list[float] = []
    for _ in range(runs):
        seconds, status = _run(argv, cwd, timeout)
        if seconds is None:
            return Timing(None, len(samples), status)
        samples.append(seconds)
    return Timing(statistics.median(samples), runs)


def _runs(n: int, quick: bool) -> int:
    if quick:
        return 3
    return 7 if n <= 100 else 5 if n <= 1000 else 3


# --- cases ---------------------------------------------------------------------------------------


def _cases(n: int) -> list[Case]:
    return [Case(shape, n, distinct) for shape in SHAPES for distinct in (False, True)]


def _write_case(root: Path, case: Case) -> Path:
    directory = root / f"{case.shape}-{'distinct' if case.distinct else 'reused'}-{case.n}"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "flow.py").write_text(flowc_flow(case), encoding="utf-8")
    (directory / "kfp_pipeline.py").write_text(kfp_pipeline(case), encoding="utf-8")
    (directory / "hera_workflow.py").write_text(hera_workflow(case), encoding="utf-8")
    return directory


def _fit_budget(directory: Path, timeout: float) -> None:
    """Raise flowc's Argo size budget for a flow over it: the others don't check one."""
    argv = _tools()[0].argv(directory)
    done = subprocess.run(argv, cwd=directory, env=_env(), capture_output=True, timeout=timeout, check=False)
    if done.returncode == 1 and b"FC502" in done.stderr:
        (directory / "pyproject.toml").write_text(
            f"[tool.flowc.argo]\nsize-budget = {RAISED_BUDGET}\n", encoding="utf-8"
        )


def _available(tool: Tool) -> bool:
    return tool.module is None or importlib.util.find_spec(tool.module) is not None


def _warm_up(root: Path, tools: list[Tool], timeout: float) -> None:
    """One untimed run of each tool, so that every later run finds its bytecode cached."""
    directory = _write_case(root / "warm-up", Case("chain", 10, True))
    for tool in tools:
        if _available(tool):
            _run(tool.argv(directory), directory, timeout)


# --- checking ------------------------------------------------------------------------------------


def _task_count(path: Path, tool: str) -> int:
    """The tasks of the pipeline's main DAG in a compiled file."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    if tool in ("kfp", "flowc-kfp"):
        return len(document["root"]["dag"]["tasks"])
    spec = document["spec"]
    entry = next(t for t in spec["templates"] if t["name"] == spec["entrypoint"])
    return len(entry["dag"]["tasks"])


def _measure_case(
    case: Case, root: Path, tools: list[Tool], runs: int, timeout: float, check: bool
) -> Result:
    directory = _write_case(root, case)
    _fit_budget(directory, timeout)
    result = Result(case.n, case.label)
    for tool in tools:
        if not _available(tool):
            result.times[tool.name] = Timing(status="missing")
            continue
        timing = _time(tool.argv(directory), directory, runs, timeout)
        result.times[tool.name] = timing
        shown = f"{timing.seconds:.3f} s" if timing.seconds is not None else timing.status
        _progress(f"  N={case.n} {case.label} {tool.name}: {shown}")
        if tool.output is None:
            continue
        output = tool.output(directory, case)
        result.sizes[tool.name] = output.stat().st_size if timing.status == "ok" and output.exists() else None
        if check and result.sizes[tool.name] is not None and _task_count(output, tool.name) != case.n:
            _progress(f"  !! {tool.name} wrote a pipeline that is not {case.n} tasks")
            result.tasks_ok = False
    return result


def _scaling(root: Path, timeout: float, runs: int) -> dict[str, tuple[float | None, float | None]]:
    """flowc compile's median time at the sizes of `SCALING`, per case."""
    tool = _tools()[0]
    found: dict[str, tuple[float | None, float | None]] = {}
    for small_case in _cases(SCALING[0]):
        times = []
        for n in SCALING:
            case = Case(small_case.shape, n, small_case.distinct)
            directory = _write_case(root / "scaling", case)
            _fit_budget(directory, timeout)
            times.append(_time(tool.argv(directory), directory, runs, timeout).seconds)
        found[small_case.label] = (times[0], times[1])
        _progress(f"  scaling {small_case.label}: {times}")
    return found


# --- reporting -----------------------------------------------------------------------------------


def _seconds(timing: Timing | None) -> str:
    if timing is None:
        return "–"
    return f"{timing.seconds:.3f}" if timing.seconds is not None else timing.status


def _ratio(mine: float | int | None, theirs: float | int | None) -> str:
    if mine is None or theirs is None or not theirs:
        return "–"
    ratio = mine / theirs
    return f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.3f}"


def _bytes(size: int | None) -> str:
    return f"{size:,}" if size is not None else "–"


TIME_COLUMNS = (
    "flowc compile (s)",
    "flowc lint (s)",
    "flowc → KFP IR (s)",
    "KFP SDK (s)",
    "Hera (s)",
    "flowc ÷ KFP",
    "flowc ÷ Hera",
)
SIZE_COLUMNS = (
    "flowc Argo (B)",
    "Hera (B)",
    "flowc ÷ Hera",
    "flowc KFP IR (B)",
    "KFP SDK (B)",
    "flowc ÷ KFP",
)


def _table(columns: Sequence[str], rows: list[tuple[Result, list[str]]]) -> list[str]:
    """A Markdown table: steps and case, then `columns`, numbers aligned right."""
    lines = ["| steps | case | " + " | ".join(columns) + " |", "|---:|---|" + "---:|" * len(columns)]
    lines += [f"| {r.n:,} | {r.case} | " + " | ".join(cells) + " |" for r, cells in rows]
    return lines


def _time_cells(r: Result) -> list[str]:
    t = r.times
    mine = t["flowc-argo"].seconds
    shown = [_seconds(t[name]) for name in ("flowc-argo", "flowc-lint", "flowc-kfp", "kfp", "hera")]
    return [*shown, _ratio(mine, t["kfp"].seconds), _ratio(mine, t["hera"].seconds)]


def _size_cells(r: Result) -> list[str]:
    s = r.sizes
    argo, hera, ir_bytes, kfp = (s.get(k) for k in ("flowc-argo", "hera", "flowc-kfp", "kfp"))
    return [
        _bytes(argo),
        _bytes(hera),
        _ratio(argo, hera),
        _bytes(ir_bytes),
        _bytes(kfp),
        _ratio(ir_bytes, kfp),
    ]


def _scaling_lines(scaling: dict[str, tuple[float | None, float | None]]) -> list[str]:
    small, large = SCALING
    lines = [f"flowc compile --target argo, {large:,} steps ÷ {small:,} steps ({large // small}× the steps):"]
    for case, (at_small, at_large) in scaling.items():
        lines.append(
            f"  {case}: {_seconds(Timing(at_small))} s → {_seconds(Timing(at_large))} s, ratio {_ratio(at_large, at_small)}"
        )
    return lines


# --- entry point ---------------------------------------------------------------------------------


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="N = 10 and 100, three runs each")
    parser.add_argument("--sizes", type=lambda s: tuple(int(x) for x in s.split(",")), help="e.g. 10,100")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per run (default 600)")
    parser.add_argument("--no-scaling", action="store_true", help="skip the 500 → 5,000 steps measure")
    parser.add_argument("--no-check", action="store_true", help="don't count the tasks of every output")
    parser.add_argument("--workdir", type=Path, help="keep the generated files here")
    parser.add_argument("--json", type=Path, help="also write every number to this file")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    tools = _tools()
    missing = [t.module for t in tools if not _available(t)]
    if missing:
        _progress(f"not installed, reported as missing: {', '.join(str(m) for m in missing)}")
    with tempfile.TemporaryDirectory(prefix="flowc-bench-") as tmp:
        root = args.workdir or Path(tmp)
        _progress("warming up (one untimed run of each tool)")
        _warm_up(root, tools, args.timeout)
        results = []
        for n in sizes:
            for case in _cases(n):
                _progress(f"N={n} {case.label}")
                results.append(
                    _measure_case(case, root, tools, _runs(n, args.quick), args.timeout, not args.no_check)
                )
        scaling = {} if args.quick or args.no_scaling else _scaling(root, args.timeout, 3)
    print("\n".join(_table(TIME_COLUMNS, [(r, _time_cells(r)) for r in results])))
    print()
    print("\n".join(_table(SIZE_COLUMNS, [(r, _size_cells(r)) for r in results])))
    if scaling:
        print()
        print("\n".join(_scaling_lines(scaling)))
    if args.json:
        data = {"results": [asdict(r) for r in results], "scaling": scaling, "python": sys.version}
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return 0 if all(r.tasks_ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
