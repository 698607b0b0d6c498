"""`frozen` behaves as `@dataclass(frozen=True)`: checked side by side on the same fields."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest
from flowc.compiler.frozen import frozen


@frozen
class Point:
    """A class with a default, a factory and fields left out of repr and comparison."""

    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list, compare=False)
    secret: str = field(default="", repr=False)


@dataclass(frozen=True)
class DataPoint:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list, compare=False)
    secret: str = field(default="", repr=False)


@frozen
class Empty:
    """No fields at all."""


def test_init_defaults_and_factories_match_dataclass() -> None:
    a, b = Point(1), DataPoint(1)
    assert (a.x, a.y, a.tags, a.notes, a.secret) == (b.x, b.y, b.tags, b.notes, b.secret)
    assert Point(1).notes is not Point(1).notes  # a factory runs per instance
    assert Point(1, 2, ("a",), ["n"], "s").notes == ["n"]
    assert Point(x=3, secret="s").secret == "s"
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]


def test_repr_matches_dataclass() -> None:
    args = (1, 2, ("a",), ["n"], "hidden")
    assert repr(Point(*args)) == repr(DataPoint(*args)).replace("DataPoint", "Point")
    assert repr(Empty()) == "Empty()"


def test_equality_and_hash_by_compared_fields() -> None:
    assert Point(1, notes=["a"]) == Point(1, notes=["b"])  # `notes` is not compared
    assert Point(1) != Point(2)
    assert Point(1).__eq__(DataPoint(1)) is NotImplemented
    assert Point(1, 2, ("t",)) in {Point(1, 2, ("t",))}
    assert hash(Point(1, 2)) == hash(DataPoint(1, 2)) == hash((1, 2, (), ""))
    assert Empty() == Empty() and hash(Empty()) == hash(())


def test_frozen() -> None:
    p = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del p.x  # type: ignore[misc]
    assert p.x == 1


def test_dataclass_functions_and_patterns_work() -> None:
    p = Point(1, 2)
    assert dataclasses.is_dataclass(p)
    assert [f.name for f in dataclasses.fields(p)] == ["x", "y", "tags", "notes", "secret"]
    assert dataclasses.replace(p, y=5) == Point(1, 5)
    assert dataclasses.asdict(p) == {"x": 1, "y": 2, "tags": (), "notes": [], "secret": ""}
    match p:
        case Point(1, y):
            assert y == 2
        case _:
            pytest.fail("positional pattern did not match")


def test_copy_and_pickle_keep_the_value() -> None:
    p = Point(1, 2, ("a",), ["n"], "s")
    for other in (copy.copy(p), copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert other == p and other.secret == "s" and other.notes == ["n"]


def test_methods_are_named_after_the_class() -> None:
    assert Point.__init__.__qualname__ == "Point.__init__"
    assert Point.__eq__.__qualname__ == "Point.__eq__"
