"""Metaflow's naming rules and limits: reserved and invalid step names are renamed, names that
become equal are reported, and what Metaflow can't run is an FC5xx diagnostic."""

from __future__ import annotations

from pathlib import Path

from flowc.compiler.diagnostics import Diagnostic
from flowc.targets import CompileOptions, CompileResult, load_target

from tests.harness import load_one
from tests.targets.metaflow.test_lower import metaflow_lint

HEAD = "from flowc import Retry, flow, step\n\n"


def compile_source(folder: Path, source: str) -> CompileResult:
    loaded = load_one(folder, HEAD + source)
    assert loaded.ok and loaded.program is not None, [(d.code, d.message) for d in loaded.diagnostics]
    return load_target("metaflow").compile(loaded.program, CompileOptions(sources=loaded.sources))


def codes(diagnostics: tuple[Diagnostic, ...]) -> list[str]:
    return sorted(d.code for d in diagnostics)


def test_reserved_step_names_get_a_suffix_and_metaflow_accepts_them(tmp_path: Path) -> None:
    source = (
        "@step\ndef start() -> int:\n    return 1\n\n"
        "@step\ndef next(x: int) -> int:\n    return x\n\n"
        "@step\ndef _Input(x: int) -> None:\n    pass\n\n"
        "@flow\ndef names() -> None:\n    _Input(next(start()))\n"
    )
    (tmp_path / "src").mkdir()
    result = compile_source(tmp_path / "src", source)
    assert result.ok, codes(result.diagnostics)
    text = result.outputs[0].data.decode()
    for name in ("start_step", "next_step", "input_step"):
        assert f"    def {name}(self):" in text, name
    path = tmp_path / "names.py"
    path.write_text(text)
    metaflow_lint(path)


def test_names_that_become_equal_are_reported(tmp_path: Path) -> None:
    source = (
        "@step\ndef Fit() -> int:\n    return 1\n\n"
        "@step\ndef fit() -> int:\n    return 2\n\n"
        "@flow\ndef clash() -> None:\n    Fit()\n    fit()\n"
    )
    result = compile_source(tmp_path, source)
    assert not result.ok and result.outputs == ()
    assert "FC505" in codes(result.diagnostics)


def test_a_task_and_another_tasks_output_artifact_of_one_name_are_reported(tmp_path: Path) -> None:
    """Task `a`'s output is the artifact `a_output`, the name of the second task's step."""
    source = (
        "@step\ndef a() -> int:\n    return 1\n\n@step\ndef a_output() -> int:\n    return 2\n\n"
        "@flow\ndef outputs() -> None:\n    a()\n    a_output()\n"
    )
    assert "FC505" in codes(compile_source(tmp_path, source).diagnostics)


def test_more_retries_than_metaflow_makes_attempts_is_an_error(tmp_path: Path) -> None:
    source = "@step(retries=5)\ndef work() -> None:\n    pass\n\n@flow\ndef many() -> None:\n    work()\n"
    result = compile_source(tmp_path, source)
    assert codes(result.diagnostics) == ["FC501"]
    assert result.outputs == ()


def test_backoff_metaflow_cannot_express_is_a_warning_and_minutes_are_rounded_up(tmp_path: Path) -> None:
    source = (
        '@step(retries=Retry(limit=2, backoff="90s", factor=2))\ndef work() -> None:\n    pass\n\n'
        "@flow\ndef backoff() -> None:\n    work()\n"
    )
    result = compile_source(tmp_path, source)
    assert result.ok
    assert codes(result.diagnostics) == ["FC507", "FC507"]  # not whole minutes; exponential
    assert "@retry(times=2, minutes_between_retries=2)" in result.outputs[0].data.decode()


def test_a_flow_name_over_45_characters_is_reported(tmp_path: Path) -> None:
    name = "a_flow_with_a_name_far_too_long_for_argo_workflows_to_accept"
    source = f"@step\ndef work() -> None:\n    pass\n\n@flow\ndef {name}() -> None:\n    work()\n"
    result = compile_source(tmp_path, source)
    assert codes(result.diagnostics) == ["FC504"]


def test_step_options_become_decorators(tmp_path: Path) -> None:
    source = (
        '@step(cpu="500m", memory="1Gi", gpu=1, timeout="10m", env={"MODE": "x"}, continue_on_failure=True)\n'
        "def work() -> None:\n    pass\n\n"
        '@flow(schedule="0 3 * * *")\ndef options() -> None:\n    work()\n'
    )
    result = compile_source(tmp_path, source)
    assert result.ok, codes(result.diagnostics)
    text = result.outputs[0].data.decode()
    assert "@resources(cpu=0.5, memory=1074, gpu=1)" in text
    assert "@timeout(seconds=600)" in text
    assert "@environment(vars={'MODE': 'x'})" in text
    assert "@catch(var='work_failure')" in text
    assert "@schedule(cron='0 3 * * *')" in text


def test_parameters_named_like_options_of_metaflow_run_are_errors(tmp_path: Path) -> None:
    source = (
        "@step\ndef work(x: int) -> None:\n    pass\n\n"
        "@flow\ndef options(tag: int = 1, Max_Workers: int = 2, a: int = 3, A: int = 4) -> None:\n"
        "    work(a)\n"
    )
    result = compile_source(tmp_path, source)
    assert codes(result.diagnostics) == ["FC501", "FC501", "FC505"]  # tag, Max_Workers; a and A
    assert result.outputs == ()


def test_an_artifact_parameter_is_an_error(tmp_path: Path) -> None:
    source = (
        "from flowc import Dataset\n\n@step\ndef size(d: Dataset) -> int:\n    return 1\n\n"
        "@flow\ndef sized(data: Dataset) -> int:\n    return size(data)\n"
    )
    result = compile_source(tmp_path, source)
    assert codes(result.diagnostics) == ["FC501"]
    assert result.diagnostics[0].span.line == 10  # the parameter, on the `def` line


def test_the_flow_timeout_as_a_run_deadline_is_a_warning(tmp_path: Path) -> None:
    source = '@step\ndef work() -> None:\n    pass\n\n@flow(timeout="1h")\ndef timed() -> None:\n    work()\n'
    result = compile_source(tmp_path, source)
    assert result.ok and codes(result.diagnostics) == ["FC507"]
    assert "@timeout(seconds=3600)" in result.outputs[0].data.decode()  # still each step's default


def test_too_many_flow_retries_are_reported_once_at_the_flow(tmp_path: Path) -> None:
    source = (
        "@step\ndef a(x: int) -> int:\n    return x\n\n"
        "@flow(retries=6)\ndef many(x: int = 1) -> int:\n    return a(a(a(x)))\n"
    )
    result = compile_source(tmp_path, source)
    assert codes(result.diagnostics) == ["FC501"]
    assert result.diagnostics[0].span.line == 7  # `@flow(retries=6)`, after the two-line HEAD


def test_a_loop_over_a_tolerated_failures_output_is_a_warning(tmp_path: Path) -> None:
    source = (
        "@step(continue_on_failure=True)\ndef items() -> list[int]:\n    return [1]\n\n"
        "@step\ndef use(x: int) -> None:\n    pass\n\n"
        "@flow\ndef looped() -> None:\n    for x in items():\n        use(x)\n"
    )
    result = compile_source(tmp_path, source)
    assert result.ok and codes(result.diagnostics) == ["FC507"]


def test_names_flowspec_uses_become_other_attributes_that_metaflow_accepts(tmp_path: Path) -> None:
    source = (
        "from typing import NamedTuple\n\nclass Out(NamedTuple):\n    artifacts: int\n\n"
        "@step\ndef merge(x: int) -> Out:\n    return Out(x)\n\n"
        "@flow\ndef named(name: int = 1, _hidden: int = 2, xs: list[int] = [1]) -> list[int]:\n"
        "    merge(name)\n    merge(_hidden)\n    return [merge(index).artifacts for index in xs]\n"
    )
    (tmp_path / "src").mkdir()
    result = compile_source(tmp_path / "src", source)
    assert result.ok, codes(result.diagnostics)
    text = result.outputs[0].data.decode()
    assert "name_param = Parameter('name'" in text and "hidden_param = Parameter('_hidden'" in text
    assert "self.merge_artifacts_value" in text and "self.index" not in text
    path = tmp_path / "named.py"
    path.write_text(text)
    metaflow_lint(path)


def test_a_loop_over_an_empty_list_is_a_warning(tmp_path: Path) -> None:
    """Metaflow refuses a foreach that makes no split (Argo's target warns of the same lists)."""
    step = "@step\ndef use(x: int) -> int:\n    return x\n\n"
    for i, (signature, source) in enumerate([("items: list[int] = []", "items"), ("", "[]")]):
        flow = f"@flow\ndef looped({signature}) -> list[int]:\n    return [use(x) for x in {source}]\n"
        (tmp_path / str(i)).mkdir()
        result = compile_source(tmp_path / str(i), step + flow)
        assert result.ok and codes(result.diagnostics) == ["FC507"]
    (tmp_path / "given").mkdir()
    result = compile_source(tmp_path / "given", step + flow.replace("[]", "[1]"))
    assert result.ok and codes(result.diagnostics) == []
