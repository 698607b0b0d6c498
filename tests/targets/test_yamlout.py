"""The YAML writer writes exactly PyYAML's bytes, with and without flow style for small parts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from flowc.targets import yamlout
from flowc.targets.argo import FLOW_WIDTH
from hypothesis import given, settings
from hypothesis import strategies as st

GOLDEN = Path(__file__).resolve().parents[2] / "golden"

# Text that exercises every style decision: indicators, quotes, spaces, breaks, implicit types,
# YAML 1.1 booleans, Unicode (printable and not), and the strings PyYAML reads back as others.
_SPECIAL = [
    "",
    "y",
    "N",
    "yes",
    "Off",
    "null",
    "~",
    "3",
    "-1",
    "0x1F",
    "0o7",
    "1_000",
    "12:30",
    "1.5",
    "1e3",
    ".inf",
    ".NaN",
    "2001-12-14",
    "2001-12-14 21:59:43.10 -5",
    "<<",
    "=",
    "---",
    "...",
    "- a",
    "-a",
    "? a",
    "?a",
    "a:",
    "a: b",
    "a:b",
    "#a",
    "a #b",
    "a#b",
    "{{inputs.parameters.x}}",
    "it's",
    "'q'",
    '"q"',
    " lead",
    "trail ",
    "a,b",
    "[x]",
    "@at",
    "`tick",
    "%pct",
    "!bang",
    "&amp",
    "*star",
    "|pipe",
    ">gt",
    "python:3.12-slim",
    "café",
    "\u2028",
    "\ufeff",
    "\x85",
    "tab\there",
    "a\nb",
    "a\nb\n",
    "a\n\nb\n",
    "a\nb\n\n",
    "\n",
    " a\nb\n",
    "\na\n",
    "a \nb\n",
    "a\n b\n",
    "a\nb ",
    "a\r\nb\n",
    "x" * 3000 + " y",
]
_TEXT = st.one_of(
    st.sampled_from(_SPECIAL),
    st.text(alphabet=st.sampled_from("ab -:#'\"{}[],?!|>\n\t.0123456789_yén\u2028"), max_size=12),
)
_SCALARS = st.one_of(
    _TEXT, st.integers(-(10**20), 10**20), st.booleans(), st.none(), st.floats(allow_nan=True)
)
_KEYS = st.one_of(st.sampled_from(["name", "value", "n", "y", "a b", "3", "", "k:", "x" * 130]), _TEXT)


def _documents() -> st.SearchStrategy[list[dict[str, Any]]]:
    values = st.recursive(
        _SCALARS,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
        max_leaves=12,
    )
    return st.lists(st.dictionaries(_KEYS, values, min_size=1, max_size=5), min_size=1, max_size=3)


def _reference(documents: list[Any]) -> bytes:
    """What flowc wrote before it had its own writer: PyYAML with flowc's text representer."""
    return yamlout._pyyaml(documents).encode("utf-8")


@settings(max_examples=400, deadline=None)
@given(_documents())
def test_block_style_is_pyyamls(documents: list[dict[str, Any]]) -> None:
    assert yamlout.dump(documents) == _reference(documents)


@settings(max_examples=300, deadline=None)
@given(_documents(), st.integers(10, 120))
def test_flow_style_is_pyyamls(documents: list[dict[str, Any]], width: int) -> None:
    laid_out = [yamlout.layout(d, width) for d in documents]
    assert yamlout.dump(documents, flow_width=width) == _reference(laid_out)


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*/*.yaml")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_files_are_written_without_pyyaml(path: Path) -> None:
    """Compiled examples never need the fallback (it would be slow, not wrong)."""
    data = path.read_bytes()
    writer = yamlout._Writer(FLOW_WIDTH if path.parent.name == "argo" else None)
    for index, document in enumerate(yaml.safe_load_all(data)):
        writer.document(document, index)
    assert writer.end().encode() == data


@pytest.mark.parametrize(
    "text",
    [
        "abc " * 3000,
        "abc " * 3000 + "x",
        "a" * 9990 + " b  c d" + " e" * 20,
        "x" * 10000 + "  " + "y " * 5,
        "'" + "it's a b " * 1500,
        " " + "w " * 6000,
        "w " * 4990 + "   " + "z " * 30,
        "w" * 20000,
    ],
    ids=[f"text{i}" for i in range(8)],
)
@pytest.mark.parametrize("shape", ["value", "item", "nested item", "deep value"])
def test_long_text_is_folded_as_pyyaml_folds_it(text: str, shape: str) -> None:
    document = {
        "value": {"k": text},
        "item": {"l": [text]},
        "nested item": {"l": [[text, "x"]]},
        "deep value": {"a": [{"b": {"depends": text}}]},
    }[shape]
    assert yamlout.dump([document]) == _reference([document])


def test_flow_style_only_for_what_fits() -> None:
    document = {
        "a": {"parameters": [{"name": "x"}]},
        "b": {"long": "x" * 200},
        "c": ["p", "q"],
        "d": ["p" * 30, "q" * 30],
        "e": ["one\ntwo"],
    }
    text = yamlout.dump([document], flow_width=40).decode()
    assert text == (
        "a: {parameters: [{name: x}]}\nb:\n  long: " + "x" * 200 + "\nc: [p, q]\n"
        f"d:\n- {'p' * 30}\n- {'q' * 30}\ne:\n- |-\n  one\n  two\n"
    )
    assert text.encode() == _reference([yamlout.layout(document, 40)])


def test_a_collection_met_twice_is_aliased_as_pyyaml_does() -> None:
    shared = {"k": "v"}
    assert yamlout.dump([{"a": shared, "b": shared}]) == _reference([{"a": shared, "b": shared}])


def test_breakdown_parts_sum_to_the_bytes() -> None:
    document = {"meta": {"name": "x"}, "body": [{"source": "a\nb\n"}, {"source": "c\n"}]}

    def tally(path: tuple[str | int, ...]) -> str | None:
        return "source" if path[-1] == "source" else None

    data, parts = yamlout.breakdown([document], tally)
    assert data == yamlout.dump([document])
    assert sum(parts.values()) == len(data)
    assert parts["source"] == len("  source: |\n    a\n    b\n  source: |\n    c\n")
