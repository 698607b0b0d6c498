"""Every example compiled for Kubeflow Pipelines RUNS under ``kfp.local`` (kfp 2.17.0,
``SubprocessRunner(use_venv=False)``), loaded from the compiled YAML, and does what the flow's
Python does: the same outputs, the same steps run as often, the same lines printed; hostile
string values round-trip unchanged.

The reference is the in-process call of the flow (an ordinary function; the hand-checked
values are in tests/examples/test_examples_inprocess.py), with every step call counted. Each
kfp.local run happens in a fresh interpreter (tests/oracles/kfp.py); the runs of this module
start together on a small pool, because a kfp.local task costs about half a second.

What kfp.local 2.17.0 runs (read from ``kfp/local``, and exercised here by the examples):

- lightweight Python components only (container components are refused);
- conditions (``triggerPolicy.condition``: every branch, ``if``/``elif``/``else``, of
  conditions.py), evaluated with Python ``eval`` after pasting each value in as text;
- ``parameterIterator`` fan-outs over literal lists, parameters and task outputs, nested
  through sub-DAGs (map_reduce.py); ``iteratorPolicy`` (at most 2 at a time there); collected
  outputs (fan-in);
- sub-DAG components: sub-flows, also inside a loop (subflows.py);
- artifacts as local files: Dataset, Model, Metrics, HTML, Markdown, Artifact (reports.py),
  also collected from a fan-out (``CONSTRUCTS_FLOW``);
- the exit handler: the handler task after the ``exit-handler-1`` DAG, with the final status
  (training.py), or without one (platform_settings.py);
- retries: kfp 2.17.0 re-runs a failed task per its ``retryPolicy`` (``CONSTRUCTS_FLOW``;
  ../shared/ORACLES.md's "retries are ignored" is out of date for this version).

What it ignores, so no run here can show it working: caching (only with
``local.init(enable_caching=True)``), resources and accelerators, the Kubernetes platform spec
(secrets, node selectors, tolerations, volumes, timeouts: ``WAREHOUSE_USER`` is absent, as on a
laptop), parallelism limits over 2. Those constructs are listed in ``IGNORED_BY_KFP_LOCAL`` and
covered by the strict parse only.

What it gets wrong, and how the comparison allows for it (the KFP SDK's own pipelines show the
same behaviour):

- numbers come back as doubles: collected and nested ints as floats, and an int rendered into
  an f-string (a KFP placeholder) as ``500.0``: outputs compare numbers by value, and printed
  lines compare with ``N.0`` read as ``N``;
- a loop task's inputs that come from task outputs all receive the loop item
  (``task_spec_utils.create_parameter_loop_iteration_task_spec``), so the inner keyword loop
  of map_reduce.py gets the keyword as its text: its outputs don't depend on that loop, its
  printed lines do, and those aren't compared (``NESTED_LOOP_BUG``);
- every string parameter value goes through placeholder resolution, so a value holding
  ``{{$}}`` or ``{{$.inputs...}}`` is rewritten: those values are checked in the YAML only;
- conditions paste string values in as ``'...'``: a value holding a quote breaks the
  condition, so hostile values stay out of conditions here.

Examples kfp.local can't run at all are listed in ``STRICT_PARSE_ONLY`` (none today).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flowc.compiler import types as t
from flowc.compiler.frontend.loader import load_flow
from flowc.compiler.shipping import is_str_like
from flowc.targets import CompileOptions, load_target

import flowc
from tests.harness import load_one
from tests.oracles.kfp import LocalRun, load_documents, require_kfp, run_local_logged, strict_parse
from tests.targets.kfp import EXAMPLES, TARGET, compile_example, example_flows

SECRET_ENV = ("WAREHOUSE_HOST", "WAREHOUSE_USER", "WAREHOUSE_PASSWORD")
WORKERS = min(4, max(2, os.cpu_count() or 2))
HOSTILE = 'it\'s "quoted" $(rm -rf /) `x` \\ back\nnew line ünï 🚀'
NESTED_LOOP_BUG = "kfp.local passes the inner loop item for the outer loop body's task output"
NEWLINES = "a value with newlines is printed over several lines"


@dataclass(frozen=True)
class Case:
    label: str
    example: str
    flow: str
    params: dict[str, Any] = field(default_factory=dict)
    # why the printed lines can't be compared (None: they are)
    logs_differ: str | None = None

    @property
    def id(self) -> str:
        return f"{self.example}-{self.label}"


CASES = [
    Case("defaults", "training", "training"),
    Case("defaults", "map_reduce", "word_count", logs_differ=NESTED_LOOP_BUG),
    Case("defaults", "conditions", "quality_gate"),
    Case("defaults", "subflows", "store_forecasts"),
    Case("defaults", "platform_settings", "churn_scoring"),
    Case("defaults", "reports", "model_report"),
    Case("no-deploy", "training", "training", {"threshold": 0.99, "rates": [0.01, 0.05]}),
    Case(
        "two-shards",
        "map_reduce",
        "word_count",
        {"num_shards": 2, "k": 5, "keywords": ["over"]},
        NESTED_LOOP_BUG,
    ),
    # the null-rate `elif`, the audit branch, an Optional[str] parameter given
    Case(
        "nulls-audit-owner",
        "conditions",
        "quality_gate",
        {"table": "payments", "mode": "audit", "owner": "oncall@acme.io"},
    ),
    Case("too-small-fast", "conditions", "quality_gate", {"table": "clicks", "mode": "fast"}),  # None output
    # an Optional parameter given; the first branch only: the `elif`'s own `or` (`"pii" in
    # prof.tags` holds here) must not leak past the earlier branches
    Case("too-small-pii-sample", "conditions", "quality_gate", {"table": "users", "sample": 500}),
    Case(
        "fast-dry-run", "conditions", "quality_gate", {"table": "payments", "mode": "fast", "dry_run": True}
    ),
    Case("two-stores", "subflows", "store_forecasts", {"stores": ["oslo", "berlin"], "horizon": 3}),
    Case(
        "parameters",
        "platform_settings",
        "churn_scoring",
        {
            "day": "2025-02-01",
            "partitions": [{"region": "us", "tier": "free"}, {"region": "apac", "tier": "gold"}],
            "rules": '{"churn_alert": 0.3}',  # a str parameter: passed as text, not decoded
        },
    ),
    Case("parameters", "reports", "model_report", {"n": 4, "title": "Smoke test"}),
    # a hostile value through a step, an f-string argument and the data it seeds
    Case("hostile-bucket", "training", "training", {"bucket": HOSTILE}, logs_differ=NEWLINES),
]
# (example module, flow, why kfp.local can't run it): covered by the strict parse only
STRICT_PARSE_ONLY: list[tuple[str, str, str]] = []


def _all_tasks(docs: list[Any]) -> list[dict[str, Any]]:
    spec = docs[0]
    dags = [spec["root"]["dag"], *(c["dag"] for c in spec["components"].values() if "dag" in c)]
    return [task for dag in dags for task in dag["tasks"].values()]


def _executors(docs: list[Any]) -> list[dict[str, Any]]:
    return [e["container"] for e in docs[0]["deploymentSpec"]["executors"].values()]


def _platform(docs: list[Any]) -> list[dict[str, Any]]:
    if len(docs) < 2:
        return []
    return list(docs[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"].values())


# Constructs the examples use that kfp.local ignores: their runs above can't show them working,
# so they are covered by the strict parse only: (construct, example, flow, where it is in the IR)
IGNORED_BY_KFP_LOCAL: list[tuple[str, str, str, Callable[[list[Any]], bool]]] = [
    (
        "caching",
        "training",
        "training",
        lambda d: any(t.get("cachingOptions", {}).get("enableCache") for t in _all_tasks(d)),
    ),
    (
        "cpu and memory",
        "training",
        "training",
        lambda d: any("resourceMemoryLimit" in c.get("resources", {}) for c in _executors(d)),
    ),
    (
        "accelerators",
        "platform_settings",
        "churn_scoring",
        lambda d: any("accelerator" in c.get("resources", {}) for c in _executors(d)),
    ),
    ("timeouts", "training", "training", lambda d: any("activeDeadlineSeconds" in e for e in _platform(d))),
    (
        "secrets",
        "platform_settings",
        "churn_scoring",
        lambda d: any("secretAsEnv" in e for e in _platform(d)),
    ),
    ("volumes", "platform_settings", "churn_scoring", lambda d: any("pvcMount" in e for e in _platform(d))),
    (
        "node selectors",
        "platform_settings",
        "churn_scoring",
        lambda d: any("nodeSelector" in e for e in _platform(d)),
    ),
    (
        "tolerations",
        "platform_settings",
        "churn_scoring",
        lambda d: any("tolerations" in e for e in _platform(d)),
    ),
    (
        "a parallelism limit over 2",
        "map_reduce",
        "word_count",
        lambda d: any(t.get("iteratorPolicy", {}).get("parallelismLimit", 0) > 2 for t in _all_tasks(d)),
    ),
]


@pytest.mark.parametrize(
    ("what", "example", "flow", "present"),
    IGNORED_BY_KFP_LOCAL,
    ids=[c[0] for c in IGNORED_BY_KFP_LOCAL],
)
def test_what_kfp_local_ignores_is_in_the_strictly_parsed_ir(
    what: str, example: str, flow: str, present: Callable[[list[Any]], bool]
) -> None:
    require_kfp()
    docs = load_documents(compile_example(EXAMPLES / f"{example}.py", flow))
    assert strict_parse(docs) == []
    assert present(docs), what


# what the exit handlers do in a successful run (the in-process call has no exit handler)
EXIT_LINES = {
    "training": ["notify: training succeeded"],
    "churn_scoring": ["cleanup: released the scoring lock"],
}
EXIT_STEPS = {"training": "notify", "churn_scoring": "cleanup"}


def test_every_example_runs_or_is_listed_as_strict_parse_only() -> None:
    examples = {(p.stem, f) for p, f in example_flows()}
    run = {(c.example, c.flow) for c in CASES}
    parse_only = {(e, f) for e, f, _ in STRICT_PARSE_ONLY}
    assert run | parse_only == examples
    assert not run & parse_only
    assert len({c.id for c in CASES}) == len(CASES)


# --- hostile values (the values every run must carry unchanged) --------------------------

HOSTILE_VALUES = [
    HOSTILE,
    "",
    "  padded\t",
    "a\r\nb",
    "ends with a newline\n",
    "\r",
    "null",
    "123",
    "true",
    "[1, 2]",
    '{"a": 1}',
    "{{workflow.name}}",
    "{not a placeholder}",
    "--executor_input",
    "- item",
    "key: value",
    "# comment",
    "&anchor *alias !tag %directive @at ~",
    "yes",
    "é\u2028\u00a0\U0001f680",
]
# KFP's own placeholders: kfp.local resolves them inside every string parameter value
# (placeholder_utils.resolve_self_references_in_executor_input, meant for f-strings), so
# `{{$}}` arrives as the whole executor input there. They are checked in the compiled YAML only.
PLACEHOLDERS = ["{{$}}", "{{$.inputs.parameters['text']}}", "{{$.pipeline_job_name}}"]
TABLE = {f"k{i:02}": v for i, v in enumerate(HOSTILE_VALUES)}
# the loop runs a task per item: the values that are hardest to carry, not all of them
LOOP_VALUES = [HOSTILE, "", "a\r\nb", "ends with a newline\n", "\r", "null", "123", "é\u2028\u00a0\U0001f680"]

HOSTILE_FLOW = f"""
from flowc import flow, step

@step
def echo(text: str) -> str:
    return text

@step
def values_of(table: dict[str, str]) -> list[str]:
    return [table[k] for k in sorted(table)]

@step
def same_list(items: list[str]) -> list[str]:
    return items

@flow
def hostile(
    text: str = {HOSTILE!r},
    items: list[str] = {LOOP_VALUES!r},
    table: dict[str, str] = {TABLE!r},
    values: list[str] = {HOSTILE_VALUES!r},
    placeholders: list[str] = {PLACEHOLDERS!r},
) -> tuple[str, list[str], list[str], list[str]]:
    same = echo(text)
    echoed = [echo(i) for i in items]
    from_table = values_of(table)
    from_list = same_list(values)
    return (same, echoed, from_table, from_list)
"""


@dataclass(frozen=True)
class HostileCase:
    label: str
    arguments: dict[str, Any]

    @property
    def id(self) -> str:
        return f"hostile-{self.label}"

    def expected(self) -> dict[str, Any]:
        table = self.arguments.get("table", TABLE)
        return {
            "output_0": self.arguments.get("text", HOSTILE),
            "output_1": self.arguments.get("items", LOOP_VALUES),
            "output_2": [table[k] for k in sorted(table)],
            "output_3": self.arguments.get("values", HOSTILE_VALUES),
        }


HOSTILE_CASES = [
    HostileCase("compiled-defaults", {}),
    HostileCase(
        "run-arguments",
        {
            "text": "\n" + HOSTILE + "\r\n",
            "items": list(reversed(LOOP_VALUES)),
            "table": {"k": '"v"', "": "\n"},
            "values": list(reversed(HOSTILE_VALUES)),
        },
    ),
]


# --- constructs the examples don't show ---------------------------------------------------------

CONSTRUCTS_FLOW = """
from pathlib import Path

from flowc import Dataset, RunStatus, flow, step


@step(retries=2)
def flaky(marker: str) -> int:
    \"\"\"Fails on its first attempt: it leaves a marker behind, and succeeds when it finds one.\"\"\"
    path = Path(marker)
    if not path.exists():
        path.write_text("attempt 1 failed")
        raise RuntimeError("the first attempt fails")
    return 7


@step
def square(i: int) -> Dataset:
    out = Path(f"part-{i}.txt")
    out.write_text(str(i * i))
    return out


@step
def add(parts: list[Dataset]) -> int:
    return sum(int(p.read_text()) for p in parts)


@step
def report(status: RunStatus) -> None:
    print(f"exit handler saw {status}")


@flow(on_exit=report)
def constructs(marker: str = "", items: list[int] = [1, 2, 3]) -> tuple[int, int]:
    tries = flaky(marker)
    parts = [square(i) for i in items]  # a fan-out of artifacts, collected into one step
    total = add(parts)
    return (tries, total)
"""


@dataclass(frozen=True)
class Construct:
    id: str


CONSTRUCTS_ID = "retry-collected-artifacts-exit-status"


# --- comparing -------------------------------------------------------------------------------


def same(got: Any, want: Any) -> bool:
    """Equal as the flow's Python values: numbers by value (kfp.local hands collected and nested
    numbers back as floats), but a bool is never a number and a str never anything else."""
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is type(want) and got == want
    if isinstance(want, int | float) and isinstance(got, int | float):
        return float(got) == float(want)
    if isinstance(want, tuple | list):
        return isinstance(got, list | tuple) and len(got) == len(want) and all(map(same, got, want))
    if isinstance(want, dict):
        return isinstance(got, dict) and set(got) == set(want) and all(same(got[k], want[k]) for k in want)
    return type(got) is type(want) and got == want


def flow_outputs(example: str, flow: str) -> dict[str, t.Type]:
    """The flow's output names (`output_0..n` for a tuple) and types."""
    loaded = load_flow(EXAMPLES / f"{example}.py", flow)
    assert loaded.program is not None
    entry = loaded.program.flow(loaded.program.entry or "")
    return {o.name: o.type for o in entry.outputs}


def expected_outputs(names: list[str], result: Any) -> dict[str, Any]:
    """The in-process result keyed by the flow's output names."""
    values = list(result) if len(names) > 1 else [result] if names else []
    return dict(zip(names, values, strict=True))


def decode(value: Any, typ: t.Type) -> Any:
    """A pipeline output as the flow's value. Types KFP has no parameter type for (`Optional`,
    `Any`) travel as a STRING holding flowc's text form: `null`, raw text for strings, JSON
    otherwise (the runtime contract of `compiler.shipping`); KFP's own types arrive as values."""
    if not isinstance(value, str):
        return value
    if isinstance(typ, t.OptionalT):
        return None if value == "null" else decode(value, typ.inner)
    if is_str_like(typ):
        return value
    return json.loads(value)


def pipeline_outputs(outputs: dict[str, Any], types: dict[str, t.Type]) -> dict[str, Any]:
    """kfp.local's outputs keyed and decoded as the flow's; KFP calls a single output `Output`."""
    if len(types) == 1 and set(outputs) == {"Output"}:
        outputs = {next(iter(types)): outputs["Output"]}
    return {k: decode(v, types[k]) if k in types else v for k, v in outputs.items()}


_WHOLE_FLOAT = re.compile(r"\b(\d+)\.0\b")


def number_text(line: str) -> str:
    """`500.0` read as `500`: how kfp.local renders an int into an f-string."""
    return _WHOLE_FLOAT.sub(r"\1", line)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_EXECUTING = re.compile(r"Executing task '([^']+)'")


def executed_steps(run: LocalRun, package: Path) -> Counter[str]:
    """How often each step's executor ran, from kfp.local's `Executing task` lines."""
    spec = load_documents(package.read_bytes())[0]
    dags = [spec["root"]["dag"], *(c["dag"] for c in spec["components"].values() if "dag" in c)]
    labels: dict[str, set[str]] = {}
    for dag in dags:
        for name, task in dag["tasks"].items():
            label = spec["components"][task["componentRef"]["name"]].get("executorLabel")
            if label is not None:
                labels.setdefault(name, set()).add(label.removeprefix("exec-"))
    counts: Counter[str] = Counter()
    for match in _EXECUTING.finditer(_ANSI.sub("", run.log)):
        (label,) = labels[match.group(1)]
        counts[label] += 1
    return counts


def kfp_name(name: str) -> str:
    """A step's name as KFP names its component (`maybe_rename_for_k8s`, LIMITS.md §3)."""
    return re.sub(r"-{2,}", "-", re.sub(r"[^-0-9a-z]+", "-", name.lower())).strip("-")


# --- the in-process call ---------------------------------------------------------------------


def forget_examples() -> None:
    for name, module in list(sys.modules.items()):
        origin = getattr(module, "__file__", None)
        if origin is not None and Path(origin).is_relative_to(EXAMPLES):
            del sys.modules[name]


def counting_step(calls: Counter[str]) -> Callable[..., Any]:
    """`flowc.step` that counts the calls of each step, by its KFP name."""

    def step(fn: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
            name = kfp_name(options.get("name") or fn.__name__)

            @functools.wraps(fn)
            def counted(*args: Any, **kwargs: Any) -> Any:
                calls[name] += 1
                return fn(*args, **kwargs)

            return counted

        return wrap(fn) if fn is not None else wrap

    return step


@dataclass
class InProcess:
    result: Any
    printed: list[str]
    calls: Counter[str]


def in_process(case: Case, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> InProcess:
    """The flow called as plain Python in `workdir`: its result, what it printed, its steps."""
    workdir.mkdir()
    log = io.StringIO()
    calls: Counter[str] = Counter()
    with monkeypatch.context() as patch:
        patch.chdir(workdir)
        patch.syspath_prepend(str(EXAMPLES))
        patch.setattr(flowc, "step", counting_step(calls))
        for var in SECRET_ENV:
            patch.delenv(var, raising=False)
        forget_examples()
        try:
            with contextlib.redirect_stdout(log):
                result = getattr(importlib.import_module(case.example), case.flow)(**case.params)
        finally:
            forget_examples()
    return InProcess(result, log.getvalue().splitlines(), calls)


# --- the kfp.local runs ----------------------------------------------------------------------


def kfp_arguments(case: Case, package: Path) -> dict[str, Any]:
    """The case's parameters as a KFP user passes them: KFP's own types as values; a STRING
    input standing for a type KFP lacks (`Optional[int]`, ...) as flowc's text form."""
    loaded = load_flow(EXAMPLES / f"{case.example}.py", case.flow)
    assert loaded.program is not None
    entry = loaded.program.flow(loaded.program.entry or "")
    inputs = load_documents(package.read_bytes())[0]["root"]["inputDefinitions"]["parameters"]
    arguments = {}
    for name, value in case.params.items():
        param = entry.param(name)
        assert param is not None, name
        text = inputs[name]["parameterType"] == "STRING" and not is_str_like(param.type)
        arguments[name] = encode(value, param.type) if text else value
    return arguments


def encode(value: Any, typ: t.Type) -> str:
    if value is None:
        return "null"
    inner = typ.inner if isinstance(typ, t.OptionalT) else typ
    return value if isinstance(value, str) and is_str_like(inner) else json.dumps(value)


def clean_env() -> dict[str, str]:
    """This environment without the secret-backed variables, as on a laptop without them."""
    return {k: v for k, v in os.environ.items() if k not in SECRET_ENV}


def selected(request: pytest.FixtureRequest, param: str) -> set[str]:
    """The ids of the `param` cases pytest will run (all, unless deselected with -k)."""
    wanted = set()
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if (
            getattr(item, "module", None) is request.module
            and callspec is not None
            and param in callspec.params
        ):
            wanted.add(getattr(callspec.params[param], "id", ""))
    return wanted


def compile_source(folder: Path, source: str) -> Path:
    """Compile the one flow of `source` for KFP into `folder`; the package's path."""
    (folder / "src").mkdir()
    loaded = load_one(folder / "src", source)
    assert loaded.ok and loaded.program is not None, loaded.diagnostics
    result = load_target(TARGET).compile(loaded.program, CompileOptions(sources=loaded.sources))
    assert result.ok, [(d.code, d.message) for d in result.diagnostics]
    (output,) = result.outputs
    assert strict_parse(load_documents(output.data)) == []
    package = folder / output.name
    package.write_bytes(output.data)
    return package


@pytest.fixture(scope="module")
def hostile_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_kfp()
    return compile_source(tmp_path_factory.mktemp("hostile"), HOSTILE_FLOW)


@pytest.fixture(scope="module")
def constructs_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_kfp()
    return compile_source(tmp_path_factory.mktemp("constructs"), CONSTRUCTS_FLOW)


@dataclass(frozen=True)
class Started:
    package: Path
    run: Future[LocalRun]


@dataclass
class Runs:
    """kfp.local runs by id, each started once, on first use or by :meth:`start_all`."""

    pool: ThreadPoolExecutor
    root: Path
    jobs: dict[str, tuple[Path, dict[str, Any]]]  # id → (package, arguments)
    started: dict[str, Started] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Started:
        if name not in self.started:
            package, arguments = self.jobs[name]
            future = self.pool.submit(
                run_local_logged,
                package,
                arguments,
                self.root / name / "pipeline-root",
                workdir=self.root / name / "work",
                env=clean_env(),
            )
            self.started[name] = Started(package, future)
        return self.started[name]

    def start_all(self, names: list[str]) -> None:
        for name in names:
            self[name]


@pytest.fixture(scope="module")
def local_runs(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    hostile_package: Path,
    constructs_package: Path,
) -> Iterator[Runs]:
    """Case id → its package and kfp.local run. The runs of the selected tests all start at
    once on a pool of WORKERS; under pytest-xdist, where another worker may run a test, each
    starts when its test asks for it."""
    root = tmp_path_factory.mktemp("kfp-local")
    packages: dict[tuple[str, str], Path] = {}
    for case in CASES:
        key = (case.example, case.flow)
        if key not in packages:
            packages[key] = root / f"{case.example}.{case.flow}.yaml"
            packages[key].write_bytes(compile_example(EXAMPLES / f"{case.example}.py", case.flow))
    jobs = {h.id: (hostile_package, h.arguments) for h in HOSTILE_CASES}
    jobs[CONSTRUCTS_ID] = (constructs_package, {"marker": str(root / "flaky-marker")})
    for c in CASES:
        package = packages[(c.example, c.flow)]
        jobs[c.id] = (package, kfp_arguments(c, package))
    with ThreadPoolExecutor(WORKERS) as pool:
        runs = Runs(pool, root, jobs)
        if not os.environ.get("PYTEST_XDIST_WORKER"):
            wanted = selected(request, "hostile") | selected(request, "construct") | selected(request, "case")
            runs.start_all([name for name in jobs if name in wanted])
        yield runs
        for started in runs.started.values():
            started.run.cancel()


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_kfp_local_run_equals_the_python_call(
    case: Case, local_runs: Runs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = in_process(case, tmp_path / "py", monkeypatch)
    started = local_runs[case.id]
    run = started.run.result()

    types = flow_outputs(case.example, case.flow)
    want = expected_outputs(list(types), expected.result)
    got = pipeline_outputs(run.outputs, types)
    assert set(got) == set(want), run.outputs
    for name in want:
        assert same(got[name], want[name]), (name, got[name], want[name])

    # the same steps ran as often (conditions took the same branches), and the exit handler
    calls = expected.calls + Counter([EXIT_STEPS[case.flow]] if case.flow in EXIT_STEPS else [])
    assert executed_steps(run, started.package) == calls

    if case.logs_differ is None:  # every line the flow printed, printed by a task
        wanted = Counter(number_text(line) for line in expected.printed + EXIT_LINES.get(case.flow, []))
        if case.flow == "churn_scoring":  # the step's `env=` sets the host: the laptop prints another
            wanted = Counter(line for line in wanted.elements() if not line.startswith("features for "))
        seen = Counter(number_text(line) for line in run.lines())
        assert {line: n for line, n in wanted.items() if seen[line] < n} == {}


# --- hostile values --------------------------------------------------------------------------


def test_hostile_defaults_are_written_exactly(hostile_package: Path) -> None:
    inputs = load_documents(hostile_package.read_bytes())[0]["root"]["inputDefinitions"]["parameters"]
    defaults = {name: spec.get("defaultValue") for name, spec in inputs.items()}
    assert defaults == {
        "text": HOSTILE,
        "items": LOOP_VALUES,
        "table": TABLE,
        "values": HOSTILE_VALUES,
        "placeholders": PLACEHOLDERS,
    }


@pytest.mark.slow
@pytest.mark.parametrize("hostile", HOSTILE_CASES, ids=[h.id for h in HOSTILE_CASES])
def test_hostile_strings_arrive_unchanged(hostile: HostileCase, local_runs: Runs) -> None:
    outputs = local_runs[hostile.id].run.result().outputs
    for name, value in hostile.expected().items():
        assert outputs[name] == value, name
    assert set(outputs) == set(hostile.expected())


# --- constructs the examples don't show ---------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("construct", [Construct(CONSTRUCTS_ID)], ids=[CONSTRUCTS_ID])
def test_retries_collected_artifacts_and_the_exit_status_run(construct: Construct, local_runs: Runs) -> None:
    """kfp.local honours `retryPolicy` (kfp 2.17.0 re-runs a failed task), collects artifacts
    from a fan-out, and hands the exit handler the final status."""
    started = local_runs[construct.id]
    run = started.run.result()
    assert run.outputs == {"output_0": 7, "output_1": 14}
    assert executed_steps(run, started.package) == {"flaky": 2, "square": 3, "add": 1, "report": 1}
    assert "exit handler saw Succeeded" in run.lines()
