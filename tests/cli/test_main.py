"""The `flowc` command itself: a mistyped command is a usage error with one suggestion."""

from __future__ import annotations

import pytest
from flowc.cli.main import main


def test_a_typo_gets_one_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lnit"]) == 2
    err = capsys.readouterr().err
    assert err.count("'lint'") == 1
