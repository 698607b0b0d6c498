"""flowc's authoring API: write a flow as plain typed Python.

Everything here is inert at run time. ``step`` and ``flow`` return the decorated function
unchanged, so calling a flow runs it in-process, sequentially; the compiler reads the same
source statically and never imports it. This module must stay cheap to import: the standard
library only.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeAlias, TypeVar, overload

__all__ = [
    "HTML",
    "Artifact",
    "Dataset",
    "Markdown",
    "Metrics",
    "Model",
    "Retry",
    "RunStatus",
    "after",
    "flow",
    "parallel",
    "step",
]

__version__ = "0.1.0"

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

# Artifacts are paths at run time: an input arrives as a local file or directory, an output
# is the path the step wrote. The aliases keep mypy happy with `return Path(...)`; the
# compiler tells the kinds apart by name, which is what lets it check Dataset-vs-Model wiring.
Artifact: TypeAlias = Path
Dataset: TypeAlias = Path
Model: TypeAlias = Path
Metrics: TypeAlias = Path
HTML: TypeAlias = Path
Markdown: TypeAlias = Path

RetryOn = Literal["always", "failure", "error", "transient"]


@dataclass(frozen=True)
class Retry:
    """How a failed step is retried.

    ``limit`` retries after the first attempt; the n-th retry waits
    ``backoff * factor ** (n - 1)``, capped at ``max_backoff``. ``on`` chooses what is
    retried: ``"failure"`` (the step's code failed), ``"error"`` (the platform failed, e.g.
    a pod was evicted), ``"transient"`` (platform errors known to be transient) or
    ``"always"`` (both).
    """

    limit: int
    backoff: str | None = None
    factor: float | None = None
    max_backoff: str | None = None
    on: RetryOn = "always"


class RunStatus(enum.StrEnum):
    """The final status of a flow run, passed to its exit handler."""

    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    ERROR = "Error"


@overload
def step(fn: Callable[P, R], /) -> Callable[P, R]: ...


@overload
def step(
    *,
    name: str | None = None,
    image: str | None = None,
    cpu: str | int | float | None = None,
    memory: str | int | None = None,
    gpu: int | None = None,
    gpu_type: str | None = None,
    retries: int | Retry | None = None,
    timeout: str | None = None,
    cache: bool | str = False,
    env: Mapping[str, str] | None = None,
    secrets: Mapping[str, str] | None = None,
    packages: Sequence[str] | None = None,
    node_selector: Mapping[str, str] | None = None,
    tolerations: Sequence[str | Mapping[str, str]] | None = None,
    volumes: Mapping[str, str] | None = None,
    continue_on_failure: bool = False,
) -> Callable[[Callable[P, R]], Callable[P, R]]: ...


def step(fn: Callable[..., Any] | None = None, /, **_options: Any) -> Any:
    """Mark a module-level function as a step; ``@step`` or ``@step(option=...)``."""
    if fn is not None:
        return fn
    return _identity


@overload
def flow(fn: Callable[P, R], /) -> Callable[P, R]: ...


@overload
def flow(
    *,
    name: str | None = None,
    description: str | None = None,
    image: str | None = None,
    schedule: str | None = None,
    timezone: str | None = None,
    on_exit: Callable[..., Any] | None = None,
    max_parallel: int | None = None,
    retries: int | Retry | None = None,
    timeout: str | None = None,
    namespace: str | None = None,
    service_account: str | None = None,
    labels: Mapping[str, str] | None = None,
    annotations: Mapping[str, str] | None = None,
    ttl: str | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]: ...


def flow(fn: Callable[..., Any] | None = None, /, **_options: Any) -> Any:
    """Mark a module-level function as a flow; ``@flow`` or ``@flow(option=...)``."""
    if fn is not None:
        return fn
    return _identity


def _identity(fn: Callable[P, R]) -> Callable[P, R]:
    return fn


def parallel(items: Iterable[T], max: int | None = None) -> Iterable[T]:
    """Fan out over ``items`` with at most ``max`` iterations running at once."""
    return items


@contextmanager
def after(*_tasks: object) -> Iterator[None]:
    """Run the tasks of the block after the given tasks, without passing data."""
    yield
