"""Diagnostics rendered for people (full, concise) and machines (json, github, sarif).

Human formats go to stderr, machine formats to stdout.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from flowc.compiler.diagnostics import Diagnostic, source_lines
from flowc.compiler.rules import RULES

from flowc import __version__

FORMATS = ("full", "concise", "json", "github", "sarif")
MACHINE_FORMATS = frozenset({"json", "github", "sarif"})


def use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


class Style:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


def render(
    fmt: str, diagnostics: list[Diagnostic], sources: dict[str, str], files: int, summary: bool = True
) -> None:
    if fmt in MACHINE_FORMATS:
        sys.stdout.write(_MACHINE[fmt](diagnostics))
        return
    style = Style(use_color(sys.stderr))
    lines: list[str] = []
    for d in diagnostics:
        lines.append(_headline(d, style))
        if fmt == "full":
            lines.extend(_excerpt(d, sources.get(d.span.path), style))
            lines.extend(f"  = note: {n}" for n in d.notes)
            lines.append("")
    if summary:
        lines.append(summary_line(diagnostics, files, style))
    sys.stderr.write("\n".join(lines) + "\n")


def _headline(d: Diagnostic, style: Style) -> str:
    color = "1;31" if d.is_error else "1;33"
    return f"{style(str(d.span), '1')}: {style(d.code, color)} {d.message}"


def _excerpt(d: Diagnostic, text: str | None, style: Style) -> list[str]:
    if text is None:
        return []
    lines = source_lines(text)  # as Python counts lines: not at form feeds or U+2028
    if not 1 <= d.span.line <= len(lines):
        return []
    source = lines[d.span.line - 1].expandtabs(1)
    width = len(str(d.span.line))
    end = d.span.end_col if d.span.end_line == d.span.line else len(source) + 1
    carets = "^" * max(1, min(end, len(source) + 1) - d.span.col)
    gutter = style(f"{' ' * width} |", "34")
    return [
        gutter,
        f"{style(f'{d.span.line} |', '34')} {source}",
        f"{gutter} {' ' * (d.span.col - 1)}{style(carets, '1;31' if d.is_error else '1;33')}",
    ]


def summary_line(diagnostics: list[Diagnostic], files: int, style: Style | None = None) -> str:
    style = style or Style(False)
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return style(f"All checks passed! ({files} file{'s' if files != 1 else ''} checked)", "32")
    return f"Found {errors} error{'s' if errors != 1 else ''} and {warnings} warning{'s' if warnings != 1 else ''}."


def _json(diagnostics: list[Diagnostic]) -> str:
    items = [
        {
            "code": d.code,
            "name": RULES[d.code].name,
            "severity": d.severity.value,
            "message": d.message,
            "notes": list(d.notes),
            "filename": d.span.path,
            "location": {"row": d.span.line, "column": d.span.col},
            "end_location": {"row": d.span.end_line, "column": d.span.end_col},
        }
        for d in diagnostics
    ]
    return json.dumps(items, indent=2) + "\n"


def _github(diagnostics: list[Diagnostic]) -> str:
    root = _repository_root()
    out = []
    for d in diagnostics:
        level = "error" if d.is_error else "warning"
        s = d.span
        where = _from_root(s.path, root) or os.path.abspath(s.path)
        props = f"title=flowc ({d.code}),file={_escape_property(where)},line={s.line},col={s.col},endLine={s.end_line},endColumn={s.end_col}"
        out.append(f"::{level} {props}::{_escape_data(f'{d.code} {_with_notes(d)}')}\n")
    return "".join(out)


def _with_notes(d: Diagnostic) -> str:
    """The message and notes as one text: annotations and SARIF results have no notes field."""
    return "\n".join([d.message, *(f"note: {n}" for n in d.notes)])


def _repository_root() -> Path:
    """Where GitHub resolves relative paths: the work tree holding the current directory (the
    checkout), or the current directory outside one. Paths relative to the current directory
    would point at the wrong file when flowc runs in a subfolder of the repository."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def _from_root(path: str, root: Path) -> str | None:
    """`path` relative to `root` with `/` separators, or None when it lies outside."""
    try:
        relative = os.path.relpath(os.path.abspath(path), root)
    except ValueError:  # another drive
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return relative.replace(os.sep, "/")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _sarif(diagnostics: list[Diagnostic]) -> str:
    codes = sorted(RULES)
    rules = [
        {
            "id": code,
            "name": RULES[code].name,
            "shortDescription": {"text": RULES[code].name.replace("-", " ")},
            "fullDescription": {"text": RULES[code].doc},
            "help": {"text": RULES[code].doc, "markdown": RULES[code].doc},
            "defaultConfiguration": {"level": RULES[code].severity.value},
        }
        for code in codes
    ]
    root = _repository_root()
    results = [_sarif_result(d, codes.index(d.code), root) for d in diagnostics]
    doc: dict[str, Any] = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "flowc", "version": __version__, "rules": rules}},
                "columnKind": "unicodeCodePoints",  # flowc counts characters, not UTF-16 units
                "originalUriBaseIds": {_SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


def _sarif_result(d: Diagnostic, index: int, root: Path) -> dict[str, Any]:
    s = d.span
    return {
        "ruleId": d.code,
        "ruleIndex": index,
        "level": "error" if d.is_error else "warning",
        "message": {"text": _with_notes(d)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(s.path, root),
                    "region": {
                        "startLine": s.line,
                        "startColumn": s.col,
                        "endLine": s.end_line,
                        "endColumn": s.end_col,
                    },
                }
            }
        ],
    }


_SRCROOT = "%SRCROOT%"


def _artifact(path: str, root: Path) -> dict[str, str]:
    """A file inside the repository is named relative to its root (what code scanning expects),
    any other by its absolute `file:` URI; both percent-encoded."""
    relative = _from_root(path, root)
    if relative is None:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(relative), "uriBaseId": _SRCROOT}


_MACHINE: dict[str, Callable[[list[Diagnostic]], str]] = {"json": _json, "github": _github, "sarif": _sarif}
