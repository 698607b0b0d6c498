"""Where the bytes of a compiled Argo workflow go (`flowc compile --sizes`).

The file is read back and written again by the same YAML writer, which charges every line to
the part of the workflow it belongs to, so the parts add up to the file's size exactly: step
scripts, the runtime they share, the rest of the step templates, DAG tasks, DAG templates,
condition templates, flow parameters, and metadata and settings. The templates are also
ranked by size.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flowc.targets import yamlout
from flowc.targets.argo import FLOW_WIDTH
from flowc.targets.argo.emit import RUNTIME_PARAM

Path = tuple[str | int, ...]
CONDITION_HEADER = "# flowc branch condition"


def breakdown(data: bytes) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(parts, templates): bytes by part and by template, largest first. The parts sum to
    `len(data)`."""
    documents = _read(data)
    parts = _charged(data, documents, _part_tally(documents))
    templates = _charged(data, documents, _template_tally(documents))
    ranked = [(name, size) for name, size in templates if name.startswith("template ")]
    return parts, [(name.removeprefix("template "), size) for name, size in ranked]


def _read(data: bytes) -> list[dict[str, Any]]:
    import yaml  # only `--sizes` reads a workflow back

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return list(yaml.load_all(data, Loader=loader))


def _charged(
    data: bytes, documents: list[dict[str, Any]], tally: Callable[[Path], str | None]
) -> list[tuple[str, int]]:
    rewritten, parts = yamlout.breakdown(documents, tally, FLOW_WIDTH)
    if len(rewritten) != len(data):  # not flowc's output, or edited: say so rather than misreport
        parts["not as flowc writes it"] = len(data) - len(rewritten)
    return sorted(parts.items(), key=lambda item: (-item[1], item[0]))


def _spec_path(document: dict[str, Any]) -> Path:
    return ("spec", "workflowSpec") if document.get("kind") == "CronWorkflow" else ("spec",)


def _templates(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    document = documents[0]
    spec = document["spec"]
    spec = spec["workflowSpec"] if document.get("kind") == "CronWorkflow" else spec
    return spec.get("templates", [])  # type: ignore[no-any-return]


def _part_tally(documents: list[dict[str, Any]]) -> Callable[[Path], str | None]:
    root = _spec_path(documents[0])
    templates = _templates(documents)
    params = _parameters(documents)

    def tally(path: Path) -> str | None:
        if len(path) == 1:
            return "metadata and settings"
        inner = path[len(root) :] if path[: len(root)] == root else ()
        if inner[:2] == ("arguments", "parameters") and len(inner) == 3:
            name = str(params[int(inner[2])].get("name", ""))
            return "shared runtime" if name.startswith(RUNTIME_PARAM) else "flow parameters"
        if inner[:1] == ("templates",) and len(inner) >= 2:
            return _template_part(templates[int(inner[1])], inner[2:])
        return None

    return tally


def _template_part(template: dict[str, Any], inner: Path) -> str | None:
    if "dag" in template:
        return "DAG tasks" if inner[:2] == ("dag", "tasks") else "DAG templates" if not inner else None
    source = str(template.get("script", {}).get("source", ""))
    if source.startswith(CONDITION_HEADER):
        return "condition templates" if not inner else None
    if inner == ("script", "source"):
        return "step scripts"
    return "step templates (without scripts)" if not inner else None


def _parameters(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    document = documents[0]
    spec = document["spec"]
    spec = spec["workflowSpec"] if document.get("kind") == "CronWorkflow" else spec
    return spec.get("arguments", {}).get("parameters", [])  # type: ignore[no-any-return]


def _template_tally(documents: list[dict[str, Any]]) -> Callable[[Path], str | None]:
    root = _spec_path(documents[0])
    templates = _templates(documents)

    def tally(path: Path) -> str | None:
        inner = path[len(root) :] if path[: len(root)] == root else ()
        if len(inner) == 2 and inner[0] == "templates":
            return f"template {templates[int(inner[1])]['name']}"
        return "other" if len(path) == 1 else None

    return tally
