"""A local executor for the subset of Argo Workflows that flowc emits (no cluster needed).

It runs the step scripts of a compiled ``Workflow`` / ``WorkflowTemplate`` / ``CronWorkflow``
exactly as an Argo pod would see them: the template's env (tags substituted the way Argo's
controller substitutes them), input artifacts placed at their paths, outputs read back from
their paths. Every pod is a ``python`` subprocess with a minimal environment and its own
directories: template paths under ``/tmp/flowc/inputs`` and ``/tmp/flowc/outputs`` are mapped
to per-pod directories, announced to the script through ``FLOWC_INPUTS_DIR`` /
``FLOWC_OUTPUTS_DIR``. The real ``/tmp/flowc`` belongs to no run: an audit hook installed as
``usercustomize`` under the pod's ``$HOME`` (as ``sitecustomize`` on a pod-private PYTHONPATH
where the interpreter ignores the user site, e.g. a venv) makes any use of it a
``PermissionError``, and the node gets a warning in ``Run.warnings``.

Semantics follow the controller's code, not its docs; the functions relied on are named where
they are reimplemented (argoproj/argo-workflows, v3.5-v3.7 and v4, ``workflow/controller`` unless
said otherwise):

* substitution: ``util/template`` (fasttemplate ``{{``/``}}`` scan, ``simpleReplace`` inserts
  ``strconv.Quote(value)`` into the *JSON text* of the object, which is then unmarshalled).
  Each pass is single-pass, but Argo runs several passes over the same object and parameter
  values are part of it: ``common.SubstituteParams`` (globals, then inputs, over the whole
  template including ``inputs.parameters[].value``), ``resolveDependencyReferences`` (globals +
  ``inputs.*`` + ``tasks.*``) and ``processItem`` (strict) — so a *value* containing a tag that
  a later pass knows (``{{workflow.name}}``) IS substituted, as on a real cluster
  (argo-workflows issue #7828 "Workflow parameter sanitisation" is open).
* DAG: ``dag.go`` (``executeDAGTask``, ``evaluateDependsLogic``, ``assessDAGPhase``,
  ``expandTask``), ``common/ancestry.go`` (``expandDependency``), ``operator.go``
  (``processItem``, ``processAggregateNodeOutputs``, ``aggregatedJSONValueList``,
  ``processNodeRetries``, ``operate``), ``steps.go`` (``shouldExecute``: govaluate's lexer and
  its token transitions ported from ``Knetic/govaluate`` as Argo pins it, bare words become
  strings; ``tests/oracles/govaluate_when`` runs the real code for comparison), ``scope.go``
  (``createScope``, ``resolveVar``; ``util/template`` ``ResolveVar``), ``pkg/apis/.../item.go``
  (``Item.GetType``/``String``/``GetListVal``: a ``null`` item is a List rendered ``null``),
  ``workflow/executor/executor.go`` (``SaveParameters`` trims one newline).

Not simulated: parallelism limits (pods run one at a time, in dependency order), backoff
durations, ``memoize`` (the key is kept, unevaluated), ``{{=...}}`` expression tags (left
as-is), resources,
node selectors, volumes. Anything else outside the subset raises :class:`SimulatorError`.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import shutil
import signal
import site
import string
import subprocess
import sys
import time
import unicodedata
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml

__all__ = [
    "ArgoError",
    "Attempt",
    "Node",
    "Run",
    "SimulatorError",
    "go_quote",
    "render_item",
    "run_workflow",
    "substitute",
    "when_holds",
]

SUCCEEDED, FAILED, ERROR, SKIPPED, OMITTED = "Succeeded", "Failed", "Error", "Skipped", "Omitted"
POD, DAG, TASK_GROUP, SKIPPED_NODE = "Pod", "DAG", "TaskGroup", "Skipped"
INPUTS_DIR, OUTPUTS_DIR = "/tmp/flowc/inputs", "/tmp/flowc/outputs"
SkippedRefs = Literal["literal", "empty", "hang"]


class SimulatorError(Exception):
    """The document is not a workflow, or uses something this simulator doesn't implement."""


class ArgoError(Exception):
    """An error Argo's controller itself would raise: it becomes a node's (or the run's) Error."""


# --- Go emulation: strconv.Quote, encoding/json, float formatting ---------------------------

_GO_SHORT_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def _go_is_print(ch: str) -> bool:
    # strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space
    return ch == " " or unicodedata.category(ch)[0] in "LMNPS"


def go_quote(value: str) -> str:
    """``strconv.Quote(value)`` without its surrounding quotes (what ``simpleReplace`` inserts).

    Its escapes ``\\a \\v \\xNN \\UNNNNNNNN`` are not JSON, so the unmarshal that follows every
    substitution fails on values holding such characters — as it does in Argo.
    """
    out = []
    for ch in value:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        elif _go_is_print(ch):
            out.append(ch)
        elif ch in _GO_SHORT_ESCAPES:
            out.append(_GO_SHORT_ESCAPES[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out)


def go_float(number: float) -> str:
    """encoding/json's float64 text: shortest digits, 'e' form below 1e-6 and from 1e21 up."""
    if number != number or number in (float("inf"), float("-inf")):
        raise ArgoError(f"json: unsupported value: {number!r}")
    magnitude = abs(number)
    if magnitude != 0 and (magnitude < 1e-6 or magnitude >= 1e21):
        mantissa, exponent = repr(number).split("e")
        sign, digits = exponent[0], exponent[1:].lstrip("0").rjust(2, "0")
        if sign == "-" and digits.startswith("0"):
            digits = digits[1:]  # Go cleans up e-07 to e-7 (but keeps e+21)
        return f"{mantissa}e{sign}{digits}"
    return format(Decimal(repr(number)).normalize(), "f")


def _go_json_string(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\r\t\b\f":
            out.append(_GO_SHORT_ESCAPES[ch])
        elif code < 0x20 or ch in "<>&\u2028\u2029":
            out.append(f"\\u{code:04x}")  # Marshal escapes HTML characters by default
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def go_json(value: Any) -> str:
    """``json.Marshal`` of a decoded value: compact, map keys sorted, HTML characters escaped."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return _go_json_string(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{_go_json_string(str(k))}:{go_json(value[k])}" for k in sorted(value)) + "}"
    raise SimulatorError(f"cannot encode {type(value).__name__} as JSON")


def _go_json_decode(text: str) -> Any:
    """``json.Unmarshal`` into ``interface{}``: numbers become float64 (big ints lose digits)."""
    return json.loads(text, parse_int=float, parse_constant=_reject_constant)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid character '{name[0]}' looking for beginning of value")


def _compact(raw: str) -> str:
    """``json.Compact`` with HTML escaping: what Marshal does to a ``RawMessage``."""
    out, in_string, escaped = [], False, False
    for ch in raw:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            elif ch in "<>&\u2028\u2029":
                out.append(f"\\u{ord(ch):04x}")
                continue
            out.append(ch)
        elif ch not in " \t\r\n":
            in_string = ch == '"'
            out.append(ch)
    return "".join(out)


def _json_fix(text: str) -> str:
    # util/json.Fix: undo Marshal's HTML escaping
    return text.replace("\\u0026", "&").replace("\\u003c", "<").replace("\\u003e", ">")


def _anystring(value: Any) -> str | None:
    """An ``AnyString`` field (parameter value/default) from a YAML scalar, as the API sees it."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    raise SimulatorError(f"a parameter value must be a scalar, got {value!r}")


# --- raw JSON: loop items keep the exact text of each element --------------------------------

_JSON_WS = " \t\r\n"
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


def _skip_ws(text: str, index: int) -> int:
    while index < len(text) and text[index] in _JSON_WS:
        index += 1
    return index


def _raw_members(text: str, opener: str) -> list[tuple[str | None, str]]:
    """The raw text of each element of a JSON array (or each (key, raw value) of an object)."""
    closer = "]" if opener == "[" else "}"
    index = _skip_ws(text, 0)
    if index >= len(text) or text[index] != opener:
        raise ValueError(f"expected {opener!r}")
    index = _skip_ws(text, index + 1)
    members: list[tuple[str | None, str]] = []
    if index < len(text) and text[index] == closer:
        index += 1
    else:
        while True:
            key = None
            if opener == "{":
                key, index = _DECODER.raw_decode(text, index)
                index = _skip_ws(text, index)
                if not isinstance(key, str) or text[index : index + 1] != ":":
                    raise ValueError("expected an object key")
                index = _skip_ws(text, index + 1)
            _, end = _DECODER.raw_decode(text, index)
            members.append((key, text[index:end]))
            index = _skip_ws(text, end)
            if text[index : index + 1] == ",":
                index = _skip_ws(text, index + 1)
                continue
            if text[index : index + 1] != closer:
                raise ValueError(f"expected ',' or {closer!r}")
            index += 1
            break
    if _skip_ws(text, index) != len(text):
        raise ValueError("invalid character after top-level value")
    return members


class _Item:
    """``wfv1.Item``: a ``json.RawMessage`` — the element's text exactly as the source wrote it."""

    def __init__(self, raw: str) -> None:
        self.raw = raw

    @property
    def kind(self) -> str:  # Item.GetType
        if _JSON_NUMBER.fullmatch(self.raw):
            return "number"
        if self.raw in ("true", "false"):
            return "bool"
        if self.raw.startswith("[") or self.raw == "null":  # null unmarshals into []any: a List
            return "list"
        if self.raw.startswith("{"):
            return "map"
        return "string"

    def string(self) -> str:  # Item.String: compact raw JSON, quotes chopped, escapes KEPT
        text = _compact(self.raw)
        return _json_fix(text[1:-1] if text.startswith('"') else text)

    def map_val(self) -> dict[str, _Item]:
        return {str(k): _Item(v) for k, v in _raw_members(self.raw, "{")}

    def list_val(self) -> list[_Item] | None:  # Item.GetListVal: `null` unmarshals into a nil slice
        return None if self.raw == "null" else [_Item(v) for _, v in _raw_members(self.raw, "[")]


def render_item(raw: str) -> dict[str, str]:
    """The tags ``processItem`` replaces for one loop item given as raw JSON (``item``, ``item.k``).

    Strings render with their JSON escapes kept (``"a\\nb"`` → ``a\\nb``, two characters),
    numbers as written (``0.30`` stays ``0.30``), objects as compact JSON with sorted keys.
    """
    return _item_replacements(_Item(raw))[0]


def _item_replacements(item: _Item) -> tuple[dict[str, str], str]:
    kind = item.kind
    if kind in ("number", "string", "bool"):
        text = item.string()
        return {"item": text}, text
    if kind == "map":
        members = item.map_val()
        tags = {f"item.{k}": v.string() for k, v in members.items()}
        tags["item"] = (
            "{" + ",".join(f"{_go_json_string(k)}:{_compact(members[k].raw)}" for k in sorted(members)) + "}"
        )
        return tags, ",".join(sorted(f"{k}:{v.string()}" for k, v in members.items()))
    elements = item.list_val()
    if elements is None:
        # json.Marshal of a nil slice is `null`; the node name formats it with %v: `[]`
        return {"item": "null"}, "[]"
    return {"item": "[" + ",".join(_compact(e.raw) for e in elements) + "]"}, (
        "[" + " ".join(e.string() for e in elements) + "]"
    )


def _items_of_param(text: str) -> list[_Item]:
    try:
        json.loads(text, parse_constant=_reject_constant)
        if _skip_ws(text, 0) < len(text) and text[_skip_ws(text, 0)] == "n":
            return []  # `null` unmarshals into a nil slice
        return [_Item(raw) for _, raw in _raw_members(text, "[")]
    except ValueError as exc:
        raise ArgoError(f"withParam value could not be parsed as a JSON list: {text.strip()}: {exc}") from exc


# --- template tags: fasttemplate + simpleReplace over JSON text ------------------------------


def substitute(text: str, tags: Mapping[str, str], allow_unresolved: bool) -> str:
    """``template.Replace`` over a JSON text: returns the new JSON text.

    ``{{`` opens a tag that ends at the next ``}}`` (fasttemplate); an unknown tag is written
    back or is ``failed to resolve`` (strict mode); a known one is replaced by its
    ``strconv.Quote``d value (never rescanned); ``{{=...}}`` expressions are left as they are.
    """
    out: list[str] = []
    index = 0
    while True:
        start = text.find("{{", index)
        if start < 0:
            out.append(text[index:])
            return "".join(out)
        end = text.find("}}", start + 2)
        if end < 0:
            raise ArgoError(
                f'Cannot find end tag="}}}}" in the template starting from {text[start : start + 60]!r}'
            )
        out.append(text[index:start])
        out.append(_replace_tag(text[start + 2 : end], tags, allow_unresolved))
        index = end + 2


def _replace_tag(tag: str, tags: Mapping[str, str], allow_unresolved: bool) -> str:
    if tag.startswith("="):
        return "{{" + tag + "}}"  # an expression: not simulated, kept for the record (memoize keys)
    value = tags.get(tag.strip())
    if value is not None:
        return go_quote(value)
    nested_at = tag.rfind("{{")
    if nested_at > 0 and tag[nested_at + 2 :] in tags:
        return "{{" + tag[:nested_at] + go_quote(tags[tag[nested_at + 2 :]])
    if allow_unresolved:
        return "{{" + tag + "}}"
    raise ArgoError(f"failed to resolve {{{{{tag}}}}}")


def _substitute_object(obj: Any, tags: Mapping[str, str], allow_unresolved: bool) -> dict[str, Any]:
    text = substitute(json.dumps(obj, ensure_ascii=False), tags, allow_unresolved)
    try:
        result: dict[str, Any] = json.loads(text)
    except ValueError as exc:
        raise ArgoError(
            f"cannot finish template replacement because the result was invalid JSON: {exc}"
        ) from exc
    return result


_TAG = re.compile(r"\{\{([^{}]*)\}\}")


def _unresolved_tags(obj: Any, prefixes: tuple[str, ...]) -> list[str]:
    text = json.dumps(obj, ensure_ascii=False)
    return [m.group(0) for m in _TAG.finditer(text) if m.group(1).strip().startswith(prefixes)]


# --- `when`: govaluate, with bare words turned into strings (steps.go shouldExecute) ----------


@dataclass
class _Tok:
    kind: str  # num, str, bool, op
    value: Any


_GV_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?")
# govaluate's lexer (parsing.go readToken, lexerState.go): the token kinds that may follow each
# kind, the kinds an expression may end with, and its operator symbols.
_GV_OPERAND = frozenset({"NUMERIC", "BOOLEAN", "VARIABLE", "FUNCTION", "ACCESSOR", "STRING", "TIME"})
_GV_AFTER_VALUE = frozenset({"MODIFIER", "COMPARATOR", "LOGICALOP", "CLAUSE_CLOSE", "TERNARY", "SEPARATOR"})
_GV_FOLLOW: dict[str, frozenset[str]] = {
    "START": _GV_OPERAND | {"PREFIX", "PATTERN", "CLAUSE"},
    "CLAUSE": _GV_OPERAND | {"PREFIX", "PATTERN", "CLAUSE", "CLAUSE_CLOSE"},
    "CLAUSE_CLOSE": (
        _GV_AFTER_VALUE | {"NUMERIC", "BOOLEAN", "VARIABLE", "STRING", "PATTERN", "TIME", "CLAUSE"}
    ),
    "NUMERIC": _GV_AFTER_VALUE,
    "BOOLEAN": _GV_AFTER_VALUE,
    "STRING": _GV_AFTER_VALUE,
    "VARIABLE": _GV_AFTER_VALUE,
    "TIME": _GV_AFTER_VALUE - {"TERNARY"},
    "PATTERN": _GV_AFTER_VALUE - {"TERNARY"},
    "MODIFIER": (_GV_OPERAND - {"TIME"}) | {"PREFIX", "CLAUSE", "CLAUSE_CLOSE"},
    "COMPARATOR": _GV_OPERAND | {"PREFIX", "CLAUSE", "CLAUSE_CLOSE", "PATTERN"},
    "LOGICALOP": _GV_OPERAND | {"PREFIX", "CLAUSE", "CLAUSE_CLOSE"},
    "PREFIX": (_GV_OPERAND - {"STRING", "TIME"}) | {"CLAUSE", "CLAUSE_CLOSE"},
    "TERNARY": _GV_OPERAND | {"PREFIX", "CLAUSE", "SEPARATOR"},
    "FUNCTION": frozenset({"CLAUSE"}),
    "ACCESSOR": _GV_AFTER_VALUE | {"CLAUSE"},
    "SEPARATOR": _GV_OPERAND | {"PREFIX", "CLAUSE"},
}
_GV_CAN_END = frozenset(
    {"NUMERIC", "BOOLEAN", "STRING", "TIME", "PATTERN", "VARIABLE", "CLAUSE_CLOSE", "ACCESSOR"}
)
_GV_SYMBOLS = {
    "PREFIX": frozenset({"-", "!", "~"}),
    "MODIFIER": frozenset({"+", "-", "*", "/", "%", "**", "&", "|", "^", ">>", "<<"}),
    "LOGICALOP": frozenset({"&&", "||"}),
    "COMPARATOR": frozenset({"==", "!=", ">", ">=", "<", "<=", "=~", "!~"}),
    "TERNARY": frozenset({"?", ":", "??"}),
}
# what argo_sim evaluates; other valid govaluate (ternaries, `in`, bitwise …) is a SimulatorError
_GV_SIMULATED = frozenset({"-", "!", "+", "*", "/", "%", "&&", "||", *_GV_SYMBOLS["COMPARATOR"], "(", ")"})


def _gv_digit(ch: str) -> bool:
    return unicodedata.category(ch) == "Nd"  # unicode.IsDigit


def _gv_read(expr: str, index: int, keep: Any, spaces: bool = False) -> tuple[str, int, bool]:
    """``readUntilFalse``: characters while ``keep`` holds (a backslash escapes the next one);
    without ``spaces``, a space ends a non-empty token and is skipped before one. Returns the
    text, the index after it and whether ``keep`` (or a space) ended it before the end."""
    chars: list[str] = []
    while index < len(expr):
        ch = expr[index]
        index += 1
        if ch == "\\":
            if index < len(expr):
                chars.append(expr[index])
                index += 1
            continue
        if ch.isspace() and not spaces:
            if chars:
                return "".join(chars), index, True
            continue
        if not keep(ch):
            return "".join(chars), index - 1, True
        chars.append(ch)
    return "".join(chars), index, False


def _gv_lex(expr: str) -> list[tuple[str, Any]]:
    """``parseTokens``: (kind, value) pairs as govaluate's lexer makes them."""
    tokens: list[tuple[str, Any]] = []
    index = 0
    while True:
        while index < len(expr) and expr[index].isspace():
            index += 1
        if index >= len(expr):
            return tokens
        state = tokens[-1][0] if tokens else "START"
        token, index = _gv_token(expr, index, state)
        tokens.append(token)


def _gv_token(expr: str, index: int, state: str) -> tuple[tuple[str, Any], int]:
    ch = expr[index]
    if _gv_digit(ch) or ch == ".":
        if expr.startswith("0x", index) and index + 2 < len(expr):
            text, end, _ = _gv_read(expr, index + 2, lambda c: c in string.hexdigits)
            if not text or len(text) > 16:
                raise ArgoError(f"Unable to parse hex value '{text}' to uint64\n")
            return ("NUMERIC", float(int(text, 16))), end
        text, end, _ = _gv_read(expr, index, lambda c: _gv_digit(c) or c == ".")
        try:
            if not text.isascii():
                raise ValueError(text)
            return ("NUMERIC", float(text)), end  # strconv.ParseFloat takes "1." and ".5" too
        except ValueError:
            raise ArgoError(f"Unable to parse numeric value '{text}' to float64\n") from None
    if ch == ",":
        return ("SEPARATOR", ","), index + 1
    if ch == "[":
        text, end, closed = _gv_read(expr, index + 1, lambda c: c != "]", spaces=True)
        if not closed:
            raise ArgoError("Unclosed parameter bracket")
        return ("VARIABLE", text), end + 1
    if ch.isalpha():
        return _gv_word(expr, index)
    if ch in "'\"":
        text, end, closed = _gv_read(expr, index + 1, lambda c: c not in "'\"", spaces=True)
        if not closed:
            raise ArgoError("Unclosed string literal")
        tok = _gv_literal(text)  # a quoted date is a TIME
        return ("TIME" if tok.kind == "num" else "STRING", tok.value), end + 1
    if ch in "()":
        return ("CLAUSE" if ch == "(" else "CLAUSE_CLOSE", ch), index + 1
    symbol, end, _ = _gv_read(expr, index, lambda c: not (_gv_digit(c) or c.isalpha() or c in "()[]'\""))
    kinds = ["PREFIX"] if "PREFIX" in _GV_FOLLOW[state] else []
    for kind in [*kinds, "MODIFIER", "LOGICALOP", "COMPARATOR", "TERNARY"]:
        if symbol in _GV_SYMBOLS[kind]:
            return (kind, symbol), end
    raise ArgoError(f"Invalid token: '{symbol}'")


def _gv_word(expr: str, index: int) -> tuple[tuple[str, Any], int]:
    word, end, _ = _gv_read(expr, index, lambda c: c.isalpha() or _gv_digit(c) or c in "_.")
    if word in ("true", "false"):
        return ("BOOLEAN", word == "true"), end
    if word in ("in", "IN"):
        return ("COMPARATOR", "in"), end
    if word.find(".") > 0:
        if word.endswith("."):
            raise ArgoError(f"Hanging accessor on token '{word}'")
        for part in word.split(".")[1:]:
            if part[:1].upper() != part[:1]:
                raise ArgoError(f"Unable to access unexported field '{part}' in token '{word}'")
        return ("ACCESSOR", word), end
    return ("VARIABLE", word), end


def _gv_check(tokens: list[tuple[str, Any]]) -> None:
    """``checkBalance`` and ``checkExpressionSyntax``."""
    if sum(k == "CLAUSE" for k, _ in tokens) != sum(k == "CLAUSE_CLOSE" for k, _ in tokens):
        raise ArgoError("Unbalanced parenthesis")
    state, last = "START", None
    for kind, value in tokens:
        if kind not in _GV_FOLLOW[state]:
            if state == "VARIABLE" and kind == "CLAUSE":
                raise ArgoError(f"Undefined function {last}")
            raise ArgoError(
                f"Cannot transition token types from {_gv_name(state)} [{_gv_shown(state, last)}] "
                f"to {_gv_name(kind)} [{_gv_shown(kind, value)}]"
            )
        state, last = kind, value
    if state not in _GV_CAN_END:
        raise ArgoError("Unexpected end of expression")


def _gv_name(kind: str) -> str:
    return "UNKNOWN" if kind == "START" else kind  # TokenKind.String()


def _gv_shown(kind: str, value: Any) -> str:
    # fmt's %v of a token's value: a parenthesis is a rune (a number), no token is <nil>
    if value is None:
        return "<nil>"
    return str(ord(value)) if kind in ("CLAUSE", "CLAUSE_CLOSE") else _gv_text(value)


def _gv_tokens(expr: str) -> list[_Tok]:
    """``shouldExecute``'s two parses: govaluate's, then its tokens again with every VARIABLE
    turned into a STRING (so a bare word is a string, but `-word` no longer parses)."""
    tokens = _gv_lex(expr)
    _gv_check(tokens)
    tokens = [("STRING" if k == "VARIABLE" else k, v) for k, v in tokens]
    _gv_check(tokens)
    converted = []
    for kind, value in tokens:
        if kind == "ACCESSOR":
            raise ArgoError(f"No parameter '{value.split('.')[0]}' found.")
        if kind in ("SEPARATOR", "TERNARY") or (kind not in _GV_OPERAND and value not in _GV_SIMULATED):
            raise SimulatorError(f"govaluate {kind} {value!r} is not simulated by argo_sim")
        if kind in ("NUMERIC", "TIME"):
            converted.append(_Tok("num", value))
        elif kind == "BOOLEAN":
            converted.append(_Tok("bool", value))
        elif kind == "STRING":
            converted.append(_Tok("str", value))
        else:
            converted.append(_Tok("op", value))
    return converted


def _gv_literal(text: str) -> _Tok:
    # govaluate parses a quoted string that looks like a date as a date (a float64 of seconds)
    if _GV_DATE.fullmatch(text):
        stamp = text.replace(" ", "T").replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(stamp)
        except ValueError:
            return _Tok("str", text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return _Tok("num", parsed.timestamp())
    return _Tok("str", text)


class _GvParser:
    """Recursive descent with govaluate's precedence: || < && < comparators < + - < * / % < prefix."""

    def __init__(self, tokens: list[_Tok]) -> None:
        self.tokens, self.pos = tokens, 0

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take_op(self, *ops: str) -> str | None:
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.value in ops:
            self.pos += 1
            return str(tok.value)
        return None

    def parse(self) -> Any:
        node = self.logical("||")
        if self.peek() is not None:
            raise ArgoError(f"Unexpected token {self.peek().value!r}")  # type: ignore[union-attr]
        return node

    def logical(self, op: str) -> Any:
        node = self.operand_of(op)
        while self.take_op(op):
            node = (op, node, self.operand_of(op))
        return node

    def operand_of(self, op: str) -> Any:
        return self.logical("&&") if op == "||" else self.comparison()

    def comparison(self) -> Any:
        node = self.additive()
        while op := self.take_op("==", "!=", ">", ">=", "<", "<=", "=~", "!~"):
            node = (op, node, self.additive())
        return node

    def additive(self) -> Any:
        node = self.multiplicative()
        while op := self.take_op("+", "-"):
            node = (op, node, self.multiplicative())
        return node

    def multiplicative(self) -> Any:
        node = self.prefix()
        while op := self.take_op("*", "/", "%"):
            node = (op, node, self.prefix())
        return node

    def prefix(self) -> Any:
        if self.take_op("!"):
            return ("not", self.prefix())
        if self.take_op("-"):
            return ("neg", self.prefix())
        return self.value()

    def value(self) -> Any:
        tok = self.peek()
        if tok is None:
            raise ArgoError("Unexpected end of expression")
        self.pos += 1
        if tok.kind == "op":
            if tok.value != "(":
                raise ArgoError(f"Unexpected operator {tok.value!r} (or one argo_sim doesn't support)")
            node = self.logical("||")
            if not self.take_op(")"):
                raise ArgoError("Unbalanced parenthesis")
            return node
        return ("lit", tok.value)


def _gv_eval(node: Any) -> Any:
    op = node[0]
    if op == "lit":
        return node[1]
    if op in ("not", "neg"):
        value = _gv_eval(node[1])
        if op == "not" and isinstance(value, bool):
            return not value
        if op == "neg" and _is_num(value):
            return -value
        raise ArgoError(
            f"Value '{_gv_text(value)}' cannot be used with the prefix '{'!' if op == 'not' else '-'}'"
        )
    left = _gv_eval(node[1])
    if op in ("&&", "||"):
        if not isinstance(left, bool):
            raise ArgoError(
                f"Value '{_gv_text(left)}' cannot be used with the logical operator '{op}', it is not a bool"
            )
        if (op == "&&" and not left) or (op == "||" and left):
            return left  # govaluate short-circuits
        right = _gv_eval(node[2])
        if not isinstance(right, bool):
            raise ArgoError(
                f"Value '{_gv_text(right)}' cannot be used with the logical operator '{op}', it is not a bool"
            )
        return right
    return _gv_binary(op, left, _gv_eval(node[2]))


def _is_num(value: Any) -> bool:
    return isinstance(value, float) and not isinstance(value, bool)


def _gv_binary(op: str, left: Any, right: Any) -> Any:
    if op in ("==", "!="):
        same = type(left) is type(right) and left == right  # reflect.DeepEqual: no coercion
        return same if op == "==" else not same
    if op in (">", ">=", "<", "<="):
        if not ((_is_num(left) and _is_num(right)) or (isinstance(left, str) and isinstance(right, str))):
            raise ArgoError(
                f"Value '{_gv_text(left)}' cannot be used with the comparator '{op}', it is not a number"
            )
        return {">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}[op]
    if op in ("=~", "!~"):
        if not (isinstance(left, str) and isinstance(right, str)):
            raise ArgoError(
                f"Value '{_gv_text(left)}' cannot be used with the comparator '{op}', it is not a string"
            )
        found = re.search(right, left) is not None
        return found if op == "=~" else not found
    if op == "+" and (isinstance(left, str) or isinstance(right, str)):
        return _gv_text(left) + _gv_text(right)
    if not (_is_num(left) and _is_num(right)):
        raise ArgoError(
            f"Value '{_gv_text(left)}' cannot be used with the modifier '{op}', it is not a number"
        )
    if op == "/" and right == 0:
        return float("inf") if left > 0 else float("-inf") if left < 0 else float("nan")
    return {
        "+": left + right,
        "-": left - right,
        "*": left * right,
        "/": left / right if right else 0.0,
        "%": float(int(left) % int(right)) if int(right) else float("nan"),
    }[op]


def _gv_text(value: Any) -> str:
    # fmt's %v: booleans as true/false, float64 as strconv 'g' shortest with exponent limit 6
    if isinstance(value, bool):
        return "true" if value else "false"
    if not _is_num(value):
        return str(value)
    if value == 0 or value != value or value in (float("inf"), float("-inf")):
        return {0: "0"}.get(value, str(value)) if value == value else "NaN"
    exact = Decimal(repr(value)).normalize()
    exponent = exact.adjusted()
    if -4 <= exponent < 6:
        return format(exact, "f")
    digits = "".join(map(str, exact.as_tuple().digits))
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{'-' if value < 0 else ''}{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent):02d}"


def when_holds(when: str) -> bool:
    """``shouldExecute``: evaluate an already substituted ``when``; raise ArgoError like Argo."""
    if when == "":
        return True
    try:
        result = _gv_eval(_GvParser(_gv_tokens(when)).parse())
    except ArgoError as exc:
        raise ArgoError(f"Invalid 'when' expression '{when}': {exc}") from None
    if not isinstance(result, bool):
        raise ArgoError(f"Expected boolean evaluation for '{when}'. Got {_gv_text(result)}")
    return result


# --- `depends`: enhanced depends logic (common/ancestry.go, dag.go evaluateDependsLogic) ------

_TASK_OPERAND = re.compile(r"([a-zA-Z0-9][-a-zA-Z0-9]*?\.[A-Z][a-zA-Z]+)|([a-zA-Z0-9][-a-zA-Z0-9]*)")
_RESULTS = ("Succeeded", "Failed", "Errored", "Skipped", "Omitted", "Daemoned", "AnySucceeded", "AllFailed")


def _depends_of(task: dict[str, Any]) -> str:
    if task.get("depends"):
        return str(task["depends"])
    return " && ".join(task.get("dependencies") or [])


def _dependencies(task: dict[str, Any], names: set[str]) -> list[str]:
    found: list[str] = []
    for match in _TASK_OPERAND.finditer(_depends_of(task)):
        name = match.group(1).split(".")[0] if match.group(1) else match.group(2)
        if name not in names:
            raise ArgoError(f"templates.tasks.{task['name']} dependency '{name}' not defined")
        if name not in found:
            found.append(name)
    return found


def _expand_operand(name: str, task: dict[str, Any]) -> list[str]:
    # expandDependency: a bare name is (Succeeded || Skipped || Daemoned), plus continueOn phases
    results = ["Succeeded", "Skipped", "Daemoned"]
    continue_on = task.get("continueOn") or {}
    if continue_on.get("error"):
        results.append("Errored")
    if continue_on.get("failed"):
        results.append("Failed")
    return [f"{name}.{r}" for r in results]


def _eval_depends(
    logic: str, by_name: dict[str, dict[str, Any]], results: dict[str, dict[str, bool]]
) -> bool:
    tokens = re.findall(r"&&|\|\||!|\(|\)|[a-zA-Z0-9][-a-zA-Z0-9]*(?:\.[A-Za-z]+)?|\S", logic)
    pos = 0

    def operand(tok: str) -> bool:
        if "." in tok:
            name, result = tok.split(".", 1)
            if result not in _RESULTS:
                raise ArgoError(f"task result '{result}' for task '{name}' is invalid")
            return results[name][result]
        return any(operand(t) for t in _expand_operand(tok, by_name[tok]))

    def parse_or() -> bool:
        nonlocal pos
        value = parse_and()
        while pos < len(tokens) and tokens[pos] == "||":
            pos += 1
            right = parse_and()
            value = value or right
        return value

    def parse_and() -> bool:
        nonlocal pos
        value = parse_not()
        while pos < len(tokens) and tokens[pos] == "&&":
            pos += 1
            right = parse_not()
            value = value and right
        return value

    def parse_not() -> bool:
        nonlocal pos
        if pos < len(tokens) and tokens[pos] == "!":
            pos += 1
            return not parse_not()
        if pos >= len(tokens):
            raise ArgoError(f"unable to evaluate expression '{logic}': unexpected end")
        tok = tokens[pos]
        pos += 1
        if tok == "(":
            value = parse_or()
            if pos >= len(tokens) or tokens[pos] != ")":
                raise ArgoError(f"unable to evaluate expression '{logic}': unbalanced parenthesis")
            pos += 1
            return value
        if not re.fullmatch(r"[a-zA-Z0-9][-a-zA-Z0-9]*(?:\.[A-Za-z]+)?", tok):
            raise ArgoError(f"unable to evaluate expression '{logic}': unexpected {tok!r}")
        return operand(tok)

    value = parse_or()
    if pos != len(tokens):
        raise ArgoError(f"unable to evaluate expression '{logic}': unexpected {tokens[pos]!r}")
    return value


# --- the record of a run ---------------------------------------------------------------------


@dataclass
class Attempt:
    """One pod of a script node (several when ``retryStrategy`` retried it)."""

    phase: str
    message: str
    exit_code: int | None
    stdout: str
    stderr: str
    duration: float
    env: dict[str, str]
    outputs: dict[str, str] = field(default_factory=dict)
    artifacts: dict[str, Path] = field(default_factory=dict)


@dataclass
class Node:
    """A node of the workflow's status tree (a DAG, a task group, a pod, or a skipped task).

    ``name`` is Argo's node name without the workflow-name prefix (``""`` for the entrypoint,
    ``"score(1:0.1)"``, ``"for-shard(0:x).normalize"``); ``task_path`` is the chain of task names
    (``("for-shard", "normalize")``) and ``indices`` the loop index at each level (or None).
    """

    name: str
    type: str
    phase: str
    template: str | None = None
    task_path: tuple[str, ...] = ()
    indices: tuple[int | None, ...] = ()
    message: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    input_artifacts: dict[str, Path] = field(default_factory=dict)
    outputs: dict[str, str] | None = None
    output_artifacts: dict[str, Path] = field(default_factory=dict)
    result: str | None = None
    attempts: list[Attempt] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # status-graph edges (addChildNode) and outbound nodes, for assessDAGPhase
    graph_children: list[Node] = field(default_factory=list, repr=False)
    outbound: list[Node] | None = field(default=None, repr=False)
    id: str = ""
    started: float = 0.0
    finished: float = 0.0

    @property
    def task(self) -> str:
        return ".".join(self.task_path)

    @property
    def stdout(self) -> str:
        return self.attempts[-1].stdout if self.attempts else ""

    @property
    def stderr(self) -> str:
        return self.attempts[-1].stderr if self.attempts else ""

    @property
    def env(self) -> dict[str, str]:
        return self.attempts[-1].env if self.attempts else {}


@dataclass
class Run:
    """What a run of the simulator produced."""

    status: str
    message: str
    workflow_name: str
    uid: str
    outputs: dict[str, str]
    artifacts: dict[str, Path]
    nodes: list[Node]
    exit_node: Node | None
    warnings: list[str]
    workdir: Path

    def node(self, name: str) -> Node:
        """The node called ``name`` (Argo's name without the workflow prefix)."""
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(f"no node {name!r}; nodes: {[n.name for n in self.nodes]}")

    def find(self, task: str) -> list[Node]:
        """Every node of a task path (``"for-shard.normalize"``), in loop-index order; the
        task-group node of a loop is left out (its iterations are returned)."""
        found = [n for n in self.nodes if n.task == task and n.type != TASK_GROUP]
        return sorted(found, key=lambda n: tuple(-1 if i is None else i for i in n.indices))

    def task(self, task: str) -> Node:
        """The one node of a task path (the task group of a loop)."""
        found = [n for n in self.nodes if n.task == task and (n.indices[-1:] in ((None,), ()))]
        if len(found) != 1:
            raise KeyError(f"{len(found)} nodes for task {task!r}")
        return found[0]


# --- the simulator ---------------------------------------------------------------------------


@dataclass
class _Artifact:
    name: str
    path: Path


@dataclass
class _Scope:
    """``wfScope``: string parameters and artifacts, by their tag (``tasks.a.outputs.parameters.p``)."""

    params: dict[str, str] = field(default_factory=dict)
    artifacts: dict[str, _Artifact] = field(default_factory=dict)

    def resolve_var(self, tag: str) -> str | _Artifact:
        # wfScope.resolveVar → template.ResolveVar: the whole field is one key, its braces
        # optional (trimmed when present, then the spaces inside)
        key = tag.removeprefix("{{").removesuffix("}}").strip()
        if key.startswith("="):
            raise SimulatorError(f"expression {tag!r}: expressions are not simulated")
        if key in self.params:
            return self.params[key]
        if key in self.artifacts:
            return self.artifacts[key]
        raise ArgoError(f"Unable to resolve: {{{{{key}}}}}")


class _Deadline(Exception):
    pass


class _Simulator:
    def __init__(
        self,
        doc: dict[str, Any],
        parameters: Mapping[str, str],
        workdir: Path,
        secrets: Mapping[str, Mapping[str, str]],
        timeout: float,
        skipped_refs: SkippedRefs,
    ) -> None:
        self.kind = doc.get("kind")
        self.meta = doc.get("metadata") or {}
        spec = doc.get("spec") or {}
        if self.kind == "CronWorkflow":
            spec = spec.get("workflowSpec") or {}
        elif self.kind not in ("Workflow", "WorkflowTemplate"):
            raise SimulatorError(f"not a Workflow, WorkflowTemplate or CronWorkflow: kind={self.kind!r}")
        self.spec = copy.deepcopy(spec)
        _normalize_spec(self.spec)
        self.templates = {t["name"]: t for t in self.spec.get("templates") or []}
        # each template as hasOutputResultRef reads it (Go's json.Marshal is compact), made once
        self.template_json = {n: json.dumps(t, separators=(",", ":")) for n, t in self.templates.items()}
        self.arguments = self._arguments(parameters)
        self.secrets = secrets
        self.skipped_refs = skipped_refs
        self.name = self._workflow_name()
        self.uid = str(uuid.uuid4())
        self.created = datetime.now(UTC).replace(microsecond=0)
        self.root = workdir / self.name
        while self.root.exists():
            self.root = workdir / f"{self.name}-{uuid.uuid4().hex[:6]}"
        self.root.mkdir(parents=True)
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        wf_deadline = self.spec.get("activeDeadlineSeconds")
        self.wf_deadline = time.monotonic() + float(wf_deadline) if wf_deadline is not None else None
        self.nodes: list[Node] = []
        self.warnings: list[str] = []
        self.globals = self._global_params()
        self.sequence = 0
        self._artifacts: dict[str, _Artifact] = {}

    # -- setup ------------------------------------------------------------------------------

    def _arguments(self, overrides: Mapping[str, str]) -> dict[str, Any]:
        params = [dict(p) for p in (self.spec.get("arguments") or {}).get("parameters") or []]
        known = {p["name"] for p in params}
        unknown = set(overrides) - known
        if unknown:
            raise SimulatorError(
                f"unknown workflow parameters: {sorted(unknown)} (declared: {sorted(known)})"
            )
        for param in params:
            if param["name"] in overrides:
                param["value"] = str(overrides[param["name"]])
            elif param.get("value") is None and param.get("default") is not None:
                param["value"] = param["default"]
        self.spec.setdefault("arguments", {})["parameters"] = params
        return {"parameters": params, "artifacts": (self.spec.get("arguments") or {}).get("artifacts") or []}

    def _workflow_name(self) -> str:
        name = self.meta.get("name")
        if self.kind == "CronWorkflow":
            return f"{name}-{int(time.time())}"
        if self.kind == "WorkflowTemplate":
            prefix = f"{name}-"
        elif name:
            return str(name)
        else:
            prefix = self.meta.get("generateName") or "workflow-"
        return prefix + "".join(random.choices(string.ascii_lowercase + string.digits, k=5))

    def _global_params(self) -> dict[str, str]:
        # operator.go setGlobalParameters
        params = self.arguments["parameters"]
        tags = {
            "workflow.name": self.name,
            "workflow.namespace": self.meta.get("namespace") or "argo",
            "workflow.uid": self.uid,
            "workflow.serviceAccountName": self.spec.get("serviceAccountName") or "",
            "workflow.creationTimestamp": self.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "workflow.creationTimestamp.s": str(int(self.created.timestamp())),
            "workflow.mainEntrypoint": self.spec.get("entrypoint") or "",
            "workflow.duration": "0.000000",
            "workflow.parameters": _params_json(params),
        }
        for param in params:
            if param.get("value") is not None:
                tags[f"workflow.parameters.{param['name']}"] = param["value"]
        for key, value in (self.meta.get("annotations") or {}).items():
            tags[f"workflow.annotations.{key}"] = str(value)
        for key, value in (self.meta.get("labels") or {}).items():
            tags[f"workflow.labels.{key}"] = str(value)
        return tags

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> Run:
        entry = self.spec.get("entrypoint")
        if not entry:
            raise SimulatorError("spec.entrypoint is missing")
        root: Node | None = None
        try:
            root = self._execute_template("", (), (), entry, self.arguments, on_exit=False)
            status = {SUCCEEDED: SUCCEEDED, SKIPPED: SUCCEEDED, OMITTED: SUCCEEDED, FAILED: FAILED}.get(
                root.phase, ERROR
            )
            message = root.message
        except ArgoError as exc:
            # operate(): an error from the entry template marks the workflow Error and returns
            # before the exit handler runs
            return self._finish(ERROR, f"error in entry template execution: {exc}", None, None)
        except _Deadline as exc:
            if str(exc) == "sim":
                return self._finish(ERROR, self._deadline_message(exc), None, None)
            status, message, self.wf_deadline = FAILED, self._deadline_message(exc), None
        exit_node = None
        if self.spec.get("onExit"):
            exit_node, status, message = self._run_exit_handler(status, message)
        return self._finish(status, message, root, exit_node)

    def _run_exit_handler(self, status: str, message: str) -> tuple[Node | None, str, str]:
        self.globals["workflow.status"] = status
        # "This strconv.Quote is necessary so that the escaped quotes are not removed" (operate)
        self.globals["workflow.failures"] = '"' + go_quote(go_json(self._failures())) + '"'
        exit_node: Node | None
        try:
            exit_node = self._execute_template(
                "onExit", ("onExit",), (None,), self.spec["onExit"], self.arguments, True
            )
        except ArgoError as exc:
            exit_node = self.nodes[-1] if self.nodes and self.nodes[-1].name == "onExit" else None
            return exit_node, ERROR if status == SUCCEEDED else status, str(exc)
        except _Deadline as exc:
            return None, ERROR, self._deadline_message(exc)
        if status == SUCCEEDED and exit_node is not None and exit_node.phase in (FAILED, ERROR):
            return exit_node, exit_node.phase, exit_node.message
        return exit_node, status, message

    def _failures(self) -> list[dict[str, str]]:
        return [
            {
                "displayName": n.name.rsplit(".", 1)[-1],
                "message": n.message,
                "templateName": n.template or "",
                "phase": n.phase,
                "podName": n.id,
                "finishedAt": "",
            }
            for n in self.nodes
            if n.phase in (FAILED, ERROR)
        ]

    def _deadline_message(self, exc: _Deadline) -> str:
        if str(exc) == "sim":
            return f"argo_sim: the run did not finish within timeout={self.timeout}s"
        return "Workflow exceeded its deadline (spec.activeDeadlineSeconds)"

    def _finish(self, status: str, message: str, root: Node | None, exit_node: Node | None) -> Run:
        outputs = dict(root.outputs or {}) if root is not None and root.phase == SUCCEEDED else {}
        artifacts = dict(root.output_artifacts) if root is not None and root.phase == SUCCEEDED else {}
        for node in self.nodes:
            self.warnings.extend(f"{node.name or '<entrypoint>'}: {w}" for w in node.warnings)
        return Run(
            status,
            message,
            self.name,
            self.uid,
            outputs,
            artifacts,
            self.nodes,
            exit_node,
            self.warnings,
            self.root,
        )

    # -- nodes ------------------------------------------------------------------------------

    def _new_node(
        self,
        name: str,
        kind: str,
        phase: str,
        path: tuple[str, ...],
        indices: tuple[int | None, ...],
        template: str | None = None,
        message: str = "",
    ) -> Node:
        self.sequence += 1
        node = Node(
            name=name,
            type=kind,
            phase=phase,
            template=template,
            task_path=path,
            indices=indices,
            message=message,
            id=f"{self.name}-{self.sequence}",
            started=time.monotonic(),
        )
        node.finished = node.started
        self.nodes.append(node)
        return node

    def _execute_template(
        self,
        name: str,
        path: tuple[str, ...],
        indices: tuple[int | None, ...],
        template_name: str,
        args: Mapping[str, Any],
        on_exit: bool,
        boundary: str | None = None,
    ) -> Node:
        """``executeTemplate``: process arguments, then run the template. Raises ArgoError (after
        marking the node Error) where Argo's executeTemplate returns an error."""
        tmpl = self.templates.get(template_name)
        kind = DAG if tmpl is not None and "dag" in tmpl else POD
        node = self._new_node(name, kind, "Running", path, indices, template_name)
        try:
            if tmpl is None:
                raise ArgoError(f"template {template_name} not found")
            if "dag" in tmpl:
                self._execute_dag(node, tmpl, args)
            elif "script" in tmpl:
                self._execute_script(node, tmpl, args, self._captures_result(node, boundary))
            else:
                raise SimulatorError(
                    f"template {template_name!r}: only script and dag templates are supported"
                )
        except ArgoError as exc:
            node.phase, node.message = ERROR, str(exc)
            node.finished = time.monotonic()
            raise
        node.finished = time.monotonic()
        return node

    def _process_args(
        self, tmpl: dict[str, Any], args: Mapping[str, Any], local: Mapping[str, str]
    ) -> dict[str, Any]:
        """``common.ProcessArgs``: inputs from arguments (or defaults), then ``SubstituteParams``."""
        tmpl = copy.deepcopy(tmpl)
        arg_params = {p["name"]: p for p in args.get("parameters") or []}
        inputs = tmpl.get("inputs") or {}
        for param in inputs.get("parameters") or []:
            if param.get("value") is None and param.get("default") is not None:
                param["value"] = param["default"]
            given = arg_params.get(param["name"])
            if given is not None and given.get("value") is not None:
                param["value"] = given["value"]
            if param.get("value") is None:
                raise ArgoError(f"inputs.parameters.{param['name']} was not supplied")
        arg_arts = {a["name"]: a for a in args.get("artifacts") or []}
        for art in inputs.get("artifacts") or []:
            given = arg_arts.get(art["name"])
            if given is None and not art.get("optional"):
                raise ArgoError(f"inputs.artifacts.{art['name']} was not supplied")
            if given is not None:
                if "_sim" not in given:
                    raise SimulatorError(
                        f"input artifact {art['name']!r}: only artifacts passed with `from` are supported"
                    )
                art["_sim"] = given["_sim"]
        return self._substitute_params(tmpl, local)

    def _substitute_params(self, tmpl: dict[str, Any], local: Mapping[str, str]) -> dict[str, Any]:
        # First globals (over the whole template, input VALUES included), then the inputs
        tmpl = _substitute_object(tmpl, {**self.globals, **local}, True)
        inputs = tmpl.get("inputs") or {}
        tags = {f"inputs.parameters.{p['name']}": p["value"] for p in inputs.get("parameters") or []}
        tags["inputs.parameters"] = _params_json(inputs.get("parameters") or [])
        for art in inputs.get("artifacts") or []:
            if art.get("path"):
                tags[f"inputs.artifacts.{art['name']}.path"] = art["path"]
        outputs = tmpl.get("outputs") or {}
        for art in outputs.get("artifacts") or []:
            if art.get("path"):
                tags[f"outputs.artifacts.{art['name']}.path"] = art["path"]
        for param in outputs.get("parameters") or []:
            if (param.get("valueFrom") or {}).get("path"):
                tags[f"outputs.parameters.{param['name']}.path"] = param["valueFrom"]["path"]
        return _substitute_object(tmpl, tags, True)

    # -- DAG templates ----------------------------------------------------------------------

    def _execute_dag(self, node: Node, tmpl: dict[str, Any], args: Mapping[str, Any]) -> None:
        tmpl = self._process_args(tmpl, args, {})
        self._record_inputs(node, tmpl)
        tasks = (tmpl.get("dag") or {}).get("tasks") or []
        by_name = {t["name"]: t for t in tasks}
        deps = {t["name"]: _dependencies(t, set(by_name)) for t in tasks}
        task_nodes: dict[str, Node] = {}
        for task in _topological(tasks, deps):
            task_nodes[task["name"]] = self._execute_dag_task(node, tmpl, task, by_name, deps, task_nodes)
        targets = _targets(tmpl, deps)
        node.outbound = [o for t in targets if t in task_nodes for o in _outbound(task_nodes[t])]
        phase = _assess_dag_phase(node, tmpl, by_name, targets, task_nodes)
        if phase in (FAILED, ERROR):
            node.phase = phase
            failed = [n for n in task_nodes.values() if n.phase in (FAILED, ERROR)]
            node.message = f"child '{failed[0].id}' failed" if failed else ""
            return
        scope = self._dag_scope(tmpl, task_nodes)
        node.outputs, node.output_artifacts = _template_outputs(tmpl, scope)
        node.phase = SUCCEEDED

    def _record_inputs(self, node: Node, tmpl: dict[str, Any]) -> None:
        inputs = tmpl.get("inputs") or {}
        node.inputs = {p["name"]: p["value"] for p in inputs.get("parameters") or []}
        node.input_artifacts = {
            a["name"]: self._artifact(a["_sim"]).path for a in inputs.get("artifacts") or [] if "_sim" in a
        }

    def _dag_scope(self, tmpl: dict[str, Any], task_nodes: Mapping[str, Node]) -> _Scope:
        # executeDAG: outputs of every task (aggregated for loops) for the DAG's own outputs
        scope = self._create_scope(tmpl)
        for name, task_node in task_nodes.items():
            if task_node.type == TASK_GROUP:
                _aggregate(scope, f"tasks.{name}", task_node.children)
            self._local_scope(scope, f"tasks.{name}", task_node)
        return scope

    def _create_scope(self, tmpl: dict[str, Any]) -> _Scope:
        scope = _Scope()
        inputs = tmpl.get("inputs") or {}
        for param in inputs.get("parameters") or []:
            scope.params[f"inputs.parameters.{param['name']}"] = param["value"]
        for art in inputs.get("artifacts") or []:
            if "_sim" in art:
                scope.artifacts[f"inputs.artifacts.{art['name']}"] = self._artifact(art["_sim"])
        return scope

    def _local_scope(self, scope: _Scope, prefix: str, node: Node) -> None:
        # buildLocalScope + addOutputsToLocalScope
        scope.params[f"{prefix}.id"] = node.id
        scope.params[f"{prefix}.status"] = node.phase
        scope.params[f"{prefix}.startedAt"] = self.created.strftime("%Y-%m-%dT%H:%M:%SZ")
        scope.params[f"{prefix}.finishedAt"] = self.created.strftime("%Y-%m-%dT%H:%M:%SZ")
        if node.attempts and node.attempts[-1].exit_code is not None:
            scope.params[f"{prefix}.exitCode"] = str(node.attempts[-1].exit_code)
        if node.phase in (SKIPPED, OMITTED) and self.skipped_refs == "empty" and node.template:
            # argo-workflows PR #15841 (v4): declared outputs of a skipped/omitted task resolve to ""
            for param in ((self.templates.get(node.template) or {}).get("outputs") or {}).get(
                "parameters"
            ) or []:
                scope.params[f"{prefix}.outputs.parameters.{param['name']}"] = ""
        if node.result is not None:
            scope.params[f"{prefix}.outputs.result"] = node.result
        for key, value in (node.outputs or {}).items():
            scope.params[f"{prefix}.outputs.parameters.{key}"] = value
        for key, path in node.output_artifacts.items():
            scope.artifacts[f"{prefix}.outputs.artifacts.{key}"] = _Artifact(key, path)

    def _execute_dag_task(
        self,
        dag: Node,
        tmpl: dict[str, Any],
        task: dict[str, Any],
        by_name: dict[str, dict[str, Any]],
        deps: Mapping[str, list[str]],
        task_nodes: Mapping[str, Node],
    ) -> Node:
        name = task["name"]
        node_name = f"{dag.name}.{name}" if dag.name else name
        path, indices = (*dag.task_path, name), (*dag.indices, None)

        def skipped(phase: str, message: str) -> Node:
            node = self._new_node(
                node_name, SKIPPED_NODE, phase, path, indices, task.get("template"), message
            )
            self._connect(dag, node, deps[name], task_nodes)
            return node

        if deps[name]:
            results = {d: _task_results(task_nodes[d]) for d in deps[name]}
            try:
                if not _eval_depends(_depends_of(task), by_name, results):
                    return skipped(OMITTED, "omitted: depends condition not met")
            except ArgoError as exc:
                return skipped(ERROR, str(exc))
        try:
            new_task = self._resolve_references(tmpl, task, deps, task_nodes)
            expanded = self._expand_task(new_task)
        except ArgoError as exc:
            return skipped(ERROR, str(exc))
        if expanded is None:
            return self._run_task_child(dag, node_name, path, indices, new_task, deps[name], task_nodes, None)
        if not expanded:
            return skipped(SKIPPED, "Skipped, empty params")
        group = self._new_node(node_name, TASK_GROUP, "Running", path, indices, task.get("template"))
        self._connect(dag, group, deps[name], task_nodes)
        for index, (child_name, child_task) in enumerate(expanded):
            child = self._run_task_child(
                dag,
                f"{dag.name}.{child_name}" if dag.name else child_name,
                path,
                (*dag.indices, index),
                child_task,
                [],
                task_nodes,
                group,
            )
            group.children.append(child)
        group.phase = SUCCEEDED
        for child in group.children:
            if child.phase in (FAILED, ERROR):
                group.phase = child.phase
        group.finished = time.monotonic()
        return group

    def _run_task_child(
        self,
        dag: Node,
        node_name: str,
        path: tuple[str, ...],
        indices: tuple[int | None, ...],
        task: dict[str, Any],
        deps: list[str],
        task_nodes: Mapping[str, Node],
        group: Node | None,
    ) -> Node:
        left = _unresolved_tags({"a": task.get("arguments"), "w": task.get("when")}, ("tasks.", "steps."))
        if left and self.skipped_refs != "literal":
            # v4 (substituteJSON, strict on tasks./steps.): requeued until it resolves, i.e. forever
            node = self._new_node(
                node_name,
                SKIPPED_NODE,
                ERROR,
                path,
                indices,
                task.get("template"),
                f"argo_sim: Argo v4 never schedules this task (failed to resolve {left[0]})",
            )
            self._connect(dag, node, deps, task_nodes, group)
            return node
        try:
            proceed = when_holds(str(task.get("when") or ""))
        except ArgoError as exc:
            node = self._new_node(
                node_name, SKIPPED_NODE, ERROR, path, indices, task.get("template"), str(exc)
            )
            self._connect(dag, node, deps, task_nodes, group)
            return node
        if not proceed:
            node = self._new_node(
                node_name,
                SKIPPED_NODE,
                SKIPPED,
                path,
                indices,
                task.get("template"),
                f"when '{task.get('when')}' evaluated false",
            )
            self._connect(dag, node, deps, task_nodes, group)
            return node
        if "template" not in task:
            raise SimulatorError(f"task {node_name!r}: only `template:` references are supported")
        before = len(self.nodes)
        try:
            node = self._execute_template(
                node_name, path, indices, task["template"], task.get("arguments") or {}, False, dag.template
            )
        except ArgoError as exc:
            node = self.nodes[before]
            node.message = f"task '{self.name}.{node_name}' errored: {exc}"
        if left:
            node.warnings.append(f"unresolved {left[0]} reached the pod as literal text (Argo v3 behaviour)")
        self._connect(dag, node, deps, task_nodes, group)
        return node

    def _connect(
        self,
        dag: Node,
        node: Node,
        deps: list[str],
        task_nodes: Mapping[str, Node],
        group: Node | None = None,
    ) -> None:
        # connectDependencies: a root task hangs off the DAG node, others off their deps' outbound nodes
        if group is not None:
            group.graph_children.append(node)
        elif not deps:
            dag.graph_children.append(node)
        else:
            for dep in deps:
                for outbound in _outbound(task_nodes[dep]):
                    outbound.graph_children.append(node)

    def _resolve_references(
        self,
        tmpl: dict[str, Any],
        task: dict[str, Any],
        deps: Mapping[str, list[str]],
        task_nodes: Mapping[str, Node],
    ) -> dict[str, Any]:
        """``resolveDependencyReferences``: globals, the DAG's inputs and every ancestor's outputs."""
        scope = self._create_scope(tmpl)
        for ancestor in _ancestors(task["name"], deps):
            ancestor_node = task_nodes[ancestor]
            if ancestor_node.type == TASK_GROUP:
                _aggregate(scope, f"tasks.{ancestor}", ancestor_node.children)
            else:
                self._local_scope(scope, f"tasks.{ancestor}", ancestor_node)
        new_task = _substitute_object(task, {**self.globals, **scope.params}, True)
        try:
            proceed = when_holds(str(new_task.get("when") or ""))
        except ArgoError:
            if not _should_expand(new_task):
                raise
            proceed = True  # the `when` may use {{item}}: decided per item
        if not proceed:
            return new_task
        artifacts = []
        for art in (new_task.get("arguments") or {}).get("artifacts") or []:
            if not art.get("from"):
                artifacts.append(art)
                continue
            try:
                resolved = scope.resolve_var(art["from"])
            except ArgoError:
                if art.get("optional"):
                    continue
                raise
            if not isinstance(resolved, _Artifact):
                raise ArgoError(f"Variable {art['from']} is not an artifact")
            artifacts.append({"name": art["name"], "_sim": self._register_artifact(resolved)})
        if artifacts or (new_task.get("arguments") or {}).get("artifacts"):
            new_task.setdefault("arguments", {})["artifacts"] = artifacts
        return new_task

    def _expand_task(self, task: dict[str, Any]) -> list[tuple[str, dict[str, Any]]] | None:
        """``expandTask`` + ``processItem``: None when the task has no loop."""
        if not _should_expand(task):
            return None
        if task.get("withSequence") is not None:
            raise SimulatorError(f"task {task['name']!r}: withSequence is not supported")
        if task.get("withItems"):
            items = [_Item(go_json(v)) for v in task["withItems"]]
        else:
            try:
                items = _items_of_param(str(task["withParam"]))
            except ArgoError:
                if _must_execute(task):
                    raise
                items = []
        when = str(task.get("when") or "")
        try:
            strict = when_holds(when)
        except ArgoError:
            strict = True
        expanded = []
        for index, item in enumerate(items):
            tags, desc = _item_replacements(item)
            # the task is marshalled with its withItems/withParam still in it (v3.5-v4.0)
            new_task = _substitute_object(task, {**self.globals, **tags}, allow_unresolved=not strict)
            new_task.pop("withItems", None)
            new_task.pop("withParam", None)
            clean = desc.replace("(", "").replace(")", "")
            expanded.append((f"{task['name']}({index}:{clean})", new_task))
        return expanded

    # -- script templates (pods) -------------------------------------------------------------

    def _captures_result(self, node: Node, boundary: str | None) -> bool:
        """``executeScript``/``hasOutputResultRef``: stdout becomes ``outputs.result`` only when
        the DAG holding the task names ``{{tasks.<task>.outputs.result}}`` literally."""
        if boundary is None or not node.task_path:
            return False
        tag = "{{tasks." + node.task_path[-1] + ".outputs.result}}"
        return tag in self.template_json.get(boundary, "")

    def _execute_script(
        self, node: Node, tmpl: dict[str, Any], args: Mapping[str, Any], capture_result: bool
    ) -> None:
        strategy = tmpl.get("retryStrategy")
        limit = None if strategy is None or strategy.get("limit") is None else int(strategy["limit"])
        policy = (strategy or {}).get("retryPolicy") or "OnFailure"
        if policy not in ("Always", "OnFailure", "OnError", "OnTransientError"):
            raise ArgoError(f"{policy} is not a valid RetryPolicy")
        while True:
            local = {"pod.name": f"{node.id}-{len(node.attempts)}"}
            if strategy is not None:
                local["retries"] = str(len(node.attempts))
            processed = self._process_args(tmpl, args, local)
            self._record_inputs(node, processed)
            attempt = self._run_pod(node, processed)
            node.attempts.append(attempt)
            node.phase, node.message = attempt.phase, attempt.message
            if strategy is None or attempt.phase == SUCCEEDED:
                break
            # processNodeRetries; a script's non-zero exit is never a "transient" error
            retry = {
                "Always": True,
                "OnFailure": attempt.phase == FAILED,
                "OnError": attempt.phase == ERROR,
                "OnTransientError": False,
            }[policy]
            if not retry:
                break
            if limit is not None and len(node.attempts) > limit:
                node.message = "No more retries left"
                break
        last = node.attempts[-1]
        if strategy is None or last.phase == SUCCEEDED:  # a Retry node copies outputs on success only
            node.outputs = dict(last.outputs) if last.outputs or _declares_outputs(tmpl) else None
            node.output_artifacts = dict(last.artifacts)
            if capture_result and last.exit_code is not None:
                node.result = last.stdout.removesuffix("\n")

    def _run_pod(self, node: Node, tmpl: dict[str, Any]) -> Attempt:
        script = tmpl["script"]
        if list(script.get("command") or []) not in (["python3"], ["python"]) or script.get("args"):
            raise SimulatorError(
                f"template {tmpl['name']!r}: only `command: [python3]` scripts are supported"
            )
        pod = self.root / "pods" / f"{node.id.rsplit('-', 1)[1]:0>4}-{len(node.attempts)}-{tmpl['name']}"
        dirs = {name: pod / name for name in ("inputs", "outputs", "work", "home", "staging")}
        for directory in dirs.values():
            directory.mkdir(parents=True)
        guard_path = _install_guard(dirs["home"], pod / "guard")
        mapped = _PathMap(dirs["inputs"], dirs["outputs"], tmpl["name"])
        for art in (tmpl.get("inputs") or {}).get("artifacts") or []:
            if "_sim" in art:
                _copy(self._artifact(art["_sim"]).path, mapped(art["path"]))
        env = self._pod_env(node, script, dirs)
        if guard_path is not None:
            env["PYTHONPATH"] = str(guard_path)  # only where usercustomize can't work (a venv)
        (dirs["staging"] / "script").write_text(script.get("source") or "", encoding="utf-8")
        started = time.monotonic()
        exit_code, stdout, stderr, phase, message = self._spawn(dirs, env, tmpl)
        attempt = Attempt(phase, message, exit_code, stdout, stderr, time.monotonic() - started, env)
        if _GUARD_MARK in stderr:
            node.warnings.append(
                "the script used the real /tmp/flowc instead of $FLOWC_INPUTS_DIR/$FLOWC_OUTPUTS_DIR"
            )
        self._collect_outputs(node, tmpl, mapped, attempt)
        return attempt

    def _pod_env(self, node: Node, script: dict[str, Any], dirs: Mapping[str, Path]) -> dict[str, str]:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(dirs["home"]), "LANG": "C.UTF-8"}
        for var in script.get("env") or []:
            if "value" in var or not var.get("valueFrom"):
                env[var["name"]] = str(var.get("value") or "")
                continue
            ref = (var["valueFrom"] or {}).get("secretKeyRef")
            secret = (self.secrets.get(ref["name"]) or {}).get(ref["key"]) if ref else None
            if secret is not None:
                env[var["name"]] = secret
            else:
                node.warnings.append(f"env {var['name']}: {var['valueFrom']} not available, left unset")
        env["FLOWC_INPUTS_DIR"], env["FLOWC_OUTPUTS_DIR"] = str(dirs["inputs"]), str(dirs["outputs"])
        return env

    def _spawn(
        self, dirs: Mapping[str, Path], env: dict[str, str], tmpl: dict[str, Any]
    ) -> tuple[int | None, str, str, str, str]:
        limit, reason = self._pod_time_limit(tmpl)
        try:
            proc = subprocess.Popen(
                [sys.executable, str(dirs["staging"] / "script")],
                cwd=dirs["work"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except (ValueError, OSError) as exc:  # e.g. a NUL in an env value
            return None, "", "", ERROR, f"CreateContainerError: {exc}"
        try:
            out, err = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            if reason != "pod":
                raise _Deadline(reason) from None
            return (
                None,
                _text(out),
                _text(err),
                FAILED,
                "Pod was active on the node longer than the specified deadline",
            )
        if proc.returncode != 0:
            return proc.returncode, _text(out), _text(err), FAILED, f"Error (exit code {proc.returncode})"
        return 0, _text(out), _text(err), SUCCEEDED, ""

    def _pod_time_limit(self, tmpl: dict[str, Any]) -> tuple[float, str]:
        now = time.monotonic()
        limits = [(self.deadline - now, "sim")]
        if self.wf_deadline is not None:
            limits.append((self.wf_deadline - now, "workflow"))
        if tmpl.get("activeDeadlineSeconds") is not None:
            limits.append((float(tmpl["activeDeadlineSeconds"]), "pod"))
        limit, reason = min(limits)
        if limit <= 0:
            raise _Deadline(reason)
        return limit, reason

    def _collect_outputs(self, node: Node, tmpl: dict[str, Any], mapped: _PathMap, attempt: Attempt) -> None:
        """The wait container: ``SaveParameters`` then ``SaveArtifacts`` (also after a failure)."""
        outputs = tmpl.get("outputs") or {}
        problems = []
        for param in outputs.get("parameters") or []:
            value_from = param.get("valueFrom") or {}
            if not value_from.get("path"):
                raise SimulatorError(
                    f"template {tmpl['name']!r}: output {param['name']!r} needs valueFrom.path"
                )
            file = mapped(value_from["path"])
            if file.is_file():
                # "Trims off a single newline for user convenience" (executor.go SaveParameters)
                attempt.outputs[param["name"]] = (
                    file.read_bytes().decode("utf-8", "replace").removesuffix("\n")
                )
            elif value_from.get("default") is not None:
                attempt.outputs[param["name"]] = value_from["default"]
            else:
                problems.append(f"open {value_from['path']}: no such file or directory")
        for art in outputs.get("artifacts") or []:
            source = mapped(art["path"])
            if not source.exists():
                if not art.get("optional"):
                    problems.append(f"open {art['path']}: no such file or directory")
                continue
            store = self.root / "artifacts" / f"{node.id}-{len(node.attempts)}" / art["name"]
            _copy(source, store)
            attempt.artifacts[art["name"]] = store
        if problems and attempt.phase == SUCCEEDED:
            # the main container succeeded but the wait container failed: an Error, not a Failure
            attempt.phase, attempt.message = ERROR, f"Error (exit code 1): {problems[0]}"

    # -- artifacts passed between tasks ------------------------------------------------------

    def _register_artifact(self, artifact: _Artifact) -> str:
        self.sequence += 1
        key = f"art-{self.sequence}"
        self._artifacts[key] = artifact
        return key

    def _artifact(self, key: str) -> _Artifact:
        return self._artifacts[key]


class _PathMap:
    """Template paths under /tmp/flowc/{inputs,outputs} → the pod's own directories."""

    def __init__(self, inputs: Path, outputs: Path, template: str) -> None:
        self.inputs, self.outputs, self.template = inputs, outputs, template

    def __call__(self, path: str) -> Path:
        for prefix, target in ((INPUTS_DIR, self.inputs), (OUTPUTS_DIR, self.outputs)):
            if path == prefix:
                return target
            if path.startswith(prefix + "/"):
                return target / path[len(prefix) + 1 :]
        raise SimulatorError(
            f"template {self.template!r}: path {path!r} is outside /tmp/flowc/inputs|outputs"
        )


# --- helpers ----------------------------------------------------------------------------------


def _normalize_spec(spec: dict[str, Any]) -> None:
    """Parameter values/defaults are ``AnyString``s: YAML numbers and booleans become text."""

    def fix(params: list[dict[str, Any]] | None, *keys: str) -> None:
        for param in params or []:
            for key in keys:
                if key in param:
                    param[key] = _anystring(param[key])
            if "valueFrom" in param and param["valueFrom"] and "default" in param["valueFrom"]:
                param["valueFrom"]["default"] = _anystring(param["valueFrom"]["default"])

    fix((spec.get("arguments") or {}).get("parameters"), "value", "default")
    for tmpl in spec.get("templates") or []:
        fix((tmpl.get("inputs") or {}).get("parameters"), "value", "default")
        fix((tmpl.get("outputs") or {}).get("parameters"))
        for task in (tmpl.get("dag") or {}).get("tasks") or []:
            fix((task.get("arguments") or {}).get("parameters"), "value")
            for param in (task.get("arguments") or {}).get("parameters") or []:
                if param.get("valueFrom"):
                    raise SimulatorError(f"task {task['name']!r}: argument valueFrom is not supported")
        if "steps" in tmpl or any(
            "templateRef" in t or "inline" in t for t in (tmpl.get("dag") or {}).get("tasks") or []
        ):
            raise SimulatorError(
                f"template {tmpl['name']!r}: steps templates and templateRef are not supported"
            )


def _params_json(params: list[dict[str, Any]]) -> str:
    # json.Marshal of []wfv1.Parameter: struct field order, not sorted; Go string escaping
    keys = ("name", "default", "value", "valueFrom", "globalName", "enum", "description")
    return (
        "["
        + ",".join(
            "{"
            + ",".join(f"{_go_json_string(k)}:{go_json(p[k])}" for k in keys if p.get(k) is not None)
            + "}"
            for p in params
        )
        + "]"
    )


def _should_expand(task: Mapping[str, Any]) -> bool:
    return bool(task.get("withItems")) or bool(task.get("withParam")) or task.get("withSequence") is not None


def _must_execute(task: Mapping[str, Any]) -> bool:
    try:
        return when_holds(str(task.get("when") or ""))
    except ArgoError:
        return True


def _declares_outputs(tmpl: Mapping[str, Any]) -> bool:
    outputs = tmpl.get("outputs") or {}
    return bool(outputs.get("parameters") or outputs.get("artifacts"))


def _topological(tasks: list[dict[str, Any]], deps: Mapping[str, list[str]]) -> list[dict[str, Any]]:
    done: set[str] = set()
    order: list[dict[str, Any]] = []
    pending = list(tasks)
    while pending:
        ready = [t for t in pending if all(d in done for d in deps[t["name"]])]
        if not ready:
            raise ArgoError(f"dependency cycle among {[t['name'] for t in pending]}")
        for task in ready:
            order.append(task)
            done.add(task["name"])
        pending = [t for t in pending if t["name"] not in done]
    return order


def _ancestors(name: str, deps: Mapping[str, list[str]]) -> list[str]:
    seen: list[str] = []
    stack = list(deps[name])
    while stack:
        dep = stack.pop()
        if dep not in seen:
            seen.append(dep)
            stack.extend(deps[dep])
    return seen


def _targets(tmpl: Mapping[str, Any], deps: Mapping[str, list[str]]) -> list[str]:
    target = (tmpl.get("dag") or {}).get("target")
    if target:
        return str(target).split(" ")
    used = {d for ds in deps.values() for d in ds}
    return sorted(n for n in deps if n not in used)  # findLeafTaskNames


def _task_results(node: Node) -> dict[str, bool]:
    any_succeeded = any(c.phase == SUCCEEDED for c in node.children) if node.type == TASK_GROUP else False
    all_failed = (
        bool(node.children) and all(c.phase == FAILED for c in node.children)
        if node.type == TASK_GROUP
        else False
    )
    return {
        "Succeeded": node.phase == SUCCEEDED,
        "Failed": node.phase == FAILED,
        "Errored": node.phase == ERROR,
        "Skipped": node.phase == SKIPPED,
        "Omitted": node.phase == OMITTED,
        "Daemoned": False,
        "AnySucceeded": any_succeeded,
        "AllFailed": all_failed,
    }


def _outbound(node: Node) -> list[Node]:
    # getOutboundNodes
    if node.type == TASK_GROUP:
        found = [o for c in node.children for o in _outbound(c)]
        return found or [node]
    if node.type == DAG and node.outbound:
        return node.outbound
    return [node]


def _assess_dag_phase(
    dag: Node,
    tmpl: Mapping[str, Any],
    by_name: Mapping[str, dict[str, Any]],
    targets: list[str],
    task_nodes: Mapping[str, Node],
) -> str:
    """``assessDAGPhase``: BFS from the DAG node; an omitted or skipped node inherits its
    branch's last completed phase, Failed/Error preferred; then the targets decide."""
    target_ids = {id(task_nodes[t]): t for t in targets if t in task_nodes}
    deduced: dict[str, str] = dict.fromkeys(targets, "")
    queue = deque((child, SUCCEEDED) for child in dag.graph_children)
    seen: set[tuple[int, str]] = set()
    while queue:
        node, branch = queue.popleft()
        if (id(node), branch) in seen:
            continue
        seen.add((id(node), branch))
        if node.phase in (SUCCEEDED, FAILED, ERROR):
            branch = node.phase
        target = target_ids.get(id(node))
        if target is not None and deduced[target] not in (FAILED, ERROR):
            deduced[target] = branch
        queue.extend((child, branch) for child in node.graph_children)
    fail_fast = (tmpl.get("dag") or {}).get("failFast") is not False
    result = SUCCEEDED
    for target in targets:
        phase = deduced.get(target, "")
        if phase in (FAILED, ERROR):
            continue_on = (by_name.get(target) or {}).get("continueOn") or {}
            if continue_on.get("failed" if phase == FAILED else "error"):
                continue
            result = phase
            if fail_fast:
                break
    return result


def _aggregate(scope: _Scope, prefix: str, children: list[Node]) -> None:
    """``processAggregateNodeOutputs``: Succeeded iterations only, in loop-index order."""
    done = sorted(  # a node with a result and no declared outputs has Outputs{Result} too
        (c for c in children if c.phase == SUCCEEDED and (c.outputs is not None or c.result is not None)),
        key=lambda c: c.indices[-1] or 0,
    )
    if not children:
        return
    values: dict[str, list[str]] = {}
    for child in done:
        for key, value in (child.outputs or {}).items():
            values.setdefault(key, []).append(value)
    scope.params[f"{prefix}.outputs.parameters"] = go_json([c.outputs for c in done if c.outputs])
    results = [c.result for c in done if c.result is not None]
    scope.params[f"{prefix}.outputs.result"] = "[" + ",".join(_result_item(r) for r in results) + "]"
    for key, texts in values.items():
        scope.params[f"{prefix}.outputs.parameters.{key}"] = aggregated_json_value_list(texts)


def _result_item(result: str) -> str:
    try:
        json.loads(result, parse_constant=_reject_constant)
    except ValueError as exc:
        raise ArgoError(f"cannot aggregate outputs.result {result[:40]!r}: {exc}") from exc
    return _compact(result)


def aggregated_json_value_list(values: list[str]) -> str:
    """``aggregatedJSONValueList``: objects/arrays if EVERY value is one (re-marshalled: keys
    sorted, numbers as float64), else a JSON list of the raw texts (``["0.5","0.7"]``)."""
    decoded = []
    for value in values:
        try:
            item = _go_json_decode(value)
        except ValueError:
            return go_json(values)
        if not isinstance(item, list | dict):
            return go_json(values)
        decoded.append(item)
    return go_json(decoded)


def _template_outputs(
    tmpl: Mapping[str, Any], scope: _Scope
) -> tuple[dict[str, str] | None, dict[str, Path]]:
    """``getTemplateOutputsFromScope`` for a DAG template."""
    outputs = tmpl.get("outputs") or {}
    params: dict[str, str] = {}
    for param in outputs.get("parameters") or []:
        if param.get("valueFrom") is None:
            raise ArgoError("output parameters must have a valueFrom specified")
        value_from = param["valueFrom"]
        if value_from.get("expression"):
            raise SimulatorError(f"output parameter {param['name']}: valueFrom.expression is not simulated")
        try:
            # resolveParameter: no parameter (and no expression) is the empty string
            value = scope.resolve_var(str(value_from["parameter"])) if value_from.get("parameter") else ""
        except ArgoError:
            if value_from.get("default") is None:
                raise
            value = value_from["default"]
        if not isinstance(value, str):
            raise ArgoError(f"output parameter {param['name']} resolves to an artifact")
        params[param["name"]] = value
    artifacts: dict[str, Path] = {}
    for art in outputs.get("artifacts") or []:
        if art.get("fromExpression"):
            raise SimulatorError(f"output artifact {art['name']}: fromExpression is not simulated")
        if not art.get("from"):
            continue  # resolveArtifact: nothing to resolve, no output
        try:
            resolved = scope.resolve_var(str(art["from"]))
        except ArgoError:
            if art.get("optional"):
                continue
            raise
        if not isinstance(resolved, _Artifact):
            raise ArgoError(f"Variable {art.get('from')} is not an artifact")
        artifacts[art["name"]] = resolved.path
    return (params if outputs.get("parameters") else None), artifacts


def _copy(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, dest, symlinks=True)
    else:
        shutil.copyfile(source, dest)


_GUARD_MARK = "argo_sim: a pod must not use the real /tmp/flowc"
_GUARD = f"""\
# argo_sim: the pod's view of /tmp/flowc is $FLOWC_INPUTS_DIR / $FLOWC_OUTPUTS_DIR; the real
# /tmp/flowc belongs to nobody's run. Loaded as usercustomize from $HOME (not from the repo).
import os as _os
import sys as _sys

_EVENTS = {{"open": 1, "os.mkdir": 1, "os.listdir": 1, "os.scandir": 1, "os.remove": 1, "os.rmdir": 1,
           "os.rename": 2, "os.replace": 2, "os.symlink": 2, "os.link": 2, "os.truncate": 1,
           "os.chmod": 1, "os.utime": 1, "shutil.rmtree": 1, "shutil.copyfile": 2, "shutil.copytree": 2}}


def _argo_sim_guard(event, args):
    count = _EVENTS.get(event)
    if count is None:
        return
    for path in args[:count]:
        if isinstance(path, bytes):
            path = path.decode("utf-8", "replace")
        if isinstance(path, (str, _os.PathLike)):
            full = _os.path.abspath(_os.fspath(path))
            if full == "/tmp/flowc" or full.startswith("/tmp/flowc/"):
                raise PermissionError({_GUARD_MARK!r} + ": " + full)


_sys.addaudithook(_argo_sim_guard)
"""


def _install_guard(home: Path, fallback: Path) -> Path | None:
    """Install the /tmp/flowc guard: as ``usercustomize`` under $HOME when the interpreter reads
    the user site (then the pod env needs nothing more), else as ``sitecustomize`` in a directory
    of its own that must go on PYTHONPATH (returned)."""
    if site.ENABLE_USER_SITE:
        folder = (
            home / ".local" / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
        )
        folder.mkdir(parents=True)
        (folder / "usercustomize.py").write_text(_GUARD, encoding="utf-8")
        return None
    fallback.mkdir(parents=True)
    (fallback / "sitecustomize.py").write_text(_GUARD, encoding="utf-8")
    return fallback


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _load(document: dict[str, Any] | str) -> dict[str, Any]:
    if isinstance(document, dict):
        return copy.deepcopy(document)
    for doc in yaml.safe_load_all(document):
        if isinstance(doc, dict) and doc.get("kind") in ("Workflow", "WorkflowTemplate", "CronWorkflow"):
            return doc
    raise SimulatorError("no Workflow, WorkflowTemplate or CronWorkflow document found")


def run_workflow(
    document: dict[str, Any] | str,
    parameters: Mapping[str, str] | None = None,
    *,
    workdir: Path,
    secrets: Mapping[str, Mapping[str, str]] | None = None,
    timeout: float = 60,
    skipped_refs: SkippedRefs = "literal",
) -> Run:
    """Run a Workflow / WorkflowTemplate / CronWorkflow (a dict, or YAML text) to completion.

    ``parameters`` override ``spec.arguments.parameters`` like ``argo submit -p``; ``secrets``
    maps secret name → key → value for ``env[].valueFrom.secretKeyRef``; ``timeout`` bounds the
    whole run (the run ends in Error when it is exceeded). ``skipped_refs`` chooses what a
    reference to an output of a Skipped/Omitted task becomes: ``"literal"`` (Argo v3: the tag
    text itself reaches the pod), ``"empty"`` (Argo v4 with PR #15841: ``""``; other
    unresolvable ``tasks.*`` references make v4 wait forever, reported as Error) or ``"hang"``
    (Argo v4.0.0-4.0.3: the task is never scheduled, reported as Error).
    """
    sim = _Simulator(_load(document), parameters or {}, Path(workdir), secrets or {}, timeout, skipped_refs)
    return sim.run()
