"""One YAML writer for every target: human key order, `|` blocks for multi-line text, stable bytes.

The bytes are exactly what PyYAML's safe dumper writes for the same data (block style, keys
in insertion order, lists at the level of their key, width 10000, Unicode kept, YAML 1.1's
`y`/`n` quoted for Go readers), but written directly: a compiled flow of thousands of steps
is a few hundred thousand scalars, which PyYAML's node graph and resolver took seconds to
dump (and `import yaml` is paid by every compile). The rare text whose style needs PyYAML's
full analysis (control characters, trailing spaces in a multi-line text, lines long enough
to be folded …) sends the whole stream through PyYAML instead, so the output never differs.

`flow_width` makes a document more compact: a mapping (or a list of them) that holds no
multi-line text and fits on one line within that many columns is written in flow style,
`inputs: {parameters: [{name: x}]}`; both writers make the same choice. `dump` can also
report how many bytes each part of a document takes (`tally`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

WIDTH = 10_000  # PyYAML's line width as configured here: longer plain or quoted text is folded
_SIMPLE_KEY_LIMIT = 128  # longer keys are written in YAML's explicit `? key` form
# YAML 1.1 readers (Go's, which Kubernetes and Argo use) read these as booleans; PyYAML doesn't
# know it and would leave them unquoted.
_YAML11_BOOLS = frozenset({"y", "Y", "n", "N"})

# Text PyYAML writes in the styles handled here: printable characters without a line break
# other than "\n" (and without NEL, LS, PS, BOM, which it treats specially).
_PRINTABLE = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
_PRINTABLE_LINE = re.compile(f"[{_PRINTABLE}]*")
_PRINTABLE_LINES = re.compile(f"[{_PRINTABLE}\n]*")
# What a plain scalar would be read back as, other than text (YAML 1.1's implicit types, as
# PyYAML's resolver knows them): such text is quoted.
_IMPLICIT = re.compile(
    r"""(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
    |[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
    |[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
    |<<|~|null|Null|NULL|=
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]
     (?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?
    )\n?""",
    re.VERBOSE,
)
_ALWAYS_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_FLOW_INDICATORS = frozenset(",?[]{}")


class _Fallback(Exception):
    """Text this writer doesn't render exactly as PyYAML would: PyYAML writes the stream."""


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
    if text[0] == " " or text[-1] == " " or _IMPLICIT.fullmatch(text):
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
    elif not _PRINTABLE_LINE.fullmatch(text) or (len(text) > WIDTH // 4 and " " in text):
        raise _Fallback
    elif text not in _YAML11_BOOLS and _plain_allowed(text, flow):
        rendered = text
    else:
        rendered = "'" + text.replace("'", "''") + "'"
    _LINE_CACHE[key] = rendered
    return rendered


def _literal(text: str, indent: int) -> tuple[str, str]:
    """A multi-line text as a `|` block: its header (with an indentation indicator when the
    text starts with a space or a line break, and `-`/`+` when it doesn't end with exactly one
    line break) and its lines, indented (empty lines stay empty)."""
    lines = text.split("\n")
    if text.endswith(" ") or " \n" in text or not _PRINTABLE_LINES.fullmatch(text):
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


@dataclass(frozen=True, slots=True)
class _Flow:
    """A collection written on one line, in flow style, as `text`."""

    value: dict[Any, Any] | list[Any]
    text: str


def _flow_text(value: Any, room: int) -> str | None:
    """`value` in flow style if it takes at most `room` characters and holds only one-line text
    (given up as soon as it is too long: `spec` is tried too, and holds the whole workflow)."""
    pieces: list[str] = []
    try:
        _flow_pieces(value, pieces, [room])
    except _Fallback:
        return None
    return "".join(pieces)


def _flow_pieces(value: Any, pieces: list[str], room: list[int]) -> None:
    """Append `value`'s flow text to `pieces`, raising `_Fallback` once it exceeds `room[0]`."""
    if isinstance(value, dict):
        _charge(pieces, room, "{")
        for i, (k, v) in enumerate(value.items()):
            _charge(pieces, room, f"{', ' if i else ''}{_key_in_flow(k)}: ")
            _flow_pieces(v, pieces, room)
        _charge(pieces, room, "}")
    elif isinstance(value, list):
        _charge(pieces, room, "[")
        for i, v in enumerate(value):
            if i:
                _charge(pieces, room, ", ")
            _flow_pieces(v, pieces, room)
        _charge(pieces, room, "]")
    elif isinstance(value, str) and "\n" in value:
        raise _Fallback
    else:
        _charge(pieces, room, _scalar(value, True))


def _charge(pieces: list[str], room: list[int], text: str) -> None:
    room[0] -= len(text)
    if room[0] < 0:
        raise _Fallback
    pieces.append(text)


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
    """Mappings, and lists of mappings, may go on one line; lists of text stay one item a line."""
    if isinstance(value, dict):
        return bool(value)
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def layout(document: dict[str, Any], width: int) -> dict[str, Any]:
    """`document` with the collections that fit on their line within `width` columns marked
    for flow style (copied: the input is left as it is)."""
    return _layout_mapping(document, 0, width)


def _layout_mapping(mapping: dict[Any, Any], indent: int, width: int) -> dict[Any, Any]:
    """A block mapping whose keys start at column `indent`."""
    laid_out = {}
    for key, value in mapping.items():
        start = indent + _key_length(key) + 2  # `key: ` comes first on the line
        laid_out[key] = _layout_value(value, start, indent + 2, indent, width)
    return laid_out


def _key_length(key: object) -> int:
    try:
        return len(_key(key))
    except _Fallback:  # PyYAML writes this document: any choice made here is written as made
        return len(str(key))


def _layout_value(value: Any, start: int, inner: int, dashes: int, width: int) -> Any:
    """`value`, whose one-line form would start at column `start`; as a block it is a mapping
    with keys at `inner` or a list with dashes at `dashes`."""
    text = _flow_text(value, width - start) if _flowable(value) else None
    if text is not None:
        return _Flow(value, text)
    if isinstance(value, dict):
        return _layout_mapping(value, inner, width)
    if isinstance(value, list):
        return [_layout_value(item, dashes + 2, dashes + 2, dashes + 2, width) for item in value]
    return value


# --- block writer --------------------------------------------------------------------------------

Tally = Callable[[tuple[str | int, ...]], str | None]


@dataclass
class _Writer:
    """Writes block-style YAML as chunks, each charged to the part `tally` names for its path."""

    tally: Tally | None = None
    out: list[str] = field(default_factory=list)
    parts: dict[str, int] = field(default_factory=dict)
    _part: str = "document"
    _seen: set[int] = field(default_factory=set)  # collections written, by identity
    open_ended: bool = False  # the last `|` text written keeps its final line breaks (`|+`)

    def once(self, value: object) -> None:
        """PyYAML writes a collection met twice as an anchor and an alias: leave that to it."""
        if id(value) in self._seen:
            raise _Fallback
        self._seen.add(id(value))

    def emit(self, text: str) -> None:
        self.out.append(text)
        if self.tally is not None:
            self.parts[self._part] = self.parts.get(self._part, 0) + len(text.encode("utf-8"))

    def enter(self, path: tuple[str | int, ...]) -> str:
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

    def mapping(self, mapping: dict[Any, Any], indent: int, lead: str, path: tuple[str | int, ...]) -> None:
        pad = " " * indent
        for key, value in mapping.items():
            previous = self.enter((*path, key))
            self.entry(lead or pad, _key(key) + ":", value, indent, (*path, key))
            self._part, lead = previous, ""

    def sequence(self, items: list[Any], indent: int, lead: str, path: tuple[str | int, ...]) -> None:
        pad = " " * indent
        for i, item in enumerate(items):
            previous = self.enter((*path, i))
            self.entry(lead or pad, "-", item, indent, (*path, i))
            self._part, lead = previous, ""

    def entry(self, start: str, head: str, value: Any, indent: int, path: tuple[str | int, ...]) -> None:
        """`key: value` or `- value`, starting with `start` (indentation, or an outer `- `)."""
        is_item = head == "-"
        if isinstance(value, (dict, list)):
            self.once(value)
        if isinstance(value, _Flow):
            self.emit(f"{start}{head} {value.text}\n")
        elif isinstance(value, dict) and value:
            if is_item:
                self.mapping(value, indent + 2, start + "- ", path)
            else:
                self.emit(f"{start}{head}\n")
                self.mapping(value, indent + 2, "", path)
        elif isinstance(value, list) and value:
            if is_item:
                self.sequence(value, indent + 2, start + "- ", path)
            else:
                self.emit(f"{start}{head}\n")
                self.sequence(value, indent, "", path)
        elif isinstance(value, (dict, list)):
            self.emit(f"{start}{head} {'{}' if isinstance(value, dict) else '[]'}\n")
        elif isinstance(value, str) and "\n" in value:
            header, lines = _literal(value, indent + 2)
            self.emit(f"{start}{head} {header}")
            self.emit(lines)
            # PyYAML ends a document with `...` when its last `|` text kept its final breaks
            self.open_ended = header.endswith("+\n")
            return
        else:
            self.emit(f"{start}{head} {_scalar(value, False)}\n")


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


def _laid_out(documents: list[dict[str, Any]], flow_width: int | None) -> list[Any]:
    return documents if flow_width is None else [layout(d, flow_width) for d in documents]


def dump(documents: list[dict[str, Any]], flow_width: int | None = None) -> bytes:
    """The documents as one YAML stream (`---` between documents)."""
    laid_out = _laid_out(documents, flow_width)
    writer = _Writer()
    try:
        for index, doc in enumerate(laid_out):
            writer.document(doc, index)
    except _Fallback:
        return _pyyaml(laid_out).encode("utf-8")
    return writer.end().encode("utf-8")


def breakdown(
    documents: list[dict[str, Any]], tally: Tally, flow_width: int | None = None
) -> tuple[bytes, dict[str, int]]:
    """`dump`'s bytes, and how many of them each part takes: `tally(path)` names the part a
    key or item (and what it holds) belongs to, None keeps its parent's. The parts sum to the
    length of the bytes; what PyYAML writes instead of this writer is charged to `document`."""
    laid_out = _laid_out(documents, flow_width)
    writer = _Writer(tally)
    try:
        for index, doc in enumerate(laid_out):
            writer.document(doc, index)
    except _Fallback:
        data = _pyyaml(laid_out).encode("utf-8")
        return data, {"document": len(data)}
    data = writer.end().encode("utf-8")
    return data, writer.parts
