"""`[tool.flowc]` in pyproject.toml: found upward from the paths, validated by JSON Schema.

jsonschema is imported only when a `[tool.flowc]` table exists, so `flowc lint` in a project
without one never pays for it.
"""

from __future__ import annotations

import json
from dataclasses import field
from pathlib import Path
from typing import Any

from flowc.compiler.diagnostics import FlowcError
from flowc.compiler.frozen import frozen


@frozen
class Config:
    """The `[tool.flowc]` settings that apply to a path (defaults when there are none)."""

    path: Path | None = None
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    default_image: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


def find_pyproject(start: Path) -> Path | None:
    here = start.resolve()
    here = here if here.is_dir() else here.parent
    return next(
        (d / "pyproject.toml" for d in (here, *here.parents) if (d / "pyproject.toml").is_file()), None
    )


def load_config(start: Path, explicit: Path | None = None) -> Config:
    """The `[tool.flowc]` table governing `start`; an empty Config when there is none."""
    path = explicit or find_pyproject(start)
    if path is None:
        return Config()
    import tomllib  # only a project with a pyproject.toml pays for the TOML parser

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FlowcError(f"{path}: cannot read configuration: {exc}") from exc
    table = data.get("tool", {}).get("flowc")
    if table is None:
        return Config(path) if explicit is None else _missing(path)
    _validate(path, table)
    return Config(
        path=path,
        select=table.get("select"),
        ignore=table.get("ignore", []),
        extend_select=table.get("extend-select", []),
        exclude=table.get("exclude", []),
        default_image=table.get("default-image"),
        raw=table,
    )


def _missing(path: Path) -> Config:
    raise FlowcError(f"{path}: no [tool.flowc] table")


def schema() -> dict[str, Any]:
    from importlib import resources

    text = resources.files("flowc.compiler").joinpath("config.schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def _validate(path: Path, table: object) -> None:
    import jsonschema  # only projects that configure flowc pay for this import

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(table), key=lambda e: list(e.absolute_path))
    if errors:
        raise FlowcError(f"{path}: invalid [tool.flowc]: " + "; ".join(_describe(e) for e in errors[:5]))


def _describe(error: Any) -> str:
    where = ".".join(str(p) for p in error.absolute_path)
    prefix = f"tool.flowc.{where}" if where else "tool.flowc"
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        return (
            f"unknown key {', '.join(repr(k) for k in unknown)} in [{prefix}] (allowed: {', '.join(allowed)})"
        )
    return f"{prefix}: {error.message}"
