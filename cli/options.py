"""Command-line plumbing shared by commands: `PATH[:FLOW]` targets and the selected codes."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from flowc.compiler.config import Config
from flowc.compiler.diagnostics import FlowcError
from flowc.compiler.frontend.modules import path_mode
from flowc.compiler.rules import select_codes, unknown_selectors

_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def split_target(target: str) -> tuple[Path, str | None]:
    """`flows.py:training` → (Path("flows.py"), "training"); a bare path selects no flow."""
    head, sep, name = target.rpartition(":")
    if not sep or not head or (_WINDOWS_DRIVE.match(target) and head.count(":") == 0 and len(head) == 1):
        path, flow = Path(target), None
    elif name.isidentifier():
        path, flow = Path(head), name
    else:
        path, flow = Path(target), None
    mode = path_mode(path)
    if mode is None and sep and stat.S_ISREG(path_mode(Path(head)) or 0):  # `flows.py:`, `flows.py:a-b`
        raise FlowcError(f"{target}: after `:` comes the name of a flow in {head}, e.g. {head}:training")
    if mode is None:
        raise FlowcError(f"{path}: no such file or directory")
    if stat.S_ISDIR(mode):
        raise FlowcError(f"{path}: is a directory; give a flow file, e.g. {path}/flows.py")
    if not stat.S_ISREG(mode):  # a FIFO would hang the read, /dev/zero never end it
        raise FlowcError(f"{path}: not a regular file; give a flow file")
    return path, flow


def enabled_codes(
    settings: Config, select: list[str] | None, extend: list[str] | None, ignore: list[str] | None
) -> frozenset[str]:
    """The codes reported under `settings` and the command line's selectors, ruff's way: a
    given `select` replaces the configured one; `extend-select` and `ignore` add up."""
    chosen = select if select is not None else settings.select
    extra = (extend or []) + settings.extend_select
    ignored = (ignore or []) + settings.ignore
    for selectors in (chosen or [], extra, ignored):
        check_selectors(selectors)
    enabled = set(select_codes(chosen, None))
    if extra:
        enabled |= select_codes(extra, None)
    if ignored:
        enabled -= select_codes(ignored, None)
    return frozenset(enabled)


def check_selectors(selectors: list[str]) -> None:
    bad = unknown_selectors(selectors)
    if bad:
        raise FlowcError(f"unknown rule selector(s): {', '.join(bad)}; see `flowc explain --list`")
