"""The text of the prelude and runner that every shipped step script carries.

It is source code, not code flowc runs: it is pasted into each script (see `shipping.py`),
so it must use the standard library only, run on any Python 3 a user's image may have (no
`X | Y` annotations, no `match`, nothing newer than 3.8), and name everything `_flowc_…` so it
can't collide with the user's code. The contract it implements (inputs from `FLOWC_IN_<p>` and
`$FLOWC_INPUTS_DIR/<p>`, outputs to `$FLOWC_OUTPUTS_DIR/<name>`, decoding by declared type)
is documented in `shipping.py`, which also holds the compile-time half (`encode_value`).
"""

from __future__ import annotations

PRELUDE = '''\
# --- flowc prelude: the standard library only; every name starts with _flowc_ ----------------
import contextlib as _flowc_contextlib
import enum as _flowc_enum
import json as _flowc_json
import os as _flowc_os
import pathlib as _flowc_pathlib
import shutil as _flowc_shutil
import subprocess as _flowc_subprocess
import sys as _flowc_sys
import types as _flowc_types

# Stand-ins for flowc's authoring API, so the image needs Python and never flowc.
_flowc_Path = _flowc_pathlib.Path


class _flowc_RunStatus(str, _flowc_enum.Enum):
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    ERROR = "Error"

    # behave like flowc.RunStatus (a StrEnum): str() and f-strings give the value
    def __str__(self):
        return self.value

    def __format__(self, spec):
        return format(self.value, spec)


class _flowc_Retry:
    def __init__(self, limit, backoff=None, factor=None, max_backoff=None, on="always"):
        self.limit, self.backoff, self.factor = limit, backoff, factor
        self.max_backoff, self.on = max_backoff, on


def _flowc_step(fn=None, **options):
    return fn if fn is not None else (lambda f: f)


def _flowc_parallel(items, max=None):
    return items


def _flowc_after(*tasks):
    return _flowc_contextlib.nullcontext()


_flowc_namespace = _flowc_types.SimpleNamespace(
    Artifact=_flowc_Path,
    Dataset=_flowc_Path,
    Model=_flowc_Path,
    Metrics=_flowc_Path,
    HTML=_flowc_Path,
    Markdown=_flowc_Path,
    RunStatus=_flowc_RunStatus,
    Retry=_flowc_Retry,
    step=_flowc_step,
    flow=_flowc_step,
    parallel=_flowc_parallel,
    after=_flowc_after,
)


def _flowc_fail(message):
    raise SystemExit("flowc: " + message)


# --- decoding inputs: text (from the engine) -> Python value, by declared type ---------------


def _flowc_str_like(t):
    k = t["k"]
    if k == "optional":
        return _flowc_str_like(t["inner"])
    if k == "literal":
        return all(isinstance(v, str) for v in t["values"])
    return k in ("str", "runstatus")


def _flowc_has_artifact(t):
    k = t["k"]
    if k == "artifact":
        return True
    if k in ("list", "dict", "optional"):
        return _flowc_has_artifact(t.get("item") or t.get("value") or t.get("inner"))
    return False


def _flowc_decode_text(text, t, what):
    k = t["k"]
    if k == "optional":
        return None if text == "null" else _flowc_decode_text(text, t["inner"], what)
    if k == "runstatus":
        try:
            return _flowc_RunStatus(text)
        except ValueError:
            _flowc_fail("%s: unknown run status %r" % (what, text[:80]))
    if _flowc_str_like(t):
        return _flowc_check_literal(text, t, what)
    try:
        value = _flowc_json.loads(text)
    except ValueError:
        if k == "any":
            return text
        _flowc_fail("%s: expected JSON for %s, got %r" % (what, _flowc_show(t), text[:80]))
    return _flowc_coerce(value, t, what)


def _flowc_coerce(value, t, what):
    k = t["k"]
    if k == "any":
        return value
    if k == "optional":
        return None if value is None else _flowc_coerce(value, t["inner"], what)
    if isinstance(value, str) and not _flowc_str_like(t):
        # engines collect fanned-in outputs as a JSON list of their texts: ["0.5", "[1,2]"]
        return _flowc_decode_text(value, t, what)
    if k == "list" and isinstance(value, list):
        return [_flowc_coerce(v, t["item"], what) for v in value]
    if k == "dict" and isinstance(value, dict):
        return {key: _flowc_coerce(v, t["value"], what) for key, v in value.items()}
    return _flowc_scalar(value, t, what)


def _flowc_scalar(value, t, what):
    k = t["k"]
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if k == "int" and number and (isinstance(value, int) or value.is_integer()):
        return int(value)  # some engines hand collected ints back as floats: 3.0
    if k == "float" and number:
        return float(value)
    if k == "bool" and isinstance(value, bool):
        return value
    if k == "str" and isinstance(value, str):
        return value
    if k == "runstatus" and isinstance(value, str):
        return _flowc_decode_text(value, t, what)
    if k == "literal":
        return _flowc_check_literal(value, t, what)
    if k == "none" and value is None:
        return None
    _flowc_fail("%s: expected %s, got %r" % (what, _flowc_show(t), value))


def _flowc_check_literal(value, t, what):
    if t["k"] == "literal" and not any(type(value) is type(v) and value == v for v in t["values"]):
        _flowc_fail("%s: expected one of %r, got %r" % (what, t["values"], value))
    return value


def _flowc_show(t):
    k = t["k"]
    if k in ("list", "dict", "optional"):
        return "%s[%s]" % (k, _flowc_show(t.get("item") or t.get("value") or t.get("inner")))
    return t.get("kind") or k


def _flowc_locate(path, t, what):
    """An artifact input: a path, or a directory of items for list/dict types."""
    k = t["k"]
    if k == "optional":
        return _flowc_locate(path, t["inner"], what) if _flowc_os.path.exists(path) else None
    if not _flowc_os.path.exists(path):
        _flowc_fail("%s: the input artifact %s does not exist" % (what, path))
    if k == "list":
        names = sorted((n for n in _flowc_os.listdir(path) if n.isdigit()), key=int)
        return [_flowc_locate(_flowc_os.path.join(path, n), t["item"], what) for n in names]
    if k == "dict":
        names = sorted(_flowc_os.listdir(path))
        return {n: _flowc_locate(_flowc_os.path.join(path, n), t["value"], what) for n in names}
    return _flowc_Path(path)


def _flowc_inputs(params):
    inputs_dir = _flowc_os.environ.get("FLOWC_INPUTS_DIR", "/tmp/flowc/inputs")
    kwargs = {}
    for name, t, required in params:
        what = "input `%s`" % name
        if _flowc_has_artifact(t):
            path = _flowc_os.path.join(inputs_dir, name)
            if _flowc_os.path.exists(path) or required:
                kwargs[name] = _flowc_locate(path, t, what)
            continue
        text = _flowc_os.environ.get("FLOWC_IN_" + name)
        if text is not None:
            kwargs[name] = _flowc_decode_text(text, t, what)
        elif required:
            _flowc_fail("%s is missing: the engine sets it in FLOWC_IN_%s" % (what, name))
    return kwargs


# --- encoding outputs: Python value -> files in $FLOWC_OUTPUTS_DIR ---------------------------


def _flowc_json_default(value):
    for method in ("tolist", "item"):  # numpy arrays and scalars
        if callable(getattr(value, method, None)):
            return getattr(value, method)()
    raise TypeError("%s is not JSON serializable" % type(value).__name__)


def _flowc_encode(value, t, what):
    if t["k"] == "optional":
        return "null" if value is None else _flowc_encode(value, t["inner"], what)
    if value is None and t["k"] not in ("any", "none"):
        _flowc_fail("%s is declared %s, but the step returned None" % (what, _flowc_show(t)))
    if _flowc_str_like(t):
        if not isinstance(value, str):
            _flowc_fail("%s is declared %s, but the step returned %r" % (what, _flowc_show(t), value))
        return str.__str__(value)
    try:
        return _flowc_json.dumps(
            value, sort_keys=True, separators=(",", ":"), allow_nan=False, default=_flowc_json_default
        )
    except (TypeError, ValueError) as exc:
        _flowc_fail("%s cannot be written as JSON: %s" % (what, exc))


def _flowc_place(value, t, dest, what):
    """An artifact output: copy what the step wrote to `dest` (items into a directory)."""
    k = t["k"]
    if k == "optional":
        if value is not None:
            _flowc_place(value, t["inner"], dest, what)
        return
    if k in ("list", "dict"):
        items = enumerate(value) if k == "list" else sorted(value.items())
        _flowc_os.makedirs(dest, exist_ok=True)
        for key, item in items:
            _flowc_place(item, t.get("item") or t.get("value"), _flowc_os.path.join(dest, str(key)), what)
        return
    if not isinstance(value, (str, _flowc_os.PathLike)):
        _flowc_fail("%s must be the path of a file or directory the step wrote, got %r" % (what, value))
    source = _flowc_os.path.abspath(value)
    if not _flowc_os.path.exists(source):
        _flowc_fail("%s: the step returned %s, which does not exist" % (what, source))
    if source == _flowc_os.path.abspath(dest):
        return
    if _flowc_os.path.isdir(dest) and not _flowc_os.path.islink(dest):
        _flowc_shutil.rmtree(dest)
    elif _flowc_os.path.lexists(dest):
        _flowc_os.remove(dest)
    if _flowc_os.path.isdir(source):
        _flowc_shutil.copytree(source, dest)
    else:
        _flowc_shutil.copyfile(source, dest)


def _flowc_outputs(result, outputs, fields):
    outputs_dir = _flowc_os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
    _flowc_os.makedirs(outputs_dir, exist_ok=True)
    texts, artifacts = [], []
    for index, (name, t) in enumerate(outputs):
        what = "output `%s`" % name
        value = result
        if fields:
            if result is None:
                _flowc_fail("the step returned None instead of its outputs")
            value = getattr(result, name) if hasattr(result, name) else result[index]
        dest = _flowc_os.path.join(outputs_dir, name)
        if _flowc_has_artifact(t):
            artifacts.append((value, t, dest, what))
        else:
            texts.append((dest, _flowc_encode(value, t, what)))
    # every value is encoded before anything is written: a failure leaves no partial outputs
    for dest, text in texts:
        with open(dest, "w", encoding="utf-8", newline="") as out:
            out.write(text)
    for value, t, dest, what in artifacts:
        _flowc_place(value, t, dest, what)


def _flowc_run(function, params, outputs, fields):
    result = function(**_flowc_inputs(params))
    if outputs:
        _flowc_outputs(result, outputs, fields)
'''

INSTALL = """\
_flowc_subprocess.check_call(
    [_flowc_sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *_flowc_PACKAGES]
)
"""
