"""training: compiled by flowc from training.py (flow `training`).

Check it with `python training.py check`, run it with `python training.py run`
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

from metaflow import FlowSpec, JSONType, Parameter, exit_hook, resources, retry, schedule, step, timeout


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


DEPLOY_SCRIPT = r"""# flowc step script: training.deploy
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
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if not _art(t) and (r or "FLOWC_IN_" + n in _os.environ)}
 p = _os.environ.get("FLOWC_INPUTS_DIR", "/tmp/flowc/inputs")
 for n, t, r in ins:
  if _art(t) and (r or _os.path.exists(_os.path.join(p, n))): kw[n] = _loc(_os.path.join(p, n), t, "input `%s`" % n)
 fn(**kw)


import json
Model = _Path


def deploy(model: Model, stage: str = "prod") -> None:
    params = json.loads(model.read_text())
    print(f"deploy: w={params['w']} b={params['b']} -> {stage}")


if __name__ == "__main__":
    _run(deploy, [('model', {'k': 'artifact', 'kind': 'Model'}, 1), ('stage', {'k': 'str'}, 0)], [])
"""


def run_deploy(**inputs):
    """Step `deploy` of training.py:99: its outputs for `inputs`."""
    run_script(DEPLOY_SCRIPT, inputs, {'model': {'k': 'artifact', 'kind': 'Model'}, 'stage': 'text'}, [])


INGEST_SCRIPT = r'''# flowc step script: training.ingest
import json as _json, os as _os, shutil as _shutil
from pathlib import Path as _Path
def _fail(m): raise SystemExit("flowc: " + m)
def _dec(v, t, w):
 k = t["k"]
 while isinstance(v, str) and k != "str":
  try: v = _json.loads(v)
  except ValueError: break
 if k == "int" and (type(v) is int or type(v) is float and v.is_integer()): return int(v)
 if k == "str" and type(v) is str: return v
 _fail("%s: expected %s, got %.80r" % (w, t["k"], v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _dec(_json.loads(v), t, "input `%s`" % n)
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


import json
from pathlib import Path
Dataset = _Path


def synth_rows(bucket: str, limit: int) -> list[list[float]]:
    """Stand-in for reading ``limit`` rows from object storage: y ≈ 3x + 0.5 with jitter.

    The jitter depends on the bucket name only, so a bucket always yields the same rows.
    """
    seed = sum(map(ord, bucket)) % 3
    return [[x / 10, 3 * x / 10 + 0.5 + ((x + seed) % 3 - 1) / 20] for x in range(1, limit + 1)]


def ingest(bucket: str, limit: int = 20) -> Dataset:
    out = Path("raw.json")
    out.write_text(json.dumps(synth_rows(bucket, limit)))
    return out  # an artifact output is the path the step wrote


if __name__ == "__main__":
    _run(ingest, [('bucket', {'k': 'str'}, 1), ('limit', {'k': 'int'}, 0)], [('output', {'k': 'artifact', 'kind': 'Dataset'})])
'''


def run_ingest(**inputs):
    """Step `ingest` of training.py:57: its outputs for `inputs`."""
    return run_script(INGEST_SCRIPT, inputs, {'bucket': 'text', 'limit': 'json'}, [('output', {'k': 'artifact', 'kind': 'Dataset'})])[0]


NOTIFY_SCRIPT = r'''# flowc step script: training.notify
import enum as _enum, os as _os
class _RunStatus(str, _enum.Enum):
 SUCCEEDED, FAILED, ERROR = "Succeeded", "Failed", "Error"
 __str__, __format__ = str.__str__, str.__format__
def _fail(m): raise SystemExit("flowc: " + m)
def _dec(v, t, w):
 k = t["k"]
 if k == "runstatus":
  try: return _RunStatus(v)
  except (TypeError, ValueError): _fail("%s: unknown run status %r" % (w, v))
 _fail("%s: expected %s, got %.80r" % (w, t["k"], v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 return _dec(v, t, "input `%s`" % n)
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 fn(**kw)


RunStatus = _RunStatus


def notify(status: RunStatus) -> None:
    """Exit handler: runs once the flow has finished, whatever its outcome."""
    # compared with strings: in a container the status arrives as a plain str
    if status == "Succeeded":
        print("notify: training succeeded")
    elif status == "Failed":
        print("notify: training failed, paging the on-call")
    else:
        print("notify: training errored (a platform problem), paging the on-call")


if __name__ == "__main__":
    _run(notify, [('status', {'k': 'runstatus'}, 1)], [])
'''


def run_notify(**inputs):
    """Step `notify` of training.py:105: its outputs for `inputs`."""
    run_script(NOTIFY_SCRIPT, inputs, {'status': 'text'}, [])


PICK_BEST_SCRIPT = r'''# flowc step script: training.pick_best
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _show(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return "%s[%s]" % (t["k"], _show(s)) if s else t["k"]
def _dec(v, t, w):
 k = t["k"]
 while isinstance(v, str):
  try: v = _json.loads(v)
  except ValueError: break
 if k == "list" and isinstance(v, list): return [_dec(x, t["item"], w) for x in v]
 if k == "float" and type(v) in (int, float): return float(v)
 _fail("%s: expected %s, got %.80r" % (w, _show(t), v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if t["k"] == "list" and (v == "" or v[:2] == "{" + "{"): return []
 return _dec(v, t, "input `%s`" % n)
def _enc(v, t, w):
 if v is None: return "null" if t["k"] in ("optional", "any", "none") else _fail("%s: expected %s, got None" % (w, _show(t)))
 try: return _json.dumps(v, sort_keys=True, separators=(",", ":"), allow_nan=False, default=lambda x: x.tolist())
 except (AttributeError, TypeError, ValueError) as e: _fail("%s cannot be written as JSON: %s" % (w, e))
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 texts = [(n, _enc(v, t, "output `%s`" % n)) for (n, t), v in zip(outs, res)]
 for n, s in texts:
  with open(_os.path.join(d, n), "wb") as f: f.write(s.encode() + b"\n")


def pick_best(scores: list[float], rates: list[float]) -> float:
    """The learning rate with the lowest loss (the first one on a tie)."""
    best = min(range(len(scores)), key=lambda i: scores[i])
    return rates[best]


if __name__ == "__main__":
    _run(pick_best, [('scores', {'k': 'list', 'item': {'k': 'float'}}, 1), ('rates', {'k': 'list', 'item': {'k': 'float'}}, 1)], [('output', {'k': 'float'})])
'''


def run_pick_best(**inputs):
    """Step `pick_best` of training.py:71: its outputs for `inputs`."""
    return run_script(PICK_BEST_SCRIPT, inputs, {'scores': 'json', 'rates': 'json'}, [('output', {'k': 'value', 'type': {'k': 'float'}})])[0]


SCORE_SCRIPT = r'''# flowc step script: training.score
import json as _json, os as _os
from pathlib import Path as _Path
def _fail(m): raise SystemExit("flowc: " + m)
def _art(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return t["k"] == "artifact" or s is not None and _art(s)
def _dec(v, t, w):
 k = t["k"]
 while isinstance(v, str):
  try: v = _json.loads(v)
  except ValueError: break
 if k == "float" and type(v) in (int, float): return float(v)
 _fail("%s: expected %s, got %.80r" % (w, t["k"], v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 return _dec(v, t, "input `%s`" % n)
def _loc(p, t, w):
 if not _os.path.exists(p): _fail("%s: the input artifact %s does not exist" % (w, p))
 return _Path(p)
def _enc(v, t, w):
 if v is None: return "null" if t["k"] in ("optional", "any", "none") else _fail("%s: expected %s, got None" % (w, t["k"]))
 try: return _json.dumps(v, sort_keys=True, separators=(",", ":"), allow_nan=False, default=lambda x: x.tolist())
 except (AttributeError, TypeError, ValueError) as e: _fail("%s cannot be written as JSON: %s" % (w, e))
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

EPOCHS = 25  # short on purpose: the learning rate matters after 25 epochs


def fit(rows: list[list[float]], lr: float) -> tuple[float, float, float]:
    """Fit y = w*x + b by full-batch gradient descent; return (w, b, mean squared error)."""
    w = b = 0.0
    for _ in range(EPOCHS):
        grad_w = sum(2 * (w * x + b - y) * x for x, y in rows) / len(rows)
        grad_b = sum(2 * (w * x + b - y) for x, y in rows) / len(rows)
        w, b = w - lr * grad_w, b - lr * grad_b
    mse = sum((w * x + b - y) ** 2 for x, y in rows) / len(rows)
    return w, b, mse


def score(data: Dataset, lr: float) -> float:
    """Validation loss of a model trained with learning rate ``lr`` (lower is better)."""
    _, _, mse = fit(json.loads(data.read_text()), lr)
    return round(mse, 6)


if __name__ == "__main__":
    _run(score, [('data', {'k': 'artifact', 'kind': 'Dataset'}, 1), ('lr', {'k': 'float'}, 1)], [('output', {'k': 'float'})])
'''


def run_score(**inputs):
    """Step `score` of training.py:64: its outputs for `inputs`."""
    return run_script(SCORE_SCRIPT, inputs, {'data': {'k': 'artifact', 'kind': 'Dataset'}, 'lr': 'json'}, [('output', {'k': 'value', 'type': {'k': 'float'}})])[0]


TRAIN_SCRIPT = r'''# flowc step script: training.train
import json as _json, os as _os, shutil as _shutil
from pathlib import Path as _Path
def _fail(m): raise SystemExit("flowc: " + m)
def _art(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return t["k"] == "artifact" or s is not None and _art(s)
def _dec(v, t, w):
 k = t["k"]
 while isinstance(v, str):
  try: v = _json.loads(v)
  except ValueError: break
 if k == "float" and type(v) in (int, float): return float(v)
 _fail("%s: expected %s, got %.80r" % (w, t["k"], v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 return _dec(v, t, "input `%s`" % n)
def _loc(p, t, w):
 if not _os.path.exists(p): _fail("%s: the input artifact %s does not exist" % (w, p))
 return _Path(p)
def _enc(v, t, w):
 if v is None: return "null" if t["k"] in ("optional", "any", "none") else _fail("%s: expected %s, got None" % (w, t["k"]))
 try: return _json.dumps(v, sort_keys=True, separators=(",", ":"), allow_nan=False, default=lambda x: x.tolist())
 except (AttributeError, TypeError, ValueError) as e: _fail("%s cannot be written as JSON: %s" % (w, e))
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
 res = fn(**kw)
 if res is None: _fail("the step returned None instead of its outputs")
 res = [getattr(res, n) if hasattr(res, n) else res[i] for i, (n, t) in enumerate(outs)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 texts = [(n, _enc(v, t, "output `%s`" % n)) for (n, t), v in zip(outs, res) if not _art(t)]
 for n, s in texts:
  with open(_os.path.join(d, n), "wb") as f: f.write(s.encode() + b"\n")
 for (n, t), v in zip(outs, res):
  if _art(t): _place(v, t, _os.path.join(d, n), "output `%s`" % n)


import json
from pathlib import Path
from typing import NamedTuple
Dataset = _Path
Model = _Path

EPOCHS = 25  # short on purpose: the learning rate matters after 25 epochs


def fit(rows: list[list[float]], lr: float) -> tuple[float, float, float]:
    """Fit y = w*x + b by full-batch gradient descent; return (w, b, mean squared error)."""
    w = b = 0.0
    for _ in range(EPOCHS):
        grad_w = sum(2 * (w * x + b - y) * x for x, y in rows) / len(rows)
        grad_b = sum(2 * (w * x + b - y) for x, y in rows) / len(rows)
        w, b = w - lr * grad_w, b - lr * grad_b
    mse = sum((w * x + b - y) ** 2 for x, y in rows) / len(rows)
    return w, b, mse


class TrainResult(NamedTuple):
    """The two outputs of ``train``: the flow reads them as ``result.model``/``.accuracy``."""

    model: Model
    accuracy: float


def train(data: Dataset, lr: float = 0.01) -> TrainResult:
    rows = json.loads(data.read_text())
    w, b, mse = fit(rows, lr)
    mean_y = sum(y for _, y in rows) / len(rows)
    variance = sum((y - mean_y) ** 2 for _, y in rows) / len(rows)
    out = Path("model.json")
    out.write_text(json.dumps({"w": round(w, 6), "b": round(b, 6), "lr": lr}))
    # accuracy is the R² score: 1.0 is a perfect fit
    return TrainResult(model=out, accuracy=round(1 - mse / variance, 4))


if __name__ == "__main__":
    _run(train, [('data', {'k': 'artifact', 'kind': 'Dataset'}, 1), ('lr', {'k': 'float'}, 0)], [('model', {'k': 'artifact', 'kind': 'Model'}), ('accuracy', {'k': 'float'})])
'''


def run_train(**inputs):
    """Step `train` of training.py:87: its outputs for `inputs`."""
    return tuple(run_script(TRAIN_SCRIPT, inputs, {'data': {'k': 'artifact', 'kind': 'Dataset'}, 'lr': 'json'}, [('model', {'k': 'artifact', 'kind': 'Model'}), ('accuracy', {'k': 'value', 'type': {'k': 'float'}})]))


def on_success():
    """The exit handler `notify`, after a run that succeeded."""
    run_notify(status='Succeeded')


def on_error():
    """The exit handler `notify`, after a run that failed."""
    run_notify(status='Failed')


@exit_hook(on_success=[on_success], on_error=[on_error])
@schedule(cron='0 2 * * *')
class TrainingFlow(FlowSpec):
    """Nightly training: pick the best learning rate, train with it, deploy if accurate."""
    bucket = Parameter('bucket', type=str, default='my-data-bucket', help='str')
    threshold = Parameter('threshold', type=float, default=0.85, help='float')
    rates = Parameter('rates', type=JSONType, default='[0.3, 0.1, 0.01]', help='list[float]')

    @step
    def start(self):
        """Start the run."""
        self.next(self.ingest)

    @step
    def ingest(self):
        """data = ingest(bucket)  (training.py:123)"""
        self.ingest_output = run_ingest(bucket=self.bucket)
        self.next(self.for_r)

    @step
    def for_r(self):
        """Fan out: for r in rates."""
        self.next(self.score, foreach='rates')

    @resources(cpu=2, memory=4295)
    @step
    def score(self):
        """scores = [score(data, lr=r) for r in rates]  # fan-out, then fan-in  (training.py:124)"""
        self.r = self.input
        self.score_output = run_score(data=self.ingest_output, lr=self.r)
        self.next(self.for_r_join)

    @step
    def for_r_join(self, inputs):
        """Collect every `r` iteration, in order."""
        self.score_output = [i.score_output for i in inputs]
        self.merge_artifacts(inputs, exclude=['r'])
        self.next(self.pick_best)

    @step
    def pick_best(self):
        """best = pick_best(scores, rates)  (training.py:125)"""
        self.pick_best_output = run_pick_best(scores=self.score_output, rates=self.rates)
        self.next(self.train)

    @retry(times=3, minutes_between_retries=1)
    @timeout(seconds=7200)
    @resources(cpu=4, memory=17180, gpu=1)
    @step
    def train(self):
        """result = train(data, lr=best)  (training.py:126)"""
        self.train_model, self.train_accuracy = run_train(data=self.ingest_output, lr=self.pick_best_output)
        self.next(self.branch)

    @step
    def branch(self):
        """Choose a case of the branch on line 127."""
        if self.train_accuracy > self.threshold:
            self.branch_case = 'if'
        else:
            self.branch_case = 'else'
        self.next({'if': self.deploy, 'else': self.branch_else}, condition='branch_case')

    @retry(times=2, minutes_between_retries=0)
    @step
    def deploy(self):
        """deploy(result.model, stage=f"prod-{bucket}")  (training.py:128)"""
        run_deploy(model=self.train_model, stage='prod-' + format(self.bucket))
        self.next(self.branch_merge)

    @step
    def branch_else(self):
        """Pass through."""
        self.next(self.branch_merge)

    @step
    def branch_merge(self):
        """The cases meet again."""
        self.next(self.end)

    @step
    def end(self):
        """The flow's results."""
        self.output_0 = self.pick_best_output
        self.output_1 = self.train_accuracy


if __name__ == "__main__":
    TrainingFlow()
