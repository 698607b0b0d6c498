"""`[tool.flowc]` in pyproject.toml: found upward from the paths, checked against its JSON Schema.

`config.schema.json` is the contract (editors read it too). `flowc lint` runs on every commit
and never imports jsonschema, so the table is checked here, by the keywords that schema uses
(`KEYWORDS`); the tests check this against jsonschema itself.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import field
from pathlib import Path
from typing import Any

from flowc.compiler.diagnostics import FlowcError, path_error
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
    here = here if _checked(here.is_dir, here) else here.parent
    return next((d / "pyproject.toml" for d in (here, *here.parents) if _is_file(d / "pyproject.toml")), None)


def _is_file(path: Path) -> bool:
    return _checked(path.is_file, path)


def _checked(test: Callable[[], bool], path: Path) -> bool:
    """`test()` of `path`; a path that cannot be looked at (a folder that may not be searched, a
    name too long) is an error naming it, not a "no": a configuration passed over unseen would
    silently change what is checked."""
    try:
        return test()
    except OSError as exc:
        raise path_error(path, exc) from None


def load_config(start: Path, explicit: Path | None = None) -> Config:
    """The `[tool.flowc]` table governing `start`; an empty Config when there is none."""
    path = explicit or find_pyproject(start)
    if path is None:
        return Config()
    table = _read_table(path)
    if table is None:
        return Config(path) if explicit is None else _missing(path)
    return _from_table(path, table)


def _read_table(path: Path) -> dict[str, Any] | None:
    """The validated `[tool.flowc]` table of `path`, None when it has none."""
    import tomllib  # only a project with a pyproject.toml pays for the TOML parser

    from flowc.compiler.frontend.modules import read_regular  # the frontend, once there is a file

    try:
        text = read_regular(path).decode("utf-8")  # not read_text: a FIFO would hang it
        data = tomllib.loads(text.replace("\r\n", "\n").replace("\r", "\n"))  # as read_text gave it
    except OSError as exc:
        raise FlowcError(f"{path}: cannot read configuration: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FlowcError(f"{path}: cannot read configuration: {exc}") from exc
    tool = data.get("tool", {})
    table: dict[str, Any] | None = (
        tool.get("flowc") if isinstance(tool, dict) else None
    )  # `tool = 3`: not ours
    if table is not None:
        _validate(path, table)
    return table


def _from_table(path: Path, table: dict[str, Any]) -> Config:
    return Config(
        path=path,
        select=table.get("select"),
        ignore=table.get("ignore", []),
        extend_select=table.get("extend-select", []),
        exclude=table.get("exclude", []),
        default_image=table.get("default-image"),
        raw=table,
    )


class ConfigFinder:
    """The Config governing each directory, found as ruff finds its own: the nearest
    pyproject.toml that has a `[tool.flowc]` table (one without is passed over), so each
    project in a tree of projects is linted by its own settings; or, given `explicit`, that one
    file for every directory. Directories are looked up once, whatever the number of files.
    """

    def __init__(self, explicit: Path | None = None) -> None:
        self._explicit = None if explicit is None else load_config(explicit, explicit)
        self._found: dict[Path, Config] = {}

    def __call__(self, directory: Path) -> Config:
        """The Config for `directory`, an absolute path without symbolic links."""
        if self._explicit is not None:
            return self._explicit
        found = self._found.get(directory)
        if found is None:
            found = self._found[directory] = self._search(directory)
        return found

    def _search(self, directory: Path) -> Config:
        candidate = directory / "pyproject.toml"
        table = _read_table(candidate) if _is_file(candidate) else None
        if table is not None:
            return _from_table(candidate, table)
        return Config() if directory.parent == directory else self(directory.parent)

    def root(self, config: Config) -> Path:
        """Where `config`'s relative paths (`exclude` patterns) are anchored: the directory of
        its pyproject.toml; the working directory for `--config` or no file, as in ruff."""
        if self._explicit is None and config.path is not None:
            return config.path.parent
        return Path.cwd().resolve()


def governing_config(path: Path) -> Config:
    """The Config of a flow file, found as `flowc lint` finds it (see ConfigFinder), so every
    command reads the same settings for the same file."""
    return ConfigFinder()(path.resolve().parent)


def _missing(path: Path) -> Config:
    raise FlowcError(f"{path}: no [tool.flowc] table")


def schema() -> dict[str, Any]:
    from importlib import resources

    text = resources.files("flowc.compiler").joinpath("config.schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def _validate(path: Path, table: object) -> None:
    errors = sorted(schema_errors(schema(), table), key=lambda e: [str(p) for p in e.path])
    if errors:
        raise FlowcError(f"{path}: invalid [tool.flowc]: " + "; ".join(_describe(e) for e in errors[:5]))


def _describe(error: SchemaError) -> str:
    where = ".".join(str(p) for p in error.path)
    return f"tool.flowc.{where}: {error.message}" if where else f"tool.flowc: {error.message}"


# --- the JSON Schema keywords config.schema.json uses ------------------------------------------


@frozen
class SchemaError:
    path: tuple[str | int, ...]  # where in the table: keys and list indexes
    keyword: str  # the schema keyword that failed
    message: str


_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "number": (int, float),
    "integer": (int, float),
}


def schema_errors(root: dict[str, Any], value: object) -> Iterator[SchemaError]:
    """Every way `value` fails `root` (Draft 2020-12, for the keywords in `KEYWORDS`)."""
    yield from _errors(root, root, value, ())


def _errors(
    root: dict[str, Any], node: dict[str, Any], value: object, path: tuple[str | int, ...]
) -> Iterator[SchemaError]:
    for keyword, expected in node.items():
        check = KEYWORDS[keyword]  # a KeyError: the schema grew a keyword this module lacks
        message = check(expected, value) if check else None
        if message:
            yield SchemaError(path, keyword, message)
    if "$ref" in node:
        yield from _errors(root, _resolve(root, node["$ref"]), value, path)
    if isinstance(value, dict):
        properties = node.get("properties", {})
        unknown = sorted(set(value) - set(properties))
        if unknown and node.get("additionalProperties") is False:
            names = ", ".join(repr(k) for k in unknown)
            yield SchemaError(
                path, "additionalProperties", f"{names} (allowed: {', '.join(sorted(properties))})"
            )
        for key, item in value.items():
            if key in properties:
                yield from _errors(root, properties[key], item, (*path, key))
    if isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            yield from _errors(root, node["items"], item, (*path, index))


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node  # type: ignore[no-any-return]


def _is_type(value: object, name: str) -> bool:
    if isinstance(value, bool):
        return name == "boolean"
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[name])


def _same(a: object, b: object) -> bool:
    """JSON equality: `true` is not `1`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def _type(expected: str, value: object) -> str | None:
    return None if _is_type(value, expected) else f"{value!r} is not of type {expected!r}"


def _enum(expected: list[object], value: object) -> str | None:
    return None if any(_same(value, e) for e in expected) else f"{value!r} is not one of {expected!r}"


def _unique(expected: bool, value: object) -> str | None:
    if not expected or not isinstance(value, list):
        return None
    repeated = any(_same(a, b) for i, a in enumerate(value) for b in value[i + 1 :])
    return f"{value!r} has non-unique elements" if repeated else None


def _min_length(expected: int, value: object) -> str | None:
    return f"{value!r} is too short" if isinstance(value, str) and len(value) < expected else None


def _minimum(expected: float, value: object) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < expected:
        return f"{value!r} is less than the minimum of {expected!r}"
    return None


def _pattern(expected: str, value: object) -> str | None:
    if isinstance(value, str) and not _ecma_regex(expected).search(value):
        return f"{value!r} does not match {expected!r}"
    return None


# a `$` that is neither escaped nor in a character class; those two are skipped whole
_DOLLAR = re.compile(r"\\.|\[(?:\\.|[^\]\\])*\]|(\$)")


@functools.cache
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    """`pattern` read as JSON Schema reads it, in ECMA-262's dialect, where `$` (without the
    multiline flag) is the end of the text only; Python's `$` also matches before a final
    newline, which would let `namespace = "ml\\n"` through. The schema's patterns use nothing
    else the two dialects read differently (a test holds it to that)."""
    return re.compile(_DOLLAR.sub(lambda m: r"\Z" if m.group(1) else m.group(0), pattern))


# The keywords config.schema.json may use: a check of one value, or None for keywords that
# annotate or that `_errors` applies itself (references, properties, items).
KEYWORDS: dict[str, Callable[[Any, object], str | None] | None] = {
    "type": _type,
    "enum": _enum,
    "uniqueItems": _unique,
    "minLength": _min_length,
    "minimum": _minimum,
    "pattern": _pattern,
    "$ref": None,
    "properties": None,
    "additionalProperties": None,
    "items": None,
    "$schema": None,
    "$defs": None,
    "title": None,
    "description": None,
}
