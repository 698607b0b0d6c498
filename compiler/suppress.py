"""`# flowc: ignore[FC201]` comments: drop the diagnostics they name, report unused ones."""

from __future__ import annotations

import re
import tokenize
from dataclasses import dataclass, field

from flowc.compiler.diagnostics import Diagnostic, Span, source_lines
from flowc.compiler.rules import RULES, diagnostic

_MARKER = re.compile(r"flowc:", re.IGNORECASE)
_COMMENT = re.compile(r"#\s*flowc:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)


@dataclass
class Suppression:
    """A `# flowc: ignore[...]` comment and the codes it names."""

    span: Span
    codes: tuple[str, ...]  # empty: every code on the line
    used: set[str] = field(default_factory=set)


def find_suppressions(path: str, text: str) -> dict[int, Suppression]:
    """Suppression comments by line; real comments only, never text inside strings."""
    if _MARKER.search(text) is None:
        return {}
    found: dict[int, Suppression] = {}
    try:
        # lines as the tokenizer behind `ast` ends them: `tokenize` itself ends none at a lone `\r`
        lines = iter([f"{line}\n" for line in source_lines(text)])
        for tok in tokenize.generate_tokens(lambda: next(lines, "")):
            if tok.type == tokenize.COMMENT and (m := _COMMENT.search(tok.string)):
                codes = _codes(m, tok.string)
                line, col = tok.start
                found[line] = Suppression(Span(path, line, col + 1, line, col + 1 + len(tok.string)), codes)
    except (tokenize.TokenError, SyntaxError, ValueError):
        return found  # a file that does not tokenize has an FC001 already
    return found


def _codes(match: re.Match[str], comment: str) -> tuple[str, ...]:
    """The codes a suppression names; a bracket it does not close (`ignore[FC201`, `ignore
    [FC201]`) is kept as one code no rule has, so it suppresses nothing and is reported (FC011)
    instead of silently suppressing everything on the line."""
    if match.group("codes") is None:
        rest = comment[match.end() :].strip()
        return (rest.split()[0],) if rest.startswith("[") else ()
    return tuple(c.strip().upper() for c in match.group("codes").split(",") if c.strip())


def apply_suppressions(
    diagnostics: list[Diagnostic], sources: dict[str, str], enabled: frozenset[str], linted: set[str]
) -> list[Diagnostic]:
    """Drop suppressed diagnostics; add FC010/FC011 for suppressions that did nothing in the
    files being linted (an imported module's comments may serve a lint of that module)."""
    by_path = {path: find_suppressions(path, text) for path, text in sources.items()}
    kept = [d for d in diagnostics if not _suppressed(d, by_path.get(d.span.path, {}))]
    for path in sorted(linted & by_path.keys()):
        for sup in by_path[path].values():
            kept.extend(_unused(sup, enabled))
    return kept


def _suppressed(d: Diagnostic, suppressions: dict[int, Suppression]) -> bool:
    sup = suppressions.get(d.span.line)
    if sup is None or (sup.codes and d.code not in sup.codes):
        return False
    sup.used.add(d.code)
    return True


def _unused(sup: Suppression, enabled: frozenset[str]) -> list[Diagnostic]:
    unknown = [c for c in sup.codes if c not in RULES]
    out = [diagnostic("FC011", sup.span, codes=", ".join(unknown))] if unknown else []
    if not sup.codes:
        return out if sup.used else [*out, diagnostic("FC010", sup.span, codes="any code")]
    unused = [
        c for c in sup.codes if c in RULES and c in enabled and c not in sup.used and not _target_code(c)
    ]
    return [*out, diagnostic("FC010", sup.span, codes=", ".join(unused))] if unused else out


def _target_code(code: str) -> bool:
    """Target limits (FC5xx) and internal errors (FC9xx) come from `compile`, which lint does not
    run: lint cannot tell whether a suppression of one is used."""
    return code.startswith(("FC5", "FC9"))
