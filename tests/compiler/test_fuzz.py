"""Property tests of the frontend: any input gives diagnostics or a program, never a crash.

Three sources of input: every example flow file with random edits applied, arbitrary text, and
flow-shaped Python generated from a small grammar. For each, `lint_paths` (what `flowc lint`
runs) and `load_flow` (what `inspect`/`graph`/`compile` run) must not raise, must not report an
internal error (FC9xx), and every diagnostic must point inside a file with a message.
Examples are derandomized so a failure reproduces in CI and locally.
"""

from __future__ import annotations

import keyword
import re
import shutil
import string
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flowc.compiler.diagnostics import Diagnostic
from flowc.compiler.frontend.loader import load_flow
from flowc.compiler.lint import lint_paths
from flowc.compiler.rules import RULES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ALL_CODES = frozenset(RULES)
EXAMPLES = Path(__file__).parents[2] / "examples"
EXAMPLE_FILES = sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*.py"))
SOURCES = {rel: (EXAMPLES / rel).read_text(encoding="utf-8") for rel in EXAMPLE_FILES}
HEADER = "from flowc import Dataset, Model, after, flow, parallel, step\n"

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
QUICK = settings(FUZZ, max_examples=100)


# --- the properties ------------------------------------------------------------------------


def _line_count(path: str, sources: dict[str, str]) -> int:
    text = sources.get(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return 1
    return max(1, len(text.splitlines()))


def _check(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...], sources: dict[str, str]) -> None:
    for d in diagnostics:
        where = (d.code, d.span, d.message)
        assert d.code in RULES, where
        assert not d.code.startswith("FC9"), where
        assert d.message.strip(), where
        assert 1 <= d.span.line <= _line_count(d.span.path, sources), where
        assert d.span.col >= 1, where
        assert (d.span.end_line, d.span.end_col) >= (d.span.line, d.span.col), where


def assert_robust(path: Path) -> None:
    """Lint and load `path`: no exception, no internal error, well-formed diagnostics."""
    linted = lint_paths([path], ALL_CODES)
    _check(linted.diagnostics, linted.sources)
    loaded = load_flow(path, None)
    _check(loaded.diagnostics, loaded.sources)


# --- (a) mutated examples --------------------------------------------------------------------

IDENTIFIER = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
SNIPPETS = [
    "while",
    "lambda",
    "yield",
    "await",
    "**",
    "*",
    "[",
    "]",
    "(",
    ")",
    "{",
    ":",
    ",",
    "=",
    ".",
    "@",
    "async ",
    "not ",
    " if ",
    "\\",
    "'",
    '"""',
    "#",
    "\t",
    "\n",
    " ",
    "0",
    "-1e999",
    "None",
    "global x",
    "del ",
    ":=",
    "for ",
    " in ",
    "return ",
    "with after(",
    "parallel(",
    "f'{",
    "step(",
    "flow",
    "@step\n",
    "@flow\n",
    "def f(",
    "class C:\n",
    "import ",
    "from . import x\n",
]
NAMES = st.text(alphabet=string.ascii_letters + "_", min_size=1, max_size=8)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def delete_line(text: str, data: st.DataObject) -> str:
    lines = _lines(text)
    if not lines:
        return text
    del lines[data.draw(st.integers(0, len(lines) - 1))]
    return "".join(lines)


def duplicate_line(text: str, data: st.DataObject) -> str:
    lines = _lines(text)
    if not lines:
        return text
    i = data.draw(st.integers(0, len(lines) - 1))
    lines.insert(i, lines[i])
    return "".join(lines)


def swap_lines(text: str, data: st.DataObject) -> str:
    lines = _lines(text)
    if len(lines) < 2:
        return text
    i, j = data.draw(st.integers(0, len(lines) - 1)), data.draw(st.integers(0, len(lines) - 1))
    lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


def truncate(text: str, data: st.DataObject) -> str:
    return text[: data.draw(st.integers(0, len(text)))]


def replace_identifier(text: str, data: st.DataObject) -> str:
    found = list(IDENTIFIER.finditer(text))
    if not found:
        return text
    target = found[data.draw(st.integers(0, len(found) - 1))]
    pool = sorted({m.group() for m in found})
    new = data.draw(st.sampled_from(pool) | NAMES | st.sampled_from(keyword.kwlist))
    return text[: target.start()] + new + text[target.end() :]


def insert_snippet(text: str, data: st.DataObject) -> str:
    at = data.draw(st.integers(0, len(text)))
    snippet = data.draw(st.sampled_from(SNIPPETS) | st.text(max_size=3))
    return text[:at] + snippet + text[at:]


def delete_char(text: str, data: st.DataObject) -> str:
    if not text:
        return text
    at = data.draw(st.integers(0, len(text) - 1))
    return text[:at] + text[at + 1 :]


def reindent(text: str, data: st.DataObject) -> str:
    lines = _lines(text)
    if not lines:
        return text
    i = data.draw(st.integers(0, len(lines) - 1))
    body = lines[i].lstrip(" \t")
    lines[i] = data.draw(st.sampled_from(["", " ", "    ", "        ", "\t", "  \t"])) + body
    return "".join(lines)


MUTATIONS: list[Callable[[str, st.DataObject], str]] = [
    delete_line,
    duplicate_line,
    swap_lines,
    truncate,
    replace_identifier,
    insert_snippet,
    delete_char,
    reindent,
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the examples, as a project (with `lib/`), to mutate one file at a time."""
    root = tmp_path_factory.mktemp("fuzz") / "examples"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "pyproject.toml").write_text('[project]\nname = "fuzz"\nversion = "0"\n')
    return root


def _mutated(path: Path, text: str) -> Iterator[Path]:
    original = path.read_bytes()
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        yield path
    finally:
        path.write_bytes(original)


@FUZZ
@given(data=st.data())
def test_mutated_examples_never_crash(project: Path, data: st.DataObject) -> None:
    rel = data.draw(st.sampled_from(EXAMPLE_FILES), label="file")
    text = SOURCES[rel]
    for mutation in data.draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3), label="edits"):
        text = mutation(text, data)
    for path in _mutated(project / rel, text):
        assert_robust(path)


# --- (b) arbitrary text and generated flows ----------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scratch")
    (root / "pyproject.toml").write_text('[project]\nname = "fuzz"\nversion = "0"\n')
    return root


def _write(root: Path, text: str) -> Path:
    path = root / "flow.py"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


@QUICK
@given(text=st.text())
def test_arbitrary_text_never_crashes(scratch: Path, text: str) -> None:
    # the header makes lint treat the file as a flow file instead of skipping it
    assert_robust(_write(scratch, HEADER + text))


@QUICK
@given(text=st.lists(st.sampled_from([*SNIPPETS, *string.printable]), max_size=80).map("".join))
def test_token_soup_never_crashes(scratch: Path, text: str) -> None:
    assert_robust(_write(scratch, HEADER + text))


# A small grammar of flow-language-ish Python: steps with assorted annotations and a flow whose
# body mixes the supported constructs with ones the language rejects.
TYPES = [
    "int",
    "str",
    "float",
    "bool",
    "None",
    "Dataset",
    "Model",
    "list[int]",
    "list[str]",
    "dict[str, int]",
    "int | None",
    "list",
    "tuple[int, str]",
    "Any",
    "set[int]",
    "'int'",
    "Literal['a', 'b']",
    "x",
]
STEPS = ["a", "b", "c"]
VALUES = [
    "p",
    "xs",
    "v",
    "w",
    "r",
    "i",
    "1",
    "'s'",
    "None",
    "[1, 2]",
    "v.field",
    "r['k']",
    "f'{p}-{v}'",
    "a",
    "lambda: 1",
    "*xs",
    "**kw",
    "xs[0]",
    "p + 1",
    "a(p)",
    "undefined_name",
    "(yield)",
    "await v",
]


def _expr() -> st.SearchStrategy[str]:
    arg = st.sampled_from(VALUES) | st.builds("k={}".format, st.sampled_from(VALUES))
    call = st.builds(
        lambda f, args: f"{f}({', '.join(args)})",
        st.sampled_from([*STEPS, "sub", "print"]),
        st.lists(arg, max_size=3),
    )
    comp = st.builds(
        lambda c, i, src: f"[{c} for {i} in {src}]",
        call,
        st.sampled_from(["i", "r", "p"]),
        st.sampled_from(["xs", "v", "parallel(xs, max=2)", "range(3)"]),
    )
    return call | comp | st.sampled_from(VALUES)


def _statements() -> st.SearchStrategy[list[str]]:
    target = st.sampled_from(["v", "w", "r", "xs", "v, w", "v.x", "p"])
    simple = (
        st.builds("{} = {}".format, target, _expr())
        | _expr()
        | st.sampled_from(["pass", "return v", "return (v, w)", "return", "break", "v += 1", "del v"])
        | st.sampled_from(["global v", "import os", "x: int = 1", "assert v", "raise ValueError"])
    )

    def blocks(inner: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
        head = st.sampled_from(
            [
                "for i in xs:",
                "for r in parallel(xs, max=2):",
                "if v > p:",
                "if v == 'a' and not w:",
                "while v:",
                "with after(v):",
                "with after(v, w):",
                "try:",
                "def inner():",
                "async def inner():",
                "class K:",
            ]
        )
        tail = st.sampled_from(
            [[], ["else:", "    pass"], ["elif p in xs:", "    a(p)"], ["except Exception:", "    pass"]]
        )
        return st.builds(
            lambda h, body, t: [h, *("    " + line for line in body or ["pass"]), *t],
            head,
            inner,
            tail,
        )

    return st.recursive(
        st.lists(simple, min_size=1, max_size=4),
        lambda inner: st.lists(blocks(inner) | inner, min_size=1, max_size=3).map(
            lambda groups: [line for g in groups for line in g]
        ),
        max_leaves=12,
    )


def _step(name: str, param: str, returns: str, decorator: str) -> str:
    return f"{decorator}\ndef {name}(x: {param}, k: int = 1) -> {returns}:\n    ...\n"


@st.composite
def flow_modules(draw: st.DrawFn) -> str:
    decorators = st.sampled_from(
        ["@step", "@step()", "@step(cpu=2, retries=3)", "@step(image=IMAGE)", "@flow", ""]
    )
    steps = [
        _step(name, draw(st.sampled_from(TYPES)), draw(st.sampled_from(TYPES)), draw(decorators))
        for name in STEPS
    ]
    params = draw(
        st.sampled_from(["p: int, xs: list[int]", "p: str = 'x', xs: list[str] = ['a']", "p, xs", ""])
    )
    body = draw(_statements())
    flow = "\n".join(
        [
            draw(st.sampled_from(["@flow", "@flow(schedule='0 * * * *')", "@flow(on_exit=a)", "@step"])),
            f"def main({params}) -> {draw(st.sampled_from(TYPES))}:",
            *("    " + line for line in body),
        ]
    )
    sub = "@flow\ndef sub(p: int) -> int:\n    return a(p)\n"
    return "\n".join(["from typing import Any, Literal", HEADER, "IMAGE = 'python:3.12'", *steps, sub, flow])


@FUZZ
@given(source=flow_modules())
def test_generated_flows_never_crash(scratch: Path, source: str) -> None:
    assert_robust(_write(scratch, source))


# --- found by the properties above, kept as plain regression cases -----------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "def f():\n    x = 1\n        y = 2\n",  # unexpected indent: Python reports end_offset -1
        "x = (1,\n",  # '(' was never closed: end_offset 0
        "if x:\n",
        'x = """abc\n',
        "\n\n\n@flow\ndef f(:\n",
    ],
)
def test_syntax_error_spans(scratch: Path, body: str) -> None:
    assert_robust(_write(scratch, HEADER + body))
