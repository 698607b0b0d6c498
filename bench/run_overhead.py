"""Time `flowc run` as a whole process on a generated chain of N trivial steps.

    python bench/run_overhead.py --n 50 --budget 0.1

A chain runs one task at a time, so the run's wall time is N process starts plus the runner's
own work per task. Prints the total time (median of a few runs), the time per task, the time
of N bare `python -c pass` starts, and the runner's overhead per task: (total - bare) / N.
Exits 1 when that overhead exceeds the budget (seconds), or when the run fails.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 3


def generate_flow(n: int) -> str:
    """A flow of `n` distinct steps, each taking the previous one's output."""
    lines = ["from flowc import flow, step", ""]
    for i in range(n):
        lines += ["", "@step", f"def link_{i}(x: int) -> int:", "    return x + 1", ""]
    lines += ["", "@flow", "def chain(start: int = 0) -> int:", "    v0 = link_0(start)"]
    lines += [f"    v{i} = link_{i}(v{i - 1})" for i in range(1, n)]
    lines.append(f"    return v{n - 1}")
    return "\n".join(lines) + "\n"


def time_run(path: Path, n: int) -> float:
    """Wall time of one `python -m flowc run` of the chain, checking its result."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "flowc", "run", str(path), "--run-dir", str(path.parent / "state")],
        capture_output=True,
        text=True,
        check=False,
        cwd=path.parent,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0 or f"output = {n}" not in result.stdout:
        sys.exit(f"flowc run failed ({result.returncode}):\n{result.stdout}\n{result.stderr[-3000:]}")
    return elapsed


def time_bare(n: int) -> float:
    """Wall time of `n` sequential `python -c pass` processes."""
    start = time.perf_counter()
    for _ in range(n):
        subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="steps in the chain")
    parser.add_argument("--budget", type=float, default=0.1, help="max overhead per task, seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chain.py"
        path.write_text(generate_flow(args.n), encoding="utf-8")
        total = statistics.median(time_run(path, args.n) for _ in range(RUNS))
    bare = statistics.median(time_bare(args.n) for _ in range(RUNS))
    overhead = (total - bare) / args.n
    print(f"steps:            {args.n}")
    print(f"flowc run total:  {total:.3f}s  ({total / args.n * 1000:.1f} ms per task)")
    print(f"bare starts:      {bare:.3f}s  ({bare / args.n * 1000:.1f} ms per `python -c pass`)")
    print(f"overhead:         {overhead * 1000:.1f} ms per task (budget {args.budget * 1000:.0f} ms)")
    if overhead > args.budget:
        print("over budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
