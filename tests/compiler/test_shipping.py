"""Step shipping: every generated script is run for real, as an engine would run it.

A script gets exactly what an engine gives it — `FLOWC_IN_<p>` variables, files under
`FLOWC_INPUTS_DIR`, an empty `FLOWC_OUTPUTS_DIR`, a scratch working directory — in a fresh
interpreter without flowc (`-I -S`: no site-packages at all) and without the repository on the
path. Its output files are compared with what the step returns when called in-process.
Diagnostics are asserted by code and position, never by wording.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import inspect
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from flowc.compiler import ir, shipping_runtime
from flowc.compiler import types as t
from flowc.compiler.frontend.loader import LoadResult, load_file, load_flow
from flowc.compiler.shipping import (
    Descriptor,
    Script,
    encode_value,
    is_str_like,
    ship,
    ship_all,
    type_descriptor,
    value_reader,
)

from flowc import RunStatus
from tests.harness import lint_source, positions, write_project

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
STDLIB_ONLY = ("-I", "-S")  # isolated, and no site-packages: neither flowc nor anything installed


# --- running scripts -----------------------------------------------------------------------------


@dataclass
class Run:
    proc: subprocess.CompletedProcess[str]
    outputs: Path

    @property
    def ok(self) -> bool:
        return self.proc.returncode == 0

    def text(self, name: str = "output") -> str:
        """An output's text as an engine reads it: the file holds the text and one newline."""
        raw = (self.outputs / name).read_text(encoding="utf-8")
        return raw.removesuffix("\n")  # value outputs end with one; artifacts are as written

    def value(self, name: str = "output") -> Any:
        return json.loads(self.text(name))

    def names(self) -> list[str]:
        return sorted(p.name for p in self.outputs.iterdir()) if self.outputs.exists() else []


def run_script(
    source: str,
    where: Path,
    values: dict[str, str] | None = None,
    artifacts: dict[str, Path] | None = None,
    *,
    flags: tuple[str, ...] = STDLIB_ONLY,
    via: str = "file",
    filename: str = "step.py",
    extra_env: dict[str, str] | None = None,
) -> Run:
    """Run `source` in a fresh directory under `where` the way an engine would."""
    where.mkdir(parents=True, exist_ok=True)
    base = Path(os.path.realpath(where)) / f"run{len(list(where.iterdir()))}"
    inputs, outputs, work = base / "inputs", base / "outputs", base / "work"
    for folder in (inputs, work):
        folder.mkdir(parents=True)
    for name, path in (artifacts or {}).items():
        if path.is_dir():
            shutil.copytree(path, inputs / name)
        else:
            shutil.copyfile(path, inputs / name)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    env |= {"FLOWC_INPUTS_DIR": str(inputs), "FLOWC_OUTPUTS_DIR": str(outputs)}
    env |= {f"FLOWC_IN_{k}": v for k, v in (values or {}).items()} | (extra_env or {})
    command = [sys.executable, *flags]
    if via == "-c":
        command += ["-c", source]
    else:
        script = base / filename
        script.write_text(source, encoding="utf-8")
        command.append(str(script))
    proc = subprocess.run(
        command, env=env, cwd=work, capture_output=True, text=True, timeout=120, check=False
    )
    return Run(proc, outputs)


def shipped(
    root: Path, files: dict[str, str], entry: str = "flow.py"
) -> tuple[LoadResult, dict[str, Script]]:
    """Write a project, load `entry` like `flowc lint` does, and ship every step."""
    root.mkdir(parents=True, exist_ok=True)
    write_project(root, files)
    loaded = load_file(root / entry)
    assert loaded.program is not None, loaded.diagnostics
    return loaded, ship_all(loaded.program, loaded.sources)


def script_of(scripts: dict[str, Script], function: str) -> Script:
    return next(s for key, s in scripts.items() if key.endswith(f":{function}"))


def codes_at(scripts: dict[str, Script], function: str) -> list[tuple[str, int, int]]:
    return positions(script_of(scripts, function).diagnostics)


def runtime_part(source: str) -> str:
    """What flowc puts before the user's code: header and runtime, without a blank line."""
    return source[: source.index("\n\n\n")]


def user_code(source: str) -> str:
    """The user's code: between the runtime and the call of the step."""
    return source[source.index("\n\n\n") : source.rindex('\n\n\nif __name__ == "__main__":')]


@pytest.fixture
def importer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[[Path, str], ModuleType]]:
    """Import a module of a project in-process (what calling the step directly means)."""
    added: list[str] = []

    def load(root: Path, name: str) -> ModuleType:
        monkeypatch.syspath_prepend(str(root))
        added.append(name)
        return importlib.import_module(name)

    yield load
    for name, module in list(sys.modules.items()):
        origin = getattr(module, "__file__", None) or ""
        if name in added or origin.startswith(str(tmp_path)):
            del sys.modules[name]


# --- helpers, constants, classes, imports --------------------------------------------------------

HELPERS_PROJECT = {
    "pkg/__init__.py": "",
    "pkg/consts.py": """
        BASE = "base"
        SEP = BASE + "-"  # a constant built from another constant
        UNUSED = "never shipped"
        """,
    "pkg/helpers.py": """
        import re as regex

        from pkg.consts import SEP

        WIDTH = 6


        def _pad(text: str) -> str:
            return text.rjust(WIDTH, "_")


        def clean(text: str) -> str:
            return SEP + _pad(regex.sub(r"\\s+", "", text))


        class Base:
            scale = 2


        class Box(Base):
            def __init__(self, n: int) -> None:
                self.n = n

            def doubled(self) -> int:
                return self.n * self.scale


        def unused() -> None:
            raise AssertionError("never shipped")
        """,
    "flow.py": """
        import json as j
        from collections import Counter
        from typing import NamedTuple

        from flowc import flow, step
        from pkg.helpers import Box, clean as tidy

        LIMIT = 2
        FACTOR = LIMIT * 10


        class Summary(NamedTuple):
            text: str
            counts: dict[str, int]
            total: int


        def count_letters(text: str) -> dict[str, int]:
            return dict(Counter(text).most_common(LIMIT))


        @step
        def summarize(text: str, n: int = FACTOR) -> Summary:
            cleaned = tidy(text)
            counts = count_letters(cleaned)
            total = Box(n).doubled() + len([c for c in cleaned if c in counts])
            return Summary(text=cleaned, counts=j.loads(j.dumps(counts)), total=total)


        @flow
        def main(text: str = "a b a") -> None:
            summarize(text)


        if __name__ == "__main__":
            raise SystemExit("the module's other statements never run in the container")
        """,
}


def test_helpers_are_shipped_transitively_across_modules(tmp_path: Path, importer: Any) -> None:
    root = tmp_path / "proj"
    _, scripts = shipped(root, HELPERS_PROJECT)
    script = script_of(scripts, "summarize")
    assert script.diagnostics == ()
    run = run_script(script.source, tmp_path / "runs", {"text": "a b  a"})
    assert run.ok, run.proc.stderr
    expected = importer(root, "flow").summarize("a b  a")
    assert (run.text("text"), run.value("counts"), run.value("total")) == (
        expected.text,
        expected.counts,
        expected.total,
    )
    assert run.names() == ["counts", "text", "total"]


def test_what_is_shipped_is_exactly_what_the_step_uses_in_source_order(tmp_path: Path) -> None:
    _, scripts = shipped(tmp_path / "proj", HELPERS_PROJECT)
    user = user_code(script_of(scripts, "summarize").source)
    order = [
        "import json as j",
        "from collections import Counter",
        "from typing import NamedTuple",
        "import re as regex",
        'BASE = "base"',
        'SEP = BASE + "-"',
        "WIDTH = 6",
        "def _pad(",
        "def clean(",
        "class Base:",
        "class Box(Base):",
        "tidy = clean",
        "LIMIT = 2",
        "FACTOR = LIMIT * 10",
        "class Summary(NamedTuple):",
        "def count_letters(",
        "def summarize(",
    ]
    assert [user.index(line) for line in order] == sorted(user.index(line) for line in order)
    for absent in ("UNUSED", "def unused", "def main", "flowc", "@step", "__main__", "import re\n"):
        assert absent not in user


def test_module_imports_and_default_from_a_constant(tmp_path: Path, importer: Any) -> None:
    root = tmp_path / "proj"
    _, scripts = shipped(root, HELPERS_PROJECT)
    script = script_of(scripts, "summarize").source
    run = run_script(script, tmp_path / "runs", {"text": "abcab"})  # n falls back to FACTOR
    assert run.ok, run.proc.stderr
    # Box(FACTOR).doubled() == 40, plus the 6 letters of "base-_abcab" among the 2 most common
    assert run.value("total") == importer(root, "flow").summarize("abcab").total == 46


NESTED_SCOPES = """
import math
from functools import reduce

from flowc import flow, step

OFFSET = 1
SCALE = 10
counter = 0


def bump() -> int:
    global counter
    counter += 1
    return counter


def apply(fn, value):
    return fn(value)


@step
def nested(values: list[int]) -> list[float]:
    def inner(v: int, shift: int = OFFSET) -> float:
        return math.sqrt(v) + shift

    scaled = [apply(lambda v: v * SCALE, v) for v in values]
    total = reduce(lambda a, b: a + b, scaled, 0)
    local_math = {m: inner(m) for m in values if m > bump()}
    return [total, *sorted(local_math.values())]


@flow
def main() -> None:
    nested([1, 4, 9])
"""


def test_names_used_in_nested_functions_lambdas_and_comprehensions(tmp_path: Path, importer: Any) -> None:
    root = tmp_path / "proj"
    _, scripts = shipped(root, {"flow.py": NESTED_SCOPES})
    script = script_of(scripts, "nested")
    assert script.diagnostics == ()
    run = run_script(script.source, tmp_path / "runs", {"values": "[1, 4, 9]"})
    assert run.ok, run.proc.stderr
    assert run.value() == importer(root, "flow").nested([1, 4, 9])


def test_relative_import_inside_a_package_is_inlined(tmp_path: Path, importer: Any) -> None:
    files = {
        "app/__init__.py": "",
        "app/text.py": "PREFIX = '>'\n\ndef shout(s: str) -> str:\n    return PREFIX + s.upper()\n",
        "app/steps.py": """
            from flowc import step
            from .text import shout


            @step
            def loud(s: str) -> str:
                return shout(s)
            """,
        "flow.py": """
            from flowc import flow
            from app.steps import loud


            @flow
            def main() -> None:
                loud("x")
            """,
    }
    root = tmp_path / "proj"
    _, scripts = shipped(root, files)
    script = script_of(scripts, "loud")
    assert script.diagnostics == ()
    assert script.source.startswith("# flowc step script: app.steps.loud\n")
    run = run_script(script.source, tmp_path / "runs", {"s": "hey"})
    assert run.ok, run.proc.stderr
    assert run.text() == importer(root, "app.steps").loud("hey") == ">HEY"


def test_flowc_names_work_without_flowc(tmp_path: Path) -> None:
    source = """
        import flowc as fc
        from flowc import Dataset as Data, RunStatus as Status, step


        @fc.step(retries=fc.Retry(limit=2))
        def describe(data: Data, status: Status, model: fc.Model) -> str:
            kinds = [type(x).__name__ for x in (data, model)]
            return f"{status} {status.value} {status == 'Failed'} {status is Status.FAILED} {kinds}"
        """
    root = tmp_path / "proj"
    _, scripts = shipped(root, {"flow.py": source})
    script = script_of(scripts, "describe").source
    assert "import flowc" not in script
    assert "from flowc" not in script
    data, model = tmp_path / "data.csv", tmp_path / "model"
    data.write_text("x\n")
    model.mkdir()
    (model / "weights").write_text("w")
    run = run_script(script, tmp_path / "runs", {"status": "Failed"}, {"data": data, "model": model})
    assert run.ok, run.proc.stderr
    assert run.text() == "Failed Failed True True ['PosixPath', 'PosixPath']"


# --- decoding inputs by declared type ------------------------------------------------------------

DECODING = [
    ("str", "hello", "hello"),
    ("str", '"quoted"', '"quoted"'),
    ("str", "null", "null"),
    ("int", "3", 3),
    ("int", "3.0", 3),  # KFP hands collected ints back as floats
    ("float", "2", 2.0),
    ("float", "0.1", 0.1),
    ("bool", "true", True),
    ("list[float]", "[0.5, 0.7]", [0.5, 0.7]),
    ("list[float]", '["0.5", "0.7"]', [0.5, 0.7]),  # Argo aggregates fanned-in outputs as texts
    ("list[int]", "[1.0, 2.0]", [1, 2]),
    ("list[list[int]]", '["[1,2]", "[3]"]', [[1, 2], [3]]),
    ("list[str]", '["1", "a"]', ["1", "a"]),
    ("list[dict[str, float]]", '["{\\"a\\": 1}"]', [{"a": 1.0}]),
    ("dict[str, int]", '{"a": "1", "b": 2.0}', {"a": 1, "b": 2}),
    ("dict[str, list[str]]", '{"a": ["x"]}', {"a": ["x"]}),
    ("Optional[int]", "null", None),
    ("Optional[int]", "5", 5),
    ("int | None", "5.0", 5),
    ("Optional[str]", "null", None),
    ("Optional[str]", "text", "text"),
    ("list[Optional[float]]", '["0.5", null]', [0.5, None]),
    ("Any", '{"a": [1]}', {"a": [1]}),
    ("Any", "not json", "not json"),
    ("Any", '["1", 2]', ["1", 2]),
    ('Literal["fast", "full"]', "fast", "fast"),
    ("Literal[1, 2]", "2", 2),
    ("list[bool]", '["true", false]', [True, False]),
]
DECODING_SOURCE = "from typing import Any, Literal, Optional\nfrom flowc import step\n" + "".join(
    f"\n\n@step\ndef echo_{i}(x: {ann}) -> str:\n    return repr(x)\n"
    for i, (ann, _, _) in enumerate(DECODING)
)


@pytest.fixture(scope="module")
def decoding_scripts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Script]:
    return shipped(tmp_path_factory.mktemp("decoding"), {"flow.py": DECODING_SOURCE})[1]


@pytest.mark.parametrize(
    ("index", "case"), list(enumerate(DECODING)), ids=[f"{a}:{x}" for a, x, _ in DECODING]
)
def test_inputs_are_decoded_by_declared_type(
    decoding_scripts: dict[str, Script], tmp_path: Path, index: int, case: tuple[str, str, Any]
) -> None:
    _, text, expected = case
    run = run_script(script_of(decoding_scripts, f"echo_{index}").source, tmp_path, {"x": text})
    assert run.ok, run.proc.stderr
    assert run.text() == repr(expected)


@pytest.mark.parametrize(
    ("annotation", "text"),
    [("int", "2.5"), ("int", "abc"), ("list[int]", '{"a": 1}'), ("bool", "1"), ('Literal["a"]', "b")],
)
def test_undecodable_inputs_fail_with_a_message(tmp_path: Path, annotation: str, text: str) -> None:
    source = f"from typing import Literal\nfrom flowc import step\n\n@step\ndef f(x: {annotation}) -> None:\n    pass\n"
    _, scripts = shipped(tmp_path / "proj", {"flow.py": source})
    run = run_script(script_of(scripts, "f").source, tmp_path / "runs", {"x": text})
    assert run.proc.returncode != 0
    assert "flowc: input `x`" in run.proc.stderr
    assert "Traceback" not in run.proc.stderr


def test_target_encoding_round_trips_through_the_runner(tmp_path: Path) -> None:
    """`encode_value` (what targets put in FLOWC_IN_) is what the runner decodes back."""
    cases: list[tuple[str, t.Type, t.JsonValue]] = [
        ("str", t.STR, 'a "b" {{c}}'),
        ("int", t.INT, -7),
        ("float", t.FLOAT, 1.5),
        ("bool", t.BOOL, False),
        ("Optional[str]", t.OptionalT(t.STR), None),
        ("Optional[str]", t.OptionalT(t.STR), "x"),
        ("list[str]", t.ListT(t.STR), ["a", "1"]),
        ("dict[str, Optional[int]]", t.DictT(t.OptionalT(t.INT)), {"a": 1, "b": None}),
        ('Literal["x", "y"]', t.LiteralT(("x", "y")), "y"),
        ("Any", t.ANY, {"k": [1, "2"]}),
    ]
    params = ", ".join(f"p{i}: {ann}" for i, (ann, _, _) in enumerate(cases))
    source = (
        "from typing import Any, Literal, Optional\nfrom flowc import step\n\n"
        f"@step\ndef echo({params}) -> str:\n    return repr([{', '.join(f'p{i}' for i in range(len(cases)))}])\n"
    )
    _, scripts = shipped(tmp_path / "proj", {"flow.py": source})
    values = {f"p{i}": encode_value(value, typ) for i, (_, typ, value) in enumerate(cases)}
    run = run_script(script_of(scripts, "echo").source, tmp_path / "runs", values)
    assert run.ok, run.proc.stderr
    assert run.text() == repr([value for _, _, value in cases])


def test_type_descriptors_and_text_forms() -> None:
    assert type_descriptor(t.ListT(t.OptionalT(t.FLOAT))) == {
        "k": "list",
        "item": {"k": "optional", "inner": {"k": "float"}},
    }
    assert type_descriptor(t.ArtifactT("Model")) == {"k": "artifact", "kind": "Model"}
    assert type_descriptor(t.LiteralT(("a", 1))) == {"k": "literal", "values": ["a", 1]}
    assert [is_str_like(x) for x in (t.STR, t.LiteralT(("a",)), t.RunStatusT())] == [True] * 3
    assert [is_str_like(x) for x in (t.ANY, t.LiteralT(("a", 1)), t.OptionalT(t.STR))] == [False] * 3
    assert encode_value({"b": 1, "a": [1.5]}, t.DictT(t.ANY)) == '{"a":[1.5],"b":1}'
    assert encode_value("x", t.OptionalT(t.STR)) == "x"
    assert encode_value(None, t.OptionalT(t.STR)) == "null"
    assert encode_value("x", t.ANY) == '"x"'


# --- outputs ---------------------------------------------------------------------------------------

OUTPUTS_SOURCE = """
from typing import Any, Literal, NamedTuple, Optional
from flowc import step


class Pair(NamedTuple):
    label: str
    scores: dict[str, float]


@step
def text() -> str:
    return "line 1\\nline 2"


@step
def number() -> float:
    return 0.1 + 0.2


@step
def nested() -> dict[str, list[int]]:
    return {"b": [2], "a": [1]}


@step
def nothing() -> None:
    return None


@step
def maybe() -> Optional[int]:
    return None


@step
def pair() -> Pair:
    return Pair(label="ünï", scores={"z": 1.0, "a": 0.5})


@step
def choice() -> Literal["x", "y"]:
    return "y"


@step
def anything() -> Any:
    return ["a", 1]


@step
def not_a_number() -> float:
    return float("nan")


@step
def wrong_type() -> str:
    return 5


@step
def broken(x: int) -> int:
    raise ValueError(f"cannot handle {x}")
"""

EXPECTED_OUTPUTS = {
    "text": {"output": "line 1\nline 2"},
    "number": {"output": "0.30000000000000004"},
    "nested": {"output": '{"a":[1],"b":[2]}'},
    "nothing": {},
    "maybe": {"output": "null"},
    "pair": {"label": "ünï", "scores": '{"a":0.5,"z":1.0}'},
    "choice": {"output": "y"},
    "anything": {"output": '["a",1]'},
}


@pytest.fixture(scope="module")
def output_scripts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Script]:
    return shipped(tmp_path_factory.mktemp("outputs"), {"flow.py": OUTPUTS_SOURCE})[1]


@pytest.mark.parametrize(("function", "files"), EXPECTED_OUTPUTS.items(), ids=list(EXPECTED_OUTPUTS))
def test_outputs_are_written_in_their_text_form(
    output_scripts: dict[str, Script], tmp_path: Path, function: str, files: dict[str, str]
) -> None:
    run = run_script(script_of(output_scripts, function).source, tmp_path)
    assert run.ok, run.proc.stderr
    assert {name: run.text(name) for name in run.names()} == files


@pytest.mark.parametrize("function", ["not_a_number", "wrong_type", "broken"])
def test_a_failing_step_exits_non_zero(
    output_scripts: dict[str, Script], tmp_path: Path, function: str
) -> None:
    run = run_script(script_of(output_scripts, function).source, tmp_path, {"x": "3"})
    assert run.proc.returncode != 0
    assert run.proc.stderr.strip()
    assert "output" not in run.names()


def test_a_step_exception_keeps_its_traceback(output_scripts: dict[str, Script], tmp_path: Path) -> None:
    run = run_script(script_of(output_scripts, "broken").source, tmp_path, {"x": "3"})
    assert run.proc.returncode == 1
    assert "Traceback" in run.proc.stderr
    assert "ValueError: cannot handle 3" in run.proc.stderr


def test_a_missing_required_input_is_a_clear_error(output_scripts: dict[str, Script], tmp_path: Path) -> None:
    run = run_script(script_of(output_scripts, "broken").source, tmp_path)
    assert run.proc.returncode != 0
    assert "FLOWC_IN_x" in run.proc.stderr


# --- artifacts ---------------------------------------------------------------------------------

ARTIFACTS_SOURCE = """
import json
from pathlib import Path
from typing import NamedTuple, Optional

from flowc import HTML, Dataset, Model, step


class Trained(NamedTuple):
    model: Model
    size: int


@step
def train(data: Dataset, extra: Optional[Dataset] = None) -> Trained:
    rows = data.read_text().splitlines()
    out = Path("model")  # a directory artifact
    out.mkdir()
    (out / "weights.json").write_text(json.dumps({"rows": len(rows), "extra": extra is not None}))
    (out / "sub").mkdir()
    (out / "sub" / "meta.txt").write_text(data.name)
    return Trained(model=out, size=len(rows))


@step
def evaluate(model: Model) -> Dataset:
    weights = json.loads((model / "weights.json").read_text())
    out = Path("nested/dir/report.txt")  # a relative path
    out.parent.mkdir(parents=True)
    out.write_text(f"rows={weights['rows']} meta={(model / 'sub' / 'meta.txt').read_text()}")
    return str(out)  # a str is fine too


@step
def concat(pages: list[HTML]) -> HTML:
    out = Path("all.html")
    out.write_text("".join(p.read_text() for p in pages))
    return out


@step
def in_place() -> Dataset:
    import os

    out = Path(os.environ["FLOWC_OUTPUTS_DIR"]) / "output"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("written where it belongs")
    return out


@step
def missing() -> Dataset:
    return Path("never-written.csv")
"""


@pytest.fixture(scope="module")
def artifact_scripts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Script]:
    return shipped(tmp_path_factory.mktemp("artifacts"), {"flow.py": ARTIFACTS_SOURCE})[1]


def test_artifacts_in_and_out_files_and_directories(
    artifact_scripts: dict[str, Script], tmp_path: Path
) -> None:
    data = tmp_path / "rows.csv"
    data.write_text("a\nb\nc\n")
    trained = run_script(
        script_of(artifact_scripts, "train").source, tmp_path / "runs", artifacts={"data": data}
    )
    assert trained.ok, trained.proc.stderr
    assert trained.names() == ["model", "size"]
    assert json.loads((trained.outputs / "model" / "weights.json").read_text()) == {"rows": 3, "extra": False}
    assert (trained.outputs / "model" / "sub" / "meta.txt").read_text() == "data"  # the input's name
    assert trained.value("size") == 3
    evaluated = run_script(
        script_of(artifact_scripts, "evaluate").source,
        tmp_path / "runs",
        artifacts={"model": trained.outputs / "model"},
    )
    assert evaluated.ok, evaluated.proc.stderr
    assert evaluated.text() == "rows=3 meta=data"


def test_optional_artifact_present(artifact_scripts: dict[str, Script], tmp_path: Path) -> None:
    data = tmp_path / "rows.csv"
    data.write_text("a\n")
    run = run_script(
        script_of(artifact_scripts, "train").source,
        tmp_path / "runs",
        artifacts={"data": data, "extra": data},
    )
    assert run.ok, run.proc.stderr
    assert json.loads((run.outputs / "model" / "weights.json").read_text())["extra"] is True


def test_a_list_of_artifacts_is_a_directory_of_indexed_items(
    artifact_scripts: dict[str, Script], tmp_path: Path
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for i, text in enumerate(["<a>", "<b>", "<c>", "<d>", "<e>", "<f>", "<g>", "<h>", "<i>", "<j>", "<k>"]):
        (pages / str(i)).write_text(text)
    run = run_script(
        script_of(artifact_scripts, "concat").source, tmp_path / "runs", artifacts={"pages": pages}
    )
    assert run.ok, run.proc.stderr
    assert run.text() == "<a><b><c><d><e><f><g><h><i><j><k>"  # 10 sorts after 9, not after 1


def test_an_artifact_already_in_place_is_left_alone(
    artifact_scripts: dict[str, Script], tmp_path: Path
) -> None:
    run = run_script(script_of(artifact_scripts, "in_place").source, tmp_path / "runs")
    assert run.ok, run.proc.stderr
    assert run.text() == "written where it belongs"


def test_a_missing_artifact_output_or_input_fails(
    artifact_scripts: dict[str, Script], tmp_path: Path
) -> None:
    run = run_script(script_of(artifact_scripts, "missing").source, tmp_path / "runs")
    assert run.proc.returncode != 0
    assert "never-written.csv" in run.proc.stderr
    run = run_script(script_of(artifact_scripts, "evaluate").source, tmp_path / "runs")
    assert run.proc.returncode != 0
    assert "input `model`" in run.proc.stderr


# --- the runtime: only what a step needs ---------------------------------------------------------

MINIMAL_SOURCE = """
from flowc import step


@step
def double(x: int) -> int:
    return 2 * x


@step
def greet(name: str) -> str:
    return "hi " + name


@step
def cleanup() -> None:
    print("clean")
"""


def test_a_trivial_step_ships_a_small_script(tmp_path: Path) -> None:
    _, scripts = shipped(tmp_path / "proj", {"flow.py": MINIMAL_SOURCE})
    double = script_of(scripts, "double").source
    assert len(double.encode()) <= 1500, double
    run = run_script(double, tmp_path / "runs", {"x": "21"})
    assert run.ok, run.proc.stderr
    assert run.text() == "42"
    greet = script_of(scripts, "greet").source
    assert "dumps" not in runtime_part(greet)  # text out: nothing to encode (json reads a quoted item)
    assert run_script(greet, tmp_path / "runs", {"name": "you"}).text() == "hi you"
    cleanup = script_of(scripts, "cleanup").source
    assert runtime_part(cleanup) == "# flowc step script: flow.cleanup"  # no runtime at all
    assert cleanup.endswith('if __name__ == "__main__":\n    cleanup()\n')
    assert run_script(cleanup, tmp_path / "runs").proc.stdout == "clean\n"


# (parameters, return annotation, runtime text that must be there, that must not)
SELECTIVE = [
    (
        "x: int",
        "int",
        ["def _dec(", "def _enc(", "import json as _json, os as _os\n"],
        ["def _loc(", "def _place(", "shutil", '"list"', '"dict"', 't["inner"]', "RunStatus", "Path", "_art"],
    ),
    ("x: list[float]", "None", ['"list"', "def _dec("], ['"dict"', "def _enc(", "dumps", '"int"']),
    ("x: dict[str, Optional[bool]]", "None", ['"dict"', '"optional"', '"bool"'], ['"list"', "def _enc("]),
    ("x: str", "str", ["def _enc(", "def _value("], ["dumps", "def _dec(", "def _show("]),
    ('x: Literal["a", "b"]', 'Literal["c"]', ['"literal"', "def _show("], ["dumps"]),
    ("x: Literal[1, 2]", "None", ['"literal"', "json"], []),
    ("x: Any", "Any", ['"any"', "dumps"], ['"list"']),
    ("x: Optional[RunStatus]", "None", ['"optional"', "class _RunStatus", "import enum"], ["dumps"]),
    (
        "x: Dataset",
        "None",
        ["def _loc(", "from pathlib import Path as _Path"],
        ["def _place(", "def _dec(", "json", '"list"'],
    ),
    ("x: list[Dataset]", "None", ["def _loc(", '"list"'], ['"dict"', '"optional"']),
    ("", "Model", ["def _place(", "shutil"], ["def _loc(", "def _value(", '"list"', '"dict"']),
    ("", "dict[str, Model]", ["def _place(", '"dict"'], ['"optional"', "def _loc("]),
    ("x: Dataset, y: int", "None", ["def _art(", "def _loc(", "def _value("], ["def _place("]),
    ("x: int", "None", ["def _value("], ["def _enc(", "def _art(", "_OUTPUTS_DIR"]),
    ("", "Pair", ["getattr(res, n)", "def _place(", "def _enc(", "def _art("], ["def _loc("]),
]


@pytest.mark.parametrize(
    ("params", "returns", "present", "absent"), SELECTIVE, ids=[f"({p})->{r}" for p, r, _, _ in SELECTIVE]
)
def test_the_runtime_holds_only_what_the_interface_needs(
    tmp_path: Path, params: str, returns: str, present: list[str], absent: list[str]
) -> None:
    source = (
        "from typing import Any, Literal, NamedTuple, Optional\n"
        "from flowc import Dataset, Model, RunStatus, step\n\n\n"
        "class Pair(NamedTuple):\n    model: Model\n    size: int\n\n\n"
        f"@step\ndef f({params}) -> {returns}:\n    raise NotImplementedError\n"
    )
    _, scripts = shipped(tmp_path / "proj", {"flow.py": source})
    runtime = runtime_part(script_of(scripts, "f").source)
    assert [p for p in present if p not in runtime] == []
    assert [a for a in absent if a in runtime] == []
    assert "\n#" not in runtime  # the generated runtime carries no comments, nor blank lines
    ast.parse(runtime, feature_version=(3, 8))


def test_stand_ins_for_flowc_only_when_the_code_uses_them(tmp_path: Path) -> None:
    source = """
        import flowc as fc
        from flowc import Retry, RunStatus, after, parallel, step

        POLICY = Retry(limit=2)


        @step(retries=Retry(limit=3))
        def plain(x: int) -> int:
            return x


        @step(retries=fc.Retry(limit=3))
        def policy(status: str) -> str:
            return f"{POLICY.limit} {status == RunStatus.FAILED} {fc.Model.__name__}"


        @step
        def everything() -> str:
            ns = fc
            with after():
                return str(sorted(k for k in vars(ns) if not k.startswith("_")) + parallel([1]))
        """
    _, scripts = shipped(tmp_path / "proj", {"flow.py": source})
    plain = script_of(scripts, "plain").source
    for absent in ("Retry", "RunStatus", "_step", "_namespace", "contextlib", "types"):
        assert absent not in plain
    policy = script_of(scripts, "policy").source
    assert "class _Retry" in policy
    assert "class _RunStatus" in policy
    assert "_namespace = _types.SimpleNamespace(Model=_Path)\n" in policy  # `fc.Retry` was cut off
    run = run_script(policy, tmp_path / "runs", {"status": "Failed"})
    assert run.ok, run.proc.stderr
    assert run.text() == "2 True Path"
    everything = script_of(scripts, "everything").source
    assert "def _after(" in everything
    run = run_script(everything, tmp_path / "runs")
    assert run.ok, run.proc.stderr
    stand_ins = ["Artifact", "Dataset", "HTML", "Markdown", "Metrics", "Model", "Retry", "RunStatus"]
    assert run.text() == str([*stand_ins, "after", "flow", "parallel", "step", 1])


CLASHING = """
import json as _json
import os as _os

from flowc import step


def _fail(message: str) -> str:
    return "fail:" + message


def _run(*args: object) -> str:
    return "run"


_dec = "dec"


@step
def clash(x: int, names: list[str]) -> str:
    return " ".join([_fail(str(x)), _run(), _dec, _os.path.basename("/a/b"), _json.dumps(names)])
"""


def test_runtime_names_the_user_code_binds_keep_their_long_form(tmp_path: Path) -> None:
    _, scripts = shipped(tmp_path / "proj", {"flow.py": CLASHING})
    source = script_of(scripts, "clash").source
    runtime = runtime_part(source)
    for name in ("_flowc_fail", "_flowc_run", "_flowc_dec", "_flowc_os", "_flowc_json"):
        assert name in runtime
    assert "def _value(" in runtime  # what doesn't clash stays short
    run = run_script(source, tmp_path / "runs", {"x": "3", "names": '["a"]'})
    assert run.ok, run.proc.stderr
    assert run.text() == 'fail:3 run dec b ["a"]'
    run = run_script(source, tmp_path / "runs", {"x": "oops", "names": "[]"})
    assert run.proc.returncode != 0
    assert "flowc: input `x`" in run.proc.stderr


def test_every_variant_of_the_runtime_is_valid_python_38() -> None:
    """All combinations of the flags that choose between lines of one function."""
    choices = ["i_val", "i_art", "out", "fields", "o_val", "o_art", "d_parse", "d_str", "d_strlit", "show"]
    base = {"fail", "art", "dec", "value", "loc", "enc", "place", "run", "nest", "lit"}
    base |= {"RunStatus", "Retry", "step", "parallel", "after", "d_any", "d_optional", "e_text", "e_json"}
    for mask in range(1 << len(choices)):
        flags = base | {c for i, c in enumerate(choices) if mask >> i & 1}
        text = shipping_runtime.render(flags, lambda name: name)
        ast.parse(text, feature_version=(3, 8))
        compile(text, "<runtime>", "exec")
    assert shipping_runtime.render(set(), lambda name: name) == ""


# --- value_reader: a step input's decoding, for other generated scripts ------------------------

READER_DRIVER = """
import json, os, sys

results = []
for snippet, descriptor, text in json.load(sys.stdin):
    namespace = {}
    exec(snippet, namespace)
    assert all(k.startswith("_flowc_") for k in namespace if k != "__builtins__"), sorted(namespace)
    if text is None:
        os.environ.pop("FLOWC_IN_x", None)
    else:
        os.environ["FLOWC_IN_x"] = text
    try:
        results.append(repr(namespace["_flowc_value"]("x", descriptor)))
    except SystemExit as exc:
        results.append("exit: " + str(exc))
print(json.dumps(results))
"""


def _read_values(tmp_path: Path, cases: list[tuple[str, Descriptor, str | None]]) -> list[str]:
    driver = tmp_path / "driver.py"
    driver.write_text(READER_DRIVER, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, *STDLIB_ONLY, str(driver)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    results: list[str] = json.loads(proc.stdout)
    return results


def test_value_reader_decodes_exactly_like_a_step_input(tmp_path: Path) -> None:
    loaded, scripts = shipped(tmp_path / "proj", {"flow.py": DECODING_SOURCE})
    assert loaded.program is not None
    descriptors = {s.function: type_descriptor(s.params[0].type) for s in loaded.program.steps}
    mixed = value_reader(descriptors.values())
    cases: list[tuple[str, Descriptor, str | None]] = []
    for i, (_, text, _) in enumerate(DECODING):
        descriptor = descriptors[f"echo_{i}"]
        reader = value_reader([descriptor])
        # the step's own decoding is the same code, its names shortened
        assert re.sub(r"\b_flowc_", "_", reader) in script_of(scripts, f"echo_{i}").source
        cases += [(reader, descriptor, text), (mixed, descriptor, text)]
    results = _read_values(tmp_path, cases)
    assert results == [repr(expected) for _, _, expected in DECODING for _ in range(2)]


def test_value_reader_fails_like_a_step_input(tmp_path: Path) -> None:
    int_t, bool_t = type_descriptor(t.INT), type_descriptor(t.BOOL)
    list_t = type_descriptor(t.ListT(t.INT))
    cases: list[tuple[str, Descriptor, str | None]] = [
        (value_reader([int_t]), int_t, "2.5"),
        (value_reader([int_t]), int_t, "abc"),
        (value_reader([list_t]), list_t, '{"a": 1}'),
        (value_reader([bool_t]), bool_t, "1"),
        (value_reader([int_t]), int_t, None),
    ]
    results = _read_values(tmp_path, cases)
    assert all(r.startswith("exit: flowc: input `x`") for r in results), results
    assert "FLOWC_IN_x" in results[-1]


def test_value_reader_is_minimal_and_refuses_artifacts() -> None:
    reader = value_reader([type_descriptor(t.INT), type_descriptor(t.STR)])
    assert "def _flowc_value(" in reader
    assert len(reader) < 800, reader
    for absent in ('"list"', '"optional"', "RunStatus", "Path", "dumps", "_flowc_run"):
        assert absent not in reader
    assert "dumps" not in value_reader([type_descriptor(t.STR)])
    assert "class _flowc_RunStatus" in value_reader([type_descriptor(t.RunStatusT())])
    with pytest.raises(ValueError, match="artifact"):
        value_reader([type_descriptor(t.ListT(t.ArtifactT("Model")))])


# --- packages, hostile values, how the script is started ----------------------------------------


def test_packages_are_installed_before_the_user_code(tmp_path: Path) -> None:
    source = """
        import yaml

        from flowc import step


        @step(packages=["pyyaml>=6"])
        def parse(text: str) -> dict[str, int]:
            return dict(yaml.safe_load(text))
        """
    _, scripts = shipped(tmp_path / "proj", {"flow.py": source})
    script = script_of(scripts, "parse").source
    install = script.index('"pip", "install", "--quiet", "--disable-pip-version-check", \'pyyaml>=6\'])')
    assert install < script.index("import yaml")
    run = run_script(
        script, tmp_path / "runs", {"text": "a: 1\nb: 2\n"}, flags=("-I",)
    )  # pip is a no-op here
    assert run.ok, run.proc.stderr
    assert run.value() == {"a": 1, "b": 2}


def test_steps_without_packages_never_call_pip(tmp_path: Path) -> None:
    _, scripts = shipped(tmp_path / "proj", {"flow.py": OUTPUTS_SOURCE})
    assert all("pip" not in s.source and "subprocess" not in s.source for s in scripts.values())


HOSTILE = [
    "'",
    '"',
    "'''",
    '"""',
    "line 1\nline 2\r\nline 3\n",
    "{{workflow.name}}",
    "{{inputs.parameters.x}}",
    "$(rm -rf /)",
    "`id`; echo $HOME",
    "back\\slash \\n \\\\",
    "ünïcödé 中文 עברית",
    "emoji 🚀👩‍👩‍👧",
    "%s %(x)s {0} {x}",
    "null",
    "  padded  ",
    "",
    "x" * 100_000,
]


@pytest.fixture(scope="module")
def echo_script(tmp_path_factory: pytest.TempPathFactory) -> str:
    source = "from flowc import step\n\n\n@step\ndef echo(text: str, copy: list[str]) -> list[str]:\n    return [text, *copy]\n"
    return script_of(shipped(tmp_path_factory.mktemp("echo"), {"flow.py": source})[1], "echo").source


@pytest.mark.parametrize("value", HOSTILE, ids=[repr(v)[:24] for v in HOSTILE])
def test_hostile_values_arrive_unchanged(echo_script: str, tmp_path: Path, value: str) -> None:
    run = run_script(echo_script, tmp_path, {"text": value, "copy": json.dumps([value])})
    assert run.ok, run.proc.stderr
    assert run.value() == [value, value]
    if len(value) > 4:
        assert value not in echo_script  # values reach the step at run time, never through its code


@pytest.mark.parametrize(("via", "filename"), [("-c", ""), ("file", "weird name (1)"), ("file", "no_suffix")])
def test_the_script_runs_from_any_filename_or_from_the_command_line(
    echo_script: str, tmp_path: Path, via: str, filename: str
) -> None:
    run = run_script(
        echo_script, tmp_path, {"text": "a", "copy": '["b"]'}, via=via, filename=filename or "x.py"
    )
    assert run.ok, run.proc.stderr
    assert run.value() == ["a", "b"]


def test_scripts_are_deterministic_and_machine_independent(tmp_path: Path) -> None:
    first, second = tmp_path / "one" / "proj", tmp_path / "elsewhere" / "deeper" / "proj"
    _, one = shipped(first, HELPERS_PROJECT)
    _, two = shipped(second, HELPERS_PROJECT)
    loaded = load_file(first / "flow.py")
    assert loaded.program is not None
    again = {key: ship(loaded.program, key) for key in one}  # without sources: read from disk
    assert {k: s.source for k, s in one.items()} == {k: s.source for k, s in two.items()}
    assert {k: s.source for k, s in one.items()} == {k: s.source for k, s in again.items()}
    for script in one.values():
        for text in (str(tmp_path), str(REPO), "/work", os.path.expanduser("~")):
            assert text not in script.source


# --- every step of every example ---------------------------------------------------------------

EXAMPLE_FLOWS = [
    ("training.py", "training", {}),
    ("training.py", "training", {"threshold": 0.99, "rates": [0.01, 0.05]}),
    ("map_reduce.py", "word_count", {"num_shards": 2}),
    ("conditions.py", "quality_gate", {}),
    ("conditions.py", "quality_gate", {"table": "users", "mode": "audit"}),
    ("conditions.py", "quality_gate", {"table": "clicks", "mode": "fast", "min_rows": 1000}),
    ("conditions.py", "quality_gate", {"table": "payments", "mode": "full", "sample": 100}),
    ("platform_settings.py", "churn_scoring", {}),
    ("reports.py", "model_report", {"n": 5}),
    ("subflows.py", "store_forecasts", {"stores": ["oslo", "berlin"], "horizon": 3}),
]


@dataclass
class Call:
    """One call of a step while a flow ran in-process, its inputs and outputs kept on disk."""

    step: ir.Step
    values: dict[str, str]  # FLOWC_IN_ texts, as an engine would set them
    artifacts: dict[str, Path]
    outputs: dict[str, str | Path]  # text form, or the artifact's copy
    stdout: str


def _snapshot(value: Any, typ: t.Type, where: Path) -> Path:
    """Copy an artifact (or a list of them, as a directory of indexed items) out of the way."""
    where.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(typ, t.ListT):
        where.mkdir()
        for i, item in enumerate(value):
            _snapshot(item, typ.item, where / str(i))
    elif Path(value).is_dir():
        shutil.copytree(value, where)
    else:
        shutil.copyfile(value, where)
    return where


class Recorder:
    """Wraps every step function of the loaded example modules to record its calls."""

    def __init__(self, steps: list[ir.Step], store: Path) -> None:
        self.steps = {s.function: s for s in steps}
        self.store = store
        self.calls: list[Call] = []

    def wrap(self, fn: Callable[..., Any], step: ir.Step) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            bound = inspect.signature(fn).bind(*args, **kwargs)
            here = self.store / f"call{len(self.calls)}"
            values, artifacts = {}, {}
            for p in step.params:
                if p.name not in bound.arguments:
                    continue
                value = bound.arguments[p.name]
                if t.contains_artifact(p.type):
                    artifacts[p.name] = _snapshot(value, p.type, here / "in" / p.name)
                else:
                    values[p.name] = encode_value(value, p.type)
                    # what the container sees: dicts in key order, as they travel as JSON
                    bound.arguments[p.name] = _through_json(value)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                result = fn(*bound.args, **bound.kwargs)
            outputs: dict[str, str | Path] = {}
            for o in step.outputs:
                value = getattr(result, o.name) if isinstance(step.returns, t.NamedTupleT) else result
                if t.contains_artifact(o.type):
                    outputs[o.name] = _snapshot(value, o.type, here / "out" / o.name)
                else:
                    outputs[o.name] = encode_value(value, o.type)
            self.calls.append(Call(step, values, artifacts, outputs, out.getvalue()))
            return result

        return recorded

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        originals: dict[str, Any] = {}
        for module in list(sys.modules.values()):
            if not str(getattr(module, "__file__", "") or "").startswith(str(EXAMPLES)):
                continue
            for name, step in self.steps.items():
                fn = getattr(module, name, None)
                if callable(fn) and getattr(fn, "__module__", "") == step.module:
                    originals.setdefault(step.key, fn)
                    monkeypatch.setattr(module, name, self.wrap(originals[step.key], step))


def _through_json(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True)) if isinstance(value, (dict, list)) else value


def _tree(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {"": path.read_bytes()}
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture
def example_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """cwd in a scratch directory, examples importable, no example module cached."""
    monkeypatch.chdir(REPO)
    monkeypatch.syspath_prepend(str(EXAMPLES))
    for var in ("WAREHOUSE_HOST", "WAREHOUSE_USER", "WAREHOUSE_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    yield tmp_path
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", "") or "").startswith(str(EXAMPLES)):
            del sys.modules[name]


def _record(
    flow_file: str, flow: str, params: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[ir.Program, dict[str, Script], list[Call]]:
    loaded = load_flow(EXAMPLES / flow_file, flow)
    assert loaded.program is not None, loaded.diagnostics
    scripts = ship_all(loaded.program, loaded.sources)
    for d in (d for s in scripts.values() for d in s.diagnostics):
        raise AssertionError(f"{d.span}: {d.code} {d.message}")
    module = importlib.import_module(Path(flow_file).stem)
    recorder = Recorder(list(loaded.program.steps), tmp_path / "calls")
    recorder.install(monkeypatch)
    work = tmp_path / "inprocess"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    getattr(module, flow)(**params)
    entry = loaded.program.flow(loaded.program.entry or "")
    if entry.on_exit is not None:  # the engine calls the exit handler once the flow is done
        handler = loaded.program.step(entry.on_exit.step)
        kwargs = {entry.on_exit.status_param: RunStatus.SUCCEEDED} if entry.on_exit.status_param else {}
        getattr(importlib.import_module(handler.module), handler.function)(**kwargs)
    monkeypatch.chdir(REPO)
    return loaded.program, scripts, recorder.calls


def _check_call(call: Call, script: Script, where: Path) -> None:
    flags = ("-I",) if call.step.options.packages else STDLIB_ONLY
    run = run_script(script.source, where, call.values, call.artifacts, flags=flags)
    assert run.ok, (call.step.key, run.proc.stderr)
    assert run.proc.stdout == call.stdout, call.step.key
    assert run.names() == sorted(call.outputs), call.step.key
    for name, expected in call.outputs.items():
        if isinstance(expected, Path):
            assert _tree(run.outputs / name) == _tree(expected), (call.step.key, name)
        else:
            assert run.text(name) == expected, (call.step.key, name)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("flow_file", "flow", "params"),
    EXAMPLE_FLOWS,
    ids=[f"{f}:{n}:{i}" for i, (f, n, _) in enumerate(EXAMPLE_FLOWS)],
)
def test_example_steps_match_in_process(
    example_env: Path, monkeypatch: pytest.MonkeyPatch, flow_file: str, flow: str, params: dict[str, Any]
) -> None:
    _, scripts, calls = _record(flow_file, flow, params, monkeypatch, example_env)
    assert calls
    per_step: dict[str, int] = {}
    for call in calls:
        per_step[call.step.key] = per_step.get(call.step.key, 0) + 1
        if per_step[call.step.key] <= 2:  # enough to compare; fan-outs call some steps often
            _check_call(call, scripts[call.step.key], example_env / "runs")


def test_every_example_step_is_run(example_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The flows and parameters above reach every step of every example."""
    wanted, reached = set(), set()
    for flow_file, flow, params in EXAMPLE_FLOWS:
        program, _, calls = _record(
            flow_file, flow, params, monkeypatch, example_env / f"{len(reached)}-{flow}"
        )
        wanted |= {s.key for s in program.steps}
        reached |= {c.step.key for c in calls}
        for name, module in list(sys.modules.items()):
            if str(getattr(module, "__file__", "") or "").startswith(str(EXAMPLES)):
                del sys.modules[name]
    assert sorted(wanted - reached) == []


# --- diagnostics -------------------------------------------------------------------------------


def test_fc401_import_time_object_is_shipped_and_warned(tmp_path: Path) -> None:
    source = """
        import os
        from flowc import step

        HOST = os.environ.get("HOST", "localhost")
        PORTS = [p for p in range(3)]
        LITERAL = {"a": [1, 2], "b": -1.5}
        DERIVED = LITERAL["a"] + [3]
        LAZY = lambda x: len(x)


        @step
        def connect(n: int) -> str:
            return f"{HOST}:{PORTS[n]}:{DERIVED}:{LAZY('ab')}"
        """
    _, scripts = shipped(tmp_path / "proj", {"flow.py": source})
    assert codes_at(scripts, "connect") == [("FC401", 13, 15), ("FC401", 13, 22)]
    run = run_script(script_of(scripts, "connect").source, tmp_path / "runs", {"n": "1"})
    assert run.ok, run.proc.stderr
    assert run.text() == "localhost:1:[1, 2, 3]:2"


@pytest.mark.parametrize(
    "binding",
    [
        "LIMIT = 1\nLIMIT = 2",
        "LIMIT = 1\nLIMIT += 1",
        "LIMIT = {}\nLIMIT['a'] = 1",
        "if True:\n    LIMIT = 1",
        "for LIMIT in range(2):\n    pass",
        "try:\n    from math import pi as LIMIT\nexcept ImportError:\n    LIMIT = 3",
        "with open(__file__) as LIMIT:\n    pass",
        "def LIMIT() -> int:\n    return 1\nLIMIT = 2",
    ],
)
def test_fc402_ambiguous_module_level_names(tmp_path: Path, binding: str) -> None:
    source = f"from flowc import step\n\n{binding}\n\n\n@step\ndef use() -> str:\n    return str(LIMIT)\n"
    _, scripts = shipped(tmp_path / "proj", {"flow.py": source})
    line = source.splitlines().index("    return str(LIMIT)") + 1
    assert codes_at(scripts, "use") == [("FC402", line, 16)]


def test_plain_imports_of_one_package_and_overloads_are_not_ambiguous(tmp_path: Path) -> None:
    source = """
        import os
        import os.path
        from typing import overload

        from flowc import step


        @overload
        def twice(x: int) -> int: ...
        @overload
        def twice(x: str) -> str: ...
        def twice(x):
            return x * 2


        @step
        def use(name: str) -> str:
            return twice(os.path.basename(name))
        """
    _, scripts = shipped(tmp_path / "proj", {"flow.py": source})
    script = script_of(scripts, "use")
    assert script.diagnostics == ()
    run = run_script(script.source, tmp_path / "runs", {"name": "/a/bc"})
    assert run.ok, run.proc.stderr
    assert run.text() == "bcbc"


def test_fc403_project_module_as_a_value_and_unresolved_relative_import(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/helpers.py": "def clean(s: str) -> str:\n    return s.strip()\n",
        "flow.py": """
            import pkg.helpers as h
            from pkg import helpers
            from .missing import thing
            from flowc import step


            @step
            def use(s: str) -> str:
                return h.clean(s) + helpers.clean(s) + thing
            """,
    }
    _, scripts = shipped(tmp_path / "proj", files)
    assert codes_at(scripts, "use") == [("FC403", 9, 12), ("FC403", 9, 25), ("FC403", 9, 44)]
    source = script_of(scripts, "use").source
    assert "import pkg.helpers as h\nfrom pkg import helpers\nfrom .missing import thing" in source


def test_fc404_undefined_names_in_the_step_and_its_helpers(tmp_path: Path) -> None:
    source = """
        from flowc import step


        def helper() -> str:
            return missing_in_helper()


        @step
        def use(x: int) -> str:
            y = x + 1
            return helper() + str(y) + undefined + str(len(__file__))
        """
    _, scripts = shipped(tmp_path / "proj", {"flow.py": source})
    assert codes_at(scripts, "use") == [("FC404", 5, 12), ("FC404", 11, 32), ("FC404", 11, 52)]


def test_fc404_name_missing_from_an_imported_project_module(tmp_path: Path) -> None:
    files = {
        "helpers.py": "def other() -> None: ...\n",
        "flow.py": "from helpers import clean\nfrom flowc import step\n\n@step\ndef use(s: str) -> str:\n    return clean(s)\n",
    }
    _, scripts = shipped(tmp_path / "proj", files)
    assert codes_at(scripts, "use") == [("FC404", 6, 12)]


def test_fc405_two_definitions_with_one_name(tmp_path: Path) -> None:
    files = {
        "a.py": "def clean(s: str) -> str:\n    return s.strip()\n",
        "b.py": "from a import clean as _c\n\ndef clean(s: str) -> str:\n    return _c(s).lower()\n",
        "same.py": "def clean(s: str) -> str:\n    return s.strip()\n\ndef uses_same(s: str) -> str:\n    return clean(s)\n",
        "flow.py": """
            from a import clean
            from b import clean as lower
            from same import uses_same
            from flowc import step


            @step
            def use(s: str) -> str:
                return clean(s) + lower(s) + uses_same(s)
            """,
    }
    _, scripts = shipped(tmp_path / "proj", files)
    # b's `clean` clashes with a's; same.py's `clean` is the same text as a's: not a clash
    assert codes_at(scripts, "use") == [("FC405", 9, 23)]


def test_a_builtin_shadowed_by_a_shipped_helper_clashes(tmp_path: Path) -> None:
    files = {
        "helpers.py": "def sorted(xs: list[int]) -> list[int]:\n    return xs\n\ndef keep(xs: list[int]) -> list[int]:\n    return sorted(xs)\n",
        "flow.py": "from helpers import keep\nfrom flowc import step\n\n@step\ndef use(xs: list[int]) -> list[int]:\n    return sorted(xs) + keep(xs)\n",
    }
    _, scripts = shipped(tmp_path / "proj", files)
    assert [c for c, _, _ in codes_at(scripts, "use")] == ["FC405"]


def test_future_annotations_make_annotation_only_names_optional(tmp_path: Path) -> None:
    source = """
        from __future__ import annotations

        from typing import TYPE_CHECKING

        from flowc import step

        if TYPE_CHECKING:
            import pandas as pd


        def rows(frame: pd.DataFrame | None) -> int:
            return 0 if frame is None else len(frame)


        @step
        def count(n: int) -> int:
            return rows(None) + n
        """
    _, scripts = shipped(tmp_path / "proj", {"flow.py": source})
    script = script_of(scripts, "count")
    assert script.diagnostics == ()
    assert script.source.split("\n")[1] == "from __future__ import annotations"
    run = run_script(script.source, tmp_path / "runs", {"n": "2"})
    assert run.ok, run.proc.stderr
    assert run.text() == "2"


def test_fc406_a_step_calling_steps_and_flows(tmp_path: Path) -> None:
    files = {
        "lib.py": """
            from flowc import flow, step


            @step(image="ghcr.io/acme/gpu:1", gpu=1)
            def train(x: int) -> int:
                return x * 10


            @step
            def leaf() -> None: ...


            @flow
            def sub() -> None:
                leaf()
            """,
        "flow.py": """
            from lib import sub, train as fit
            from flowc import step


            @step(retries=3)
            def load(x: int) -> int:
                return x + 1


            def prepare(x: int) -> int:
                return load(x)


            def plain(x: int) -> int:
                return x


            @step
            def use(x: int) -> int:
                alias = load
                sub()
                return fit(prepare(x)) + plain(x) + alias(0)
            """,
    }
    _, scripts = shipped(tmp_path / "proj", files)
    # `load` through the helper `prepare` (not the mere reference `alias = load`, nor the call
    # of `alias`), the sub-flow once: not again at the step `leaf` its body calls
    assert codes_at(scripts, "use") == [("FC406", 11, 12), ("FC406", 21, 5), ("FC406", 22, 12)]
    assert codes_at(scripts, "load") == []
    # shipped as before, as plain functions: the warning says so, the script still runs
    run = run_script(script_of(scripts, "use").source, tmp_path / "runs", {"x": "1"})
    assert run.ok, run.proc.stderr
    assert run.text() == "22"  # (1 + 1) * 10 + 1 + (0 + 1)


def test_fc406_is_a_warning_in_lint(tmp_path: Path) -> None:
    source = """
        from flowc import flow, step


        @step
        def one() -> int:
            return 1


        @step
        def two() -> int:
            return one() + 1


        @flow
        def main() -> None:
            one()
            two()
        """
    found = lint_source(tmp_path, textwrap.dedent(source))
    assert positions(found) == [("FC406", 11, 12)]
    assert not found[0].is_error


def test_a_module_with_an_encoding_declaration_is_shipped_as_text(tmp_path: Path) -> None:
    """Read from disk (no `sources` given), decoded by its `# coding:` line, run as UTF-8."""
    root = tmp_path / "proj"
    root.mkdir()
    write_project(root, {})
    (root / "flow.py").write_bytes(
        b"# -*- coding: latin-1 -*-\nfrom flowc import step\n\nGREETING = 'h\xe9llo'  # caf\xe9\n\n\n"
        b"@step\ndef greet(name: str = 'Jos\xe9') -> str:\n    return GREETING + ' ' + name\n"
    )
    loaded = load_file(root / "flow.py")
    assert loaded.program is not None, loaded.diagnostics
    script = script_of(ship_all(loaded.program), "greet")
    assert script.diagnostics == ()
    assert "GREETING = 'héllo'  # café" in script.source
    assert "coding" not in script.source  # the script is UTF-8, whatever the module was
    run = run_script(script.source, tmp_path / "runs")
    assert run.ok, run.proc.stderr
    assert run.text() == "héllo José"


def test_flowc_lint_reports_shipping_diagnostics_once(tmp_path: Path) -> None:
    source = """
        from flowc import flow, step


        def helper() -> str:
            return missing()


        @step
        def one() -> str:
            return helper()


        @step
        def two() -> str:
            return helper() + other


        @flow
        def main() -> None:
            one()
            two()
        """
    found = lint_source(tmp_path, textwrap.dedent(source))
    assert positions(found) == [("FC404", 5, 12), ("FC404", 15, 23)]


def test_shipping_diagnostics_can_be_suppressed(tmp_path: Path) -> None:
    source = (
        "from flowc import step\n\n@step\ndef use() -> str:\n    return missing  # flowc: ignore[FC404]\n"
    )
    assert lint_source(tmp_path, source) == []


def test_deep_helper_chains_and_nesting_do_not_exhaust_the_stack(tmp_path: Path) -> None:
    chain = "".join(f"def h{i}(x):\n    return h{i + 1}(x)\n\n\n" for i in range(3000))
    nested = "lambda: " * 300 + "VALUE"
    source = (
        f"from flowc import step\n\nVALUE = 1\n\n\n{chain}def h3000(x):\n    return x\n\n\n"
        f"@step\ndef deep(x: int) -> int:\n    f = {nested}\n    return h0(x) if x < 0 else x\n"
    )
    _, scripts = shipped(tmp_path / "proj", {"flow.py": source})
    script = script_of(scripts, "deep")
    assert script.diagnostics == ()
    assert "def h3000(x):" in script.source
    assert "VALUE = 1" in script.source
    run = run_script(script.source, tmp_path / "runs", {"x": "4"})
    assert run.ok, run.proc.stderr
    assert run.text() == "4"


def test_a_string_quoted_as_json_by_the_engine_is_unquoted(tmp_path: Path) -> None:
    """FLOWC_JSON_<p>=1: the engine sent the text as a JSON string (Argo's string loop items)."""
    _, scripts = shipped(tmp_path / "proj", {"flow.py": MINIMAL_SOURCE})
    greet = script_of(scripts, "greet").source
    text = 'line one\nsays "hi" \\ ünï'
    run = run_script(greet, tmp_path / "runs", {"name": json.dumps(text)}, extra_env={"FLOWC_JSON_name": "1"})
    assert run.ok, run.proc.stderr
    assert run.text() == f"hi {text}"


def test_an_unresolved_fan_in_is_an_empty_list(tmp_path: Path) -> None:
    """Argo skips an empty `withParam` fan-out and passes the tag text (v3) or "" (v4) on."""
    source = "from flowc import step\n\n@step\ndef total(xs: list[int]) -> int:\n    return sum(xs)\n"
    _, scripts = shipped(tmp_path / "proj", {"flow.py": source})
    script = script_of(scripts, "total").source
    for text in ("", "{{tasks.score.outputs.parameters.output}}", "[]"):
        run = run_script(script, tmp_path / "runs", {"xs": text})
        assert run.ok, run.proc.stderr
        assert run.text() == "0"


def test_shipping_diagnostics_in_a_helper_module_can_be_suppressed(tmp_path: Path) -> None:
    """The helper module is read only to ship the step: its comments still count."""
    helpers = "import os\n\nCLIENT = os.getcwd()  # built at import time\n\n\ndef where() -> str:\n    return CLIENT\n"
    flow = (
        "from flowc import step\nfrom helpers import where\n\n@step\ndef use() -> str:\n    return where()\n"
    )
    found = lint_source(tmp_path, flow, helpers=helpers)
    assert [(d.code, Path(d.span.path).name) for d in found] == [("FC401", "helpers.py")]
    quiet = helpers.replace("    return CLIENT\n", "    return CLIENT  # flowc: ignore[FC401]\n")
    (tmp_path / "again").mkdir()
    assert lint_source(tmp_path / "again", flow, helpers=quiet) == []


def test_fc403_names_a_relative_submodule_as_written(tmp_path: Path) -> None:
    """`from . import helpers` is module `.helpers`, which the advice must name (not `..helpers`)."""
    files = {
        "pkg/__init__.py": "",
        "pkg/helpers.py": "def clean(s: str) -> str:\n    return s.strip()\n",
        "pkg/flow.py": """
            from . import helpers
            from flowc import step


            @step
            def use(s: str) -> str:
                return helpers.clean(s)
            """,
    }
    _, scripts = shipped(tmp_path / "proj", files, "pkg/flow.py")
    (diagnostic,) = script_of(scripts, "use").diagnostics
    assert diagnostic.code == "FC403"
    assert "`.helpers`" in diagnostic.message
    assert "..helpers" not in diagnostic.message


# --- type parameters and `type` statements (Python 3.12+) ---------------------------------------

GENERIC = """
from flowc import flow, step

type Pairs[K] = dict[K, list[K]]


def first[T](xs: list[T]) -> T:
    return xs[0]


class Box[T]:
    def __init__(self, item: T) -> None:
        self.item = item


def size(p: Pairs[str]) -> int:
    return len(p)


@step
def pick(n: int) -> int:
    return first(list(range(1, n + 1))) + Box(n).item + size({"a": ["b"]})


@flow
def generic(n: int = 3) -> int:
    return pick(n)
"""


@pytest.mark.skipif(sys.version_info < (3, 12), reason="`def f[T]` and `type X = ...` are Python 3.12 syntax")
def test_type_parameters_and_type_statements_are_shipped(tmp_path: Path, importer: Any) -> None:
    root = tmp_path / "proj"
    _, scripts = shipped(root, {"flow.py": GENERIC})
    script = script_of(scripts, "pick")
    assert script.diagnostics == ()
    run = run_script(script.source, tmp_path / "runs", {"n": "3"})
    assert run.ok, run.proc.stderr
    assert run.value() == importer(root, "flow").pick(3)


def test_type_parameters_are_not_read_from_the_module() -> None:
    """What `def f[T]` and `class C[T]` read from module level: not T (checked on any Python,
    on the tree 3.12 would build, whose nodes carry `type_params`)."""
    from types import SimpleNamespace

    from flowc.compiler.shipping import _uses

    fn, cls = ast.parse("def first(xs: list[T], n: Limit) -> T: ...\nclass Box(Base[T]): item: T\n").body
    for node in (fn, cls):
        node.type_params = [SimpleNamespace(name="T")]  # type: ignore[attr-defined]
    assert set(_uses(fn, lazy=False).hard) == {"list", "Limit"}
    assert set(_uses(cls, lazy=False).hard) == {"Base"}


def test_a_step_importing_from_a_project_module_that_does_not_parse_gets_its_syntax_error(
    tmp_path: Path,
) -> None:
    """Not an FC403 hint to import by name (it does), and never a script keeping an import
    that would fail in the container."""
    flow = """
    from flowc import flow, step
    from helpers import first

    @step
    def pick(n: int) -> int:
        return first([n])

    @flow
    def picked(n: int = 3) -> int:
        return pick(n)
    """
    helpers = "def first(xs):\n    return xs[0\n"
    _, scripts = shipped(tmp_path / "proj", {"flow.py": textwrap.dedent(flow), "helpers.py": helpers})
    found = script_of(scripts, "pick").diagnostics
    assert [(d.code, Path(d.span.path).name) for d in found] == [("FC001", "helpers.py")]
    assert found[0].is_error
