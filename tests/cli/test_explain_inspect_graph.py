"""`flowc explain`, `flowc inspect` and `flowc graph`, checked against the registry and the IR."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flowc.cli.main import main
from flowc.compiler import ir
from flowc.compiler.frontend.loader import load_flow
from flowc.compiler.graph import edges
from flowc.compiler.rules import RULES

ROOT = Path(__file__).parents[2]
# every example flow, as PATH[:FLOW] relative to the repository root
TARGETS = [
    "examples/training.py",
    "examples/map_reduce.py",
    "examples/conditions.py",
    "examples/subflows.py",
    "examples/reports.py",
    "examples/platform_settings.py",
    "examples/lib/flows.py:forecast_store",
    "examples/lib/flows.py:rank_stores",
]
FORMATS = ["text", "mermaid", "dot"]

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """`flowc ARGS...` in-process from the repository root: (exit code, stdout, stderr)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")

    def invoke(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return invoke


def program(target: str) -> ir.Program:
    path, _, name = target.partition(":")
    loaded = load_flow(Path(path), name or None)
    assert loaded.program is not None, loaded.diagnostics
    return loaded.program


def entry(target: str) -> ir.Flow:
    prog = program(target)
    assert prog.entry is not None
    return prog.flow(prog.entry)


def data_edges(flow: ir.Flow) -> set[tuple[str, str]]:
    return {(e.source, e.target) for e in edges(flow) if e.kind == "data"}


# --- explain -------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["FC201", "fc201", "type-mismatch", "TYPE-MISMATCH"])
def test_explain_prints_the_rule_doc(run: Run, key: str) -> None:
    code, out, _ = run("explain", key)
    assert code == 0
    assert "FC201" in out
    assert RULES["FC201"].doc in out


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_is_explained(run: Run, rule: str) -> None:
    code, out, _ = run("explain", rule)
    assert code == 0
    assert RULES[rule].name in out
    assert RULES[rule].doc.strip()


@pytest.mark.parametrize("key", ["FC000", "FC2", "FC2011", "no-such-rule", ""])
def test_explain_unknown_rule_exits_2(run: Run, key: str) -> None:
    code, out, err = run("explain", key)
    assert (code, out) == (2, "")
    assert err.strip()


def test_explain_list_lists_every_code(run: Run) -> None:
    code, out, _ = run("explain", "--list")
    assert code == 0
    listed = set(re.findall(r"\bFC\d{3}\b", out))
    assert listed == set(RULES)
    for rule in RULES.values():
        assert re.search(rf"{rule.code}\s+{re.escape(rule.name)}\b", out), rule.code


@pytest.mark.parametrize("prefix", ["FC2", "FC201", "fc5"])
def test_explain_list_with_a_prefix_lists_what_it_selects(run: Run, prefix: str) -> None:
    code, out, _ = run("explain", "--list", prefix)
    assert code == 0
    assert set(re.findall(r"\bFC\d{3}\b", out)) == {c for c in RULES if c.startswith(prefix.upper())}


def test_explain_list_with_an_unknown_prefix_exits_2(run: Run) -> None:
    code, out, _ = run("explain", "--list", "FC77")
    assert (code, out) == (2, "")


# --- inspect ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS)
def test_inspect_tree_mentions_every_task(run: Run, target: str) -> None:
    code, out, _ = run("inspect", target)
    assert code == 0
    prog = program(target)
    for flow in prog.flows:
        assert flow.name in out
        for task in flow.tasks():
            assert re.search(rf"\btask {re.escape(task.id)}\b", out), task.id
    for step in prog.steps:
        assert step.key in out


def test_inspect_training_tree(run: Run) -> None:
    _, out, _ = run("inspect", "examples/training.py")
    for task in ("ingest", "score", "pick_best", "train", "deploy"):
        assert f"task {task} = step training:{task}(" in out


def _json_tasks(body: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every task of a JSON flow body, depth first, in source order (like `Flow.tasks`)."""
    for node in body:
        if "callee" in node:
            yield node
        yield from _json_tasks(node.get("body", []))
        for case in node.get("cases", []):
            yield from _json_tasks(case["body"])


@pytest.mark.parametrize("target", TARGETS)
def test_inspect_json_matches_the_ir(run: Run, target: str) -> None:
    code, out, _ = run("inspect", "--json", target)
    assert code == 0
    data = json.loads(out)
    prog = program(target)
    assert data["entry"] == prog.entry
    assert [f["key"] for f in data["flows"]] == [f.key for f in prog.flows]
    assert [s["key"] for s in data["steps"]] == [s.key for s in prog.steps]
    for flow_data, flow in zip(data["flows"], prog.flows, strict=True):
        assert flow_data["name"] == flow.name
        assert [p["name"] for p in flow_data["params"]] == [p.name for p in flow.params]
        tasks = [
            (t["id"], t["callee"], [a["param"] for a in t["args"]]) for t in _json_tasks(flow_data["body"])
        ]
        assert tasks == [(t.id, t.callee, [a.param for a in t.args]) for t in flow.tasks()]


def test_inspect_json_spans_are_positions(run: Run) -> None:
    _, out, _ = run("inspect", "--json", "examples/training.py")
    flow = json.loads(out)["flows"][0]
    assert flow["span"]["path"] == "examples/training.py"
    assert flow["span"]["line"] >= 1


@pytest.mark.parametrize("command", [["inspect"], ["inspect", "--json"], ["graph"]])
def test_several_flows_without_selection_is_fc004(run: Run, command: list[str]) -> None:
    code, out, err = run(*command, "examples/lib/flows.py")
    assert (code, out) == (1, "")
    assert "FC004" in err


@pytest.mark.parametrize("command", [["inspect"], ["inspect", "--json"], ["graph"]])
def test_unknown_flow_is_fc003(run: Run, command: list[str]) -> None:
    code, out, err = run(*command, "examples/training.py:nope")
    assert (code, out) == (1, "")
    assert "FC003" in err


def test_file_without_flows_is_fc003(run: Run) -> None:
    code, _, err = run("inspect", "examples/lib/steps.py")
    assert code == 1
    assert "FC003" in err


@pytest.mark.parametrize("command", ["inspect", "graph"])
@pytest.mark.parametrize("target", ["examples", "examples/", "examples:training", "missing.py"])
def test_directory_or_missing_target_exits_2(run: Run, command: str, target: str) -> None:
    code, out, err = run(command, target)
    assert (code, out) == (2, "")
    assert err.strip()


def test_flow_with_errors_is_reported_not_shown(run: Run, tmp_path: Path) -> None:
    source = """
    from flowc import flow, step

    @step
    def use(x: str) -> None:
        print(x)

    @flow
    def pipeline() -> None:
        use(1)
    """
    path = tmp_path / "flow.py"
    path.write_text(textwrap.dedent(source))
    code, out, err = run("inspect", str(path))
    assert (code, out) == (1, "")
    assert "FC201" in err


# --- graph -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [*FORMATS, None])
@pytest.mark.parametrize("target", TARGETS)
def test_graph_every_example(run: Run, target: str, fmt: str | None) -> None:
    code, out, _ = run("graph", target, *(["--format", fmt] if fmt else []))
    assert code == 0
    assert out.endswith("\n")


def test_graph_unknown_format_exits_2(run: Run) -> None:
    code, out, _ = run("graph", "--format", "png", "examples/training.py")
    assert (code, out) == (2, "")


@pytest.mark.parametrize("target", TARGETS)
def test_graph_text(run: Run, target: str) -> None:
    _, out, _ = run("graph", "--format", "text", target)
    flow = entry(target)
    lines = out.splitlines()[1:]
    tasks = [line for line in lines if not line.endswith(":") and not line.endswith("(on exit)")]
    rows = {line.split(" <- ")[0].strip(): line for line in tasks}
    assert set(rows) == {t.id for t in flow.tasks()}
    # loops and branches are headings, their tasks indented below them
    assert sum(line.strip().startswith("for each ") for line in lines) == sum(
        isinstance(n, ir.Loop) for n, _ in ir.walk(flow.body)
    )
    assert any(line.endswith("(on exit)") for line in lines) == (flow.on_exit is not None)
    for source, target_id in data_edges(flow):
        assert re.search(rf"<-.*\b{re.escape(source)}\b", rows[target_id]), (source, target_id)


def _mermaid_edges(out: str) -> set[tuple[str, str]]:
    return {(a, b) for a, b in re.findall(r"^\s*t_(\S+) --> t_(\S+)$", out, re.MULTILINE)}


@pytest.mark.parametrize("target", TARGETS)
def test_graph_mermaid(run: Run, target: str) -> None:
    _, out, _ = run("graph", "--format", "mermaid", target)
    assert out.startswith("flowchart")
    flow = entry(target)
    for task in flow.tasks():
        assert re.search(rf'^\s*t_{re.escape(task.id)}\["', out, re.MULTILINE), task.id
    assert data_edges(flow) <= _mermaid_edges(out)
    subgraphs = re.findall(r"^\s*subgraph (\S+?)\[", out, re.MULTILINE)
    assert len(subgraphs) == len(set(subgraphs))
    assert len(subgraphs) == len(re.findall(r"^\s*end$", out, re.MULTILINE))


def _outside_strings(dot: str) -> str:
    """`dot` with the contents of quoted strings removed (labels may contain braces)."""
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', dot)


def _dot_edges(out: str) -> set[tuple[str, str]]:
    pairs = re.findall(r'^\s*("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*");$', out, re.MULTILINE)
    return {(json.loads(a), json.loads(b)) for a, b in pairs}


@pytest.mark.parametrize("target", TARGETS)
def test_graph_dot(run: Run, target: str) -> None:
    _, out, _ = run("graph", "--format", "dot", target)
    bare = _outside_strings(out)
    assert re.match(r'^digraph ""\s*\{', bare)
    assert bare.rstrip().endswith("}")
    depth = 0
    for char in bare:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    flow = entry(target)
    nodes = {json.loads(n) for n in re.findall(r'^\s*("(?:[^"\\]|\\.)*") \[label=', out, re.MULTILINE)}
    handler = {"on exit"} if flow.on_exit is not None else set()  # the exit handler's node
    assert nodes == {t.id for t in flow.tasks()} | handler
    assert data_edges(flow) <= _dot_edges(out)
    clusters = re.findall(r'^\s*subgraph ("(?:[^"\\]|\\.)*")', out, re.MULTILINE)
    assert len(clusters) == len(set(clusters))


TRAINING_EDGES = {
    ("ingest", "score"),
    ("score", "pick_best"),
    ("ingest", "train"),
    ("pick_best", "train"),
    ("train", "deploy"),  # data (result.model), and the condition on result.accuracy
}


def test_training_graph_edges_exactly(run: Run) -> None:
    assert data_edges(entry("examples/training.py")) == TRAINING_EDGES
    _, dot, _ = run("graph", "--format", "dot", "examples/training.py")
    assert _dot_edges(dot) == TRAINING_EDGES
    _, mermaid, _ = run("graph", "--format", "mermaid", "examples/training.py")
    assert _mermaid_edges(mermaid) == TRAINING_EDGES
    _, text, _ = run("graph", "--format", "text", "examples/training.py")
    assert text.splitlines() == [
        "flow training",
        "  ingest",
        "  for each r:",
        "    score <- ingest",
        "  pick_best <- score",
        "  train <- ingest, pick_best",
        "  if train.accuracy > threshold:",
        "    deploy <- train",
        "  notify (on exit)",
    ]


def test_graph_ordering_edges_are_dashed(run: Run) -> None:
    """subflows.py orders `forecast_store` after `sync_calendar` with `with after(...)`."""
    _, dot, _ = run("graph", "--format", "dot", "examples/subflows.py")
    assert '"sync_calendar" -> "forecast_store" [style=dashed];' in dot
    _, mermaid, _ = run("graph", "--format", "mermaid", "examples/subflows.py")
    assert "t_sync_calendar -.-> t_forecast_store" in mermaid


NOTATION = """
from typing import Optional
from flowc import flow, step

@step
def items() -> list[int]: ...
@step
def inc(x: int) -> int: ...
@step
def show(x: int, note: Optional[str] = None) -> None: ...

@flow
def größe(n: list[int] = [1, 2], tag: Optional[str] = None, fast: bool = False) -> None:
    for i in items():
        for j in n:
            k = inc(j)
            if k > i and tag is None:
                show(k)
"""


@pytest.mark.parametrize(
    "view", [["inspect"], ["graph", "--format", "mermaid"], ["graph", "--format", "dot"]]
)
def test_views_write_the_flow_as_its_source_does(run: Run, tmp_path: Path, view: list[str]) -> None:
    """Loop variables by name (not loop ids) and literals in Python (`None`, not `null`)."""
    path = tmp_path / "notation.py"
    path.write_text(NOTATION, encoding="utf-8")
    code, out, _err = run(*view, str(path))
    assert code == 0
    assert "(inc > i) and (tag is None)" in out
    assert "null" not in out and "false" not in out


def test_inspect_json_keeps_non_ascii_names(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "notation.py"
    path.write_text(NOTATION, encoding="utf-8")
    code, out, _err = run("inspect", "--json", str(path))
    assert code == 0
    assert "größe" in out
    assert json.loads(out)


@pytest.mark.parametrize("suffix", [":", ":9x", ":a-b"])
def test_a_flow_selector_that_is_no_name_is_a_usage_error(run: Run, suffix: str) -> None:
    code, _out, err = run("graph", "examples/training.py" + suffix)
    assert code == 2
    assert "no such file" not in err


def test_mermaid_labels_escape_what_mermaid_reads_as_entities() -> None:
    from flowc.cli.show import _quote

    assert _quote('a "b" #quot; &lt;') == "a #quot;b#quot; #35;quot; #38;lt;"
