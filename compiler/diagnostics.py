"""Diagnostics as data: what the compiler found, where, and how bad it is.

Checks build `Diagnostic` values through `rules.diagnostic`; renderers in `flowc.cli`
decide how they look. Nothing here prints.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from flowc.compiler.frozen import frozen


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A source range. Lines are 1-based; columns are 1-based character offsets."""

    path: str
    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def file(cls, path: str) -> Span:
        """A span for a whole file, when nothing more precise is known."""
        return cls(path, 1, 1, 1, 1)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@frozen
class Diagnostic:
    """One finding: a rule's code and severity, where, and what to do about it."""

    code: str
    severity: Severity
    span: Span
    message: str
    notes: tuple[str, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.path, self.span.line, self.span.col, self.code, self.message)


_LINE_END = re.compile(r"\r\n|\r|\n")  # the only line ends of Python's tokenizer


def source_lines(text: str) -> list[str]:
    """`text`'s lines, numbered as Python's tokenizer and `ast` number them, which is how every
    Span counts. Not `str.splitlines()`: that also ends a line at `\\f`, `\\v`, `\\x1c`-`\\x1e`,
    U+0085, U+2028 and U+2029, which Python reads as characters within a line. As with
    `splitlines`, a line end at the end of the text starts no further (empty) line."""
    lines = _LINE_END.split(text)
    if not lines[-1]:
        lines.pop()
    return lines


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Location order, duplicates removed (two passes may find the same fault)."""
    unique = {(d.code, d.span, d.message): d for d in diagnostics}
    return sorted(unique.values(), key=Diagnostic.sort_key)


class FlowcError(Exception):
    """A problem that stops a command before diagnostics apply: bad usage or configuration.

    The CLI's single error boundary turns it into a message and exit code 2.
    """


def path_error(path: object, exc: OSError) -> FlowcError:
    """The usage error for a path flowc cannot use (unreadable, a name too long, not a regular
    file): the path and the operating system's reason, never a traceback."""
    return FlowcError(f"{path}: {exc.strerror or exc}")
