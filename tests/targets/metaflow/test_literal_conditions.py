"""A sub-flow's `is None` test on a parameter bound to a literal compiles without warnings."""

from __future__ import annotations

import warnings
from pathlib import Path

from flowc.compiler.frontend.loader import load_flow
from flowc.targets import CompileOptions, load_target

SOURCE = """
from typing import Optional
from flowc import flow, step

@step
def mark(tag: str) -> str:
    return tag

@flow
def inner(o: Optional[int] = None) -> None:
    if o is not None:
        mark("set")
    if o is None:
        mark("unset")

@flow
def outer() -> None:
    inner(3)
    inner()
"""


def test_no_is_comparison_with_a_literal(tmp_path: Path) -> None:
    (tmp_path / "flows.py").write_text(SOURCE)
    loaded = load_flow(tmp_path / "flows.py", "outer")
    assert loaded.ok and loaded.program is not None
    result = load_target("metaflow").compile(loaded.program, CompileOptions(sources=loaded.sources))
    assert result.ok, [(d.code, d.message) for d in result.diagnostics]
    text = result.outputs[0].data.decode()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # `3 is not None` is a SyntaxWarning
        compile(text, "outer.py", "exec")
    assert "3 != None" in text and "3 == None" in text
