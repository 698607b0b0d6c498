"""Command-line plumbing shared by commands: `PATH[:FLOW]` targets and the configuration."""

from __future__ import annotations

import re
from pathlib import Path

from flowc.compiler.diagnostics import FlowcError

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
    if not path.exists():
        raise FlowcError(f"{path}: no such file or directory")
    if path.is_dir():
        raise FlowcError(f"{path}: is a directory; give a flow file, e.g. {path}/flows.py")
    return path, flow
