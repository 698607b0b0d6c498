from pathlib import Path

import pytest
from flowc.targets.argo.names import kebab, lower_names

from tests.harness import load_one


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pick_best", "pick-best"),
        ("Train", "train"),
        ("score_2", "score-2"),
        ("a__b", "a-b"),
        ("_private", "private"),
        ("2fast", "t-2fast"),
        ("x.y", "x-y"),
    ],
)
def test_kebab(name: str, expected: str) -> None:
    assert kebab(name) == expected


def test_names_are_lowered_everywhere(tmp_path: Path) -> None:
    result = load_one(
        tmp_path,
        """
        from flowc import step, flow

        @step
        def load_data(n: int) -> list[int]: ...

        @step
        def add_one(x: int) -> int: ...

        @flow
        def my_flow(n: int = 2) -> list[int]:
            xs = load_data(n)
            ys = [add_one(x) for x in xs]
            return ys
        """,
    )
    assert result.program is not None
    lowered, diagnostics = lower_names(result.program)
    assert diagnostics == []
    flow = lowered.flows[0]
    assert flow.name == "my-flow"
    assert [t.id for t in flow.tasks()] == ["load-data", "add-one"]
    assert sorted(s.name for s in lowered.steps) == ["add-one", "load-data"]


def test_collisions_after_lowering_are_reported(tmp_path: Path) -> None:
    result = load_one(
        tmp_path,
        """
        from flowc import step, flow

        @step(name="prep-data")
        def a(n: int) -> int: ...

        @step
        def prep_data(n: int) -> int: ...

        @flow
        def f(n: int = 2) -> None:
            a(n)
            prep_data(n)
        """,
    )
    assert result.program is not None
    _, diagnostics = lower_names(result.program)
    assert "FC505" in [d.code for d in diagnostics]
