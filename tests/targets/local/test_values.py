"""`-p name=value` texts read by the parameter's type (`flowc run`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flowc.compiler import types as t
from flowc.targets.local.values import parse_parameter

DATASET = t.ArtifactT("Dataset")


@pytest.mark.parametrize("text", ["", "  "])
def test_an_empty_artifact_path_is_refused(text: str) -> None:
    """`Path("")` would be the working directory, which always exists."""
    with pytest.raises(ValueError, match="path"):
        parse_parameter(text, DATASET)


def test_an_artifact_is_an_existing_path(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("a\n")
    assert parse_parameter(str(tmp_path / "data.csv"), DATASET) == str(tmp_path / "data.csv")
    with pytest.raises(ValueError, match="path"):
        parse_parameter(str(tmp_path / "missing.csv"), DATASET)
