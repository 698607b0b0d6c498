"""Running a whole compiler stage as one batch, without the cyclic garbage collector.

A stage builds syntax trees, IR and output data that live until it ends and hold no cycles
worth collecting; yet every few hundred allocations the collector walks every one of those
objects again, so a flow of thousands of steps spent most of its time in collections that
grew with its size. Pausing it for the stage keeps the work per step constant; whatever
garbage the stage leaves is collected as usual once it is resumed.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block (nested use is fine); restore its state after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@cache  # once per process
def skip_final_collection() -> None:
    """Before the interpreter exits, freeze what is left: its last collection would walk every
    object a command kept (a large flow's syntax trees are cached until exit) to find no
    garbage. For a command line: in a long-running process it would keep those objects out of
    later collections."""
    atexit.register(gc.freeze)
