"""Time `flowc lint` as a whole process on a generated flow of N steps.

    python bench/lint_large.py --n 1000 --budget 0.5

The flow is a chain of distinct steps plus, for half of them, a fan-out over a list
parameter, so every frontend pass sees many tasks, loops and bindings. Prints N, the median
wall time of five runs and the heaviest imports (`-X importtime`); exits 1 when the median
exceeds the budget. `generate_flow` is also used by the tests (correctness and work counts).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5


def generate_flow(n: int) -> str:
    """A flow file with `n` distinct steps: a chain of `n - n // 2`, fan-outs of `n // 2`."""
    chain, fans = n - n // 2, n // 2
    lines = ["from flowc import flow, step", ""]
    for i in range(chain):
        lines += ["", "@step", f"def link_{i}(x: int) -> int:", "    return x + 1", ""]
    for i in range(fans):
        lines += ["", "@step", f"def fan_{i}(x: int, item: str) -> int:", "    return x + len(item)", ""]
    lines += [
        "",
        "@flow",
        'def large(start: int = 0, items: list[str] = ["a", "bb", "ccc"]) -> int:',
        "    v0 = link_0(start)",
    ]
    lines += [f"    v{i} = link_{i}(v{i - 1})" for i in range(1, chain)]
    lines += [f"    f{i} = [fan_{i}(v{i % chain}, item=it) for it in items]" for i in range(fans)]
    lines.append(f"    return v{chain - 1}")
    return "\n".join(lines) + "\n"


def write_flow(directory: Path, n: int) -> Path:
    path = directory / f"large_{n}.py"
    path.write_text(generate_flow(n), encoding="utf-8")
    return path


def time_lint(path: Path, runs: int = RUNS) -> list[float]:
    """Wall time of `python -m flowc lint PATH`, once per run, as a whole process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "flowc", "lint", str(path)],
            capture_output=True,
            text=True,
            check=False,
            cwd=path.parent,
        )
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"flowc lint failed ({result.returncode}):\n{result.stderr}")
    return times


def heaviest_imports(path: Path, top: int = 10) -> list[tuple[int, int, str]]:
    """(cumulative µs, self µs, module) of the imports of one lint run that cost the most."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "flowc", "lint", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=path.parent,
    )
    rows = []
    for line in result.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if line.startswith("import time:") and len(fields) == 3 and fields[1].strip().isdigit():
            rows.append((int(fields[1]), int(fields[0]), fields[2].strip()))
    return sorted(rows, reverse=True)[:top]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1000, help="number of steps (default 1000)")
    parser.add_argument("--budget", type=float, default=0.5, help="median seconds allowed (default 0.5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_flow(Path(tmp), args.n)
        median = statistics.median(time_lint(path))
        imports = heaviest_imports(path)
    print(f"N={args.n} median={median:.3f}s budget={args.budget:.3f}s ({RUNS} runs)")
    print("heaviest imports (cumulative ms, self ms, module):")
    for cumulative, own, name in imports:
        print(f"  {cumulative / 1000:8.1f} {own / 1000:8.1f}  {name}")
    if median > args.budget:
        print(f"over budget: {median:.3f}s > {args.budget:.3f}s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
