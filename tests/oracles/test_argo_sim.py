"""The local Argo executor (argo_sim) against small hand-written workflows.

Each workflow is inline YAML whose script sources follow flowc's runtime contract (inputs in
``FLOWC_IN_<p>`` and under ``$FLOWC_INPUTS_DIR``, outputs to ``$FLOWC_OUTPUTS_DIR``); ``_doc``
prepends a few helpers (``inp``, ``out``, ``art``) to every script.
"""

from __future__ import annotations

import json
import os
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.oracles.argo import govaluate_when
from tests.oracles.argo_sim import (
    ArgoError,
    SimulatorError,
    aggregated_json_value_list,
    go_float,
    go_quote,
    render_item,
    run_workflow,
    substitute,
    when_holds,
)

HELPERS = """\
import json, os, pathlib, sys, time

def inp(name):
    return os.environ["FLOWC_IN_" + name]

def art(name):
    return pathlib.Path(os.environ["FLOWC_INPUTS_DIR"]) / name

def out(name, value):
    folder = pathlib.Path(os.environ["FLOWC_OUTPUTS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    text = value if isinstance(value, str) else json.dumps(value)
    (folder / name).write_text(text, encoding="utf-8")

"""


def _doc(text: str, *templates: str) -> dict[str, Any]:
    """`text` (dedented) followed by template snippets already indented as list items."""
    doc = yaml.safe_load(textwrap.dedent(text) + "".join(templates))
    spec = doc["spec"].get("workflowSpec", doc["spec"])
    for tmpl in spec["templates"]:
        if "script" in tmpl:
            tmpl["script"].setdefault("image", "python:3.12-slim")
            tmpl["script"].setdefault("command", ["python3"])
            tmpl["script"]["source"] = HELPERS + tmpl["script"]["source"]
    return doc


def _run(tmp_path: Path, text: str, *templates: str, params: dict[str, str] | None = None, **kw: Any) -> Any:
    return run_workflow(_doc(text, *templates), params, workdir=tmp_path / "runs", **kw)


# A script template `echo`: input `v`, output `output` = its input, unchanged.
ECHO = """
  - name: echo
    inputs: {parameters: [{name: v}]}
    outputs: {parameters: [{name: output, valueFrom: {path: /tmp/flowc/outputs/output}}]}
    script:
      env: [{name: FLOWC_IN_v, value: '{{inputs.parameters.v}}'}]
      source: out("output", inp("v"))
"""
# `fail`: exits 3
FAIL = """
  - name: fail
    script: {source: sys.exit(3)}
"""


# --- DAG order, outputs, the pod's environment --------------------------------------------------


def test_a_diamond_runs_in_dependency_order_and_returns_the_entrypoint_outputs(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    run = _run(
        tmp_path,
        f"""
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {{generateName: diamond-}}
        spec:
          entrypoint: main
          arguments: {{parameters: [{{name: log, value: '{log}'}}]}}
          templates:
          - name: main
            inputs: {{parameters: [{{name: log}}]}}
            outputs:
              parameters:
              - {{name: total, valueFrom: {{parameter: '{{{{tasks.d.outputs.parameters.output}}}}'}}}}
            dag:
              tasks:
              - {{name: d, template: step, depends: b && c, arguments: {{parameters: [{{name: who, value: d}},
                  {{name: log, value: '{{{{inputs.parameters.log}}}}'}}]}}}}
              - {{name: b, template: step, depends: a, arguments: {{parameters: [{{name: who, value: b}},
                  {{name: log, value: '{{{{inputs.parameters.log}}}}'}}]}}}}
              - {{name: a, template: step, arguments: {{parameters: [{{name: who, value: a}},
                  {{name: log, value: '{{{{inputs.parameters.log}}}}'}}]}}}}
              - {{name: c, template: step, depends: a, arguments: {{parameters: [{{name: who, value: c}},
                  {{name: log, value: '{{{{inputs.parameters.log}}}}'}}]}}}}
          - name: step
            inputs: {{parameters: [{{name: who}}, {{name: log}}]}}
            outputs: {{parameters: [{{name: output, valueFrom: {{path: /tmp/flowc/outputs/output}}}}]}}
            script:
              env: [{{name: FLOWC_IN_who, value: '{{{{inputs.parameters.who}}}}'}},
                    {{name: FLOWC_IN_log, value: '{{{{inputs.parameters.log}}}}'}}]
              source: |
                with open(inp("log"), "a") as f:
                    f.write(inp("who"))
                out("output", inp("who") + "!")
                print("cwd", os.getcwd()); print("env", sorted(os.environ))
    """,
    )
    assert run.status == "Succeeded"
    order = log.read_text()
    assert order[0] == "a" and order[-1] == "d" and sorted(order) == ["a", "b", "c", "d"]
    assert run.outputs == {"total": "d!"}
    pod = run.task("a")
    assert pod.inputs == {"who": "a", "log": str(log)}
    # the pod's environment: minimal, per-pod directories, no PYTHONPATH to the repository
    env = pod.env
    assert "VIRTUAL_ENV" not in env and env.get("PYTHONPATH", str(run.workdir)).startswith(str(run.workdir))
    assert {"PATH", "HOME", "FLOWC_IN_who", "FLOWC_IN_log", "FLOWC_INPUTS_DIR", "FLOWC_OUTPUTS_DIR"} <= set(
        env
    )
    assert env["FLOWC_OUTPUTS_DIR"] != run.task("b").env["FLOWC_OUTPUTS_DIR"]
    assert str(run.workdir) in env["FLOWC_OUTPUTS_DIR"] and "cwd " + str(run.workdir) in pod.stdout


def test_parameters_override_arguments_and_workflow_variables_resolve(tmp_path: Path) -> None:
    text = """
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {generateName: globals-, labels: {team: ml}}
        spec:
          entrypoint: main
          arguments: {parameters: [{name: x, value: one}, {name: y, value: 2}]}
          templates:
          - name: main
            inputs: {parameters: [{name: x}, {name: y}, {name: z, default: zed}]}
            outputs: {parameters: [{name: r, valueFrom: {parameter: '{{tasks.show.outputs.parameters.output}}'}}]}
            dag:
              tasks:
              - name: show
                template: echo
                arguments:
                  parameters:
                  - name: v
                    value: '{{inputs.parameters.x}}|{{workflow.parameters.y}}|{{inputs.parameters.z}}|{{workflow.name}}|{{workflow.uid}}|{{workflow.labels.team}}'
    """
    run = _run(tmp_path, text, ECHO, params={"x": "ONE"})
    x, y, z, name, uid, team = run.outputs["r"].split("|")
    assert (x, y, z, team) == ("ONE", "2", "zed", "ml")
    assert name == run.workflow_name and name.startswith("globals-") and uid == run.uid
    with pytest.raises(SimulatorError):
        _run(tmp_path, text, ECHO, params={"nope": "1"})


def test_workflow_template_and_cron_workflow_documents_run(tmp_path: Path) -> None:
    body = textwrap.dedent("""
        entrypoint: main
        templates:
        - name: main
          outputs: {parameters: [{name: r, valueFrom: {parameter: '{{tasks.e.outputs.parameters.output}}'}}]}
          dag:
            tasks:
            - {name: e, template: echo, arguments: {parameters: [{name: v, value: '{{workflow.name}}'}]}}
    """)
    template = _run(
        tmp_path,
        "kind: WorkflowTemplate\nmetadata: {name: tmpl}\nspec:\n" + textwrap.indent(body, "  "),
        ECHO,
    )
    assert template.status == "Succeeded" and template.outputs["r"].startswith("tmpl-")
    cron = _run(
        tmp_path,
        "kind: CronWorkflow\nmetadata: {name: nightly}\nspec:\n  schedules: ['0 2 * * *']\n"
        "  workflowSpec:\n" + textwrap.indent(body, "    "),
        textwrap.indent(ECHO, "  "),
    )
    assert cron.status == "Succeeded" and cron.outputs["r"].startswith("nightly-")


# --- depends, when, skipped and omitted tasks --------------------------------------------------

FAILING_DAG = """
    apiVersion: argoproj.io/v1alpha1
    kind: Workflow
    metadata: {generateName: depends-}
    spec:
      entrypoint: main
      templates:
      - name: main
        dag:
          tasks:
          - {name: a, template: fail}
          - {name: on-fail, template: echo, depends: a.Failed, arguments: {parameters: [{name: v, value: x}]}}
          - {name: either, template: echo, depends: (a || a.Failed || a.Errored),
             arguments: {parameters: [{name: v, value: x}]}}
          - {name: on-success, template: echo, depends: a.Succeeded, arguments: {parameters: [{name: v, value: x}]}}
"""


def test_depends_on_failed_runs_and_an_omitted_leaf_inherits_the_failure(tmp_path: Path) -> None:
    run = _run(tmp_path, FAILING_DAG, ECHO, FAIL)
    assert run.task("a").phase == "Failed" and run.task("a").message == "Error (exit code 3)"
    assert run.task("on-fail").phase == "Succeeded" and run.task("either").phase == "Succeeded"
    assert run.task("on-success").phase == "Omitted"
    # assessDAGPhase: the omitted leaf's branch phase is the Failed of `a`
    assert run.status == "Failed"


def test_a_failure_every_dependent_handles_does_not_fail_the_workflow(tmp_path: Path) -> None:
    doc = FAILING_DAG.replace(
        "          - {name: on-success, template: echo, depends: a.Succeeded, arguments: "
        "{parameters: [{name: v, value: x}]}}\n",
        "",
    )
    assert _run(tmp_path, doc, ECHO, FAIL).status == "Succeeded"


def test_a_failing_leaf_fails_the_workflow_even_when_nothing_depends_on_it(tmp_path: Path) -> None:
    run = _run(
        tmp_path,
        """
        kind: Workflow
        metadata: {generateName: leaf-}
        spec:
          entrypoint: main
          templates:
          - name: main
            dag:
              tasks:
              - {name: ok, template: echo, arguments: {parameters: [{name: v, value: x}]}}
              - {name: best-effort, template: fail}
    """,
        ECHO,
        FAIL,
    )
    assert run.task("ok").phase == "Succeeded" and run.status == "Failed"


def test_when_true_false_and_skip_propagation(tmp_path: Path) -> None:
    run = _run(
        tmp_path,
        """
        kind: Workflow
        metadata: {generateName: when-}
        spec:
          entrypoint: main
          templates:
          - name: main
            dag:
              tasks:
              - {name: five, template: echo, arguments: {parameters: [{name: v, value: '5'}]}}
              - name: big
                template: echo
                depends: five
                when: '({{tasks.five.outputs.parameters.output}} >= 5 && !false) || fast == slow'
                arguments: {parameters: [{name: v, value: big}]}
              - name: small
                template: echo
                depends: five
                when: '{{tasks.five.outputs.parameters.output}} < 3'
                arguments: {parameters: [{name: v, value: small}]}
              - {name: after-small, template: echo, depends: small, arguments: {parameters: [{name: v, value: y}]}}
              - {name: needs-small, template: echo, depends: small.Succeeded,
                 arguments: {parameters: [{name: v, value: z}]}}
              - {name: if-skipped, template: echo, depends: small.Skipped, arguments: {parameters: [{name: v, value: w}]}}
    """,
        ECHO,
    )
    assert run.task("big").phase == "Succeeded"
    small = run.task("small")
    assert small.phase == "Skipped" and small.message == "when '5 < 3' evaluated false" and not small.attempts
    assert run.task("after-small").phase == "Succeeded"  # plain `small` means Succeeded || Skipped
    assert run.task("if-skipped").phase == "Succeeded"
    assert run.task("needs-small").phase == "Omitted"
    assert run.status == "Succeeded"


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("0.91 > 0.85", True),
        ("2 == 2.0", True),
        ("-1 < -0.5", True),
        ("1 == '1'", False),  # reflect.DeepEqual: no coercion between number and string
        ("fast != full", True),  # bare words are strings (Argo turns govaluate variables into strings)
        ("'b' > 'a' && !(1 > 2)", True),
        ("true || 1 > 'x'", True),  # short-circuit: the right side is never evaluated
        ("'2025-01-15' < '2025-02-01'", True),  # govaluate reads quoted dates as dates
        ("abc =~ '^a'", True),
    ],
)
def test_when_expressions_evaluate_like_govaluate(when: str, expected: bool) -> None:
    assert when_holds(when) is expected


@pytest.mark.parametrize(
    "when",
    [
        "1e-05 > 0.5",  # govaluate has no exponent notation (Python's str(float) does)
        "{{tasks.a.outputs.parameters.x}} == 0",  # an unresolved tag
        "prod-eu == prod-eu",  # '-' between strings
        "1 > 'x'",
        "5",  # not a boolean
        "(1 == 1",
    ],
)
def test_bad_when_expressions_are_errors(when: str) -> None:
    with pytest.raises(ArgoError):
        when_holds(when)


# What flowc's `when` expressions are made of, and the texts values can splice into them.
WHEN_DIFFERENTIAL = [
    "0.91 > 0.85",
    "2 == 2.0",
    "-1 < -0.5",
    "-2.5 < -2",
    "1 == '1'",
    "fast != full",
    "'b' > 'a' && !(1 > 2)",
    "true || 1 > 'x'",
    "false && 1 > 'x'",
    "abc =~ '^a'",
    "(5 > 3) && (!(2 < 1))",
    "!(3 == 3) && 4 >= 4",
    "9007199254740993 > 9007199254740992",  # float64: both are 2**53
    "9007199254740991 < 9007199254740992",
    "0 == false",  # no coercion: Python says True
    "1 == true",
    "true == true",
    "false != true",
    "true > false",  # Python says True
    "1e-05 > 0.5",  # no exponent form in govaluate
    "5e-05 < 0.001",
    "1.5e+20 > 1",
    "-5e-07 < 0",
    "NaN > 0",
    "Infinity > 0",
    "3 <-5",  # one symbol `<-`
    "3 < -5",
    "-abc == x",  # a bare word after `-` no longer parses once it is a string
    "abc == -1",
    "a'b == a'b",
    "'a\"  == 'a'",  # a string ends at either quote
    "[a b] == 'a b'",
    "0x1F == 31",
    "1.2.3 > 1",
    ". == 1",
    "1. == 1",
    ".5 == 0.5",
    "foo.Bar == 1",
    "foo.bar == 1",
    "foo. == 1",
    "x(1)",
    "== 1",
    "1 ==",
    "(1 == 1",
    "1 == 1)",
    "prod-eu == prod-eu",
    "1 > 'x'",
    "5",
    "'x'",
    "{{tasks.a.outputs.parameters.x}} == 0",
    "'2025-01-15' < '2025-02-01'",
    "1 + 2 == 3",
    "7 % 4 == 3",
    "10 / 4 == 2.5",
    "'a' + 1 == 'a1'",
    "!true == false",
    "-(2) == -2",
]


def test_when_expressions_agree_with_argos_own_govaluate() -> None:
    """The controller's code (`shouldExecute` with the govaluate Argo pins) is the oracle: the
    same value, or an error with the same message."""
    expected = govaluate_when(WHEN_DIFFERENTIAL)
    mismatches = []
    for when, want in zip(WHEN_DIFFERENTIAL, expected, strict=True):
        try:
            got: dict[str, Any] = {"value": when_holds(when)}
        except ArgoError as exc:
            got = {"error": str(exc)}
        if isinstance(want.get("value"), bool):
            ok = got == want
        else:  # an error, or a value that is not a bool: Argo errors either way
            reason = want.get("error", "Expected boolean evaluation")
            ok = "error" in got and reason in got["error"]
        if not ok:
            mismatches.append((when, want, got))
    assert mismatches == []


SKIPPED_REF = """
    kind: Workflow
    metadata: {generateName: skipref-}
    spec:
      entrypoint: main
      templates:
      - name: main
        dag:
          tasks:
          - {name: maybe, template: echo, when: '1 == 2', arguments: {parameters: [{name: v, value: x}]}}
          - name: use
            template: echo
            depends: maybe
            arguments: {parameters: [{name: v, value: 'got {{tasks.maybe.outputs.parameters.output}}'}]}
"""


@pytest.mark.parametrize(
    ("mode", "phase", "value"),
    [
        ("literal", "Succeeded", "got {{tasks.maybe.outputs.parameters.output}}"),  # Argo v3
        ("empty", "Succeeded", "got "),  # Argo v4 with PR #15841
        ("hang", "Error", None),  # Argo v4.0.0-4.0.3: never scheduled
    ],
)
def test_a_task_after_a_skipped_task_runs_and_its_output_reference(
    tmp_path: Path, mode: str, phase: str, value: str | None
) -> None:
    run = _run(tmp_path, SKIPPED_REF, ECHO, skipped_refs=mode)
    use = run.task("use")
    assert use.phase == phase
    if value is not None:
        assert use.outputs == {"output": value}


# --- loops: withItems, withParam, aggregation -----------------------------------------------------


def test_with_items_renders_strings_numbers_booleans_and_objects(tmp_path: Path) -> None:
    run = _run(
        tmp_path,
        r"""
        kind: Workflow
        metadata: {generateName: items-}
        spec:
          entrypoint: main
          templates:
          - name: main
            dag:
              tasks:
              - name: scalar
                template: echo
                withItems: [plain, 'say "hi"', "two\nlines", 3, 2.50, true, 'é🎉']
                arguments: {parameters: [{name: v, value: '{{item}}'}]}
              - name: obj
                template: echo
                withItems: [{z: 1, a: x, f: 0.5}]
                arguments: {parameters: [{name: v, value: '{{item.a}}|{{item.z}}|{{item.f}}|{{item}}'}]}
              - name: collect
                template: echo
                depends: scalar
                arguments: {parameters: [{name: v, value: '{{tasks.scalar.outputs.parameters.output}}'}]}
    """,
        ECHO,
    )
    got = [n.outputs["output"] for n in run.find("scalar")]
    # Item.String keeps a string's JSON escapes: the pod gets a backslash, not a quote/newline
    assert got == ["plain", 'say \\"hi\\"', "two\\nlines", "3", "2.5", "true", "é🎉"]
    assert [n.name for n in run.find("scalar")][:2] == ["scalar(0:plain)", 'scalar(1:say \\"hi\\")']
    assert run.find("obj")[0].outputs["output"] == 'x|1|0.5|{"a":"x","f":0.5,"z":1}'
    # fan-in of scalar outputs: a JSON list of the texts, in item order
    assert json.loads(run.task("collect").outputs["output"]) == got


def test_with_param_items_keep_their_raw_json_text(tmp_path: Path) -> None:
    run = _run(
        tmp_path,
        r"""
        kind: Workflow
        metadata: {generateName: param-}
        spec:
          entrypoint: main
          templates:
          - name: main
            dag:
              tasks:
              - name: make
                template: make
              - name: each
                template: echo
                depends: make
                withParam: '{{tasks.make.outputs.parameters.output}}'
                arguments: {parameters: [{name: v, value: '{{item}}'}]}
          - name: make
            outputs: {parameters: [{name: output, valueFrom: {path: /tmp/flowc/outputs/output}}]}
            script:
              source: |
                out("output", '[0.30, 1e-05, "a\\"b", {"z": 1, "a": [1, 2]}, null, true, "x<y&z"]')
    """,
        ECHO,
    )
    assert [n.outputs["output"] for n in run.find("each")] == [
        "0.30",
        "1e-05",
        'a\\"b',
        '{"a":[1,2],"z":1}',
        "null",  # a List (GetType) whose nil slice (GetListVal) marshals as `null`
        "true",
        "x<y&z",
    ]
    assert run.find("each")[4].name == "each(4:[])"  # generateNodeName formats it with %v


def test_loop_outputs_aggregate_by_item_index_succeeded_iterations_only(tmp_path: Path) -> None:
    run = _run(
        tmp_path,
        """
        kind: Workflow
        metadata: {generateName: agg-}
        spec:
          entrypoint: main
          templates:
          - name: main
            outputs:
              parameters:
              - {name: scores, valueFrom: {parameter: '{{tasks.score.outputs.parameters.output}}'}}
              - {name: dicts, valueFrom: {parameter: '{{tasks.dicts.outputs.parameters.output}}'}}
            dag:
              tasks:
              - name: score
                template: score
                withParam: '[3, 1, 2, 0]'
                arguments: {parameters: [{name: n, value: '{{item}}'}]}
              - name: dicts
                template: dict
                withItems: [b, a]
                arguments: {parameters: [{name: k, value: '{{item}}'}]}
              - name: fan-in
                template: echo
                depends: score.AnySucceeded && dicts
                arguments: {parameters: [{name: v, value: '{{tasks.score.outputs.parameters.output}}'}]}
          - name: score
            inputs: {parameters: [{name: n}]}
            outputs: {parameters: [{name: output, valueFrom: {path: /tmp/flowc/outputs/output}}]}
            script:
              env: [{name: FLOWC_IN_n, value: '{{inputs.parameters.n}}'}]
              source: |
                n = int(inp("n"))
                out("output", str(n / 10))
                sys.exit(1 if n == 0 else 0)
          - name: dict
            inputs: {parameters: [{name: k}]}
            outputs: {parameters: [{name: output, valueFrom: {path: /tmp/flowc/outputs/output}}]}
            script:
              env: [{name: FLOWC_IN_k, value: '{{inputs.parameters.k}}'}]
              source: |
                out("output", json.dumps({inp("k"): 1.0, "n": [2, 3]}, indent=2))
    """,
        ECHO,
    )
    assert run.task("score").phase == "Failed"
    # strings, in item order, the failed iteration left out (its output file exists)
    assert run.task("fan-in").outputs["output"] == '["0.3","0.1","0.2"]'
    assert run.find("score")[3].outputs == {"output": "0.0"}
    # the only target (fan-in) succeeded: assessDAGPhase says Succeeded despite the failed loop
    assert run.status == "Succeeded"


def test_fan_in_of_objects_is_a_list_of_objects_and_empty_loops_are_skipped(tmp_path: Path) -> None:
    run = _run(
        tmp_path,
        """
        kind: Workflow
        metadata: {generateName: fanin-}
        spec:
          entrypoint: main
          templates:
          - name: main
            outputs:
              parameters:
              - {name: dicts, valueFrom: {parameter: '{{tasks.dicts.outputs.parameters.output}}'}}
              - {name: none, valueFrom: {parameter: '{{tasks.gather.outputs.parameters.output}}'}}
            dag:
              tasks:
              - name: dicts
                template: dict
                withItems: [b, a]
                arguments: {parameters: [{name: k, value: '{{item}}'}]}
              - name: nothing
                template: echo
                withParam: '[]'
                arguments: {parameters: [{name: v, value: '{{item}}'}]}
              - name: gather
                template: echo
                depends: nothing
                arguments: {parameters: [{name: v, value: '{{tasks.nothing.outputs.parameters.output}}'}]}
          - name: dict
            inputs: {parameters: [{name: k}]}
            outputs: {parameters: [{name: output, valueFrom: {path: /tmp/flowc/outputs/output}}]}
            script:
              env: [{name: FLOWC_IN_k, value: '{{inputs.parameters.k}}'}]
              source: |
                out("output", json.dumps({inp("k"): 1.0, "n": [2, 3]}, indent=2))
    """,
        ECHO,
    )
    assert run.status == "Succeeded"
    # every value an object: re-marshalled by Go (keys sorted, 1.0 -> 1, compact)
    assert run.outputs["dicts"] == '[{"b":1,"n":[2,3]},{"a":1,"n":[2,3]}]'
    nothing = run.task("nothing")
    assert nothing.phase == "Skipped" and nothing.message == "Skipped, empty params"
    # nothing to aggregate: the reference is never resolved (Argo v3 passes the tag text on)
    assert run.outputs["none"] == "{{tasks.nothing.outputs.parameters.output}}"


# --- nested DAGs and artifacts -------------------------------------------------------------------


def test_nested_dag_with_inputs_outputs_and_artifacts(tmp_path: Path) -> None:
    run = _run(
        tmp_path,
        """
        kind: Workflow
        metadata: {generateName: nested-}
        spec:
          entrypoint: main
          templates:
          - name: main
            outputs:
              parameters: [{name: n, valueFrom: {parameter: '{{tasks.sub.outputs.parameters.lines}}'}}]
              artifacts: [{name: report, from: '{{tasks.sub.outputs.artifacts.report}}'}]
            dag:
              tasks:
              - {name: produce, template: produce}
              - name: sub
                template: sub
                depends: produce
                arguments:
                  parameters: [{name: prefix, value: '>'}]
                  artifacts: [{name: data, from: '{{tasks.produce.outputs.artifacts.data}}'}]
              - name: read
                template: read
                depends: sub
                arguments: {artifacts: [{name: report, from: '{{tasks.sub.outputs.artifacts.report}}'}]}
          - name: produce
            outputs: {artifacts: [{name: data, path: /tmp/flowc/outputs/data}]}
            script:
              source: |
                folder = pathlib.Path(os.environ["FLOWC_OUTPUTS_DIR"]) / "data"
                folder.mkdir(parents=True)
                (folder / "a.txt").write_text("alpha")
                (folder / "b.txt").write_text("beta")
          - name: sub
            inputs:
              parameters: [{name: prefix}, {name: suffix, default: '<'}]
              artifacts: [{name: data}]
            outputs:
              parameters: [{name: lines, valueFrom: {parameter: '{{tasks.format.outputs.parameters.lines}}'}}]
              artifacts: [{name: report, from: '{{tasks.format.outputs.artifacts.report}}'}]
            dag:
              tasks:
              - name: format
                template: format
                arguments:
                  parameters: [{name: wrap, value: '{{inputs.parameters.prefix}}{{inputs.parameters.suffix}}'}]
                  artifacts: [{name: data, from: '{{inputs.artifacts.data}}'}]
          - name: format
            inputs:
              parameters: [{name: wrap}]
              artifacts: [{name: data, path: /tmp/flowc/inputs/data}]
            outputs:
              parameters: [{name: lines, valueFrom: {path: /tmp/flowc/outputs/lines}}]
              artifacts: [{name: report, path: /tmp/flowc/outputs/report.txt}]
            script:
              env: [{name: FLOWC_IN_wrap, value: '{{inputs.parameters.wrap}}'}]
              source: |
                w = inp("wrap")
                lines = [w[0] + p.read_text() + w[1] for p in sorted(art("data").iterdir())]
                out("report.txt", "\\n".join(lines))
                out("lines", str(len(lines)) + "\\n")
          - name: read
            inputs: {artifacts: [{name: report, path: /tmp/flowc/inputs/report}]}
            script: {source: 'print(art("report").read_text())'}
    """,
    )
    assert run.status == "Succeeded", run.message
    assert run.task("sub").inputs == {"prefix": ">", "suffix": "<"}
    assert run.find("sub.format")[0].outputs == {"lines": "2"}  # one trailing newline trimmed
    assert run.outputs == {"n": "2"}
    assert run.artifacts["report"].read_text() == ">alpha<\n>beta<"
    assert run.task("read").stdout == ">alpha<\n>beta<\n"


RETURNS_INPUT = """
    kind: Workflow
    metadata: {generateName: returns-}
    spec:
      entrypoint: main
      arguments: {parameters: [{name: x, value: '3'}]}
      templates:
      - name: main
        inputs: {parameters: [{name: x}]}
        outputs:
          parameters:
          - {name: out, valueFrom: {parameter: %s}}
          - {name: empty, valueFrom: {default: unused}}  # argo lint refuses it; resolveParameter gives ""
        dag:
          tasks:
          - {name: e, template: echo, arguments: {parameters: [{name: v, value: '{{inputs.parameters.x}}'}]}}
"""


@pytest.mark.parametrize(
    ("parameter", "outputs", "error"),
    [
        # SubstituteParams replaces the tag in the outputs too, then ResolveVar looks for "3"
        ("'{{inputs.parameters.x}}'", None, "Unable to resolve: {{3}}"),
        ("inputs.parameters.x", {"out": "3", "empty": ""}, None),  # the bare scope key resolves
        ("'{{ tasks.e.outputs.parameters.output }}'", {"out": "3", "empty": ""}, None),
    ],
)
def test_dag_outputs_resolve_like_resolve_var(
    tmp_path: Path, parameter: str, outputs: dict[str, str] | None, error: str | None
) -> None:
    run = _run(tmp_path, RETURNS_INPUT % parameter, ECHO)
    if error is None:
        assert run.status == "Succeeded", run.message
        assert run.outputs == outputs
    else:
        assert run.status == "Error" and error in run.message


def test_a_loop_over_a_nested_dag_aggregates_the_dag_outputs(tmp_path: Path) -> None:
    run = _run(
        tmp_path,
        """
        kind: Workflow
        metadata: {generateName: subloop-}
        spec:
          entrypoint: main
          templates:
          - name: main
            outputs: {parameters: [{name: r, valueFrom: {parameter: '{{tasks.sum.outputs.parameters.output}}'}}]}
            dag:
              tasks:
              - name: per-item
                template: body
                withParam: '["a", "bb"]'
                arguments: {parameters: [{name: item, value: '{{item}}'}]}
              - name: sum
                template: echo
                depends: per-item
                arguments: {parameters: [{name: v, value: '{{tasks.per-item.outputs.parameters.size}}'}]}
          - name: body
            inputs: {parameters: [{name: item}]}
            outputs: {parameters: [{name: size, valueFrom: {parameter: '{{tasks.measure.outputs.parameters.output}}'}}]}
            dag:
              tasks:
              - {name: upper, template: echo, arguments: {parameters: [{name: v, value: '{{inputs.parameters.item}}!'}]}}
              - name: measure
                template: echo
                depends: upper
                arguments: {parameters: [{name: v, value: '{{tasks.upper.outputs.parameters.output}}'}]}
    """,
        ECHO,
    )
    assert run.status == "Succeeded"
    assert [n.name for n in run.find("per-item.measure")] == [
        "per-item(0:a).measure",
        "per-item(1:bb).measure",
    ]
    assert run.outputs == {"r": '["a!","bb!"]'}


# --- retries, deadlines, exit handler ------------------------------------------------------------

FLAKY = """
    kind: Workflow
    metadata: {{generateName: retry-}}
    spec:
      entrypoint: main
      templates:
      - name: main
        dag:
          tasks: [{{name: flaky, template: flaky}}]
      - name: flaky
        retryStrategy: {{limit: {limit}, retryPolicy: {policy}, backoff: {{duration: 30s, factor: 2}}}}
        outputs: {{parameters: [{{name: output, valueFrom: {{path: /tmp/flowc/outputs/output}}}}]}}
        script:
          source: |
            counter = pathlib.Path({counter!r})
            n = int(counter.read_text()) + 1 if counter.exists() else 1
            counter.write_text(str(n))
            out("output", str(n))
            sys.exit(0 if n >= 3 else 1)
"""


@pytest.mark.parametrize(
    ("limit", "policy", "phase", "attempts"),
    [
        (2, "Always", "Succeeded", 3),
        (1, "OnFailure", "Failed", 2),
        (5, "OnError", "Failed", 1),
        (5, "OnTransientError", "Failed", 1),
    ],
)
def test_retry_strategy(tmp_path: Path, limit: int, policy: str, phase: str, attempts: int) -> None:
    run = _run(tmp_path, FLAKY.format(limit=limit, policy=policy, counter=str(tmp_path / "counter")))
    node = run.task("flaky")
    assert (node.phase, len(node.attempts), run.status) == (phase, attempts, phase)
    assert [a.exit_code for a in node.attempts][-1] == (0 if phase == "Succeeded" else 1)
    if phase == "Succeeded":
        assert node.outputs == {"output": "3"}
    elif attempts > 1:
        assert node.message == "No more retries left"


def test_active_deadline_seconds_kills_a_sleeping_script(tmp_path: Path) -> None:
    started = time.monotonic()
    run = _run(
        tmp_path,
        """
        kind: Workflow
        metadata: {generateName: deadline-}
        spec:
          entrypoint: main
          templates:
          - name: main
            dag:
              tasks: [{name: sleepy, template: sleepy}]
          - name: sleepy
            activeDeadlineSeconds: 1
            script: {source: 'time.sleep(30)'}
    """,
    )
    assert time.monotonic() - started < 10
    node = run.task("sleepy")
    assert node.phase == "Failed" and "deadline" in node.message and run.status == "Failed"


EXIT = """
    kind: Workflow
    metadata: {{generateName: onexit-}}
    spec:
      entrypoint: main
      onExit: exit-handler
      templates:
      - name: main
        dag:
          tasks: [{{name: work, template: {work}}}]
      - name: exit-handler
        dag:
          tasks:
          - {{name: notify, template: {notify}, arguments: {{parameters: [{{name: v, value: '{{{{workflow.status}}}}'}}]}}}}
"""


@pytest.mark.parametrize(("work", "status"), [("echo-x", "Succeeded"), ("fail", "Failed")])
def test_on_exit_receives_the_workflow_status(tmp_path: Path, work: str, status: str) -> None:
    echo_x = "\n  - name: echo-x\n    script: {source: 'print(1)'}\n"
    run = _run(tmp_path, EXIT.format(work=work, notify="echo"), ECHO, FAIL, echo_x)
    assert run.status == status
    assert run.exit_node is not None and run.find("onExit.notify")[0].outputs == {"output": status}


def test_a_failing_exit_handler_fails_a_succeeded_workflow(tmp_path: Path) -> None:
    run = _run(
        tmp_path,
        EXIT.format(work="echo-x", notify="fail-v"),
        ECHO,
        FAIL,
        "\n  - name: echo-x\n    script: {source: 'print(1)'}\n",
        "\n  - name: fail-v\n    inputs: {parameters: [{name: v}]}\n    script: {source: 'sys.exit(1)'}\n",
    )
    assert run.task("work").phase == "Succeeded" and run.status == "Failed"


# --- substitution: hostile values, strictness -----------------------------------------------------

HOSTILE = {
    "quote": "it's",
    "dquote": 'say "hi"',
    "shell": "$(rm -rf /) `id` ; && |",
    "newline": "line1\nline2\n",
    "unicode": "naïve — 日本 🎉",
    "backslash": "C:\\temp\\n",
    "braces": "{{foo}} }}{{bar}}",
    "json": '{"a": [1, "x"]}',
}


def test_hostile_parameter_values_arrive_unchanged(tmp_path: Path) -> None:
    params = "\n".join(
        f"              - {{name: {k}, value: {json.dumps(v, ensure_ascii=False)}}}"
        for k, v in HOSTILE.items()
    )
    tasks = "\n".join(
        f"              - {{name: t-{k}, template: echo, arguments: {{parameters: [{{name: v, value: "
        f"'{{{{workflow.parameters.{k}}}}}'}}]}}}}"
        for k in HOSTILE
    )
    run = _run(
        tmp_path,
        f"""
        kind: Workflow
        metadata: {{generateName: hostile-}}
        spec:
          entrypoint: main
          arguments:
            parameters:
{params}
          templates:
          - name: main
            dag:
              tasks:
{tasks}
    """,
        ECHO,
    )
    assert run.status == "Succeeded", run.message
    for key, value in HOSTILE.items():
        node = run.task(f"t-{key}")
        assert node.env["FLOWC_IN_v"] == value, key
        # the executor trims ONE trailing newline from an output parameter
        assert node.outputs == {"output": value.removesuffix("\n")}, key


def test_values_holding_known_tags_are_substituted_again_like_argo_does(tmp_path: Path) -> None:
    # common.SubstituteParams substitutes globals over the whole template, input values included:
    # a value "{{workflow.name}}" reaches the pod as the workflow's name (issue #7828)
    run = _run(
        tmp_path,
        """
        kind: Workflow
        metadata: {generateName: resub-}
        spec:
          entrypoint: main
          arguments: {parameters: [{name: p, value: 'x'}]}
          templates:
          - name: main
            inputs: {parameters: [{name: p}]}
            outputs: {parameters: [{name: r, valueFrom: {parameter: '{{tasks.e.outputs.parameters.output}}'}}]}
            dag:
              tasks:
              - {name: e, template: echo, arguments: {parameters: [{name: v, value: '{{inputs.parameters.p}}'}]}}
    """,
        ECHO,
        params={"p": "<{{workflow.name}}> {{workflow.nope}}"},
    )
    assert run.outputs == {"r": f"<{run.workflow_name}> {{{{workflow.nope}}}}"}


def test_a_tag_left_in_a_loop_task_is_failed_to_resolve(tmp_path: Path) -> None:
    run = _run(
        tmp_path,
        """
        kind: Workflow
        metadata: {generateName: strict-}
        spec:
          entrypoint: main
          arguments: {parameters: [{name: p, value: 'x'}]}
          templates:
          - name: main
            inputs: {parameters: [{name: p}]}
            dag:
              tasks:
              - name: each
                template: echo
                withItems: [1]
                arguments: {parameters: [{name: v, value: '{{item}} {{inputs.parameters.p}}'}]}
    """,
        ECHO,
        params={"p": "{{oops}}"},
    )
    node = run.task("each")
    assert node.phase == "Error" and "failed to resolve {{oops}}" in node.message
    assert run.status == "Error"


def test_a_value_with_a_control_character_breaks_the_substitution(tmp_path: Path) -> None:
    # strconv.Quote writes \\a, which is not JSON: the unmarshal after substitution fails
    run = _run(
        tmp_path,
        """
        kind: Workflow
        metadata: {generateName: bell-}
        spec:
          entrypoint: main
          arguments: {parameters: [{name: p, value: 'x'}]}
          templates:
          - name: main
            inputs: {parameters: [{name: p}]}
            dag:
              tasks: [{name: e, template: echo, arguments: {parameters: [{name: v, value: '{{inputs.parameters.p}}'}]}}]
    """,
        ECHO,
        params={"p": "ding\a"},
    )
    assert run.status == "Error" and "invalid JSON" in run.message


def test_substitute_is_single_pass_and_quotes_values() -> None:
    tags = {"a": '{{b}}"\n', "b": "B"}
    assert substitute('{"x":"{{a}}-{{ b }}-{{c}}"}', tags, True) == '{"x":"{{b}}\\"\\n-B-{{c}}"}'
    with pytest.raises(ArgoError, match="failed to resolve"):
        substitute('{"x":"{{c}}"}', tags, False)
    assert substitute('{"k":"{{=sprig.sha256sum(inputs.parameters)}}"}', {}, False).startswith('{"k":"{{=')
    assert go_quote("a\tb\u00a0🎉\a") == "a\\tb\\u00a0🎉\\a"


def test_go_json_details() -> None:
    assert [go_float(v) for v in (0.1, 1.0, 1e21, 1e-7, 1.5e-6, 12345678901234567890.0, -0.0)] == [
        "0.1",
        "1",
        "1e+21",
        "1e-7",
        "0.0000015",
        "12345678901234567000",
        "-0",
    ]
    assert aggregated_json_value_list(["0.5", "[1]"]) == '["0.5","[1]"]'
    assert aggregated_json_value_list(['{"b": 2, "a": 1.0}', "[10000000000000000001]"]) == (
        '[{"a":1,"b":2},[10000000000000000000]]'
    )
    assert render_item('{"k": "a\\u00e9<"}') == {"item": '{"k":"a\\u00e9\\u003c"}', "item.k": "a\\u00e9<"}
    # Item.GetType calls `null` a List; GetListVal leaves the slice nil, which marshals as `null`
    assert render_item("null") == {"item": "null"}
    assert render_item("[1, null]") == {"item": "[1,null]"}
    assert render_item('{"k": null}') == {"item": '{"k":null}', "item.k": "null"}


# --- artifacts and the pod contract ---------------------------------------------------------------


def test_missing_output_is_an_error_unless_it_has_a_default(tmp_path: Path) -> None:
    run = _run(
        tmp_path,
        """
        kind: Workflow
        metadata: {generateName: missing-}
        spec:
          entrypoint: main
          templates:
          - name: main
            dag:
              tasks: [{name: a, template: a}, {name: b, template: b}]
          - name: a
            outputs: {parameters: [{name: output, valueFrom: {path: /tmp/flowc/outputs/output}}]}
            script: {source: 'pass'}
          - name: b
            outputs: {parameters: [{name: output, valueFrom: {path: /tmp/flowc/outputs/output, default: d}}]}
            script: {source: 'pass'}
    """,
    )
    assert run.task("a").phase == "Error" and "no such file" in run.task("a").message
    assert run.task("b").outputs == {"output": "d"}
    assert run.status == "Error"


def test_secrets_and_memoize(tmp_path: Path) -> None:
    text = """
        kind: Workflow
        metadata: {generateName: secret-}
        spec:
          entrypoint: main
          templates:
          - name: main
            outputs: {parameters: [{name: r, valueFrom: {parameter: '{{tasks.s.outputs.parameters.output}}'}}]}
            dag:
              tasks: [{name: s, template: s}]
          - name: s
            memoize:
              key: '{{="k-" + sprig.sha256sum(toJson(inputs.parameters))}}'
              cache: {configMap: {name: c}}
            outputs: {parameters: [{name: output, valueFrom: {path: /tmp/flowc/outputs/output}}]}
            script:
              env: [{name: PW, valueFrom: {secretKeyRef: {name: creds, key: password}}}]
              source: out("output", os.environ.get("PW", "<unset>"))
    """
    assert _run(tmp_path, text, secrets={"creds": {"password": "s3cr3t"}}).outputs == {"r": "s3cr3t"}
    unset = _run(tmp_path, text)
    assert unset.outputs == {"r": "<unset>"} and any("PW" in w for w in unset.warnings)


def test_a_script_cannot_use_the_real_tmp_flowc(tmp_path: Path) -> None:
    existed = os.path.exists("/tmp/flowc")
    run = _run(
        tmp_path,
        """
        kind: Workflow
        metadata: {generateName: trap-}
        spec:
          entrypoint: main
          templates:
          - name: main
            dag:
              tasks: [{name: bad, template: bad}]
          - name: bad
            script: {source: 'os.makedirs("/tmp/flowc/outputs", exist_ok=True); open("/tmp/flowc/outputs/x", "w")'}
    """,
    )
    assert run.task("bad").phase == "Failed" and "PermissionError" in run.task("bad").stderr
    assert any("/tmp/flowc" in w for w in run.warnings)
    assert os.path.exists("/tmp/flowc") == existed
