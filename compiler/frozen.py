"""`frozen`: a frozen dataclass, made with one `exec` instead of six.

On Python 3.11 `@dataclass(frozen=True)` compiles `__init__`, `__repr__`, `__eq__`, `__hash__`,
`__setattr__` and `__delattr__` one `exec` at a time, and creating the compiler's value classes
that way was about a third of a `flowc lint` or `flowc compile` process. `frozen` lets
`dataclasses` do everything but the methods (fields, defaults, `__match_args__`, so that
`fields`, `replace` and `asdict` work as for any dataclass), compiles the methods that run
often (`__init__`, `__eq__`, `__hash__`) in a single `exec`, and shares one `__repr__`,
`__setattr__` and `__delattr__` between all classes. They behave as the dataclass ones do:
equality and hash by the compared fields, assigning or deleting a field raises
`dataclasses.FrozenInstanceError`. No slots: making a slotted class builds the class twice.
"""

from __future__ import annotations

import dataclasses
from typing import Any, NoReturn, TypeVar, dataclass_transform

_C = TypeVar("_C", bound=type)


@dataclass_transform(frozen_default=True)
def frozen(cls: _C) -> _C:
    """`cls` as a frozen dataclass: `__init__` by field, `repr`, equality and hash by value."""
    dataclasses.dataclass(init=False, repr=False, eq=False)(cls)  # fields only: compiles nothing
    fields = dataclasses.fields(cls)
    namespace: dict[str, Any] = {"_set": object.__setattr__}
    namespace.update((f"_d_{f.name}", f.default) for f in fields if f.default is not dataclasses.MISSING)
    namespace.update(
        (f"_f_{f.name}", f.default_factory) for f in fields if f.default_factory is not dataclasses.MISSING
    )
    exec(_methods(fields), namespace)  # the text holds field names only, never values
    for name in ("__init__", "__eq__", "__hash__"):
        method = namespace[name]
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, method)
    cls.__repr__ = _repr  # type: ignore[assignment]
    cls.__setattr__ = _setattr  # type: ignore[assignment]
    cls.__delattr__ = _delattr  # type: ignore[assignment]
    return cls


def _repr(self: Any) -> str:
    shown = (f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self) if f.repr)
    return f"{type(self).__qualname__}({', '.join(shown)})"


def _setattr(self: Any, name: str, value: Any) -> NoReturn:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> NoReturn:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _methods(fields: tuple[dataclasses.Field[Any], ...]) -> str:
    compared = [f.name for f in fields if f.compare]
    hashed = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]
    parameters = "".join(f", {_parameter(f)}" for f in fields)
    return "\n".join(
        [
            f"def __init__(self{parameters}):",
            *(f" _set(self, {f.name!r}, {_value(f)})" for f in fields),
            " pass",
            "def __eq__(self, other):",
            " if other.__class__ is not self.__class__: return NotImplemented",
            f" return {_tuple('self', compared)} == {_tuple('other', compared)}",
            "def __hash__(self):",
            f" return hash({_tuple('self', hashed)})",
        ]
    )


def _parameter(f: dataclasses.Field[Any]) -> str:
    if f.default is not dataclasses.MISSING:
        return f"{f.name}=_d_{f.name}"
    if f.default_factory is not dataclasses.MISSING:
        return f"{f.name}=_f_{f.name}"  # a sentinel: the factory is called per instance
    return f.name


def _value(f: dataclasses.Field[Any]) -> str:
    if f.default_factory is not dataclasses.MISSING:
        return f"_f_{f.name}() if {f.name} is _f_{f.name} else {f.name}"
    return f.name


def _tuple(owner: str, names: list[str]) -> str:
    return "(" + "".join(f"{owner}.{n}," for n in names) + ")"
