"""flowc's type language for step and flow interfaces, and assignability between types.

Types are frozen values, built by the frontend from annotations. Unlike KFP, which compares
only the outermost kind, assignability looks inside `list` and `dict` and tells artifact
kinds apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal as TLiteral
from typing import TypeAlias

from flowc.compiler.frozen import frozen

ScalarName = TLiteral["str", "int", "float", "bool"]
ArtifactKind = TLiteral["Artifact", "Dataset", "Model", "Metrics", "HTML", "Markdown"]
ARTIFACT_KINDS: tuple[ArtifactKind, ...] = ("Artifact", "Dataset", "Model", "Metrics", "HTML", "Markdown")
SCALARS: tuple[ScalarName, ...] = ("str", "int", "float", "bool")

LiteralValue: TypeAlias = "str | int | bool | None"


@frozen
class Scalar:
    """`str`, `int`, `float` or `bool`."""

    name: ScalarName

    def __str__(self) -> str:
        return self.name


@frozen
class NoneT:
    """`None`: a step or flow that returns nothing."""

    def __str__(self) -> str:
        return "None"


@frozen
class AnyT:
    """`Any`, or no annotation: anything fits, nothing is checked."""

    def __str__(self) -> str:
        return "Any"


@frozen
class ListT:
    """`list[T]`."""

    item: Type

    def __str__(self) -> str:
        return f"list[{self.item}]"


@frozen
class DictT:
    """`dict[str, T]`: keys are always text."""

    value: Type

    def __str__(self) -> str:
        return f"dict[str, {self.value}]"


@frozen
class OptionalT:
    """`Optional[T]` / `T | None`."""

    inner: Type

    def __str__(self) -> str:
        return f"Optional[{self.inner}]"


@frozen
class LiteralT:
    """`Literal[...]` of scalars or `None`."""

    values: tuple[LiteralValue, ...]

    def __str__(self) -> str:
        return f"Literal[{', '.join(repr(v) for v in self.values)}]"

    @property
    def base(self) -> Type:
        """The scalar all values share, or `Any` for a mixed literal."""
        kinds = {_literal_scalar(v) for v in self.values}
        return kinds.pop() if len(kinds) == 1 else AnyT()


@frozen
class ArtifactT:
    """An artifact kind (`Dataset`, `Model` …): a path at run time."""

    kind: ArtifactKind

    def __str__(self) -> str:
        return self.kind


@frozen
class NamedTupleT:
    """A step's several outputs. Only valid as a step's return type."""

    name: str
    fields: tuple[tuple[str, Type], ...]

    def __str__(self) -> str:
        return self.name

    def field(self, name: str) -> Type | None:
        return next((t for n, t in self.fields if n == name), None)


@frozen
class TupleT:
    """A sub-flow's several outputs (`return (a, b)`)."""

    items: tuple[Type, ...]

    def __str__(self) -> str:
        return f"tuple[{', '.join(str(t) for t in self.items)}]"


@frozen
class RunStatusT:
    """`RunStatus`, the flow's final status an exit handler receives."""

    def __str__(self) -> str:
        return "RunStatus"


Type: TypeAlias = "Scalar | NoneT | AnyT | ListT | DictT | OptionalT | LiteralT | ArtifactT | NamedTupleT | TupleT | RunStatusT"

STR, INT, FLOAT, BOOL = Scalar("str"), Scalar("int"), Scalar("float"), Scalar("bool")
ANY, NONE = AnyT(), NoneT()


def _literal_scalar(value: LiteralValue) -> Type:
    if value is None:
        return NONE
    if isinstance(value, bool):
        return BOOL
    return INT if isinstance(value, int) else STR


def is_artifact(t: Type) -> bool:
    return isinstance(t, ArtifactT) or (isinstance(t, OptionalT) and isinstance(t.inner, ArtifactT))


def contains(t: Type, test: Callable[[Type], bool]) -> bool:
    """Whether `t`, or a type it holds (an Optional's, a list's item, a dict's value), passes `test`."""
    if test(t):
        return True
    if isinstance(t, (ListT, OptionalT)):
        return contains(t.item if isinstance(t, ListT) else t.inner, test)
    return isinstance(t, DictT) and contains(t.value, test)


def contains_artifact(t: Type) -> bool:
    return contains(t, lambda x: isinstance(x, ArtifactT))


def non_optional(t: Type) -> Type:
    """`T` of `Optional[T]` (of `Optional[Optional[T]]` too); any other type itself."""
    while isinstance(t, OptionalT):
        t = t.inner
    return t


def assignable(src: Type, dst: Type) -> bool:
    """Whether a value of type `src` may be passed where `dst` is expected."""
    if isinstance(dst, AnyT) or isinstance(src, AnyT):
        return True
    if isinstance(src, LiteralT):  # by each value's type and value: 1 and True differ, though 1 == True
        return all(literal_fits(v, dst) for v in src.values)
    if src == dst:
        return True
    if isinstance(dst, OptionalT):
        return isinstance(src, NoneT) or assignable(non_optional(src), dst.inner)
    return _assignable_structural(src, dst)


def _assignable_structural(src: Type, dst: Type) -> bool:
    if isinstance(src, Scalar) and isinstance(dst, Scalar):
        return src.name == "int" and dst.name == "float"
    if isinstance(src, ArtifactT) and isinstance(dst, ArtifactT):
        return dst.kind == "Artifact"
    if isinstance(src, ListT) and isinstance(dst, ListT):
        return assignable(src.item, dst.item)
    if isinstance(src, DictT) and isinstance(dst, DictT):
        return assignable(src.value, dst.value)
    if isinstance(src, TupleT) and isinstance(dst, TupleT):
        return len(src.items) == len(dst.items) and all(map(assignable, src.items, dst.items))
    return False


JsonValue: TypeAlias = "str | int | float | bool | list[JsonValue] | dict[str, JsonValue] | None"


def literal_fits(value: JsonValue, dst: Type) -> bool:
    """Whether a literal value (from source code) is a valid value of type `dst`."""
    if isinstance(dst, AnyT):
        return True
    if isinstance(dst, OptionalT):
        return value is None or literal_fits(value, dst.inner)
    if isinstance(dst, LiteralT):
        return any(type(value) is type(v) and value == v for v in dst.values)
    if isinstance(dst, ListT):
        return isinstance(value, list) and all(literal_fits(v, dst.item) for v in value)
    if isinstance(dst, DictT):
        return isinstance(value, dict) and all(
            isinstance(k, str) and literal_fits(v, dst.value) for k, v in value.items()
        )
    return _scalar_fits(value, dst)


def _scalar_fits(value: JsonValue, dst: Type) -> bool:
    if isinstance(dst, NoneT):
        return value is None
    if not isinstance(dst, Scalar):
        return False  # artifacts, NamedTuples and RunStatus have no literal values
    if dst.name == "bool":
        return isinstance(value, bool)
    if dst.name == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if dst.name == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, str)


def type_of_literal(value: JsonValue) -> Type:
    """The most precise flowc type of a literal value, for messages and loop items."""
    if value is None or isinstance(value, (bool, str)):
        return _literal_scalar(value)
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return FLOAT
    if isinstance(value, list):
        return ListT(_join([type_of_literal(v) for v in value]))
    return DictT(_join([type_of_literal(v) for v in value.values()]))


def _join(types: list[Type]) -> Type:
    """The narrowest type of the given ones, `Any` when they disagree."""
    unique = set(types)
    if not unique:
        return ANY
    if unique == {INT, FLOAT}:
        return FLOAT
    if NONE in unique and len(unique) == 2:
        return OptionalT(next(t for t in unique if t != NONE))
    return unique.pop() if len(unique) == 1 else ANY


def list_item(t: Type) -> Type | None:
    """The item type when `t` can be fanned out over, else None."""
    if isinstance(t, AnyT):
        return ANY
    return t.item if isinstance(t, ListT) else None


def is_numeric(t: Type) -> bool:
    return (
        isinstance(t, AnyT)
        or (isinstance(t, Scalar) and t.name in ("int", "float", "bool"))
        or (isinstance(t, LiteralT) and all(isinstance(v, (int, bool)) for v in t.values))
    )


def comparable(left: Type, right: Type, op: str) -> bool:
    """Whether `left op right` can ever be true at run time, and never raises. Python orders no
    value with None, and `in` None raises, so there an `Optional` must be narrowed first."""
    ordering = op not in ("==", "!=", "is", "is not", "in", "not in")
    if isinstance(right, OptionalT) and op in ("in", "not in"):
        return False
    if ordering and (isinstance(left, OptionalT) or isinstance(right, OptionalT)):
        return False
    left, right = non_optional(left), non_optional(right)
    if isinstance(left, AnyT) or isinstance(right, AnyT):
        return True
    if op in ("in", "not in"):
        return _contains_ok(left, right)
    if op in ("is", "is not"):
        return True
    numeric = is_numeric(left) and is_numeric(right)
    if op in ("==", "!="):
        return numeric or _base(left) == _base(right) or isinstance(left, NoneT) or isinstance(right, NoneT)
    return numeric or (_base(left) == STR and _base(right) == STR)


def _base(t: Type) -> Type:
    return t.base if isinstance(t, LiteralT) else t


def _contains_ok(item: Type, container: Type) -> bool:
    if isinstance(container, ListT):
        return comparable(item, container.item, "==")
    if isinstance(container, DictT) or _base(container) == STR:
        return _base(item) == STR or isinstance(item, AnyT)
    return False
