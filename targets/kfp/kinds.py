"""How flowc's types travel through KFP: parameter types, artifact types, constant values.

`str`, `int`, `float`, `bool`, `list[...]` and `dict[str, ...]` map to KFP's own parameter
types; a `Literal` of one scalar kind maps to that kind. Types KFP has no parameter type for
(`Optional[T]`, `Any`, a mixed `Literal`) travel as a `STRING` holding flowc's text form of the
value (`shipping.encode_value`: `null` for `None`, JSON otherwise), which the step's runtime
decodes by its declared type.
"""

from __future__ import annotations

from typing import Any

from flowc.compiler import types as t
from flowc.compiler.shipping import encode_value, is_str_like

MAX_SAFE_INTEGER = 2**53 - 1
SCHEMA_VERSION = "0.0.1"
ARTIFACT_TITLES: dict[str, str] = {kind: f"system.{kind}" for kind in t.ARTIFACT_KINDS}
_PYTHON = {
    "STRING": "str",
    "NUMBER_INTEGER": "int",
    "NUMBER_DOUBLE": "float",
    "BOOLEAN": "bool",
    "LIST": "list",
    "STRUCT": "dict",
}


def parameter_type(typ: t.Type) -> str:
    """KFP's `ParameterType` for a value of `typ`. `Optional[T]` is a `STRING` holding the text
    form: kfp.local can't pass an unset optional input (it fails on `None`), and a `null` run
    parameter default neither."""
    if isinstance(typ, t.LiteralT):
        typ = typ.base
    if isinstance(typ, t.Scalar):
        return {"str": "STRING", "int": "NUMBER_INTEGER", "float": "NUMBER_DOUBLE", "bool": "BOOLEAN"}[
            typ.name
        ]
    if isinstance(typ, t.ListT):
        return "LIST"
    if isinstance(typ, t.DictT):
        return "STRUCT"
    return "STRING"


def python_annotation(typ: t.Type) -> str:
    """The annotation a KFP lightweight component gives a parameter of `typ`."""
    return _PYTHON[parameter_type(typ)]


def as_text(typ: t.Type) -> bool:
    """Values of `typ` travel as text: strings, or flowc's text form where KFP has no type."""
    return parameter_type(typ) == "STRING"


def is_text_form(typ: t.Type) -> bool:
    """A `STRING` parameter holding flowc's text form of a value that is not a string."""
    return as_text(typ) and not is_str_like(typ)


def constant(value: t.JsonValue, typ: t.Type) -> Any:
    """A literal as KFP's value for an input of `typ`."""
    if is_text_form(typ):
        return encode_value(value, typ)
    return value


def is_artifact_list(typ: t.Type) -> bool:
    """A list of artifacts: what KFP collects from a fan-out (`dsl.Collected`)."""
    return isinstance(typ, t.ListT) and t.is_artifact(typ.item)


def takes_artifacts(typ: t.Type) -> bool:
    return t.is_artifact(typ) or is_artifact_list(typ)


def artifact_type(typ: t.Type) -> dict[str, str]:
    inner = typ.item if isinstance(typ, t.ListT) else typ
    inner = inner.inner if isinstance(inner, t.OptionalT) else inner
    kind = inner.kind if isinstance(inner, t.ArtifactT) else "Artifact"
    return {"schemaTitle": ARTIFACT_TITLES[kind], "schemaVersion": SCHEMA_VERSION}


def unsafe_integers(value: t.JsonValue) -> list[int]:
    """Integers in `value` that KFP would round: its numbers are protobuf doubles."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value] if abs(value) > MAX_SAFE_INTEGER else []
    if isinstance(value, list):
        return [n for v in value for n in unsafe_integers(v)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in unsafe_integers(v)]
    return []
