"""Compilation targets behind one `Protocol`, registered explicitly and imported lazily.

`flowc lint` never imports a target; `compile` imports only the one it needs, so a target's
heavy dependencies are paid for only by that target's users.
"""

from __future__ import annotations

import importlib
from dataclasses import field
from typing import Protocol

from flowc.compiler import ir
from flowc.compiler.diagnostics import Diagnostic, FlowcError
from flowc.compiler.frozen import frozen


@frozen
class CompileOptions:
    """Everything a target needs besides the IR; one value instead of many parameters."""

    default_image: str = "python:3.12-slim"
    argo_kind: str = "workflow"  # "workflow" | "template"
    argo_version: int = 4
    size_budget: int = 1024 * 1024
    stamp: tuple[tuple[str, str], ...] = ()  # provenance annotations, only when asked for
    sources: dict[str, str] = field(default_factory=dict)  # module texts read by the frontend


# In the first line of every Python file a target writes: `compile` replaces only such files,
# since a Metaflow file is named after its flow and may meet a user's module of that name.
COMPILED_MARK = ": compiled by flowc from "


@frozen
class Output:
    """One file a target produces: its name in the output directory and its exact bytes."""

    name: str
    data: bytes


@frozen
class CompileResult:
    outputs: tuple[Output, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


class Target(Protocol):
    name: str

    def compile(self, program: ir.Program, options: CompileOptions) -> CompileResult: ...


# name → "module:attribute"; imported on first use only
REGISTRY: dict[str, str] = {
    "argo": "flowc.targets.argo:ArgoTarget",
    "kfp": "flowc.targets.kfp:KfpTarget",
    "metaflow": "flowc.targets.metaflow:MetaflowTarget",
}


def load_target(name: str) -> Target:
    if name not in REGISTRY:
        raise FlowcError(f"unknown target {name!r}; choose one of {', '.join(sorted(REGISTRY))}")
    module_name, _, attr = REGISTRY[name].partition(":")
    target: Target = getattr(importlib.import_module(module_name), attr)()
    return target
