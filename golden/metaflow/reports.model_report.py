"""model_report: compiled by flowc from reports.py (flow `model_report`).

Check it with `python model_report.py check`, run it with `python model_report.py run`
(parameters as `--name value`). Each step runs its shipped script (below, with what
it needs from its module) through `run_script`; outputs are artifacts named
`<task>_<output>`, and the flow's results are artifacts of the `end` step.

Metaflow refuses a foreach over more than 100 items unless the run is given
`--max-num-splits N`, and a foreach over an empty list.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

from metaflow import FlowSpec, JSONType, Parameter, step


def run_script(script, inputs, kinds, outputs):
    """Run a step script in a fresh directory on `inputs`; return its outputs in order.

    `kinds` says how each input travels: "text" or "json" in a FLOWC_IN_ variable, or a
    shape (files under FLOWC_INPUTS_DIR). `outputs` are (name, kind) pairs, kind "text",
    "text?" (null is None), "json", "any", a shape, or {"k": "value", "type": ...} for JSON
    whose numbers follow the declared type.
    """
    root = tempfile.mkdtemp(prefix="flowc-")
    try:
        files, outs, work = (os.path.join(root, d) for d in ("inputs", "outputs", "work"))
        for directory in (files, outs, work):
            os.makedirs(directory)
        path = os.path.join(root, "step.py")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(script)
        env = dict(os.environ, FLOWC_INPUTS_DIR=files, FLOWC_OUTPUTS_DIR=outs)
        for name, value in inputs.items():
            if isinstance(kinds[name], dict):
                unpack(value, kinds[name], os.path.join(files, name))
            else:
                env["FLOWC_IN_" + name] = as_text(value, kinds[name])
        code = subprocess.call([sys.executable, path], env=env, cwd=work)
        if code:
            raise RuntimeError("the step script exited with status %d" % code)
        return [read_output(os.path.join(outs, name), kind) for name, kind in outputs]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def as_text(value, kind):
    """A value input's text: strings as they are, everything else (and None) as JSON."""
    if kind == "text" and isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def read_output(path, kind):
    if isinstance(kind, dict) and kind["k"] != "value":
        return pack(path, kind)
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    text = text[:-1] if text.endswith("\n") else text  # the contract's one trailing newline
    if kind == "text" or (kind == "text?" and text != "null"):
        return text
    if kind == "text?":
        return None
    try:
        value = json.loads(text)
    except ValueError:
        if kind == "any":
            return text
        raise
    return typed(value, kind["type"]) if isinstance(kind, dict) else value


def typed(value, shape):
    """Numbers as declared, as `flowc run` reads them: an int where a float is declared is a
    float, an integral float where an int is declared an int."""
    kind = shape["k"]
    if kind == "optional":
        return None if value is None else typed(value, shape["inner"])
    if kind == "list" and isinstance(value, list):
        return [typed(v, shape["item"]) for v in value]
    if kind == "dict" and isinstance(value, dict):
        return {k: typed(v, shape["value"]) for k, v in value.items()}
    if kind == "float" and type(value) is int:
        return float(value)
    if kind == "int" and type(value) is float and value.is_integer():
        return int(value)
    return value


def pack(path, shape):
    """Files a step wrote, as a value: `shape` says where lists, dicts and optionals are."""
    kind = shape["k"]
    if kind == "optional":
        return pack(path, shape["inner"]) if os.path.lexists(path) else None
    if kind == "list":
        names = sorted((n for n in os.listdir(path) if n.isdigit()), key=int)
        return [pack(os.path.join(path, n), shape["item"]) for n in names]
    if kind == "dict":
        return {n: pack(os.path.join(path, n), shape["value"]) for n in sorted(os.listdir(path))}
    name = os.path.basename(path)
    if not os.path.isdir(path):
        with open(path, "rb") as f:
            return {"name": name, "data": f.read(), "mode": _mode(path)}
    files, dirs, modes = {}, [], {}
    for folder, subdirs, names in os.walk(path):
        for n in sorted(subdirs) + sorted(names):
            full = os.path.join(folder, n)
            relative = os.path.relpath(full, path).replace(os.sep, "/")
            modes[relative] = _mode(full)
            if n in subdirs:
                dirs.append(relative)
                continue
            with open(full, "rb") as f:
                files[relative] = f.read()
    return {"name": name, "files": files, "dirs": dirs, "modes": modes}


def _mode(path):
    return os.stat(path).st_mode & 0o7777


def unpack(carried, shape, path):
    """The inverse of `pack`: a carried value written back as files at `path`."""
    kind = shape["k"]
    if kind == "optional":
        if carried is not None:
            unpack(carried, shape["inner"], path)
    elif kind in ("list", "dict"):
        os.makedirs(path, exist_ok=True)
        items = enumerate(carried) if kind == "list" else sorted(carried.items())
        for key, item in items:
            unpack(item, shape.get("item") or shape["value"], os.path.join(path, str(key)))
    elif "data" in carried:
        with open(path, "wb") as f:
            f.write(carried["data"])
        _chmod(path, carried.get("mode"))
    else:
        os.makedirs(path, exist_ok=True)
        for relative in carried.get("dirs", ()):
            os.makedirs(os.path.join(path, *relative.split("/")), exist_ok=True)
        for relative, data in carried["files"].items():
            full = os.path.join(path, *relative.split("/"))
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data)
        # deepest first: a folder made read-only after its contents are written
        modes = carried.get("modes", {})
        for relative in sorted(modes, key=lambda r: r.count("/"), reverse=True):
            _chmod(os.path.join(path, *relative.split("/")), modes[relative])


def _chmod(path, mode):
    if mode is not None:
        os.chmod(path, mode)


COLLECT_MEASUREMENTS_SCRIPT = r"""# flowc step script: reports.collect_measurements
import json as _json, os as _os, shutil as _shutil
from pathlib import Path as _Path
def _fail(m): raise SystemExit("flowc: " + m)
def _dec(v, t, w):
 k = t["k"]
 while isinstance(v, str):
  try: v = _json.loads(v)
  except ValueError: break
 if k == "int" and (type(v) is int or type(v) is float and v.is_integer()): return int(v)
 _fail("%s: expected %s, got %.80r" % (w, t["k"], v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 return _dec(v, t, "input `%s`" % n)
def _place(v, t, d, w):
 if not isinstance(v, (str, _os.PathLike)): _fail("%s must be the path of a file or directory the step wrote, got %r" % (w, v))
 s = _os.path.abspath(v)
 if not _os.path.exists(s): _fail("%s: the step returned %s, which does not exist" % (w, s))
 if s == _os.path.abspath(d): return
 if _os.path.lexists(d): _shutil.rmtree(d) if _os.path.isdir(d) and not _os.path.islink(d) else _os.remove(d)
 (_shutil.copytree if _os.path.isdir(s) else _shutil.copyfile)(s, d)
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 for (n, t), v in zip(outs, res):
  _place(v, t, _os.path.join(d, n), "output `%s`" % n)


from pathlib import Path
Dataset = _Path

NOISE = [1, -1, -1, 1]  # symmetric, so least squares recovers slope 2 and intercept 1


def collect_measurements(n: int = 8) -> Dataset:
    out = Path("measurements.csv")
    rows = [f"{x},{2 * x + 1 + NOISE[(x - 1) % 4]}" for x in range(1, n + 1)]
    out.write_text("\n".join(["x,y", *rows]) + "\n")
    return out


if __name__ == "__main__":
    _run(collect_measurements, [('n', {'k': 'int'}, 0)], [('output', {'k': 'artifact', 'kind': 'Dataset'})])
"""


def run_collect_measurements(**inputs):
    """Step `collect_measurements` of reports.py:40: its outputs for `inputs`."""
    return run_script(COLLECT_MEASUREMENTS_SCRIPT, inputs, {'n': 'json'}, [('output', {'k': 'artifact', 'kind': 'Dataset'})])[0]


EVALUATE_SCRIPT = r"""# flowc step script: reports.evaluate
import os as _os, shutil as _shutil
from pathlib import Path as _Path
def _fail(m): raise SystemExit("flowc: " + m)
def _loc(p, t, w):
 if not _os.path.exists(p): _fail("%s: the input artifact %s does not exist" % (w, p))
 return _Path(p)
def _place(v, t, d, w):
 if not isinstance(v, (str, _os.PathLike)): _fail("%s must be the path of a file or directory the step wrote, got %r" % (w, v))
 s = _os.path.abspath(v)
 if not _os.path.exists(s): _fail("%s: the step returned %s, which does not exist" % (w, s))
 if s == _os.path.abspath(d): return
 if _os.path.lexists(d): _shutil.rmtree(d) if _os.path.isdir(d) and not _os.path.islink(d) else _os.remove(d)
 (_shutil.copytree if _os.path.isdir(s) else _shutil.copyfile)(s, d)
def _run(fn, ins, outs):
 p = _os.environ.get("FLOWC_INPUTS_DIR", "/tmp/flowc/inputs")
 kw = {}
 for n, t, r in ins:
  if r or _os.path.exists(_os.path.join(p, n)): kw[n] = _loc(_os.path.join(p, n), t, "input `%s`" % n)
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 for (n, t), v in zip(outs, res):
  _place(v, t, _os.path.join(d, n), "output `%s`" % n)


import json
from pathlib import Path
Dataset = _Path
Metrics = _Path
Model = _Path


def load_points(data: Dataset) -> list[tuple[int, int]]:
    lines = data.read_text().splitlines()[1:]  # skip the CSV header
    return [(int(x), int(y)) for x, y in (line.split(",") for line in lines)]


def predict(model: Model, x: float) -> float:
    params = json.loads(model.read_text())
    return float(params["slope"] * x + params["intercept"])


def evaluate(model: Model, data: Dataset) -> Metrics:
    points = load_points(data)
    residuals = [y - predict(model, x) for x, y in points]
    mean_y = sum(y for _, y in points) / len(points)
    total = sum((y - mean_y) ** 2 for _, y in points)
    scores = {
        "mae": round(sum(abs(r) for r in residuals) / len(points), 4),
        "n": len(points),
        "r2": round(1 - sum(r * r for r in residuals) / total, 4),
        "rmse": round((sum(r * r for r in residuals) / len(points)) ** 0.5, 4),
    }
    out = Path("metrics.json")
    out.write_text(json.dumps(scores, sort_keys=True))
    return out


if __name__ == "__main__":
    _run(evaluate, [('model', {'k': 'artifact', 'kind': 'Model'}, 1), ('data', {'k': 'artifact', 'kind': 'Dataset'}, 1)], [('output', {'k': 'artifact', 'kind': 'Metrics'})])
"""


def run_evaluate(**inputs):
    """Step `evaluate` of reports.py:68: its outputs for `inputs`."""
    return run_script(EVALUATE_SCRIPT, inputs, {'model': {'k': 'artifact', 'kind': 'Model'}, 'data': {'k': 'artifact', 'kind': 'Dataset'}}, [('output', {'k': 'artifact', 'kind': 'Metrics'})])[0]


FINGERPRINT_SCRIPT = r'''# flowc step script: reports.fingerprint
import os as _os
from pathlib import Path as _Path
def _fail(m): raise SystemExit("flowc: " + m)
def _loc(p, t, w):
 if not _os.path.exists(p): _fail("%s: the input artifact %s does not exist" % (w, p))
 return _Path(p)
def _enc(v, t, w):
 if v is None: return "null" if t["k"] in ("optional", "any", "none") else _fail("%s: expected %s, got None" % (w, t["k"]))
 return str.__str__(v) if isinstance(v, str) else _fail("%s: expected %s, got %.80r" % (w, t["k"], v))
def _run(fn, ins, outs):
 p = _os.environ.get("FLOWC_INPUTS_DIR", "/tmp/flowc/inputs")
 kw = {}
 for n, t, r in ins:
  if r or _os.path.exists(_os.path.join(p, n)): kw[n] = _loc(_os.path.join(p, n), t, "input `%s`" % n)
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 texts = [(n, _enc(v, t, "output `%s`" % n)) for (n, t), v in zip(outs, res)]
 for n, s in texts:
  with open(_os.path.join(d, n), "wb") as f: f.write(s.encode() + b"\n")


import hashlib
Artifact = _Path


def fingerprint(item: Artifact) -> str:
    """A short content hash of any artifact."""
    return hashlib.sha256(item.read_bytes()).hexdigest()[:12]


if __name__ == "__main__":
    _run(fingerprint, [('item', {'k': 'artifact', 'kind': 'Artifact'}, 1)], [('output', {'k': 'str'})])
'''


def run_fingerprint(**inputs):
    """Step `fingerprint` of reports.py:48: its outputs for `inputs`."""
    return run_script(FINGERPRINT_SCRIPT, inputs, {'item': {'k': 'artifact', 'kind': 'Artifact'}}, [('output', 'text')])[0]


FIT_LINE_SCRIPT = r'''# flowc step script: reports.fit_line
import os as _os, shutil as _shutil
from pathlib import Path as _Path
def _fail(m): raise SystemExit("flowc: " + m)
def _loc(p, t, w):
 if not _os.path.exists(p): _fail("%s: the input artifact %s does not exist" % (w, p))
 return _Path(p)
def _place(v, t, d, w):
 if not isinstance(v, (str, _os.PathLike)): _fail("%s must be the path of a file or directory the step wrote, got %r" % (w, v))
 s = _os.path.abspath(v)
 if not _os.path.exists(s): _fail("%s: the step returned %s, which does not exist" % (w, s))
 if s == _os.path.abspath(d): return
 if _os.path.lexists(d): _shutil.rmtree(d) if _os.path.isdir(d) and not _os.path.islink(d) else _os.remove(d)
 (_shutil.copytree if _os.path.isdir(s) else _shutil.copyfile)(s, d)
def _run(fn, ins, outs):
 p = _os.environ.get("FLOWC_INPUTS_DIR", "/tmp/flowc/inputs")
 kw = {}
 for n, t, r in ins:
  if r or _os.path.exists(_os.path.join(p, n)): kw[n] = _loc(_os.path.join(p, n), t, "input `%s`" % n)
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 for (n, t), v in zip(outs, res):
  _place(v, t, _os.path.join(d, n), "output `%s`" % n)


import json
from pathlib import Path
Dataset = _Path
Model = _Path


def load_points(data: Dataset) -> list[tuple[int, int]]:
    lines = data.read_text().splitlines()[1:]  # skip the CSV header
    return [(int(x), int(y)) for x, y in (line.split(",") for line in lines)]


def fit_line(data: Dataset) -> Model:
    """Ordinary least squares for y = slope * x + intercept."""
    points = load_points(data)
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    out = Path("model.json")
    out.write_text(json.dumps({"slope": slope, "intercept": mean_y - slope * mean_x}))
    return out


if __name__ == "__main__":
    _run(fit_line, [('data', {'k': 'artifact', 'kind': 'Dataset'}, 1)], [('output', {'k': 'artifact', 'kind': 'Model'})])
'''


def run_fit_line(**inputs):
    """Step `fit_line` of reports.py:54: its outputs for `inputs`."""
    return run_script(FIT_LINE_SCRIPT, inputs, {'data': {'k': 'artifact', 'kind': 'Dataset'}}, [('output', {'k': 'artifact', 'kind': 'Model'})])[0]


PACKAGE_RELEASE_SCRIPT = r'''# flowc step script: reports.package_release
import json as _json, os as _os, shutil as _shutil
from pathlib import Path as _Path
def _fail(m): raise SystemExit("flowc: " + m)
def _art(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return t["k"] == "artifact" or s is not None and _art(s)
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _json.loads(v)
 return v
def _loc(p, t, w):
 if not _os.path.exists(p): _fail("%s: the input artifact %s does not exist" % (w, p))
 return _Path(p)
def _place(v, t, d, w):
 if not isinstance(v, (str, _os.PathLike)): _fail("%s must be the path of a file or directory the step wrote, got %r" % (w, v))
 s = _os.path.abspath(v)
 if not _os.path.exists(s): _fail("%s: the step returned %s, which does not exist" % (w, s))
 if s == _os.path.abspath(d): return
 if _os.path.lexists(d): _shutil.rmtree(d) if _os.path.isdir(d) and not _os.path.islink(d) else _os.remove(d)
 (_shutil.copytree if _os.path.isdir(s) else _shutil.copyfile)(s, d)
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if not _art(t) and (r or "FLOWC_IN_" + n in _os.environ)}
 p = _os.environ.get("FLOWC_INPUTS_DIR", "/tmp/flowc/inputs")
 for n, t, r in ins:
  if _art(t) and (r or _os.path.exists(_os.path.join(p, n))): kw[n] = _loc(_os.path.join(p, n), t, "input `%s`" % n)
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 for (n, t), v in zip(outs, res):
  _place(v, t, _os.path.join(d, n), "output `%s`" % n)


import hashlib
import json
from pathlib import Path
HTML = _Path
Artifact = _Path
Markdown = _Path
Model = _Path


def package_release(report: HTML, summary: Markdown, model: Model, data_id: str) -> Artifact:
    """A release manifest: what was released, by content hash rather than by path."""
    manifest = {
        "data": data_id,
        **{
            role: hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            for role, path in [("model", model), ("report", report), ("summary", summary)]
        },
    }
    out = Path("release.json")
    out.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return out


if __name__ == "__main__":
    _run(package_release, [('report', {'k': 'artifact', 'kind': 'HTML'}, 1), ('summary', {'k': 'artifact', 'kind': 'Markdown'}, 1), ('model', {'k': 'artifact', 'kind': 'Model'}, 1), ('data_id', {'k': 'str'}, 1)], [('output', {'k': 'artifact', 'kind': 'Artifact'})])
'''


def run_package_release(**inputs):
    """Step `package_release` of reports.py:118: its outputs for `inputs`."""
    return run_script(PACKAGE_RELEASE_SCRIPT, inputs, {'report': {'k': 'artifact', 'kind': 'HTML'}, 'summary': {'k': 'artifact', 'kind': 'Markdown'}, 'model': {'k': 'artifact', 'kind': 'Model'}, 'data_id': 'text'}, [('output', {'k': 'artifact', 'kind': 'Artifact'})])[0]


READ_METRICS_SCRIPT = r"""# flowc step script: reports.read_metrics
import json as _json, os as _os
from pathlib import Path as _Path
def _fail(m): raise SystemExit("flowc: " + m)
def _show(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return "%s[%s]" % (t["k"], _show(s)) if s else t["k"]
def _loc(p, t, w):
 if not _os.path.exists(p): _fail("%s: the input artifact %s does not exist" % (w, p))
 return _Path(p)
def _enc(v, t, w):
 if v is None: return "null" if t["k"] in ("optional", "any", "none") else _fail("%s: expected %s, got None" % (w, _show(t)))
 try: return _json.dumps(v, sort_keys=True, separators=(",", ":"), allow_nan=False, default=lambda x: x.tolist())
 except (AttributeError, TypeError, ValueError) as e: _fail("%s cannot be written as JSON: %s" % (w, e))
def _run(fn, ins, outs):
 p = _os.environ.get("FLOWC_INPUTS_DIR", "/tmp/flowc/inputs")
 kw = {}
 for n, t, r in ins:
  if r or _os.path.exists(_os.path.join(p, n)): kw[n] = _loc(_os.path.join(p, n), t, "input `%s`" % n)
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 texts = [(n, _enc(v, t, "output `%s`" % n)) for (n, t), v in zip(outs, res)]
 for n, s in texts:
  with open(_os.path.join(d, n), "wb") as f: f.write(s.encode() + b"\n")


import json
from typing import Any
Metrics = _Path


def read_metrics(metrics: Metrics) -> dict[str, Any]:
    return dict(json.loads(metrics.read_text()))


if __name__ == "__main__":
    _run(read_metrics, [('metrics', {'k': 'artifact', 'kind': 'Metrics'}, 1)], [('output', {'k': 'dict', 'value': {'k': 'any'}})])
"""


def run_read_metrics(**inputs):
    """Step `read_metrics` of reports.py:133: its outputs for `inputs`."""
    return run_script(READ_METRICS_SCRIPT, inputs, {'metrics': {'k': 'artifact', 'kind': 'Metrics'}}, [('output', 'json')])[0]


RENDER_CHART_SCRIPT = r'''# flowc step script: reports.render_chart
import json as _json, os as _os
from pathlib import Path as _Path
def _fail(m): raise SystemExit("flowc: " + m)
def _art(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return t["k"] == "artifact" or s is not None and _art(s)
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _json.loads(v)
 return v
def _loc(p, t, w):
 if not _os.path.exists(p): _fail("%s: the input artifact %s does not exist" % (w, p))
 return _Path(p)
def _enc(v, t, w):
 if v is None: return "null" if t["k"] in ("optional", "any", "none") else _fail("%s: expected %s, got None" % (w, t["k"]))
 return str.__str__(v) if isinstance(v, str) else _fail("%s: expected %s, got %.80r" % (w, t["k"], v))
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if not _art(t) and (r or "FLOWC_IN_" + n in _os.environ)}
 p = _os.environ.get("FLOWC_INPUTS_DIR", "/tmp/flowc/inputs")
 for n, t, r in ins:
  if _art(t) and (r or _os.path.exists(_os.path.join(p, n))): kw[n] = _loc(_os.path.join(p, n), t, "input `%s`" % n)
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 texts = [(n, _enc(v, t, "output `%s`" % n)) for (n, t), v in zip(outs, res)]
 for n, s in texts:
  with open(_os.path.join(d, n), "wb") as f: f.write(s.encode() + b"\n")


import json
Dataset = _Path
Model = _Path


def load_points(data: Dataset) -> list[tuple[int, int]]:
    lines = data.read_text().splitlines()[1:]  # skip the CSV header
    return [(int(x), int(y)) for x, y in (line.split(",") for line in lines)]


def predict(model: Model, x: float) -> float:
    params = json.loads(model.read_text())
    return float(params["slope"] * x + params["intercept"])


def render_chart(data: Dataset, model: Model, kind: str) -> str:
    """An HTML table of the fitted values or of the residuals, as a fragment of the report."""
    cells = []
    for x, y in load_points(data):
        value = predict(model, x) if kind == "fit" else y - predict(model, x)
        cells.append(f"<tr><td>{x}</td><td>{y}</td><td>{value:g}</td></tr>")
    return f"<table class='{kind}'>{''.join(cells)}</table>\n"


if __name__ == "__main__":
    _run(render_chart, [('data', {'k': 'artifact', 'kind': 'Dataset'}, 1), ('model', {'k': 'artifact', 'kind': 'Model'}, 1), ('kind', {'k': 'str'}, 1)], [('output', {'k': 'str'})])
'''


def run_render_chart(**inputs):
    """Step `render_chart` of reports.py:85: its outputs for `inputs`."""
    return run_script(RENDER_CHART_SCRIPT, inputs, {'data': {'k': 'artifact', 'kind': 'Dataset'}, 'model': {'k': 'artifact', 'kind': 'Model'}, 'kind': 'text'}, [('output', 'text')])[0]


RENDER_REPORT_SCRIPT = r"""# flowc step script: reports.render_report
import json as _json, os as _os, shutil as _shutil
from pathlib import Path as _Path
def _fail(m): raise SystemExit("flowc: " + m)
def _show(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return "%s[%s]" % (t["k"], _show(s)) if s else t["k"]
def _art(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return t["k"] == "artifact" or s is not None and _art(s)
def _dec(v, t, w):
 k = t["k"]
 while isinstance(v, str) and k != "str":
  try: v = _json.loads(v)
  except ValueError: break
 if k == "list" and isinstance(v, list): return [_dec(x, t["item"], w) for x in v]
 if k == "str" and type(v) is str: return v
 _fail("%s: expected %s, got %.80r" % (w, _show(t), v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _dec(_json.loads(v), t, "input `%s`" % n)
 if t["k"] == "list" and (v == "" or v[:2] == "{" + "{"): return []
 return _dec(v, t, "input `%s`" % n)
def _loc(p, t, w):
 if not _os.path.exists(p): _fail("%s: the input artifact %s does not exist" % (w, p))
 return _Path(p)
def _place(v, t, d, w):
 if not isinstance(v, (str, _os.PathLike)): _fail("%s must be the path of a file or directory the step wrote, got %r" % (w, v))
 s = _os.path.abspath(v)
 if not _os.path.exists(s): _fail("%s: the step returned %s, which does not exist" % (w, s))
 if s == _os.path.abspath(d): return
 if _os.path.lexists(d): _shutil.rmtree(d) if _os.path.isdir(d) and not _os.path.islink(d) else _os.remove(d)
 (_shutil.copytree if _os.path.isdir(s) else _shutil.copyfile)(s, d)
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if not _art(t) and (r or "FLOWC_IN_" + n in _os.environ)}
 p = _os.environ.get("FLOWC_INPUTS_DIR", "/tmp/flowc/inputs")
 for n, t, r in ins:
  if _art(t) and (r or _os.path.exists(_os.path.join(p, n))): kw[n] = _loc(_os.path.join(p, n), t, "input `%s`" % n)
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 for (n, t), v in zip(outs, res):
  _place(v, t, _os.path.join(d, n), "output `%s`" % n)


import json
from pathlib import Path
HTML = _Path
Metrics = _Path


def render_report(metrics: Metrics, charts: list[str], title: str) -> HTML:
    scores = json.loads(metrics.read_text())
    items = "".join(f"<li>{k}: {v}</li>" for k, v in scores.items())
    body = "".join(charts)
    out = Path("report.html")
    out.write_text(f"<html><h1>{title}</h1><ul>{items}</ul>{body}</html>\n")
    return out


if __name__ == "__main__":
    _run(render_report, [('metrics', {'k': 'artifact', 'kind': 'Metrics'}, 1), ('charts', {'k': 'list', 'item': {'k': 'str'}}, 1), ('title', {'k': 'str'}, 1)], [('output', {'k': 'artifact', 'kind': 'HTML'})])
"""


def run_render_report(**inputs):
    """Step `render_report` of reports.py:95: its outputs for `inputs`."""
    return run_script(RENDER_REPORT_SCRIPT, inputs, {'metrics': {'k': 'artifact', 'kind': 'Metrics'}, 'charts': 'json', 'title': 'text'}, [('output', {'k': 'artifact', 'kind': 'HTML'})])[0]


RENDER_SUMMARY_SCRIPT = r"""# flowc step script: reports.render_summary
import json as _json, os as _os, shutil as _shutil
from pathlib import Path as _Path
def _fail(m): raise SystemExit("flowc: " + m)
def _art(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return t["k"] == "artifact" or s is not None and _art(s)
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _json.loads(v)
 return v
def _loc(p, t, w):
 if not _os.path.exists(p): _fail("%s: the input artifact %s does not exist" % (w, p))
 return _Path(p)
def _place(v, t, d, w):
 if not isinstance(v, (str, _os.PathLike)): _fail("%s must be the path of a file or directory the step wrote, got %r" % (w, v))
 s = _os.path.abspath(v)
 if not _os.path.exists(s): _fail("%s: the step returned %s, which does not exist" % (w, s))
 if s == _os.path.abspath(d): return
 if _os.path.lexists(d): _shutil.rmtree(d) if _os.path.isdir(d) and not _os.path.islink(d) else _os.remove(d)
 (_shutil.copytree if _os.path.isdir(s) else _shutil.copyfile)(s, d)
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if not _art(t) and (r or "FLOWC_IN_" + n in _os.environ)}
 p = _os.environ.get("FLOWC_INPUTS_DIR", "/tmp/flowc/inputs")
 for n, t, r in ins:
  if _art(t) and (r or _os.path.exists(_os.path.join(p, n))): kw[n] = _loc(_os.path.join(p, n), t, "input `%s`" % n)
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 for (n, t), v in zip(outs, res):
  _place(v, t, _os.path.join(d, n), "output `%s`" % n)


import json
from pathlib import Path
Markdown = _Path
Metrics = _Path
Model = _Path


def render_summary(metrics: Metrics, model: Model, title: str) -> Markdown:
    scores = json.loads(metrics.read_text())
    params = json.loads(model.read_text())
    table = "".join(f"| {k} | {v} |\n" for k, v in scores.items())
    out = Path("summary.md")
    out.write_text(
        f"# {title}\n\n| metric | value |\n|---|---|\n{table}\n"
        f"Model: y = {params['slope']} * x + {params['intercept']}\n"
    )
    return out


if __name__ == "__main__":
    _run(render_summary, [('metrics', {'k': 'artifact', 'kind': 'Metrics'}, 1), ('model', {'k': 'artifact', 'kind': 'Model'}, 1), ('title', {'k': 'str'}, 1)], [('output', {'k': 'artifact', 'kind': 'Markdown'})])
"""


def run_render_summary(**inputs):
    """Step `render_summary` of reports.py:105: its outputs for `inputs`."""
    return run_script(RENDER_SUMMARY_SCRIPT, inputs, {'metrics': {'k': 'artifact', 'kind': 'Metrics'}, 'model': {'k': 'artifact', 'kind': 'Model'}, 'title': 'text'}, [('output', {'k': 'artifact', 'kind': 'Markdown'})])[0]


class ModelReportFlow(FlowSpec):
    """Fit, evaluate and document a model; return its metrics and the release fingerprint."""
    n = Parameter('n', type=int, default=8, help='int')
    title = Parameter('title', type=str, default='Weekly model report', help='str')

    @step
    def start(self):
        """Start the run."""
        self.next(self.collect_measurements)

    @step
    def collect_measurements(self):
        """data = collect_measurements(n)  (reports.py:140)"""
        self.collect_measurements_output = run_collect_measurements(n=self.n)
        self.next(self.fingerprint, self.fit_line)

    @step
    def fingerprint(self):
        """data_id = fingerprint(data)  # a Dataset is an Artifact  (reports.py:141)"""
        self.fingerprint_output = run_fingerprint(item=self.collect_measurements_output)
        self.next(self.join_1)

    @step
    def fit_line(self):
        """model = fit_line(data)  (reports.py:142)"""
        self.fit_line_output = run_fit_line(data=self.collect_measurements_output)
        self.next(self.join_1)

    @step
    def join_1(self, inputs):
        """Join the static branches."""
        self.merge_artifacts(inputs)
        self.next(self.split_2)

    @step
    def split_2(self):
        """Start static branches."""
        self.next(self.evaluate, self.for_k)

    @step
    def evaluate(self):
        """metrics = evaluate(model, data)  (reports.py:143)"""
        self.evaluate_output = run_evaluate(model=self.fit_line_output, data=self.collect_measurements_output)
        self.next(self.join_2)

    @step
    def for_k(self):
        """Fan out: for k in a list."""
        self.for_k_items = ['fit', 'residuals']
        self.next(self.render_chart, foreach='for_k_items')

    @step
    def render_chart(self):
        """charts = [render_chart(data, model, kind=k) for k in ["fit", "residuals"]]  (reports.py:144)"""
        self.k = self.input
        self.render_chart_output = run_render_chart(data=self.collect_measurements_output, model=self.fit_line_output, kind=self.k)
        self.next(self.for_k_join)

    @step
    def for_k_join(self, inputs):
        """Collect every `k` iteration, in order."""
        self.render_chart_output = [i.render_chart_output for i in inputs]
        self.merge_artifacts(inputs, exclude=['k'])
        self.next(self.join_2)

    @step
    def join_2(self, inputs):
        """Join the static branches."""
        self.merge_artifacts(inputs)
        self.next(self.split_3)

    @step
    def split_3(self):
        """Start static branches."""
        self.next(self.branch_start, self.read_metrics)

    @step
    def branch_start(self):
        """Pass through."""
        self.next(self.render_report, self.render_summary)

    @step
    def render_report(self):
        """report = render_report(metrics, charts, title=title)  (reports.py:145)"""
        self.render_report_output = run_render_report(metrics=self.evaluate_output, charts=self.render_chart_output, title=self.title)
        self.next(self.join_4)

    @step
    def render_summary(self):
        """summary = render_summary(metrics, model, title=title)  (reports.py:146)"""
        self.render_summary_output = run_render_summary(metrics=self.evaluate_output, model=self.fit_line_output, title=self.title)
        self.next(self.join_4)

    @step
    def join_4(self, inputs):
        """Join the static branches."""
        self.merge_artifacts(inputs)
        self.next(self.package_release)

    @step
    def package_release(self):
        """release = package_release(report, summary, model, data_id=data_id)  (reports.py:147)"""
        self.package_release_output = run_package_release(report=self.render_report_output, summary=self.render_summary_output, model=self.fit_line_output, data_id=self.fingerprint_output)
        self.next(self.fingerprint_2)

    @step
    def fingerprint_2(self):
        """release_id = fingerprint(release)  (reports.py:149)"""
        self.fingerprint_2_output = run_fingerprint(item=self.package_release_output)
        self.next(self.join_3)

    @step
    def read_metrics(self):
        """scores = read_metrics(metrics)  (reports.py:148)"""
        self.read_metrics_output = run_read_metrics(metrics=self.evaluate_output)
        self.next(self.join_3)

    @step
    def join_3(self, inputs):
        """Join the static branches."""
        self.merge_artifacts(inputs)
        self.next(self.end)

    @step
    def end(self):
        """The flow's results."""
        self.output_0 = self.read_metrics_output
        self.output_1 = self.fingerprint_2_output


if __name__ == "__main__":
    ModelReportFlow()
