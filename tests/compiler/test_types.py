"""The type language: assignability, literal values, fan-out items and comparisons."""

from __future__ import annotations

import pytest
from flowc.compiler import types as t
from flowc.compiler.types import (
    ANY,
    BOOL,
    FLOAT,
    INT,
    NONE,
    STR,
    ArtifactT,
    DictT,
    JsonValue,
    ListT,
    LiteralT,
    NamedTupleT,
    OptionalT,
    RunStatusT,
    TupleT,
    Type,
    assignable,
    comparable,
    list_item,
    literal_fits,
    type_of_literal,
)
from hypothesis import example, given, settings
from hypothesis import strategies as st

DATASET, MODEL, ARTIFACT = ArtifactT("Dataset"), ArtifactT("Model"), ArtifactT("Artifact")


# --- assignable ---------------------------------------------------------------------------

ASSIGNABLE: list[tuple[Type, Type]] = [
    (STR, STR),
    (INT, INT),
    (INT, FLOAT),
    (STR, ANY),
    (ListT(INT), ANY),
    (DATASET, ANY),
    (ANY, STR),
    (ANY, DATASET),
    (DATASET, DATASET),
    (DATASET, ARTIFACT),
    (MODEL, ARTIFACT),
    (ArtifactT("Metrics"), ARTIFACT),
    (ArtifactT("HTML"), ARTIFACT),
    (ArtifactT("Markdown"), ARTIFACT),
    (INT, OptionalT(INT)),
    (INT, OptionalT(FLOAT)),
    (NONE, OptionalT(STR)),
    (NONE, NONE),
    (OptionalT(INT), OptionalT(INT)),
    (OptionalT(INT), OptionalT(FLOAT)),
    (DATASET, OptionalT(ARTIFACT)),
    (ListT(INT), ListT(FLOAT)),
    (ListT(INT), ListT(ANY)),
    (ListT(ANY), ListT(INT)),
    (ListT(DATASET), ListT(ARTIFACT)),
    (ListT(ListT(INT)), ListT(ListT(FLOAT))),
    (DictT(INT), DictT(FLOAT)),
    (DictT(ListT(INT)), DictT(ListT(FLOAT))),
    (LiteralT(("a", "b")), LiteralT(("a", "b", "c"))),
    (LiteralT(("a",)), LiteralT(("a",))),
    (LiteralT(("a",)), STR),
    (LiteralT(("a", "b")), STR),
    (LiteralT((1, 2)), INT),
    (LiteralT((1,)), FLOAT),
    (LiteralT((True,)), BOOL),
    (LiteralT(("a",)), OptionalT(STR)),
    (LiteralT(("a",)), OptionalT(LiteralT(("a", "b")))),
    (TupleT((INT, STR)), TupleT((FLOAT, STR))),
    (RunStatusT(), RunStatusT()),
]

NOT_ASSIGNABLE: list[tuple[Type, Type]] = [
    (FLOAT, INT),
    (STR, INT),
    (INT, STR),
    (BOOL, INT),
    (INT, BOOL),
    (BOOL, FLOAT),
    (ARTIFACT, DATASET),
    (DATASET, MODEL),
    (MODEL, DATASET),
    (DATASET, STR),
    (STR, DATASET),
    (STR, ARTIFACT),
    (NONE, STR),
    (NONE, INT),
    (OptionalT(INT), INT),
    (OptionalT(STR), STR),
    (OptionalT(INT), OptionalT(STR)),
    (ListT(OptionalT(INT)), ListT(INT)),
    (ListT(INT), ListT(STR)),
    (ListT(FLOAT), ListT(INT)),
    (ListT(DATASET), ListT(MODEL)),
    (ListT(INT), INT),
    (INT, ListT(INT)),
    (ListT(INT), DictT(INT)),
    (DictT(INT), DictT(STR)),
    (DictT(STR), ListT(STR)),
    (LiteralT(("a", "d")), LiteralT(("a", "b"))),
    (LiteralT((1, 2)), LiteralT((1,))),
    (STR, LiteralT(("a",))),
    (INT, LiteralT((1,))),
    (LiteralT(("a",)), INT),
    (LiteralT((True,)), INT),
    (LiteralT((1,)), LiteralT((True,))),
    (LiteralT((True,)), LiteralT((1,))),
    (LiteralT((0,)), LiteralT((False,))),
    (RunStatusT(), STR),
    (STR, RunStatusT()),
    (TupleT((INT,)), TupleT((INT, STR))),
    (TupleT((STR, STR)), TupleT((INT, STR))),
]


@pytest.mark.parametrize(("src", "dst"), ASSIGNABLE, ids=str)
def test_assignable(src: Type, dst: Type) -> None:
    assert assignable(src, dst)


@pytest.mark.parametrize(("src", "dst"), NOT_ASSIGNABLE, ids=str)
def test_not_assignable(src: Type, dst: Type) -> None:
    assert not assignable(src, dst)


@pytest.mark.parametrize(
    "src",
    [LiteralT((None,)), LiteralT(("a", None))],
    ids=str,
)
def test_literal_with_none_is_assignable_to_optional(src: Type) -> None:
    # Literal["a", None] is exactly the values "a" and None: both are Optional[str] values.
    assert assignable(src, OptionalT(STR))


def test_named_tuple_is_only_assignable_to_itself_and_any() -> None:
    result = NamedTupleT("R", (("model", MODEL), ("accuracy", FLOAT)))
    assert assignable(result, result)
    assert assignable(result, ANY)
    assert not assignable(result, MODEL)
    assert not assignable(result, FLOAT)


# --- generated types: properties ----------------------------------------------------------

_LITERAL_VALUES = st.one_of(st.sampled_from(["a", "b"]), st.sampled_from([0, 1, 2]), st.booleans())
_LEAVES: st.SearchStrategy[Type] = st.one_of(
    st.sampled_from([STR, INT, FLOAT, BOOL, NONE, ANY]),
    st.sampled_from(t.ARTIFACT_KINDS).map(ArtifactT),
    st.lists(_LITERAL_VALUES, min_size=1, max_size=3, unique_by=lambda v: (type(v), v)).map(
        lambda vs: LiteralT(tuple(vs))
    ),
)


def _types(leaves: st.SearchStrategy[Type]) -> st.SearchStrategy[Type]:
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            inner.map(ListT),
            inner.map(DictT),
            inner.filter(lambda x: not isinstance(x, (OptionalT, t.NoneT))).map(OptionalT),
        ),
        max_leaves=4,
    )


TYPES = _types(_LEAVES)
TYPES_WITHOUT_ANY = _types(_LEAVES.filter(lambda x: not isinstance(x, t.AnyT)))


@given(TYPES)
def test_every_type_is_assignable_to_itself(x: Type) -> None:
    assert assignable(x, x)


@given(TYPES)
def test_every_type_is_assignable_to_any_and_optional_of_itself(x: Type) -> None:
    assert assignable(x, ANY)
    if not isinstance(x, (OptionalT, t.NoneT)):
        assert assignable(x, OptionalT(x))
        assert assignable(NONE, OptionalT(x))


@given(TYPES)
def test_lists_and_dicts_follow_their_items(x: Type) -> None:
    assert assignable(ListT(x), ListT(ANY))
    assert assignable(ListT(INT), ListT(x)) == assignable(INT, x)
    assert assignable(DictT(INT), DictT(x)) == assignable(INT, x)


# `Any` is gradual (anything → Any → anything), so transitivity is only asked without it.
@settings(max_examples=300)
@given(TYPES_WITHOUT_ANY, TYPES_WITHOUT_ANY, TYPES_WITHOUT_ANY)
@example(LiteralT((1,)), LiteralT((True,)), BOOL)
@example(LiteralT((True,)), LiteralT((1,)), INT)
def test_assignable_is_transitive(x: Type, y: Type, z: Type) -> None:
    if assignable(x, y) and assignable(y, z):
        assert assignable(x, z)


# --- literal_fits --------------------------------------------------------------------------

FITS: list[tuple[JsonValue, Type]] = [
    ("x", STR),
    ("", STR),
    (1, INT),
    (-5, INT),
    (1, FLOAT),
    (1.5, FLOAT),
    (True, BOOL),
    (False, BOOL),
    (None, NONE),
    (None, OptionalT(STR)),
    ("x", OptionalT(STR)),
    ("x", ANY),
    ([1, "a"], ANY),
    ([1, 2], ListT(INT)),
    ([1, 2.5], ListT(FLOAT)),
    ([], ListT(STR)),
    ([[1], [2, 3]], ListT(ListT(INT))),
    ({"a": 1}, DictT(INT)),
    ({}, DictT(STR)),
    ({"a": [1.0, 2]}, DictT(ListT(FLOAT))),
    ([{"k": "v"}], ListT(DictT(STR))),
    ([None, 1], ListT(OptionalT(INT))),
    ("a", LiteralT(("a", "b"))),
    (1, LiteralT((1, 2))),
    (True, LiteralT((True,))),
    (None, LiteralT((None, "a"))),
]

DOES_NOT_FIT: list[tuple[JsonValue, Type]] = [
    (True, INT),
    (True, FLOAT),
    (1, BOOL),
    (1.5, INT),
    ("1", INT),
    (1, STR),
    (None, STR),
    (1, NONE),
    ("x", DATASET),
    ("x", ARTIFACT),
    ("Succeeded", RunStatusT()),
    ([1, "a"], ListT(INT)),
    ([True], ListT(INT)),
    ([[1], ["x"]], ListT(ListT(INT))),
    ({"a": "x"}, DictT(INT)),
    ({"a": {"b": 1}}, DictT(DictT(STR))),
    ([1], DictT(INT)),
    ({"a": 1}, ListT(INT)),
    ("a", ListT(STR)),
    ("c", LiteralT(("a", "b"))),
    (1, LiteralT((True,))),
    (True, LiteralT((1,))),
    (0, LiteralT((False,))),
    (1.0, LiteralT((1,))),
    ("1", LiteralT((1,))),
]


@pytest.mark.parametrize(("value", "dst"), FITS, ids=repr)
def test_literal_fits(value: JsonValue, dst: Type) -> None:
    assert literal_fits(value, dst)


@pytest.mark.parametrize(("value", "dst"), DOES_NOT_FIT, ids=repr)
def test_literal_does_not_fit(value: JsonValue, dst: Type) -> None:
    assert not literal_fits(value, dst)


_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(_JSON)
def test_a_literal_fits_its_own_type(value: JsonValue) -> None:
    assert literal_fits(value, type_of_literal(value))
    assert literal_fits(value, ANY)


# --- type_of_literal, list_item -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, NONE),
        (True, BOOL),
        (False, BOOL),
        (0, INT),
        (1.5, FLOAT),
        ("x", STR),
        ([1, 2], ListT(INT)),
        ([1, 2.0], ListT(FLOAT)),
        ([1, "a"], ListT(ANY)),
        ([True, 1], ListT(ANY)),
        ([], ListT(ANY)),
        ([None, "a"], ListT(OptionalT(STR))),
        ([[1], [2]], ListT(ListT(INT))),
        ({"a": 1}, DictT(INT)),
        ({}, DictT(ANY)),
        ({"a": None, "b": "s"}, DictT(OptionalT(STR))),
        ([{"k": 1}, {"k": 2}], ListT(DictT(INT))),
    ],
    ids=repr,
)
def test_type_of_literal(value: JsonValue, expected: Type) -> None:
    assert type_of_literal(value) == expected


@pytest.mark.parametrize(
    ("typ", "item"),
    [
        (ListT(INT), INT),
        (ListT(DictT(STR)), DictT(STR)),
        (ListT(ListT(FLOAT)), ListT(FLOAT)),
        (ANY, ANY),
        (STR, None),
        (DictT(INT), None),
        (OptionalT(ListT(INT)), None),
        (DATASET, None),
    ],
    ids=str,
)
def test_list_item(typ: Type, item: Type | None) -> None:
    assert list_item(typ) == item


# --- comparable ---------------------------------------------------------------------------

COMPARABLE: list[tuple[Type, str, Type]] = [
    (INT, ">", FLOAT),
    (FLOAT, "<=", INT),
    (STR, "==", STR),
    (STR, "<", STR),
    (BOOL, "==", INT),
    (INT, "==", NONE),
    (OptionalT(INT), "==", INT),
    (OptionalT(STR), "in", ListT(STR)),
    (OptionalT(INT), "is", NONE),
    (OptionalT(STR), "is not", NONE),
    (ANY, "<", ListT(INT)),
    (STR, "!=", ANY),
    (INT, "in", ListT(INT)),
    (INT, "not in", ListT(FLOAT)),
    (STR, "in", ListT(STR)),
    (STR, "in", DictT(INT)),
    (STR, "in", STR),
    (LiteralT(("a", "b")), "==", STR),
    (LiteralT((1, 2)), "<", FLOAT),
    (LiteralT(("a",)), "in", ListT(STR)),
    (ListT(INT), "==", ListT(INT)),
]

INCOMPARABLE: list[tuple[Type, str, Type]] = [
    (STR, "==", INT),
    (STR, "<", INT),
    (INT, "!=", STR),
    (LiteralT(("a",)), "==", INT),
    (ListT(INT), "<", ListT(INT)),
    (STR, "in", ListT(INT)),
    (INT, "in", STR),
    (INT, "in", INT),
    (INT, "in", DictT(INT)),
    (DictT(INT), ">", DictT(INT)),
    # Python orders nothing with None, and `in None` raises: an Optional must be narrowed first
    (OptionalT(INT), ">", INT),
    (FLOAT, "<=", OptionalT(FLOAT)),
    (OptionalT(INT), ">", ANY),
    (STR, "in", OptionalT(ListT(STR))),
]


@pytest.mark.parametrize(("left", "op", "right"), COMPARABLE, ids=str)
def test_comparable(left: Type, op: str, right: Type) -> None:
    assert comparable(left, right, op)


@pytest.mark.parametrize(("left", "op", "right"), INCOMPARABLE, ids=str)
def test_incomparable(left: Type, op: str, right: Type) -> None:
    assert not comparable(left, right, op)


@given(TYPES, st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"]))
def test_anything_compares_with_any(x: Type, op: str) -> None:
    """Except that an Optional is never ordered, nor searched by `in`."""
    ordering = op in ("<", "<=", ">", ">=")
    optional = isinstance(x, OptionalT)
    assert comparable(x, ANY, op) == (not (optional and ordering))
    assert comparable(ANY, x, op) == (not (optional and (ordering or op in ("in", "not in"))))


@pytest.mark.parametrize(
    ("typ", "text"),
    [
        (ListT(DictT(OptionalT(INT))), "list[dict[str, Optional[int]]]"),
        (LiteralT(("a", 1)), "Literal['a', 1]"),
        (TupleT((INT, DATASET)), "tuple[int, Dataset]"),
        (RunStatusT(), "RunStatus"),
    ],
    ids=str,
)
def test_types_print_as_python_annotations(typ: Type, text: str) -> None:
    assert str(typ) == text


def test_contains_looks_through_optionals_lists_and_dicts() -> None:
    from flowc.compiler.types import contains

    def is_float(x: Type) -> bool:
        return x == FLOAT

    assert contains(OptionalT(DictT(ListT(FLOAT))), is_float)
    assert not contains(DictT(ListT(INT)), is_float)
    assert not contains(NamedTupleT("R", (("x", FLOAT),)), is_float)  # fields are outputs of their own


def test_non_optional_strips_every_layer() -> None:
    from flowc.compiler.types import non_optional

    assert non_optional(OptionalT(OptionalT(INT))) == INT
    assert non_optional(ListT(OptionalT(INT))) == ListT(OptionalT(INT))
    assert assignable(OptionalT(OptionalT(INT)), OptionalT(INT))  # the same values in Python
