"""The IR as JSON-ready data (`flowc inspect --json`): every node tagged with its kind."""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from flowc.compiler import types as t
from flowc.compiler.diagnostics import Span


def to_data(obj: object) -> Any:
    if isinstance(obj, Span):
        return {
            "path": obj.path,
            "line": obj.line,
            "col": obj.col,
            "end_line": obj.end_line,
            "end_col": obj.end_col,
        }
    if isinstance(obj, enum.Enum):
        return obj.value
    if _is_type(obj):
        return str(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        data: dict[str, Any] = {"kind": type(obj).__name__}
        for f in dataclasses.fields(obj):
            data[f.name] = to_data(getattr(obj, f.name))
        return data
    if isinstance(obj, (list, tuple)):
        if obj and all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) for p in obj):
            return {k: to_data(v) for k, v in obj}  # pairs, e.g. env and spans
        return [to_data(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_data(v) for k, v in obj.items()}
    return obj


def _is_type(obj: object) -> bool:
    return isinstance(
        obj,
        (
            t.Scalar,
            t.NoneT,
            t.AnyT,
            t.ListT,
            t.DictT,
            t.OptionalT,
            t.LiteralT,
            t.ArtifactT,
            t.NamedTupleT,
            t.TupleT,
            t.RunStatusT,
        ),
    )
