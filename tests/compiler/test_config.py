"""`[tool.flowc]` in pyproject.toml: discovery, validation (agreeing with jsonschema, never importing it)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flowc.compiler.config import (
    KEYWORDS,
    Config,
    ConfigFinder,
    find_pyproject,
    governing_config,
    load_config,
    schema,
    schema_errors,
)
from flowc.compiler.diagnostics import FlowcError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st


def write_pyproject(root: Path, text: str) -> Path:
    path = root / "pyproject.toml"
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def config_error(root: Path, text: str) -> str:
    write_pyproject(root, text)
    with pytest.raises(FlowcError) as info:
        load_config(root)
    return str(info.value)


def test_no_pyproject_means_an_empty_config(tmp_path: Path) -> None:
    assert find_pyproject(tmp_path) is None
    assert load_config(tmp_path) == Config()


def test_pyproject_without_a_flowc_table(tmp_path: Path) -> None:
    path = write_pyproject(tmp_path, '[project]\nname = "demo"\n')
    assert load_config(tmp_path) == Config(path=path)


def test_found_upward_from_a_file(tmp_path: Path) -> None:
    path = write_pyproject(tmp_path, '[tool.flowc]\nselect = ["FC2"]\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "flow.py").write_text("")
    assert find_pyproject(nested / "flow.py") == path
    assert load_config(nested / "flow.py").select == ["FC2"]


def test_the_nearest_pyproject_wins(tmp_path: Path) -> None:
    write_pyproject(tmp_path, '[tool.flowc]\nselect = ["FC2"]\n')
    inner = tmp_path / "sub"
    inner.mkdir()
    write_pyproject(inner, '[tool.flowc]\nselect = ["FC3"]\n')
    assert load_config(inner).select == ["FC3"]


def test_a_valid_table(tmp_path: Path) -> None:
    path = write_pyproject(
        tmp_path,
        """
        [tool.flowc]
        select = ["FC2", "FC301"]
        extend-select = ["FC5"]
        ignore = ["FC206"]
        exclude = ["build/*"]
        default-image = "ghcr.io/acme/ml:1"
        targets = ["argo", "kfp"]
        output-dir = "dist"
        namespace = "ml"
        allow-dirty = true

        [tool.flowc.argo]
        server = "https://argo.example.com"
        namespace = "argo"
        version = 4
        kind = "template"
        size-budget = 700000

        [tool.flowc.kfp]
        host = "http://localhost:8080"
        experiment = "nightly"
        """,
    )
    config = load_config(tmp_path)
    assert config.path == path
    assert config.select == ["FC2", "FC301"]
    assert config.extend_select == ["FC5"]
    assert config.ignore == ["FC206"]
    assert config.exclude == ["build/*"]
    assert config.default_image == "ghcr.io/acme/ml:1"
    assert config.raw["argo"]["version"] == 4
    assert config.raw["targets"] == ["argo", "kfp"]


def test_an_empty_table_selects_nothing_in_particular(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[tool.flowc]\n")
    config = load_config(tmp_path)
    assert (config.select, config.ignore, config.extend_select) == (None, [], [])


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("[tool.flowc]\nbogus = 1\n", "bogus"),
        ('[tool.flowc]\nselect = ["FC2"]\ndefault_image = "x"\n', "default_image"),
        ('[tool.flowc.kfp]\nhoste = "x"\n', "hoste"),
        ('[tool.flowc.argo]\nservers = "x"\n', "servers"),
    ],
)
def test_an_unknown_key_is_named(tmp_path: Path, table: str, key: str) -> None:
    assert key in config_error(tmp_path, table)


@pytest.mark.parametrize(
    ("table", "path"),
    [
        ('[tool.flowc]\nselect = "FC2"\n', "tool.flowc.select"),
        ("[tool.flowc]\nignore = [201]\n", "tool.flowc.ignore.0"),
        ('[tool.flowc]\nignore = ["E501"]\n', "tool.flowc.ignore.0"),
        ("[tool.flowc]\ndefault-image = 3\n", "tool.flowc.default-image"),
        ('[tool.flowc]\ndefault-image = ""\n', "tool.flowc.default-image"),
        ('[tool.flowc]\ntargets = ["airflow"]\n', "tool.flowc.targets.0"),
        ('[tool.flowc]\nnamespace = "My_NS"\n', "tool.flowc.namespace"),
        ('[tool.flowc]\nallow-dirty = "yes"\n', "tool.flowc.allow-dirty"),
        ("[tool.flowc.argo]\nversion = 5\n", "tool.flowc.argo.version"),
        ("[tool.flowc.argo]\nsize-budget = 10\n", "tool.flowc.argo.size-budget"),
        ('[tool.flowc.argo]\nkind = "cron"\n', "tool.flowc.argo.kind"),
        ('[tool.flowc]\nargo = "x"\n', "tool.flowc.argo"),
        # `$` is the end of the text in JSON Schema's (ECMA-262) patterns, not before a last newline
        ('[tool.flowc]\nnamespace = "ml\\n"\n', "tool.flowc.namespace"),
        ('[tool.flowc]\nselect = ["FC2\\n"]\n', "tool.flowc.select.0"),
        ('[tool.flowc.kfp]\ntoken-env = "TOKEN\\n"\n', "tool.flowc.kfp.token-env"),
    ],
)
def test_a_wrong_type_names_the_dotted_path(tmp_path: Path, table: str, path: str) -> None:
    assert path in config_error(tmp_path, table)


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[tool.flowc]\nselect = "FC2"\nbogus = 1\n')
    assert "tool.flowc.select" in message
    assert "bogus" in message


def test_invalid_toml_is_a_flowc_error(tmp_path: Path) -> None:
    message = config_error(tmp_path, "[tool.flowc\n")
    assert "pyproject.toml" in message


def test_an_explicit_config_without_the_table_is_an_error(tmp_path: Path) -> None:
    path = write_pyproject(tmp_path, '[project]\nname = "demo"\n')
    with pytest.raises(FlowcError):
        load_config(tmp_path, explicit=path)


def test_an_explicit_config_overrides_discovery(tmp_path: Path) -> None:
    write_pyproject(tmp_path, '[tool.flowc]\nselect = ["FC2"]\n')
    other = tmp_path / "other"
    other.mkdir()
    explicit = write_pyproject(other, '[tool.flowc]\nselect = ["FC3"]\n')
    config = load_config(tmp_path, explicit=explicit)
    assert (config.path, config.select) == (explicit, ["FC3"])


# --- ConfigFinder: `flowc lint`'s discovery, one configuration per directory ----------------------


def projects(root: Path) -> tuple[Path, Path]:
    """root/ with a table; root/sub/ with a pyproject.toml without one; root/other/ with its own."""
    outer = write_pyproject(root, '[tool.flowc]\nselect = ["FC2"]\n')
    (root / "sub").mkdir()
    write_pyproject(root / "sub", '[project]\nname = "demo"\n')
    (root / "other").mkdir()
    inner = write_pyproject(root / "other", '[tool.flowc]\nselect = ["FC3"]\n')
    return outer, inner


def test_the_finder_gives_each_directory_its_nearest_table(tmp_path: Path) -> None:
    outer, inner = projects(tmp_path.resolve())
    find = ConfigFinder()
    found = {name: find(tmp_path.resolve() / name) for name in (".", "sub", "other")}
    assert {name: (c.path, c.select) for name, c in found.items()} == {
        ".": (outer, ["FC2"]),
        "sub": (outer, ["FC2"]),  # a pyproject.toml without [tool.flowc] is passed over
        "other": (inner, ["FC3"]),
    }
    assert (find.root(found["sub"]), find.root(found["other"])) == (outer.parent, inner.parent)


def test_load_config_still_stops_at_the_nearest_pyproject(tmp_path: Path) -> None:
    """`compile` and the other commands keep their discovery."""
    projects(tmp_path)
    assert load_config(tmp_path / "sub") == Config(path=tmp_path / "sub" / "pyproject.toml")


def test_the_finder_without_any_table_gives_defaults(tmp_path: Path) -> None:
    write_pyproject(tmp_path, '[project]\nname = "demo"\n')
    assert ConfigFinder()(tmp_path.resolve()) == Config()


def test_an_explicit_config_governs_every_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, inner = projects(tmp_path.resolve())
    monkeypatch.chdir(tmp_path / "sub")
    find = ConfigFinder(inner)
    assert {find(tmp_path.resolve() / name).path for name in (".", "sub", "other")} == {inner}
    assert find.root(find(tmp_path.resolve())) == (tmp_path / "sub").resolve()  # as in ruff


LONG_NAME = "a" * 300  # longer than any file system allows a name to be


def test_a_folder_the_os_refuses_is_a_flowc_error_naming_it(tmp_path: Path) -> None:
    for look in (find_pyproject, ConfigFinder(), load_config):
        with pytest.raises(FlowcError, match=LONG_NAME):
            look(tmp_path.resolve() / LONG_NAME)


def test_an_explicit_config_the_os_refuses_is_a_flowc_error(tmp_path: Path) -> None:
    for explicit in (tmp_path / LONG_NAME, tmp_path):
        with pytest.raises(FlowcError):
            ConfigFinder(explicit)


def test_the_finder_reports_an_invalid_table(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[tool.flowc]\nbogus = 1\n")
    with pytest.raises(FlowcError, match="bogus"):
        ConfigFinder()(tmp_path.resolve())


def test_the_schema_is_a_closed_object() -> None:
    data = schema()
    assert data["type"] == "object"
    assert data["additionalProperties"] is False
    assert {"select", "ignore", "extend-select", "exclude", "default-image"} <= set(data["properties"])


_PROBE = """
import sys
from pathlib import Path
from typing import Any
from flowc.compiler.config import load_config
try:
    load_config(Path(sys.argv[1]))
except Exception as exc:
    print(type(exc).__name__)
print("jsonschema" in sys.modules)
"""


@pytest.mark.parametrize(
    "text",
    [None, '[project]\nname = "demo"\n', '[tool.flowc]\nselect = ["FC2"]\n', "[tool.flowc]\nbogus = 1\n"],
    ids=["no-pyproject", "no-table", "table", "invalid-table"],
)
def test_jsonschema_is_never_imported(tmp_path: Path, text: str | None) -> None:
    if text is not None:
        write_pyproject(tmp_path, text)
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(tmp_path)], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split()[-1] == "False"


# --- the schema check agrees with jsonschema -----------------------------------------------------


def test_the_schema_uses_only_keywords_the_check_knows() -> None:
    def keywords(node: object) -> set[str]:
        if isinstance(node, list):
            return set().union(*(keywords(n) for n in node)) if node else set()
        if not isinstance(node, dict):
            return set()
        found = set(node) - {"properties", "$defs"}
        for key in ("properties", "$defs"):
            found |= set().union(*(keywords(v) for v in node.get(key, {}).values()))
        return found | keywords(node.get("items"))

    assert keywords(schema()) <= set(KEYWORDS)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5000) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _near(node: dict[str, Any]) -> st.SearchStrategy[object]:
    """Values for a schema node: mostly of the expected shape, with near misses and noise."""
    root = schema()
    if "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
    options: list[st.SearchStrategy[object]] = [_JSON]
    if "enum" in node:
        options.append(st.sampled_from(node["enum"]))
    if "pattern" in node:
        options.append(
            st.from_regex(node["pattern"], fullmatch=True) | st.sampled_from(["", "FC", "ALL", "a-b", "X1"])
        )
    if node.get("type") == "object":
        keys = st.sampled_from([*node.get("properties", {}), "bogus"])
        options.append(
            st.dictionaries(keys, st.deferred(lambda: _JSON), max_size=4).flatmap(
                lambda d: st.fixed_dictionaries({k: _near(node.get("properties", {}).get(k, {})) for k in d})
            )
        )
    if node.get("type") == "array":
        options.append(st.lists(_near(node.get("items", {})), max_size=3))
    if node.get("type") in ("integer", "number"):
        options.append(st.integers(0, 5000) | st.floats(0, 5000, allow_nan=False))
    if node.get("type") == "string":
        options.append(st.text(max_size=3))
    return st.one_of(options)


def _ecma_pattern(validator: Any, expected: str, instance: object, _: object) -> Iterator[Any]:
    """JSON Schema's `pattern`: an ECMA-262 search, whose `$` is the end of the text only.
    jsonschema runs Python's `re.search`, whose `$` also matches before a last newline. A
    pattern anchored at both ends, as the schema's are, is one Python `fullmatch` of its body."""
    import jsonschema

    body = expected.removeprefix("^").removesuffix("$")
    assert f"^{body}$" == expected and "|" not in re.sub(r"\([^()]*\)", "", body), expected
    if validator.is_type(instance, "string") and re.fullmatch(body, instance) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {expected!r}")


def test_the_schema_patterns_read_alike_in_ecma_262_and_python() -> None:
    """Nothing the two dialects read differently (`.`, `\\d`, `\\w`, `\\s`, flags, escapes)."""
    for pattern in _patterns(schema()):
        assert re.fullmatch(r"[\^$()|?*+{},\[\]A-Za-z0-9_-]*", pattern), pattern


def _patterns(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for value in node.values():
            yield from _patterns(value)


EDGES = ["", "a", "ml", "ml\n", "ml\r", "ml\n\n", "\nml", "ml\u2028", "FC2\n", "ALL\n", "A_1\n", "1A"]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node, an ECMA-262 engine")
def test_the_pattern_check_agrees_with_an_ecma_262_engine() -> None:
    cases = [(p, text) for p in _patterns(schema()) for text in EDGES]
    script = "const c = JSON.parse(require('fs').readFileSync(0)); console.log(JSON.stringify(c.map(([p, s]) => new RegExp(p, 'u').test(s))))"
    done = subprocess.run(
        ["node", "-e", script],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    theirs = json.loads(done.stdout)
    ours = [not list(schema_errors({"pattern": p}, text)) for p, text in cases]
    assert ours == theirs


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_near(schema()))
@example({"argo": {"size-budget": 10, "version": True}})
@example({"argo": {"size-budget": 2048.0, "version": 3.0}, "targets": ["argo", "argo"]})
@example({"allow-dirty": 1, "kfp": {"token-env": "1X", "experiment": ""}, "select": ["fc1", "ALL", "E501"]})
@example({"namespace": "ml\n", "argo": {"namespace": "a\n", "token-env": "T\n"}, "select": ["FC2\n"]})
@example({"kfp": {"namespace": "\nml", "token-env": "T\r"}, "ignore": ["ALL\n\n"], "extend-select": ["fc\n"]})
def test_the_check_finds_what_jsonschema_finds(value: object) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})
    theirs = {(tuple(e.absolute_path), e.validator) for e in validator(schema()).iter_errors(value)}
    ours = {(e.path, e.keyword) for e in schema_errors(schema(), value)}
    assert ours == theirs


def test_a_tool_key_that_is_not_a_table_is_not_flowcs(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("tool = 3\n")
    assert load_config(tmp_path / "flow.py").raw == {}
    assert governing_config(tmp_path / "flow.py").raw == {}


def test_every_command_reads_the_configuration_lint_reads(tmp_path: Path) -> None:
    """A pyproject.toml without the table (a sub-package's) is passed over, as lint does."""
    (tmp_path / "pyproject.toml").write_text("[tool.flowc]\nignore = ['FC206']\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "pyproject.toml").write_text("[project]\nname = 'pkg'\n")
    settings = governing_config(tmp_path / "pkg" / "flow.py")
    assert settings.path == tmp_path / "pyproject.toml" and settings.ignore == ["FC206"]
