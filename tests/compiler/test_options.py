"""`@step(...)` and `@flow(...)` options (DESIGN §2.1, §2.4): folding, validation, normalisation."""

from __future__ import annotations

from pathlib import Path

import pytest
from flowc.compiler import ir

from tests.harness import codes, lint_source, load_source, positions


def step_options(tmp_path: Path, decorator: str, prelude: str = "", **others: str) -> ir.StepOptions:
    source = (
        f"from flowc import step, Retry\nimport flowc\n{prelude}\n@step({decorator})\ndef s() -> None: ...\n"
    )
    result = load_source(tmp_path, source, **others)
    assert codes(result.diagnostics) == [], positions(result.diagnostics)
    assert result.program is not None
    (step,) = result.program.steps
    return step.options


def flow_of(tmp_path: Path, decorator: str, prelude: str = "") -> ir.Flow:
    source = (
        f"from flowc import step, flow, Retry\n{prelude}\n@step\ndef s() -> None: ...\n"
        f"@flow({decorator})\ndef f() -> None:\n    '''The docstring.'''\n    s()\n"
    )
    result = load_source(tmp_path, source)
    assert codes(result.diagnostics) == [], positions(result.diagnostics)
    assert result.program is not None
    return result.program.flows[0]


def step_diagnostics(tmp_path: Path, decorator: str, prelude: str = "") -> list[tuple[str, int, int]]:
    """(code, line, col) of the lint diagnostics, line relative to the `@step(...)` line."""
    source = f"from flowc import step, Retry\n{prelude}\n@step({decorator})\ndef s() -> None: ...\n"
    first = source.splitlines().index(f"@step({decorator})") + 1
    return [(c, line - first + 1, col) for c, line, col in positions(lint_source(tmp_path, source))]


# --- step options: normalised values ------------------------------------------------------


def test_no_options_means_defaults(tmp_path: Path) -> None:
    assert step_options(tmp_path, "") == ir.StepOptions()


def test_bare_decorator_means_defaults(tmp_path: Path) -> None:
    result = load_source(tmp_path, "from flowc import step\n@step\ndef s() -> None: ...\n")
    assert result.program is not None
    assert result.program.steps[0].options == ir.StepOptions()


@pytest.mark.parametrize(
    ("decorator", "field", "expected"),
    [
        ('image="ghcr.io/acme/ml:1.4"', "image", "ghcr.io/acme/ml:1.4"),
        ("cpu=2", "cpu", "2"),
        ('cpu="500m"', "cpu", "500m"),
        ("cpu=0.5", "cpu", "0.5"),
        ('memory="16Gi"', "memory", "16Gi"),
        ("gpu=1", "gpu", 1),
        ("gpu=0", "gpu", 0),
        ('gpu_type="nvidia-tesla-a100"', "gpu_type", "nvidia-tesla-a100"),
        ('timeout="90s"', "timeout_seconds", 90),
        ('timeout="1h30m"', "timeout_seconds", 5400),
        ('timeout="2d"', "timeout_seconds", 172800),
        ("timeout=45", "timeout_seconds", 45),
        ('timeout="1.5s"', "timeout_seconds", 2),
        ("cache=True", "cache", True),
        ("cache=False", "cache", False),
        ('env={"MODE": "fast", "_X1": ""}', "env", (("MODE", "fast"), ("_X1", ""))),
        ('packages=["pandas==2.2.3", "torch[cuda]"]', "packages", ("pandas==2.2.3", "torch[cuda]")),
        (
            'node_selector={"cloud.google.com/gke-nodepool": "gpu-pool"}',
            "node_selector",
            (("cloud.google.com/gke-nodepool", "gpu-pool"),),
        ),
        ("continue_on_failure=True", "continue_on_failure", True),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_step_option_values(tmp_path: Path, decorator: str, field: str, expected: object) -> None:
    assert getattr(step_options(tmp_path, decorator), field) == expected


@pytest.mark.parametrize(
    ("decorator", "expected"),
    [
        ('cache="v2"', (True, "v2")),
        ("cache=True", (True, None)),
        ("cache=False", (False, None)),
        ("", (False, None)),
    ],
)
def test_cache_version(tmp_path: Path, decorator: str, expected: tuple[bool, str | None]) -> None:
    options = step_options(tmp_path, decorator)
    assert (options.cache, options.cache_version) == expected


def test_name_option_renames_the_step_and_its_tasks(tmp_path: Path) -> None:
    source = (
        "from flowc import step, flow\n@step(name='load-data')\ndef load() -> None: ...\n"
        "@flow\ndef f() -> None:\n    load()\n"
    )
    result = load_source(tmp_path, source)
    assert result.program is not None
    (step,) = result.program.steps
    assert (step.key, step.name, step.function) == ("flow:load", "load-data", "load")
    (task,) = result.program.flows[0].tasks()
    assert task.callee == "flow:load"


def test_secrets_are_split_into_name_and_key(tmp_path: Path) -> None:
    options = step_options(tmp_path, 'secrets={"TOKEN": "api-creds/token", "DB_PASS": "db.v1/tls.key"}')
    assert options.secrets == (
        ir.SecretRef("TOKEN", "api-creds", "token"),
        ir.SecretRef("DB_PASS", "db.v1", "tls.key"),
    )


def test_volumes(tmp_path: Path) -> None:
    options = step_options(tmp_path, 'volumes={"/mnt/data": "training-data", "/cache": "c"}')
    assert options.volumes == (ir.Volume("/mnt/data", "training-data"), ir.Volume("/cache", "c"))


@pytest.mark.parametrize(
    ("toleration", "expected"),
    [
        ('"gpu=true:NoSchedule"', ir.Toleration("gpu", "Equal", "true", "NoSchedule")),
        ('"dedicated:NoExecute"', ir.Toleration("dedicated", "Exists", None, "NoExecute")),
        ('"spot"', ir.Toleration("spot", "Exists", None, None)),
        ('"pool=a"', ir.Toleration("pool", "Equal", "a", None)),
        (
            '{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}',
            ir.Toleration("gpu", "Exists", None, "NoSchedule"),
        ),
        ('{"key": "k", "value": "v"}', ir.Toleration("k", "Equal", "v", None)),
        ('{"operator": "Exists"}', ir.Toleration(None, "Exists", None, None)),
        (
            '{"key": "k", "effect": "NoExecute", "toleration_seconds": 30}',
            ir.Toleration("k", "Exists", None, "NoExecute", 30),
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_tolerations(tmp_path: Path, toleration: str, expected: ir.Toleration) -> None:
    assert step_options(tmp_path, f"tolerations=[{toleration}]").tolerations == (expected,)


@pytest.mark.parametrize(
    ("retries", "expected"),
    [
        ("retries=3", ir.RetryPolicy(3)),
        ("retries=0", ir.RetryPolicy(0)),
        ("retries=Retry(limit=2)", ir.RetryPolicy(2)),
        ('retries=Retry(limit=3, backoff="30s", factor=2)', ir.RetryPolicy(3, 30, 2.0)),
        (
            'retries=Retry(limit=3, backoff="30s", factor=1.5, max_backoff="10m", on="error")',
            ir.RetryPolicy(3, 30, 1.5, 600, "error"),
        ),
        ('retries=Retry(4, "1m", 2, "1h", "transient")', ir.RetryPolicy(4, 60, 2.0, 3600, "transient")),
        ('retries=flowc.Retry(limit=1, on="failure")', ir.RetryPolicy(1, on="failure")),
        ('retries=Retry(limit=1, backoff="5s")', ir.RetryPolicy(1, 5)),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_retry_policies(tmp_path: Path, retries: str, expected: ir.RetryPolicy) -> None:
    assert step_options(tmp_path, retries).retries == expected


def test_option_spans_point_at_values(tmp_path: Path) -> None:
    options = step_options(tmp_path, 'cpu=2, memory="1Gi"')
    cpu, memory = options.span_of("cpu"), options.span_of("memory")
    assert cpu is not None
    assert memory is not None
    assert (cpu.line, cpu.col) == (4, 11)
    assert (memory.line, memory.col) == (4, 21)
    assert options.span_of("gpu") is None


# --- constant folding ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prelude", "decorator", "field", "expected"),
    [
        ('IMAGE = "ghcr.io/acme/ml:1.4"', "image=IMAGE", "image", "ghcr.io/acme/ml:1.4"),
        ('REGISTRY = "ghcr.io/acme"\nIMAGE = REGISTRY', "image=IMAGE", "image", "ghcr.io/acme"),
        (
            'REGISTRY = "ghcr.io/acme"\nTAG = "1.4"',
            'image=f"{REGISTRY}/ml:{TAG}"',
            "image",
            "ghcr.io/acme/ml:1.4",
        ),
        ('REGISTRY = "ghcr.io/acme"\nIMAGE = f"{REGISTRY}/ml"', "image=IMAGE", "image", "ghcr.io/acme/ml"),
        ('BASE = "ghcr.io/acme/"', 'image=BASE + "ml"', "image", "ghcr.io/acme/ml"),
        ("CORES = 2", "cpu=CORES * 2", "cpu", "4"),
        ("GI = 16", 'memory=f"{GI}Gi"', "memory", "16Gi"),
        ("MINUTES = 90", "timeout=MINUTES * 60", "timeout_seconds", 5400),
        ("N = 3", "gpu=N - 2", "gpu", 1),
        ('PKGS = ["pandas==2.2.3"]', "packages=PKGS", "packages", ("pandas==2.2.3",)),
        ('ENV = {"A": "1"}', "env=ENV", "env", (("A", "1"),)),
        ("LIMIT: int = 3", "retries=LIMIT", "retries", ir.RetryPolicy(3)),
        ("LIMIT = 3", 'retries=Retry(limit=LIMIT, backoff="1s")', "retries", ir.RetryPolicy(3, 1)),
        ("ON = True", "cache=ON", "cache", True),
        ("", "timeout=2 ** 4", "timeout_seconds", 16),
        ("", "gpu=-(-1)", "gpu", 1),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_module_constants_are_folded(
    tmp_path: Path, prelude: str, decorator: str, field: str, expected: object
) -> None:
    assert getattr(step_options(tmp_path, decorator, prelude), field) == expected


def test_constants_imported_from_another_project_module(tmp_path: Path) -> None:
    options = step_options(
        tmp_path,
        'image=settings.IMAGE, cpu=CPU, memory=f"{MEM}Gi"',
        "import settings\nfrom settings import CPU\nfrom config.values import MEM",
        settings='IMAGE = "ghcr.io/acme/ml:2"\nCPU = "500m"\n',
        config__values="MEM = 8\n",
    )
    assert (options.image, options.cpu, options.memory) == ("ghcr.io/acme/ml:2", "500m", "8Gi")


def test_constant_of_an_imported_constant(tmp_path: Path) -> None:
    options = step_options(
        tmp_path,
        "image=IMAGE",
        "from settings import IMAGE",
        settings='from base import REGISTRY\nIMAGE = REGISTRY + "/ml:3"\n',
        base='REGISTRY = "ghcr.io/acme"\n',
    )
    assert options.image == "ghcr.io/acme/ml:3"


@pytest.mark.parametrize(
    ("prelude", "decorator", "col"),
    [
        ('IMAGE = "a"\nIMAGE = "b"', "image=IMAGE", 13),  # bound twice: not a constant
        ('IMAGE = "a"\nIMAGE += "b"', "image=IMAGE", 13),
        ("import os", 'image=os.environ["IMAGE"]', 13),
        ("import os", 'image=os.getenv("IMAGE")', 13),
        ("def image() -> str:\n    return 'x'", "image=image()", 13),
        ("try:\n    IMAGE = 'a'\nexcept ImportError:\n    IMAGE = 'b'", "image=IMAGE", 13),
        ("if True:\n    IMAGE = 'a'", "image=IMAGE", 13),
        ("", "image=UNDEFINED", 13),
        ("A = B\nB = A", "image=A", 13),  # a cycle of constants
        ("", 'cpu=int("2")', 11),
        ("", "timeout=9 ** 9 ** 9", 15),
        ("", 'image="a" * 10 ** 9', 13),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_non_constant_options(tmp_path: Path, prelude: str, decorator: str, col: int) -> None:
    found = step_diagnostics(tmp_path, decorator, prelude)
    assert [(c, line) for c, line, _ in found] == [("FC101", 1)]
    assert found[0][2] >= col  # the non-constant expression, or a part of it


def test_option_given_by_unpacking(tmp_path: Path) -> None:
    assert step_diagnostics(tmp_path, '**{"cpu": 1}') == [("FC101", 1, 9)]


# --- step options: invalid values ------------------------------------------------------------


@pytest.mark.parametrize(
    ("decorator", "expected"),
    [
        ('imagee="x"', [("FC102", 1, 7)]),
        ('"x"', [("FC117", 1, 7)]),
        ("on_exit=None", [("FC102", 1, 7)]),
        ('name="bad name"', [("FC103", 1, 12)]),
        ('name="1st"', [("FC103", 1, 12)]),
        ('image=""', [("FC103", 1, 13)]),
        ('image="a b"', [("FC103", 1, 13)]),
        ("image=3", [("FC103", 1, 13)]),
        ("gpu=-1", [("FC103", 1, 11)]),
        ("gpu=1.5", [("FC103", 1, 11)]),
        ("gpu=True", [("FC103", 1, 11)]),
        ('gpu_type=""', [("FC103", 1, 16)]),
        ('cache=""', [("FC103", 1, 13)]),
        ("cache=1", [("FC103", 1, 13)]),
        ("continue_on_failure=1", [("FC103", 1, 27)]),
        ('env=["A"]', [("FC103", 1, 11)]),
        ('env={"A": 1}', [("FC103", 1, 11)]),
        ('env={1: "x"}', [("FC103", 1, 11)]),
        ('packages="pandas"', [("FC103", 1, 16)]),
        ('cpu="2 cores"', [("FC104", 1, 11)]),
        ('cpu="-1"', [("FC104", 1, 11)]),
        ("cpu=True", [("FC104", 1, 11)]),
        ('memory="16GB"', [("FC104", 1, 14)]),
        ('memory="512m"', [("FC105", 1, 14)]),
        ("memory=100", [("FC105", 1, 14)]),
        ("cpu=1000", [("FC105", 1, 11)]),
        ('timeout="5"', [("FC106", 1, 15)]),
        ('timeout="1w"', [("FC106", 1, 15)]),
        ("timeout=0", [("FC106", 1, 15)]),
        ("timeout=True", [("FC106", 1, 15)]),
        ("retries=-1", [("FC109", 1, 15)]),
        ("retries=True", [("FC109", 1, 15)]),
        ('retries="3"', [("FC109", 1, 15)]),
        ("retries=Retry(limit=-1)", [("FC109", 1, 15)]),
        ("retries=Retry()", [("FC109", 1, 15)]),
        ('retries=Retry(limit=2, backoff="soon")', [("FC109", 1, 15)]),
        ("retries=Retry(limit=2, factor=2)", [("FC109", 1, 15)]),
        ('retries=Retry(limit=2, backoff="1s", factor=0.5)', [("FC109", 1, 15)]),
        ('retries=Retry(limit=1, on="sometimes")', [("FC109", 1, 15)]),
        ("retries=Retry(limit=1, tries=2)", [("FC109", 1, 15)]),
        ("retries=Retry(1, limit=2)", [("FC109", 1, 15)]),
        ('retries=Retry(3, "30s", 2, "1h", "failure", 9)', [("FC109", 1, 15)]),
        ('secrets={"TOKEN": "no-key"}', [("FC110", 1, 15)]),
        ('secrets={"TOKEN": "Bad_Name/key"}', [("FC110", 1, 15)]),
        ('secrets={"TOKEN": "name/bad key"}', [("FC110", 1, 15)]),
        ('secrets={"TOKEN": "name/"}', [("FC110", 1, 15)]),
        ('secrets={"1TOKEN": "name/key"}', [("FC111", 1, 15)]),
        ('env={"1BAD": "x"}', [("FC111", 1, 11)]),
        ('env={"A-B": "x"}', [("FC111", 1, 11)]),
        ('node_selector={"pool": "-bad"}', [("FC112", 1, 21)]),
        ('node_selector={"-pool": "a"}', [("FC112", 1, 21)]),
        ('node_selector={"pool": "' + "a" * 64 + '"}', [("FC112", 1, 21)]),
        ('tolerations=["gpu:Sometimes"]', [("FC113", 1, 19)]),
        ('tolerations=[{"key": "k", "operator": "Exists", "value": "v"}]', [("FC113", 1, 19)]),
        ('tolerations=[{"key": "k", "colour": "red"}]', [("FC113", 1, 19)]),
        ('tolerations=[{"key": "k", "toleration_seconds": "30"}]', [("FC113", 1, 19)]),
        ('tolerations=[{"operator": "Maybe"}]', [("FC113", 1, 19)]),
        ('tolerations="gpu"', [("FC113", 1, 19)]),
        ("tolerations=[1]", [("FC113", 1, 19)]),
        ('volumes={"mnt": "data"}', [("FC114", 1, 15)]),
        ('volumes={"/mnt": "Data_PVC"}', [("FC114", 1, 15)]),
        ('packages=["pandas==="]', [("FC115", 1, 16)]),
        ('packages=["a b"]', [("FC115", 1, 16)]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_invalid_step_options(tmp_path: Path, decorator: str, expected: list[tuple[str, int, int]]) -> None:
    assert step_diagnostics(tmp_path, decorator) == expected


def test_every_bad_option_is_reported(tmp_path: Path) -> None:
    found = step_diagnostics(tmp_path, 'cpu="x", memory="y", timeout="z", gpu=-1')
    assert found == [("FC104", 1, 11), ("FC104", 1, 23), ("FC106", 1, 36), ("FC103", 1, 45)]


def test_an_invalid_option_keeps_its_default(tmp_path: Path) -> None:
    source = 'from flowc import step\n@step(cpu="x", timeout="soon", memory="1Gi")\ndef s() -> None: ...\n'
    result = load_source(tmp_path, source)
    assert result.program is not None
    options = result.program.steps[0].options
    assert (options.cpu, options.timeout_seconds, options.memory) == (None, None, "1Gi")


def test_suspicious_quantities_are_warnings_and_kept(tmp_path: Path) -> None:
    source = 'from flowc import step\n@step(memory="512m", cpu=1000)\ndef s() -> None: ...\n'
    result = load_source(tmp_path, source)
    assert codes(result.diagnostics) == ["FC105", "FC105"]
    assert not any(d.is_error for d in result.diagnostics)
    assert result.program is not None
    options = result.program.steps[0].options
    assert (options.memory, options.cpu) == ("512m", "1000")


# --- numbers the targets cannot hold -------------------------------------------------------
# Argo keeps retry limits, factors, step deadlines and TTLs in 32-bit fields, KFP its retry
# count and loop parallelism; Kubernetes quantities and tolerationSeconds in 64 bits. Larger
# values are folded like any other arithmetic, then refused at the value, never emitted.

INT32_MAX = 2**31 - 1


@pytest.mark.parametrize(
    ("decorator", "expected"),
    [
        ("retries=10**20", [("FC109", 1, 15)]),
        ("retries=2**31", [("FC109", 1, 15)]),
        ("retries=Retry(limit=2**31)", [("FC109", 1, 15)]),
        ('retries=Retry(limit=1, backoff="999999999999h")', [("FC109", 1, 15)]),
        ('retries=Retry(limit=1, backoff="1s", max_backoff=2**31)', [("FC109", 1, 15)]),
        ('retries=Retry(limit=1, backoff="1s", factor=10**20)', [("FC109", 1, 15)]),
        ('retries=Retry(limit=1, backoff="1s", factor=1e30)', [("FC109", 1, 15)]),
        ('timeout="9999999999999999999999h"', [("FC103", 1, 15)]),
        ("timeout=2**31", [("FC103", 1, 15)]),
        ('timeout="24856d"', [("FC103", 1, 15)]),  # 2147558400 seconds
        ("gpu=10**20", [("FC103", 1, 11)]),
        ("cpu=10**20", [("FC103", 1, 11)]),  # not also the FC105 "did you mean millicores"
        ('cpu="1e19"', [("FC103", 1, 11)]),
        ('memory="8Ei"', [("FC103", 1, 14)]),  # 2**63 bytes
        ('tolerations=[{"key": "k", "toleration_seconds": 2**63}]', [("FC113", 1, 19)]),
        ('tolerations=[{"key": "k", "toleration_seconds": -(2**63) - 1}]', [("FC113", 1, 19)]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_step_numbers_out_of_range(
    tmp_path: Path, decorator: str, expected: list[tuple[str, int, int]]
) -> None:
    assert step_diagnostics(tmp_path, decorator) == expected


@pytest.mark.parametrize(
    ("decorator", "field", "expected"),
    [
        (f"retries={INT32_MAX}", "retries", ir.RetryPolicy(INT32_MAX)),
        (
            f"retries=Retry(limit={INT32_MAX}, backoff={INT32_MAX}, factor={INT32_MAX}, max_backoff={INT32_MAX})",
            "retries",
            ir.RetryPolicy(INT32_MAX, INT32_MAX, float(INT32_MAX), INT32_MAX),
        ),
        (f"timeout={INT32_MAX}", "timeout_seconds", INT32_MAX),
        ('timeout="24855d"', "timeout_seconds", 24855 * 86400),
        (f"gpu={INT32_MAX}", "gpu", INT32_MAX),
        ('memory="7Ei"', "memory", "7Ei"),
        (
            'tolerations=[{"key": "k", "toleration_seconds": -(2**63)}]',
            "tolerations",
            (ir.Toleration("k", "Exists", None, None, -(2**63)),),
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_step_numbers_at_the_bound_are_kept(
    tmp_path: Path, decorator: str, field: str, expected: object
) -> None:
    assert getattr(step_options(tmp_path, decorator), field) == expected


def test_an_out_of_range_option_keeps_its_default(tmp_path: Path) -> None:
    source = "from flowc import step\n@step(retries=10**20, timeout=2**31, gpu=2**31)\ndef s() -> None: ...\n"
    result = load_source(tmp_path, source)
    assert codes(result.diagnostics) == ["FC109", "FC103", "FC103"]
    assert result.program is not None
    assert result.program.steps[0].options == ir.StepOptions(spans=result.program.steps[0].options.spans)


# --- flow options ---------------------------------------------------------------------------


def test_flow_options(tmp_path: Path) -> None:
    flow = flow_of(
        tmp_path,
        'name="nightly-training", description="Trains nightly.", image="ghcr.io/acme/ml:1", '
        'schedule="0 2 * * *", timezone="Europe/Paris", max_parallel=4, retries=2, timeout="2h", '
        'namespace="ml", service_account="runner", labels={"team": "ml", "example.com/tier": "gold"}, '
        'annotations={"example.com/owner": "ML team <ml@example.com>"}, ttl="1d"',
    )
    options = flow.options
    assert (flow.name, flow.function, flow.description) == ("nightly-training", "f", "Trains nightly.")
    assert options.image == "ghcr.io/acme/ml:1"
    assert options.schedule is not None
    assert (options.schedule.cron, options.schedule.timezone) == ("0 2 * * *", "Europe/Paris")
    assert options.max_parallel == 4
    assert options.retries == ir.RetryPolicy(2)
    assert options.timeout_seconds == 7200
    assert (options.namespace, options.service_account) == ("ml", "runner")
    assert options.labels == (("team", "ml"), ("example.com/tier", "gold"))
    assert options.annotations == (("example.com/owner", "ML team <ml@example.com>"),)
    assert options.ttl_seconds == 86400


def test_flow_defaults(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, "")
    assert flow.options == ir.FlowOptions()
    assert (flow.name, flow.description, flow.on_exit) == ("f", "The docstring.", None)


def test_flow_numbers_at_the_bound_are_kept(tmp_path: Path) -> None:
    options = flow_of(tmp_path, f"max_parallel={INT32_MAX}, ttl={INT32_MAX}, timeout={INT32_MAX}").options
    assert (options.max_parallel, options.ttl_seconds, options.timeout_seconds) == (INT32_MAX,) * 3


def test_flow_retry_policy(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, 'retries=Retry(limit=2, backoff="10s", factor=3)')
    assert flow.options.retries == ir.RetryPolicy(2, 10, 3.0)


def test_schedule_descriptor_and_constant(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, "schedule=WHEN", 'WHEN = "@daily"')
    assert flow.options.schedule is not None
    assert flow.options.schedule.cron == "@daily"


def flow_diagnostics(tmp_path: Path, decorator: str, extra: str = "") -> list[tuple[str, int, int]]:
    source = (
        "from flowc import step, flow, RunStatus, Retry\n"
        "@step\ndef s() -> None: ...\n"
        "@step\ndef notify(status: RunStatus, x: int) -> None: ...\n"
        "@step\ndef twice(a: RunStatus, b: RunStatus) -> None: ...\n"
        "def helper() -> None: ...\n"
        f"{extra}"
        f"@flow({decorator})\ndef f() -> None:\n    s()\n"
    )
    line = source.splitlines().index(f"@flow({decorator})") + 1
    return [(c, ln - line + 1, col) for c, ln, col in positions(lint_source(tmp_path, source))]


@pytest.mark.parametrize(
    ("decorator", "expected"),
    [
        ("cpu=1", [("FC102", 1, 7)]),
        ('schedul="@daily"', [("FC102", 1, 7)]),
        ('"x"', [("FC117", 1, 7)]),
        ('name="my flow"', [("FC103", 1, 12)]),
        ("description=3", [("FC103", 1, 19)]),
        ("max_parallel=0", [("FC103", 1, 20)]),
        ("max_parallel=True", [("FC103", 1, 20)]),
        ('namespace="My_NS"', [("FC103", 1, 17)]),
        ('namespace="' + "a" * 64 + '"', [("FC103", 1, 17)]),
        ('service_account="Bad_SA"', [("FC103", 1, 23)]),
        ('timezone="UTC"', [("FC103", 1, 16)]),  # a timezone needs a schedule
        ('schedule="0 2 * *"', [("FC107", 1, 16)]),
        ('schedule="61 * * * *"', [("FC107", 1, 16)]),
        ('schedule="@fortnightly"', [("FC107", 1, 16)]),
        ('schedule="0 0 2 * * *"', [("FC107", 1, 16)]),
        ('schedule="@daily", timezone="Mars/Olympus"', [("FC108", 1, 35)]),
        ('timeout="soon"', [("FC106", 1, 15)]),
        ('ttl="forever"', [("FC106", 1, 11)]),
        ("retries=-1", [("FC109", 1, 15)]),
        ("max_parallel=100000000000000000000", [("FC103", 1, 20)]),
        ("max_parallel=2**31", [("FC103", 1, 20)]),
        ("ttl=10**20", [("FC103", 1, 11)]),
        ('ttl="9999999999999999999999h"', [("FC103", 1, 11)]),
        ("timeout=2**31", [("FC103", 1, 15)]),
        ("retries=10**20", [("FC109", 1, 15)]),
        ('labels={"-bad": "x"}', [("FC112", 1, 14)]),
        ('labels={"team": "a b"}', [("FC112", 1, 14)]),
        ('labels={"/team": "a"}', [("FC112", 1, 14)]),
        ('annotations={"bad key": "x"}', [("FC112", 1, 19)]),
        ("on_exit=helper", [("FC118", 1, 15)]),
        ("on_exit=notify", [("FC118", 1, 15)]),  # `x` has no default
        ("on_exit=twice", [("FC118", 1, 15)]),
        ("on_exit=f", [("FC118", 1, 15)]),
        ("on_exit=missing", [("FC118", 1, 15)]),
        ("on_exit=lambda: None", [("FC118", 1, 15)]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_invalid_flow_options(tmp_path: Path, decorator: str, expected: list[tuple[str, int, int]]) -> None:
    assert flow_diagnostics(tmp_path, decorator) == expected


def test_annotations_accept_any_value(tmp_path: Path) -> None:
    assert (
        flow_diagnostics(tmp_path, 'annotations={"example.com/note": "any text: at all, ' + "x" * 100 + '"}')
        == []
    )


def test_exit_handler_imported_from_another_module(tmp_path: Path) -> None:
    source = (
        "from flowc import step, flow\nfrom hooks import notify\n"
        "@step\ndef s() -> None: ...\n@flow(on_exit=notify)\ndef f() -> None:\n    s()\n"
    )
    hooks = "from flowc import step, RunStatus\n@step\ndef notify(status: RunStatus, channel: str = '#ml') -> None: ...\n"
    result = load_source(tmp_path, source, hooks=hooks)
    assert codes(result.diagnostics) == []
    assert result.program is not None
    (flow,) = result.program.flows
    assert flow.on_exit is not None
    assert (flow.on_exit.step, flow.on_exit.status_param) == ("hooks:notify", "status")
    assert "hooks:notify" in [s.key for s in result.program.steps]
