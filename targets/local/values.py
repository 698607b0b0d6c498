"""Values at run time: the runner's half of the runtime contract.

`decode_value` reads what a step wrote to `$FLOWC_OUTPUTS_DIR/<name>` (one trailing newline
already stripped) the way the shipped runtime decodes its inputs (`shipping_runtime`'s `dec`):
str-like types raw, `null` of an `Optional` as None, everything else JSON, with the same
leniency inside lists and dicts (items that are strings are decoded again where the type
isn't text, an integral float is an `int` where one is declared, `Any` keeps text that isn't
JSON). `parse_parameter` reads `-p name=value` by the flow parameter's type. Both raise
`ValueError` with a message that names what was expected.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from flowc.compiler import types as t
from flowc.compiler.shipping import is_str_like

_BOOLS = {"true": True, "false": False}


def decode_value(text: str, typ: t.Type) -> Any:
    """A value output's text (without its trailing newline) as a Python value of type `typ`."""
    while isinstance(typ, t.OptionalT):
        if text == "null":
            return None
        typ = typ.inner
    if is_str_like(typ):
        return text
    if isinstance(typ, t.AnyT):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return _decode(text, typ)


def _decode(value: Any, typ: t.Type) -> Any:
    """`value` (text or an item of decoded JSON) checked and normalised against `typ`."""
    if isinstance(typ, t.AnyT):
        return value
    if isinstance(typ, t.OptionalT):
        # an item collected as text (Argo's list of output texts) spells None `null`, as a value does
        return None if value is None or value == "null" else _decode(value, typ.inner)
    while isinstance(value, str) and not is_str_like(typ):
        try:
            value = json.loads(value)
        except ValueError:
            break
    if isinstance(typ, t.ListT) and isinstance(value, list):
        return [_decode(v, typ.item) for v in value]
    if isinstance(typ, t.DictT) and isinstance(value, dict):
        return {k: _decode(v, typ.value) for k, v in value.items()}
    return _scalar(value, typ)


def _scalar(value: Any, typ: t.Type) -> Any:
    kind = type(value)
    if typ == t.INT and (kind is int or (kind is float and float(value).is_integer())):
        return int(value)
    if typ == t.FLOAT and kind in (int, float):
        return float(value)
    if (typ == t.BOOL and kind is bool) or (typ == t.STR and kind is str):
        return value
    if isinstance(typ, t.NoneT) and value is None:
        return None
    if isinstance(typ, t.LiteralT) and t.literal_fits(value, typ):
        return value
    if isinstance(typ, t.RunStatusT) and isinstance(value, str):
        return value
    raise ValueError(f"expected {typ}, got {value!r:.80}")


def parse_parameter(text: str, typ: t.Type) -> Any:
    """A `-p name=value` text as a value of the flow parameter's type."""
    if t.is_artifact(typ):
        return _artifact_param(text)
    value = _parse(text, typ)
    if not t.literal_fits(value, typ):
        raise ValueError(f"expected {typ}, got {value!r:.80}")
    return value


def _parse(text: str, typ: t.Type) -> Any:
    if isinstance(typ, t.OptionalT):
        return None if text == "null" else _parse(text, typ.inner)
    if is_str_like(typ):
        return text
    if typ == t.BOOL and text.lower() in _BOOLS:
        return _BOOLS[text.lower()]
    try:
        return json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except _NotFinite:
        raise ValueError(
            f"expected {typ} with finite numbers (JSON has no NaN or infinity), got {text!r:.80}"
        ) from None
    except ValueError:
        if isinstance(typ, t.AnyT):
            return text
        raise ValueError(f"expected {typ} as JSON, got {text!r:.80}") from None


class _NotFinite(ValueError):
    pass


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # `1e400`: every engine's JSON refuses infinity
        raise _NotFinite(text)
    return value


def _no_constant(text: str) -> float:
    raise _NotFinite(text)  # `NaN`, `Infinity`: not JSON


def _artifact_param(text: str) -> str:
    if not text.strip():  # `Path("")` is the working directory, which always exists
        raise ValueError("an artifact is a path to an existing file or directory; got an empty path")
    path = Path(text).expanduser().resolve()
    if not path.exists():
        raise ValueError(f"an artifact is a path to an existing file or directory; {text} does not exist")
    return str(path)


def as_text(value: Any, typ: t.Type) -> str:
    """A value as the runtime contract's text form (for display): str-like raw, else JSON."""
    if isinstance(value, str) and is_str_like(t.non_optional(typ)):
        return value
    return json.dumps(jsonable(value), sort_keys=True, separators=(",", ":"))


def jsonable(value: Any) -> Any:
    """A run-time value for the run record: artifacts (paths) as their path strings."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value
