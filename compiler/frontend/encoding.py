"""Source bytes → text, decoded as Python decodes a module (PEP 263, PEP 3120).

A UTF-8 byte-order mark or a `# -*- coding: ... -*-` declaration on one of the first two
lines names the encoding; without one it is UTF-8. Whatever does not decode is an FC002 at
the line and column of the first bad byte (or of the declaration that names no codec), the
way Python itself points at it, rather than at the start of the file.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize

from flowc.compiler.diagnostics import Diagnostic, Span
from flowc.compiler.rules import diagnostic

_BOM = codecs.BOM_UTF8
# PEP 263's pattern and tokenize's test for a line that may precede the declaration
_DECLARATION = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BLANK_OR_COMMENT = re.compile(rb"^[ \t\f]*(?:[#\r\n]|$)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what Python's tokenizer counts as a line end


class _BadDeclaration(Exception):
    def __init__(self, line: int, col: int, detail: str) -> None:
        super().__init__(detail)
        self.line = line
        self.col = col
        self.detail = detail


def decode_source(data: bytes, path: str) -> str | Diagnostic:
    """The text of a Python source file, or FC002 where it stops being text."""
    try:
        encoding = _encoding(data)
        if encoding == "utf-8-sig":  # decode after the BOM, so that error offsets count from there
            data, encoding = data.removeprefix(_BOM), "utf-8"
        return _decode(data, encoding)
    except _BadDeclaration as exc:
        return diagnostic("FC002", Span(path, exc.line, exc.col, exc.line, exc.col), detail=exc.detail)
    except UnicodeDecodeError as exc:
        return _undecodable(data, encoding, exc, path)


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:  # `# coding: hex` names a codec, but not one of text
        raise _at_declaration(_declaration(data), f"{encoding!r} is not a text encoding") from None


def _encoding(data: bytes) -> str:
    try:
        return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError:
        return _declared_encoding(data)


def _declared_encoding(data: bytes) -> str:
    """The encoding where tokenize gives up but Python's compiler does not: a declaration on
    a line that also holds a byte of the declared encoding, or after a comment line that is
    not UTF-8. A declaration naming no codec is reported; without one, decoding as UTF-8
    finds the bad byte."""
    found = _declaration(data)
    if found is None:
        return "utf-8-sig"
    name = found[1].group(1).decode("ascii")
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise _at_declaration(found, f"the encoding declaration names unknown encoding {name!r}") from None
    if data.startswith(_BOM) and codec != "utf-8":
        raise _at_declaration(found, f"the file starts with a UTF-8 byte-order mark but declares {name!r}")
    return codec


def _at_declaration(found: tuple[int, re.Match[bytes]] | None, detail: str) -> _BadDeclaration:
    if found is None:
        return _BadDeclaration(1, 1, detail)
    line, match = found
    col = len(match.string[: match.start(1)].decode("utf-8", errors="replace")) + 1
    return _BadDeclaration(line, col, detail)


def _declaration(data: bytes) -> tuple[int, re.Match[bytes]] | None:
    """The encoding declaration of the first two lines, read as bytes, and its line number.
    Line 2 counts only after a blank or comment line 1, as in Python."""
    for number, line in enumerate(data.removeprefix(_BOM).split(b"\n", 2)[:2], start=1):
        match = _DECLARATION.match(line)
        if match is not None:
            return number, match
        if not _BLANK_OR_COMMENT.match(line):
            return None
    return None


def _undecodable(data: bytes, encoding: str, exc: UnicodeDecodeError, path: str) -> Diagnostic:
    """FC002 at the first byte that does not decode: everything before it does."""
    before = _LINE_BREAK.split(data[: exc.start].decode(encoding, errors="replace"))
    line, col = len(before), len(before[-1]) + 1
    name = "UTF-8" if encoding == "utf-8" else encoding
    detail = (
        f"byte 0x{data[exc.start]:02x} is not valid {name} ({exc.reason}); save the file as UTF-8, "
        "or declare its encoding on the first line: `# -*- coding: latin-1 -*-`"
    )
    return diagnostic("FC002", Span(path, line, col, line, col + 1), detail=detail)
