"""One YAML writer for every target: human key order, `|` blocks for multi-line text, stable bytes.

The bytes are exactly what PyYAML's safe dumper writes for the same data (block style, keys
in insertion order, lists at the level of their key, width 10000, Unicode kept, YAML 1.1's
`y`/`n` quoted for Go readers), but written directly: a compiled flow of thousands of steps
is a few hundred thousand scalars, which PyYAML's node graph and resolver took seconds to
dump (and `import yaml` is paid by every compile). The rare stream with what needs PyYAML's
own rules (control characters or trailing spaces in text, a collection met twice …) is
written by PyYAML instead, so the output never differs.

`flow_width` makes a document more compact: a mapping, a list of them or a list of scalars
that holds no multi-line text and fits on one line within that many columns is written in
flow style, `inputs: {parameters: [{name: x}]}`, `command: [python3]`; PyYAML is given the
same choices (`layout`). `breakdown` also reports how many bytes each part of a document
takes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flowc.compiler.frozen import frozen

WIDTH = 10_000  # PyYAML's line width as configured here: longer plain or quoted text is folded
_SIMPLE_KEY_LIMIT = 128  # longer keys are written in YAML's explicit `? key` form
# YAML 1.1 readers (Go's, which Kubernetes and Argo use) read these as booleans; PyYAML doesn't
# know it and would leave them unquoted.
_YAML11_BOOLS = frozenset({"y", "Y", "n", "N"})

# Text PyYAML writes in the styles handled here: printable characters without a line break
# other than "\n" (and without NEL, LS, PS, BOM, which it treats specially).
_PRINTABLE = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
# What a plain scalar would be read back as, other than text (YAML 1.1's implicit types, as
# PyYAML's resolver knows them): such text is quoted. Words are looked up; only text that
# starts like a number or a date needs the patterns (compiled on first use).
_IMPLICIT_WORDS = frozenset(
    {"yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE"}
    | {"on", "On", "ON", "off", "Off", "OFF", "~", "null", "Null", "NULL", "<<", "="}
)
_NUMERIC_START = frozenset("0123456789+-.")
_IMPLICIT_NUMBER = r"""(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
    |[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]
     (?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?
    )\n?"""


def _implicit(text: str) -> bool:
    """Whether PyYAML would read `text`, written plain, as something other than text."""
    if text in _IMPLICIT_WORDS:
        return True
    if text[0] not in _NUMERIC_START:
        return False
    if text.isdigit():  # a decimal, or an octal with a leading 0 (but not `08`)
        return text[0] != "0" or len(text) == 1 or not set(text) - set("01234567")
    return _implicit_number().fullmatch(text) is not None


@cache
def _implicit_number() -> re.Pattern[str]:
    return re.compile(_IMPLICIT_NUMBER, re.VERBOSE)


_ALWAYS_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_FLOW_INDICATORS = frozenset(",?[]{}")


class _Fallback(Exception):
    """Text this writer doesn't render exactly as PyYAML would: PyYAML writes the stream."""


def _printable(line: str) -> bool:
    """Whether PyYAML writes `line` (no line breaks) as it is, in any style."""
    if line.isascii():  # nearly always: no need for the Unicode ranges below
        return line.isprintable()
    return _unicode_printable().fullmatch(line) is not None


@cache
def _unicode_printable() -> re.Pattern[str]:
    return re.compile(f"[{_PRINTABLE}]*")  # compiling these ranges costs more than a small compile


# --- scalars -------------------------------------------------------------------------------------


def _indicators(text: str) -> tuple[bool, bool]:
    """(flow, block): whether `text` holds YAML indicators that forbid it plain in that context."""
    flow = block = text.startswith(("---", "..."))
    for i, ch in enumerate(text):
        followed_by_space = i + 1 == len(text) or text[i + 1] == " "
        if i == 0 and ch in _ALWAYS_INDICATORS:
            flow = block = True
        elif ch in "?:" and (i == 0 or ch == ":"):
            flow = True
            block = block or followed_by_space
        elif ch in _FLOW_INDICATORS and i > 0:
            flow = True
        elif (ch == "-" and i == 0 and followed_by_space) or (ch == "#" and i > 0 and text[i - 1] == " "):
            flow = block = True
    return flow, block


def _plain_allowed(text: str, flow: bool) -> bool:
    if text[0] == " " or text[-1] == " " or _implicit(text):
        return False
    flow_indicators, block_indicators = _indicators(text)
    return not (flow_indicators if flow else block_indicators)


_LINE_CACHE: dict[tuple[str, bool], str] = {}


def _line(text: str, flow: bool) -> str:
    """A one-line text as a plain or single-quoted scalar."""
    key = (text, flow)
    cached = _LINE_CACHE.get(key)
    if cached is not None:
        return cached
    if not text:
        rendered = "''"
    elif not _printable(text):
        raise _Fallback
    elif text not in _YAML11_BOOLS and _plain_allowed(text, flow):
        rendered = text
    else:
        rendered = "'" + text.replace("'", "''") + "'"
    _LINE_CACHE[key] = rendered
    return rendered


def _folded(rendered: str, column: int, indent: int) -> str:
    """A plain or single-quoted scalar starting at `column`, folded as PyYAML folds it: once a
    line is past `WIDTH`, the next single space inside the text becomes a line break and
    `indent` (not the first or last character, nor one next to another space)."""
    if column + len(rendered) <= WIDTH or " " not in rendered:
        return rendered
    first, last = (1, len(rendered) - 2) if rendered[0] == "'" else (0, len(rendered) - 1)
    pieces, start = [], 0
    while True:
        # the first character written past WIDTH on this line, then the next space there
        space = _single_space(rendered, max(start + WIDTH - column + 1, first + 1), last)
        if space < 0:
            break
        pieces += [rendered[start:space], "\n", " " * indent]
        start, column = space + 1, indent
    return "".join([*pieces, rendered[start:]])


def _single_space(text: str, begin: int, end: int) -> int:
    """The first space at or after `begin` and before `end` with no space on either side."""
    at = text.find(" ", begin, end)
    while at >= 0 and (text[at - 1] == " " or text[at + 1] == " "):
        at = text.find(" ", at + 1, end)
    return at


def _literal(text: str, indent: int) -> tuple[str, str]:
    """A multi-line text as a `|` block: its header (with an indentation indicator when the
    text starts with a space or a line break, and `-`/`+` when it doesn't end with exactly one
    line break) and its lines, indented (empty lines stay empty)."""
    lines = text.split("\n")
    if text.endswith(" ") or " \n" in text or not _printable(text.replace("\n", " ")):
        raise _Fallback  # PyYAML writes such text double-quoted
    hint = "2" if text[0] in " \n" else ""
    chomp = "-" if not text.endswith("\n") else ("+" if text == "\n" or text.endswith("\n\n") else "")
    if text.endswith("\n"):
        lines.pop()
    pad = " " * indent
    return f"|{hint}{chomp}\n", "".join(pad + line + "\n" if line else "\n" for line in lines)


def _scalar(value: object, flow: bool) -> str:
    if isinstance(value, str):
        return _line(value, flow)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    raise _Fallback  # anything else: PyYAML's own representation (or its error)


def _float(value: float) -> str:
    """YAML 1.1 spelling: `.inf`, `.nan`, and an exponent always after a fraction (`1.0e+17`)."""
    if math.isnan(value):
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value).lower()
    return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text


def _key(key: object) -> str:
    if not isinstance(key, str) or "\n" in key or len(key) > _SIMPLE_KEY_LIMIT:
        raise _Fallback
    return _line(key, False)


# --- layout --------------------------------------------------------------------------------------


@frozen
class _Flow:
    """A collection written on one line, in flow style, as `text`."""

    value: dict[Any, Any] | list[Any]
    text: str


def _key_in_flow(key: object) -> str:
    if not isinstance(key, str) or "\n" in key or len(key) > _SIMPLE_KEY_LIMIT:
        raise _Fallback
    return _line(key, True)


def _copy(value: Any) -> Any:
    """A copy of the collections in `value`: each is written once, as PyYAML would alias a repeat."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _flowable(value: Any) -> bool:
    """Mappings, lists of mappings and lists of one-line scalars may go on one line."""
    if isinstance(value, dict):
        return bool(value)
    if not isinstance(value, list) or not value:
        return False
    return all(isinstance(v, dict) for v in value) or all(_one_line_scalar(v) for v in value)


def _one_line_scalar(value: Any) -> bool:
    return (
        value is None
        or isinstance(value, (bool, int, float))
        or (isinstance(value, str) and "\n" not in value)
    )


def layout(document: dict[str, Any], width: int) -> dict[str, Any]:
    """`document` with the collections that fit on their line within `width` columns marked
    for flow style, as the writer chooses them (for PyYAML to write it the same way)."""
    return _lay_mapping(document, 0, _Writer(width))  # a document itself is always a block


def _lay_mapping(mapping: dict[Any, Any], indent: int, writer: _Writer) -> dict[Any, Any]:
    """A block mapping whose keys start at column `indent`; `key: ` comes first on a line."""
    return {
        key: _lay(value, indent + _key_length(key) + 2, indent + 2, indent, writer)
        for key, value in mapping.items()
    }


def _lay(value: Any, start: int, inner: int, dashes: int, writer: _Writer) -> Any:
    """`value`, whose one-line form would start at column `start`; as a block it is a mapping
    with keys at `inner` or a list with dashes at `dashes`."""
    if _flowable(value):
        text = writer.flow_text(value)
        if text is not None and writer.width is not None and start + len(text) <= writer.width:
            return _Flow(value, text)
    if isinstance(value, dict):
        return _lay_mapping(value, inner, writer)
    if isinstance(value, list):
        return [_lay(item, dashes + 2, dashes + 2, dashes + 2, writer) for item in value]
    return value


def _flow_entry(key: object, text: str) -> str | None:
    try:
        return f"{_key_in_flow(key)}: {text}"
    except _Fallback:
        return None


def _flow_scalar(value: object) -> str | None:
    """A scalar in flow style; None for multi-line text (it needs a block) or text left to PyYAML."""
    if isinstance(value, str) and "\n" in value:
        return None
    try:
        return _scalar(value, True)
    except _Fallback:
        return None


def _key_length(key: object) -> int:
    try:
        return len(_key(key))
    except _Fallback:  # PyYAML writes this document: any choice made here is written as made
        return len(str(key))


# --- block writer --------------------------------------------------------------------------------

Tally = Callable[[tuple[str | int, ...]], str | None]
Path = tuple[str | int, ...]


@dataclass
class _Writer:
    """Writes YAML as chunks, each charged to the part `tally` names for its path.

    With a `width`, a flowable collection whose flow text fits on its line is written on one
    line, otherwise as a block; each collection's flow text is made once, from its parts'."""

    width: int | None = None
    tally: Tally | None = None
    out: list[str] = field(default_factory=list)
    _charged: list[str] = field(default_factory=list)  # the part of each chunk, with a tally
    _part: str = "between documents"  # what no tally names: the `---` lines
    _seen: set[int] = field(default_factory=set)  # collections written, by identity
    _flows: dict[int, str | None] = field(default_factory=dict)  # collection → its flow text
    open_ended: bool = False  # the last `|` text written keeps its final line breaks (`|+`)

    def once(self, value: object) -> None:
        """PyYAML writes a collection met twice as an anchor and an alias: leave that to it
        (laid out for flow style, every collection is a copy, written once)."""
        if self.width is None:
            if id(value) in self._seen:
                raise _Fallback
            self._seen.add(id(value))

    def emit(self, text: str) -> None:
        self.out.append(text)
        if self.tally is not None:
            self._charged.append(self._part)

    def parts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for part, text in zip(self._charged, self.out, strict=True):
            found[part] = found.get(part, 0) + len(text.encode("utf-8"))
        return found

    def enter(self, path: Path) -> str:
        previous = self._part
        if self.tally is not None:
            self._part = self.tally(path) or previous
        return previous

    def document(self, doc: Any, index: int) -> None:
        if not isinstance(doc, dict) or not doc:
            raise _Fallback  # every target's documents are block mappings
        if index:
            self.emit("---\n")
        self.once(doc)
        self.open_ended = False
        self.mapping(doc, 0, "", ())

    def end(self) -> str:
        """The stream: PyYAML closes it with `...` when the last document's last `|` text kept
        its final line breaks."""
        if self.open_ended:
            self.emit("...\n")
        return "".join(self.out)

    def mapping(self, mapping: dict[Any, Any], indent: int, lead: str, path: Path) -> None:
        """The entries at column `indent` (the first after `lead`)."""
        pad = " " * indent
        for key, value in mapping.items():
            previous = self.enter((*path, key))
            self.entry(lead or pad, _key(key) + ":", value, indent, (*path, key))
            self._part, lead = previous, ""

    def sequence(self, items: list[Any], indent: int, lead: str, path: Path) -> None:
        """The items, dashes at column `indent` (the first after `lead`)."""
        pad = " " * indent
        for i, item in enumerate(items):
            previous = self.enter((*path, i))
            self.entry(lead or pad, "-", item, indent, (*path, i))
            self._part, lead = previous, ""

    def entry(self, start: str, head: str, value: Any, indent: int, path: Path) -> None:
        """`key: value` or `- value`, starting with `start` (indentation, or an outer `- `), on
        one line in flow style when it fits."""
        if self.width is not None and _flowable(value):
            text = self.flow_text(value)
            if text is not None and len(start) + len(head) + 1 + len(text) <= self.width:
                self.emit(f"{start}{head} {text}\n")
                return
        self.block(start, head, value, indent, path)

    def flow_text(self, value: Any) -> str | None:
        """`value`'s one-line form if it has one within `width` characters; made once for each
        collection, from its parts' (a part that doesn't fit ends the search)."""
        if not isinstance(value, (dict, list)):
            return _flow_scalar(value)
        key = id(value)
        if key not in self._flows:
            self._flows[key] = self._flow_of(value)
        return self._flows[key]

    def _flow_of(self, value: dict[Any, Any] | list[Any]) -> str | None:
        assert self.width is not None
        pieces: list[str] = []
        used = 2
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            text = self.flow_text(item)
            piece = text if text is None or isinstance(value, list) else _flow_entry(key, text)
            used += 0 if piece is None else len(piece) + (2 if pieces else 0)
            if piece is None or used > self.width:
                return None
            pieces.append(piece)
        return ("{%s}" if isinstance(value, dict) else "[%s]") % ", ".join(pieces)

    def block(self, start: str, head: str, value: Any, indent: int, path: Path) -> None:
        is_item = head == "-"
        if isinstance(value, dict) and value:
            self.once(value)
            if not is_item:
                self.emit(f"{start}{head}\n")
            self.mapping(value, indent + 2, start + "- " if is_item else "", path)
        elif isinstance(value, list) and value:
            self.once(value)
            if not is_item:
                self.emit(f"{start}{head}\n")
            self.sequence(value, indent + 2 if is_item else indent, start + "- " if is_item else "", path)
        elif isinstance(value, (dict, list)):
            self.emit(f"{start}{head} {'{}' if isinstance(value, dict) else '[]'}\n")
        elif isinstance(value, str) and "\n" in value:
            header, lines = _literal(value, indent + 2)
            self.emit(f"{start}{head} {header}")
            self.emit(lines)
            # PyYAML ends a document with `...` when its last `|` text kept its final breaks
            self.open_ended = header.endswith("+\n")
        else:
            column = len(start) + len(head) + 1
            self.emit(f"{start}{head} {_folded(_scalar(value, False), column, indent + 2)}\n")


# --- PyYAML, for what the writer leaves to it ----------------------------------------------------


def _pyyaml(documents: list[Any]) -> str:
    import yaml  # only for the rare text the writer above leaves to PyYAML

    base: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):  # type: ignore[valid-type,misc]
        """Block style; keys in the order the emitter built them; lists at the level of their key."""

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else ("'" if value in _YAML11_BOOLS else None)
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    def flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.Node:
        # inside a flow collection PyYAML writes everything in flow style; a copy, because the
        # text of a flow collection spells out every part, even one met before
        copied = _copy(value.value)
        if isinstance(copied, dict):
            return dumper.represent_mapping("tag:yaml.org,2002:map", copied.items(), flow_style=True)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", copied, flow_style=True)

    Dumper.add_representer(str, text)
    Dumper.add_representer(_Flow, flow)
    return yaml.dump_all(
        documents, Dumper=Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=WIDTH
    )


# --- entry points --------------------------------------------------------------------------------


def _write(documents: list[dict[str, Any]], writer: _Writer) -> bytes:
    """The stream as `writer` writes it, or, for what it leaves to PyYAML, as PyYAML does."""
    try:
        for index, doc in enumerate(documents):
            writer.document(doc, index)
    except _Fallback:
        width = writer.width
        laid_out = documents if width is None else [layout(d, width) for d in documents]
        writer.out[:], writer._charged[:] = [_pyyaml(laid_out)], ["all (written by PyYAML)"]
        return writer.out[0].encode("utf-8")
    return writer.end().encode("utf-8")


def dump(documents: list[dict[str, Any]], flow_width: int | None = None) -> bytes:
    """The documents as one YAML stream (`---` between documents)."""
    return _write(documents, _Writer(flow_width))


def breakdown(
    documents: list[dict[str, Any]], tally: Tally, flow_width: int | None = None
) -> tuple[bytes, dict[str, int]]:
    """`dump`'s bytes, and how many of them each part takes: `tally(path)` names the part a
    key or item (and what it holds) belongs to, None keeps its parent's. The parts sum to the
    length of the bytes; a stream PyYAML writes instead of this writer is charged as a whole."""
    writer = _Writer(flow_width, tally)
    data = _write(documents, writer)
    return data, writer.parts()


def parts_by_key(data: bytes, flow_width: int | None = None) -> list[tuple[str, int]]:
    """How many bytes of a YAML stream each top-level key takes, largest first (the parts sum
    to `len(data)`; a stream this writer wouldn't write the same way has the difference as a
    part of its own)."""
    import yaml  # only `compile --sizes` reads a stream back

    documents = list(yaml.load_all(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    rewritten, parts = breakdown(documents, lambda path: str(path[0]) if len(path) == 1 else None, flow_width)
    if len(rewritten) != len(data):
        parts["not as flowc writes it"] = len(data) - len(rewritten)
    return sorted(parts.items(), key=lambda item: (-item[1], item[0]))
