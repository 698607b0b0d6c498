"""Shared by the command-line tests."""

SMALL_FLOW = """
from flowc import step, flow

@step
def double(x: int) -> int:
    return 2 * x

@flow
def small(x: int = 2) -> int:
    return double(x)
"""
