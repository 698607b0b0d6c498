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
    if isinstance(obj, tuple):
        items = tuple(_rewrite(item, fn) for item in obj)
        return obj if all(a is b for a, b in zip(items, obj, strict=True)) else items
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return obj
    changes = {}
    for f in dataclasses.fields(obj):
        old = getattr(obj, f.name)
        new = _rewrite(old, fn)
        if new is not old:
            changes[f.name] = new
    rebuilt = dataclasses.replace(obj, **changes) if changes else obj
    return fn(rebuilt)
