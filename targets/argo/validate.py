"""flowc's own check of an emitted Argo document, before anything is written.

A re-implementation of the `argo lint` checks that matter for generated output: names valid and
unique, references resolve (templates, `depends`, `{{tasks.X}}` only for ancestors,
`{{inputs.X}}` and outputs' `inputs.parameters.X` only for declared inputs), no cycles,
entrypoint and onExit exist. A failure is a bug in flowc (FC902), never the user's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

NAME = re.compile(r"^[a-zA-Z0-9][-a-zA-Z0-9]*$")
PARAM_NAME = re.compile(r"^[-a-zA-Z0-9_]+$")
_TASK_REF = re.compile(r"\{\{tasks\.([^.}]+)\.")
_INPUT_REF = re.compile(r"\{\{inputs\.(parameters|artifacts)\.([^}]+)\}\}")


def problems(doc: dict[str, Any]) -> list[str]:
    spec = doc["spec"]["workflowSpec"] if doc["kind"] == "CronWorkflow" else doc["spec"]
    templates = spec.get("templates", [])
    found = _template_names(templates)
    names = {t["name"] for t in templates}
    for key in ("entrypoint", "onExit"):
        if key in spec and spec[key] not in names:
            found.append(f"{key} `{spec[key]}` names no template")
    for template in templates:
        found += [f"template {template['name']}: {p}" for p in _template_problems(template, names)]
    return found


def _template_names(templates: list[dict[str, Any]]) -> list[str]:
    found, seen = [], set()
    for template in templates:
        name = template.get("name", "")
        if not NAME.match(name) or len(name) > 128:
            found.append(f"invalid template name {name!r}")
        if name in seen:
            found.append(f"duplicate template name {name!r}")
        seen.add(name)
    return found


def _template_problems(template: dict[str, Any], names: set[str]) -> list[str]:
    kinds = [k for k in ("dag", "script", "container", "steps") if k in template]
    found = [] if len(kinds) == 1 else [f"has {len(kinds)} template types"]
    declared = _declared_inputs(template)
    for kind, name in _INPUT_REF.findall(repr(template)):
        if (kind, name) not in declared:
            found.append(f"uses undeclared input {kind}.{name}")
    for param in template.get("outputs", {}).get("parameters", []):
        # a DAG output may name an input by its bare scope key (Argo resolves it without braces)
        key = param.get("valueFrom", {}).get("parameter", "")
        if key.startswith("inputs.parameters.") and ("parameters", key.split(".", 2)[2]) not in declared:
            found.append(f"output {param['name']} names undeclared input {key}")
    for param in template.get("inputs", {}).get("parameters", []):
        if not PARAM_NAME.match(param["name"]):
            found.append(f"invalid parameter name {param['name']!r}")
    if "dag" in template:
        found += _dag_problems(template["dag"]["tasks"], names)
    return found


def _declared_inputs(template: dict[str, Any]) -> set[tuple[str, str]]:
    inputs = template.get("inputs", {})
    return {(kind, entry["name"]) for kind in ("parameters", "artifacts") for entry in inputs.get(kind, [])}


def _dag_problems(tasks: list[dict[str, Any]], names: set[str]) -> list[str]:
    found: list[str] = []
    by_name: dict[str, dict[str, Any]] = {}
    for task in tasks:
        name = task["name"]
        if not NAME.match(name) or len(name) > 128 or name[0].isdigit():
            found.append(f"invalid task name {name!r}")
        if name in by_name:
            found.append(f"duplicate task name {name!r}")
        by_name[name] = task
        if task.get("template") not in names:
            found.append(f"task {name} uses unknown template {task.get('template')!r}")
    graph = {
        n: set(t.get("dependencies", [])) | set(_depends(t.get("depends", ""))) for n, t in by_name.items()
    }
    for name, deps in graph.items():
        # not `deps - by_name.keys()`: that copies every task name, for every task
        found += [f"task {name} depends on unknown task {d!r}" for d in sorted(deps.difference(by_name))]
    if _has_cycle(graph):
        found.append("the DAG has a cycle")
        return found
    for name, task in by_name.items():
        refs = set(_TASK_REF.findall(repr({k: v for k, v in task.items() if k != "name"})))
        # flowc makes every task it reads a direct dependency: search further only otherwise,
        # so a long chain costs one lookup per reference, not a walk of its ancestors
        distant = refs - graph[name]
        if distant:
            ancestors = _ancestors(name, graph)
            found += [
                f"task {name} reads task {ref}, which is not among its dependencies"
                for ref in sorted(distant - ancestors)
            ]
    return found


def _depends(expression: str) -> Iterator[str]:
    for token in re.findall(r"[A-Za-z0-9][-A-Za-z0-9]*(?:\.[A-Za-z]+)?", expression):
        yield token.split(".")[0]


def _ancestors(name: str, graph: dict[str, set[str]]) -> set[str]:
    stack, seen = list(graph.get(name, ())), set()
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, ()))
    return seen


def _has_cycle(graph: dict[str, set[str]]) -> bool:
    """Depth first with an explicit stack: a chain of thousands of tasks is no deeper for it."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root, deps in graph.items():
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(deps))]
        while stack:
            node, pending = stack[-1]
            dep = next((d for d in pending if d in graph and state.get(d) != 2), None)
            if dep is None:
                state[node] = 2
                stack.pop()
            elif state.get(dep) == 1:
                return True
            else:
                state[dep] = 1
                stack.append((dep, iter(graph[dep])))
    return False
