"""The IR as JSON-ready data (`flowc inspect --json`): every node tagged with its class as `node`."""

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
        data: dict[str, Any] = {"node": type(obj).__name__}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            # key/value pairs (env, labels, spans …) are mappings, even when empty
            pairs = isinstance(f.type, str) and f.type.startswith("tuple[tuple[str, ")
            data[f.name] = {k: to_data(v) for k, v in value} if pairs else to_data(value)
        return data
    if isinstance(obj, (list, tuple)):
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
