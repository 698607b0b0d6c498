"""nightly-churn-scoring: compiled by flowc from platform_settings.py (flow `churn_scoring`).

Check it with `python nightly-churn-scoring.py check`, run it with `python nightly-churn-scoring.py run`
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

from metaflow import FlowSpec, JSONType, Parameter, catch, environment, exit_hook, resources, retry, schedule, step, timeout


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


CLEANUP_SCRIPT = r'''# flowc step script: platform_settings.cleanup


def cleanup() -> None:
    """Exit handler without a status parameter: runs after the flow, whatever happened."""
    print("cleanup: released the scoring lock")


if __name__ == "__main__":
    cleanup()
'''


def run_cleanup(**inputs):
    """Step `cleanup` of platform_settings.py:112: its outputs for `inputs`."""
    run_script(CLEANUP_SCRIPT, inputs, {}, [])


FETCH_FEATURES_SCRIPT = r'''# flowc step script: platform_settings.fetch_features
import json as _json, os as _os, shutil as _shutil
from pathlib import Path as _Path
def _fail(m): raise SystemExit("flowc: " + m)
def _show(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return "%s[%s]" % (t["k"], _show(s)) if s else t["k"]
def _dec(v, t, w):
 k = t["k"]
 while isinstance(v, str) and k != "str":
  try: v = _json.loads(v)
  except ValueError: break
 if k == "list" and isinstance(v, list): return [_dec(x, t["item"], w) for x in v]
 if k == "dict" and isinstance(v, dict): return {a: _dec(x, t["value"], w) for a, x in v.items()}
 if k == "str" and type(v) is str: return v
 _fail("%s: expected %s, got %.80r" % (w, _show(t), v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _dec(_json.loads(v), t, "input `%s`" % n)
 if t["k"] == "list" and (v == "" or v[:2] == "{" + "{"): return []
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
import os
from pathlib import Path
Dataset = _Path

TIER_LAG = {"gold": 0, "free": 10}
REGION_LAG = {"eu": 2, "us": 4}


def fetch_features(day: str, partitions: list[dict[str, str]]) -> Dataset:
    """One row per customer: days since the last login, for every partition."""
    host = os.environ.get("WAREHOUSE_HOST", "localhost")
    user = os.environ.get("WAREHOUSE_USER", "anonymous")
    print(f"features for {day} from {host} as {user}")
    rows = [
        {
            "region": p["region"],
            "tier": p["tier"],
            "customer": i,
            "inactive_days": TIER_LAG.get(p["tier"], 0) + 5 * i + REGION_LAG.get(p["region"], 0),
        }
        for p in partitions
        for i in range(4)
    ]
    out = Path(f"features-{day}.json")
    out.write_text(json.dumps(rows))
    return out


if __name__ == "__main__":
    _run(fetch_features, [('day', {'k': 'str'}, 1), ('partitions', {'k': 'list', 'item': {'k': 'dict', 'value': {'k': 'str'}}}, 1)], [('output', {'k': 'artifact', 'kind': 'Dataset'})])
'''


def run_fetch_features(**inputs):
    """Step `fetch_features` of platform_settings.py:45: its outputs for `inputs`."""
    return run_script(FETCH_FEATURES_SCRIPT, inputs, {'day': 'text', 'partitions': 'json'}, [('output', {'k': 'artifact', 'kind': 'Dataset'})])[0]


FLAG_SEGMENTS_SCRIPT = r"""# flowc step script: platform_settings.flag_segments
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
 if k == "dict" and isinstance(v, dict): return {a: _dec(x, t["value"], w) for a, x in v.items()}
 if k == "float" and type(v) in (int, float): return float(v)
 _fail("%s: expected %s, got %.80r" % (w, _show(t), v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
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


def flag_segments(summary: dict[str, float], rules: dict[str, float]) -> list[str]:
    return sorted(k for k, v in summary.items() if v >= rules["churn_alert"])


if __name__ == "__main__":
    _run(flag_segments, [('summary', {'k': 'dict', 'value': {'k': 'float'}}, 1), ('rules', {'k': 'dict', 'value': {'k': 'float'}}, 1)], [('output', {'k': 'list', 'item': {'k': 'str'}})])
"""


def run_flag_segments(**inputs):
    """Step `flag_segments` of platform_settings.py:100: its outputs for `inputs`."""
    return run_script(FLAG_SEGMENTS_SCRIPT, inputs, {'summary': 'json', 'rules': 'json'}, [('output', 'json')])[0]


LOAD_RULES_SCRIPT = r'''# flowc step script: platform_settings.load_rules
import json as _json, os as _os, subprocess as _subprocess, sys as _sys
def _fail(m): raise SystemExit("flowc: " + m)
def _show(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return "%s[%s]" % (t["k"], _show(s)) if s else t["k"]
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _json.loads(v)
 return v
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
_subprocess.check_call([_sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", 'pyyaml>=6'])


import json


def load_rules(rules: str) -> dict[str, float]:
    """Parse the alerting rules; they are YAML, and JSON is valid YAML."""
    try:
        import yaml
    except ImportError:  # e.g. in a local run without the package: JSON parses the same
        return dict(json.loads(rules))
    return dict(yaml.safe_load(rules))


if __name__ == "__main__":
    _run(load_rules, [('rules', {'k': 'str'}, 1)], [('output', {'k': 'dict', 'value': {'k': 'float'}})])
'''


def run_load_rules(**inputs):
    """Step `load_rules` of platform_settings.py:85: its outputs for `inputs`."""
    return run_script(LOAD_RULES_SCRIPT, inputs, {'rules': 'text'}, [('output', {'k': 'value', 'type': {'k': 'dict', 'value': {'k': 'float'}}})])[0]


PUBLISH_DASHBOARD_SCRIPT = r'''# flowc step script: platform_settings.publish_dashboard
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
 if k == "dict" and isinstance(v, dict): return {a: _dec(x, t["value"], w) for a, x in v.items()}
 if k == "float" and type(v) in (int, float): return float(v)
 _fail("%s: expected %s, got %.80r" % (w, _show(t), v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 return _dec(v, t, "input `%s`" % n)
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 fn(**kw)


def publish_dashboard(summary: dict[str, float]) -> None:
    """Best effort: a dashboard that is down must not fail the nightly run."""
    for segment, risk in summary.items():
        print(f"dashboard: {segment} = {risk}")


if __name__ == "__main__":
    _run(publish_dashboard, [('summary', {'k': 'dict', 'value': {'k': 'float'}}, 1)], [])
'''


def run_publish_dashboard(**inputs):
    """Step `publish_dashboard` of platform_settings.py:105: its outputs for `inputs`."""
    run_script(PUBLISH_DASHBOARD_SCRIPT, inputs, {'summary': 'json'}, [])


SCORE_PARTITION_SCRIPT = r'''# flowc step script: platform_settings.score_partition
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


def score_partition(features: Dataset, region: str, tier: str) -> float:
    """Mean churn risk of one segment: a month without login counts as certain churn."""
    rows = json.loads(features.read_text())
    risks = [min(1.0, r["inactive_days"] / 30) for r in rows if r["region"] == region and r["tier"] == tier]
    return round(float(sum(risks)) / len(risks), 3)


if __name__ == "__main__":
    _run(score_partition, [('features', {'k': 'artifact', 'kind': 'Dataset'}, 1), ('region', {'k': 'str'}, 1), ('tier', {'k': 'str'}, 1)], [('output', {'k': 'float'})])
'''


def run_score_partition(**inputs):
    """Step `score_partition` of platform_settings.py:77: its outputs for `inputs`."""
    return run_script(SCORE_PARTITION_SCRIPT, inputs, {'features': {'k': 'artifact', 'kind': 'Dataset'}, 'region': 'text', 'tier': 'text'}, [('output', {'k': 'value', 'type': {'k': 'float'}})])[0]


SUMMARIZE_SCRIPT = r"""# flowc step script: platform_settings.summarize
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _show(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return "%s[%s]" % (t["k"], _show(s)) if s else t["k"]
def _dec(v, t, w):
 k = t["k"]
 while isinstance(v, str) and k != "str":
  try: v = _json.loads(v)
  except ValueError: break
 if k == "list" and isinstance(v, list): return [_dec(x, t["item"], w) for x in v]
 if k == "dict" and isinstance(v, dict): return {a: _dec(x, t["value"], w) for a, x in v.items()}
 if k == "float" and type(v) in (int, float): return float(v)
 if k == "str" and type(v) is str: return v
 _fail("%s: expected %s, got %.80r" % (w, _show(t), v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _dec(_json.loads(v), t, "input `%s`" % n)
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


def summarize(partitions: list[dict[str, str]], scores: list[float]) -> dict[str, float]:
    return {f"{p['region']}/{p['tier']}": s for p, s in zip(partitions, scores, strict=True)}


if __name__ == "__main__":
    _run(summarize, [('partitions', {'k': 'list', 'item': {'k': 'dict', 'value': {'k': 'str'}}}, 1), ('scores', {'k': 'list', 'item': {'k': 'float'}}, 1)], [('output', {'k': 'dict', 'value': {'k': 'float'}})])
"""


def run_summarize(**inputs):
    """Step `summarize` of platform_settings.py:95: its outputs for `inputs`."""
    return run_script(SUMMARIZE_SCRIPT, inputs, {'partitions': 'json', 'scores': 'json'}, [('output', {'k': 'value', 'type': {'k': 'dict', 'value': {'k': 'float'}}})])[0]


def on_success():
    """The exit handler `cleanup`, after a run that succeeded."""
    run_cleanup()


def on_error():
    """The exit handler `cleanup`, after a run that failed."""
    run_cleanup()


@exit_hook(on_success=[on_success], on_error=[on_error])
@schedule(cron='30 1 * * *', timezone='Europe/Berlin')
class NightlyChurnScoringFlow(FlowSpec):
    """Score churn risk per customer segment every night; flag risky segments."""
    day = Parameter('day', type=str, default='2025-01-15', help='str')
    partitions = Parameter('partitions', type=JSONType, default='[{"region": "eu", "tier": "gold"}, {"region": "eu", "tier": "free"}, {"region": "us", "tier": "gold"}]', help='list[dict[str, str]]')
    rules = Parameter('rules', type=str, default='{"churn_alert": 0.5}', help='str')

    @step
    def start(self):
        """Start the run."""
        self.next(self.fetch_features, self.load_rules)

    @retry(times=3, minutes_between_retries=0)
    @timeout(seconds=1200)
    @environment(vars={'WAREHOUSE_HOST': 'warehouse.internal:5432', 'LOG_LEVEL': 'info'})
    @step
    def fetch_features(self):
        """features = fetch_features(day, partitions)  (platform_settings.py:145)"""
        self.fetch_features_output = run_fetch_features(day=self.day, partitions=self.partitions)
        self.next(self.join_1)

    @retry(times=2, minutes_between_retries=0)
    @timeout(seconds=10800)
    @step
    def load_rules(self):
        """thresholds = load_rules(rules)  (platform_settings.py:148)"""
        self.load_rules_output = run_load_rules(rules=self.rules)
        self.next(self.join_1)

    @step
    def join_1(self, inputs):
        """Join the static branches."""
        self.merge_artifacts(inputs)
        self.next(self.for_p)

    @step
    def for_p(self):
        """Fan out: for p in partitions."""
        self.next(self.score_partition, foreach='partitions')

    @retry(times=2, minutes_between_retries=0)
    @timeout(seconds=1800)
    @resources(cpu=0.5, memory=2148, gpu=1)
    @step
    def score_partition(self):
        """scores = [score_partition(features, region=p["region"], tier=p["tier"]) for p in partitions]  (platform_settings.py:146)"""
        self.p = self.input
        self.score_partition_output = run_score_partition(features=self.fetch_features_output, region=self.p['region'], tier=self.p['tier'])
        self.next(self.for_p_join)

    @step
    def for_p_join(self, inputs):
        """Collect every `p` iteration, in order."""
        self.score_partition_output = [i.score_partition_output for i in inputs]
        self.merge_artifacts(inputs, exclude=['p'])
        self.next(self.summarize)

    @retry(times=2, minutes_between_retries=0)
    @timeout(seconds=10800)
    @step
    def summarize(self):
        """summary = summarize(partitions, scores)  (platform_settings.py:147)"""
        self.summarize_output = run_summarize(partitions=self.partitions, scores=self.score_partition_output)
        self.next(self.flag_segments, self.publish_dashboard)

    @retry(times=2, minutes_between_retries=0)
    @timeout(seconds=10800)
    @step
    def flag_segments(self):
        """flagged = flag_segments(summary, thresholds)  (platform_settings.py:149)"""
        self.flag_segments_output = run_flag_segments(summary=self.summarize_output, rules=self.load_rules_output)
        self.next(self.join_2)

    @timeout(seconds=10800)
    @catch(var='publish_dashboard_failure')
    @step
    def publish_dashboard(self):
        """publish_dashboard(summary)  (platform_settings.py:150)"""
        run_publish_dashboard(summary=self.summarize_output)
        self.next(self.join_2)

    @step
    def join_2(self, inputs):
        """Join the static branches."""
        self.merge_artifacts(inputs, exclude=['_catch_exception'])
        self.next(self.end)

    @step
    def end(self):
        """The flow's results."""
        self.output_0 = self.summarize_output
        self.output_1 = self.flag_segments_output


if __name__ == "__main__":
    NightlyChurnScoringFlow()
