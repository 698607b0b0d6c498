"""The `flowc` command itself: a mistyped command is a usage error with one suggestion."""

from __future__ import annotations

import pytest
from flowc.cli.main import main


def test_a_typo_gets_one_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lnit"]) == 2
    err = capsys.readouterr().err
    assert err.count("'lint'") == 1


@pytest.mark.parametrize("command", ["lint", "compile", "run", "submit", "inspect", "graph", "explain"])
def test_help_shows_square_brackets_as_written(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Help is rendered as markup: an unescaped `[tool.flowc]` would vanish from it."""
    monkeypatch.setenv("COLUMNS", "200")
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert " in )" not in out and " in ;" not in out
    if command in ("lint", "compile"):
        assert "[tool.flowc]" in out


def test_ctrl_c_while_the_command_loads_is_an_abort_not_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading a command imports it, which takes a noticeable part of a short run."""
    from flowc.cli import main as entry

    def interrupted(argv: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(entry, "build_app", interrupted)
    assert main(["lint", "."]) == 130
    assert "Traceback" not in capsys.readouterr().err
