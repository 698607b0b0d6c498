"""Generic IR→IR rewriting: rebuild a frozen tree with some nodes replaced.

Target lowering passes (renaming for a platform's rules, say) are written as a function that
maps one node, and `rewrite` applies it bottom-up to every dataclass in a tree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def rewrite(node: T, fn: Callable[[Any], Any]) -> T:
    """`node` with every dataclass inside it (children first) replaced by `fn(child)`."""
    return _rewrite(node, fn)  # type: ignore[no-any-return]


def _rewrite(obj: Any, fn: Callable[[Any], Any]) -> Any:
    cls = type(obj)
    if cls in _LEAVES:
        return obj
    if isinstance(obj, tuple):
        items = tuple(_rewrite(item, fn) for item in obj)
        return obj if all(a is b for a, b in zip(items, obj, strict=True)) else items
    names = _field_names(cls)
    if names is None:
        return obj
    changes = {}
    for name in names:
        old = getattr(obj, name)
        new = _rewrite(old, fn)
        if new is not old:
            changes[name] = new
    rebuilt = dataclasses.replace(obj, **changes) if changes else obj
    return fn(rebuilt)


_LEAVES = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields of a dataclass, None for anything else: asked once per class, not per node."""
    if cls not in _FIELDS:
        _FIELDS[cls] = (
            tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None
        )
    return _FIELDS[cls]
