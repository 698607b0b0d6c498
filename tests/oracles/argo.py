"""Independent oracles for Argo Workflows documents (see ../shared/ORACLES.md, "Argo Workflows").

Three checks, each independent of flowc's own code:

* :func:`argo_lint` — Argo's own validator (``workflow/validate``, the code behind ``argo lint``
  and the server's create), compiled from ``argo_lint/`` with the machine's Go. Strict parse
  (unknown fields are errors) plus every semantic rule (names, DAG, ``{{...}}`` scoping, ...).
* :func:`validate_schema` — the official JSON Schema of Argo v4.1.2 (``../shared/schemas/argo``),
  made strict (``additionalProperties: false`` everywhere, IntOrString/Quantity fixed).
* :func:`validate_hera` — hera's pydantic models of the Argo v4 API in ``extra="forbid"`` mode.

And one for the simulator (``argo_sim``): :func:`govaluate_when` evaluates ``when`` expressions
with the controller's own code (``govaluate_when/``, built like ``argo_lint``).

Skips: :func:`require_go` skips (``pytest.skip``) only when ``go`` is not on PATH; a failing Go
build (of either program) raises :class:`ArgoLintBuildError` so the test FAILS.
:func:`require_schema` skips when ``../shared/schemas/argo`` is absent; :func:`require_hera`
skips when hera is not installed.

Library version of the Go oracle: the Go module proxy reachable from these machines answers
403 for every version of ``github.com/argoproj/argo-workflows/v4``, so ``argo_lint`` is built
on v3.7.9 (the newest it serves). ``validate.go`` has the same rules in both versions apart from
the v4 CronWorkflow checks and the fields v4 removed; ``argo_lint/main.go`` adds those back
(``v4Overlay``). Known remaining gap: fields added in v4 (template/spec ``pendingTimeout``,
``podResources``, ``resourceClaims``, spec ``executorPlugins``, container ``restartPolicyRules``,
``plugin`` artifacts, S3 ``addressingStyle``, HTTP ``saveStreamViaFile``,
``env[].valueFrom.fileKeyRef``) are unknown fields to the v3.7.9 strict parse: don't emit them.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ORACLES_DIR = Path(__file__).resolve().parent
GO_SRC = ORACLES_DIR / "argo_lint"
WHEN_SRC = ORACLES_DIR / "govaluate_when"
SCHEMA_DIR = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "argo"
SCHEMA_FILE = SCHEMA_DIR / "schema.json"

KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")
BUILD_TIMEOUT_S = 1200  # cold: ~2 min on 2 cores (module downloads + compile); warm: ~3 s


class ArgoLintBuildError(RuntimeError):
    """`go build` of the argo_lint oracle failed: a test failure, never a skip."""


@dataclass(frozen=True)
class LintResult:
    file: Path
    ok: bool
    errors: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(self.errors)


# --------------------------------------------------------------------------------------------
# 1. Argo's own validator (Go)
# --------------------------------------------------------------------------------------------


def go_available() -> bool:
    return shutil.which("go") is not None


def require_go() -> None:
    """Skip the calling test when Go is absent. Call first in any test that uses argo_lint."""
    if not go_available():
        pytest.skip("`go` is not on PATH: Argo's own validator (tests/oracles/argo_lint) can't be built")


def _source_hash(src: Path) -> str:
    h = hashlib.sha256()
    for name in ("go.mod", "go.sum", "main.go"):
        h.update(name.encode())
        h.update((src / name).read_bytes())
    return h.hexdigest()[:16]


@functools.cache
def argo_lint_binary() -> Path:
    """Build tests/oracles/argo_lint once (per source hash; reused across sessions) and return it."""
    return _go_binary(GO_SRC)


def _go_binary(src: Path) -> Path:
    """Build the Go program in `src` once per source hash (reused across sessions).

    Safe under pytest-xdist: builds are serialised by a file lock and installed atomically.
    """
    require_go()
    bin_dir = src / "bin"  # gitignored (tests/oracles/**/bin/)
    bin_dir.mkdir(parents=True, exist_ok=True)
    target = bin_dir / f"{src.name}-{_source_hash(src)}"
    if target.exists():
        return target
    with open(bin_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            return target
        tmp = bin_dir / f".{target.name}.{os.getpid()}.tmp"
        env = dict(os.environ)
        # go.sum is complete and committed: never let a test run rewrite go.mod/go.sum.
        env["GOFLAGS"] = "-mod=readonly -buildvcs=false"
        try:
            proc = subprocess.run(
                ["go", "build", "-o", str(tmp), "."],
                cwd=src,
                env=env,
                capture_output=True,
                text=True,
                timeout=BUILD_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ArgoLintBuildError(f"go build of {src} timed out after {BUILD_TIMEOUT_S}s") from exc
        if proc.returncode != 0:
            tmp.unlink(missing_ok=True)
            raise ArgoLintBuildError(
                f"go build of {src} failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
            )
        os.replace(tmp, target)
        for stale in bin_dir.glob(f"{src.name}-*"):  # binaries of older sources
            if stale != target:
                stale.unlink(missing_ok=True)
    return target


@functools.cache
def govaluate_when_binary() -> Path:
    return _go_binary(WHEN_SRC)


def govaluate_when(expressions: list[str]) -> list[dict[str, Any]]:
    """Evaluate `when` expressions as Argo's controller does (``govaluate_when/``: v3.7.9's
    ``shouldExecute`` with the govaluate Argo pins): ``{"value": ...}`` or ``{"error": "..."}``
    per expression (Argo itself accepts only a bool value). Skips when Go is absent."""
    assert all("\n" not in e for e in expressions), "one expression per line"
    proc = subprocess.run(
        [str(govaluate_when_binary())],
        input="".join(e + "\n" for e in expressions),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    results: list[dict[str, Any]] = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(results) == len(expressions), proc.stdout
    return results


def argo_lint(paths: list[Path]) -> list[LintResult]:
    """Run Argo's validator on YAML/JSON files; one LintResult per path, in order.

    Templates (WorkflowTemplate/ClusterWorkflowTemplate) in any of ``paths`` resolve the
    ``templateRef``/``workflowTemplateRef`` of the others, so lint related files together.
    Skips when Go is absent; raises ArgoLintBuildError when the build fails.
    """
    if not paths:
        return []
    binary = argo_lint_binary()
    proc = subprocess.run(
        [str(binary), *(str(p) for p in paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"argo_lint crashed (exit {proc.returncode}):\n{proc.stderr}")
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if len(results) != len(paths):
        raise RuntimeError(f"argo_lint printed {len(results)} results for {len(paths)} files:\n{proc.stdout}")
    return [LintResult(Path(r["file"]), bool(r["ok"]), list(r["errors"])) for r in results]


def argo_lint_text(text: str, tmp_dir: Path, name: str = "doc.yaml") -> LintResult:
    """Lint YAML/JSON text exactly as written (the YAML-1.1 traps live in the text, not in a dict)."""
    path = Path(tmp_dir) / name
    path.write_text(text)
    return argo_lint([path])[0]


# --------------------------------------------------------------------------------------------
# 2. The official JSON Schema, made strict
# --------------------------------------------------------------------------------------------


def require_schema() -> None:
    if not SCHEMA_FILE.is_file():
        pytest.skip(f"Argo JSON Schema not found at {SCHEMA_FILE} (../shared/schemas/argo beside the repo)")


_INT_OR_STRING = {"anyOf": [{"type": "integer"}, {"type": "string"}]}
_PATCHED = (
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
    "io.k8s.apimachinery.pkg.api.resource.Quantity",
)
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_ONE = ("items", "additionalProperties", "not", "if", "then", "else", "contains")


def _make_strict(node: Any) -> None:
    """Add additionalProperties: false to every object schema that lists properties.

    Walks schema positions only (never treats a `properties` map itself as a schema); a schema
    that already has `additionalProperties` (a map such as labels, or an explicit choice) keeps it.
    """
    if not isinstance(node, dict):
        return
    props = node.get("properties")
    if isinstance(props, dict):
        node.setdefault("additionalProperties", False)
        for sub in props.values():
            _make_strict(sub)
    for key in _SUBSCHEMA_LISTS:
        for sub in node.get(key, []) or []:
            _make_strict(sub)
    for key in _SUBSCHEMA_ONE:
        sub = node.get(key)
        if isinstance(sub, dict):
            _make_strict(sub)
    for key in ("patternProperties", "$defs", "definitions", "dependentSchemas"):
        for sub in (node.get(key) or {}).values():
            _make_strict(sub)


@functools.cache
def _strict_definitions() -> dict[str, Any]:
    require_schema()
    definitions: dict[str, Any] = json.loads(SCHEMA_FILE.read_text())["definitions"]
    for name in _PATCHED:
        description = definitions[name].get("description")
        definitions[name] = dict(_INT_OR_STRING)
        if description:
            definitions[name]["description"] = description
    for schema in definitions.values():
        _make_strict(schema)
    return definitions


@functools.cache
def _schema_validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator

    if kind not in KINDS:
        raise ValueError(f"unknown Argo kind {kind!r}; expected one of {KINDS}")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/definitions/io.argoproj.workflow.v1alpha1.{kind}",
        "definitions": _strict_definitions(),
    }
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validate_schema(doc: dict[str, Any], kind: str | None = None) -> list[str]:
    """Errors of ``doc`` against the strict official schema of ``kind`` (default: doc["kind"]).

    Each error is "<json path>: <message>"; an empty list means valid.
    """
    kind = kind or str(doc.get("kind", ""))
    validator = _schema_validator(kind)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{e.json_path}: {e.message}" for e in errors]


# --------------------------------------------------------------------------------------------
# 3. hera's models of the Argo v4 API, extra="forbid"
# --------------------------------------------------------------------------------------------

_HERA_SCRIPT = r"""
import json, sys
from hera.shared._pydantic import APIBaseModel
APIBaseModel.model_config["extra"] = "forbid"   # must precede the import of the models
from hera.workflows import models
import pydantic

out = []
for item in json.load(sys.stdin):
    cls = getattr(models, item["kind"])
    assert cls.model_config.get("extra") == "forbid", "hera models are not in forbid mode"
    try:
        cls.model_validate(item["doc"])
        out.append([])
    except pydantic.ValidationError as exc:
        out.append([
            ".".join(str(p) for p in err["loc"]) + ": " + err["msg"] + " [" + err["type"] + "]"
            for err in exc.errors()
        ])
json.dump(out, sys.stdout)
"""


def hera_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("hera") is not None


HERA_MIN_MAJOR = 7  # hera 7 models the Argo v4 API (no CronWorkflowSpec.schedule, no singular mutex)


def require_hera() -> None:
    if not hera_available():
        pytest.skip("hera is not installed (pip install 'hera>=7'): hera model oracle skipped")
    if int(hera_version().split(".")[0]) < HERA_MIN_MAJOR:
        pytest.skip(f"hera {hera_version()} models Argo v3, not v4: the hera oracle needs hera>=7")


def validate_hera_many(docs: list[dict[str, Any]]) -> list[list[str]]:
    """validate_hera for many documents in ONE subprocess (hera's import costs ~0.8 s)."""
    require_hera()
    payload = []
    for doc in docs:
        kind = str(doc.get("kind", ""))
        if kind not in KINDS:
            raise ValueError(f"document kind {kind!r} is not one of {KINDS}")
        payload.append({"kind": kind, "doc": doc})
    proc = subprocess.run(
        [sys.executable, "-c", _HERA_SCRIPT],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"hera oracle crashed (exit {proc.returncode}):\n{proc.stderr}")
    result: list[list[str]] = json.loads(proc.stdout)
    return result


def validate_hera(doc: dict[str, Any]) -> list[str]:
    """Errors of ``doc`` parsed by hera's model for its kind with extra="forbid"; [] = valid."""
    return validate_hera_many([doc])[0]


def hera_version() -> str:
    from importlib.metadata import version

    return version("hera")


__all__ = [
    "KINDS",
    "SCHEMA_DIR",
    "ArgoLintBuildError",
    "LintResult",
    "argo_lint",
    "argo_lint_binary",
    "argo_lint_text",
    "go_available",
    "govaluate_when",
    "hera_available",
    "require_go",
    "require_hera",
    "require_schema",
    "validate_hera",
    "validate_hera_many",
    "validate_schema",
]
