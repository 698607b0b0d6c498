"""quality_gate: compiled by flowc from conditions.py (flow `quality_gate`).

Check it with `python quality_gate.py check`, run it with `python quality_gate.py run`
(parameters as `--name value`). Each step runs its shipped script (below, with what
it needs from its module) through `run_script`; outputs are artifacts named
`<task>_<output>`, and the flow's results are artifacts of the `end` step.
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


def optional_parameter(text, kind):
    """An `Optional` parameter's value from its text, as `flowc run -p` reads it: `null` is
    None, a `str` the text itself, anything else JSON of the declared kind."""
    if text is None or text == "null":
        return None
    if kind == "str":
        return text
    value = {"true": True, "false": False}.get(text.lower()) if kind == "bool" else None
    value = json.loads(text) if value is None else value
    if kind == "float" and type(value) is int:
        value = float(value)
    if type(value).__name__ != kind:
        raise ValueError("expected %s, got %r" % (kind, text))
    return value


ASSESS_RISK_SCRIPT = r"""# flowc step script: conditions.assess_risk
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _show(t):
 if "values" in t: return "one of %r" % (t["values"],)
 s = t.get("item") or t.get("value") or t.get("inner")
 return "%s[%s]" % (t["k"], _show(s)) if s else t["k"]
def _dec(v, t, w):
 k = t["k"]
 while isinstance(v, str) and k != "str":
  try: v = _json.loads(v)
  except ValueError: break
 if k == "list" and isinstance(v, list): return [_dec(x, t["item"], w) for x in v]
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
 return str.__str__(v) if isinstance(v, str) else _fail("%s: expected %s, got %.80r" % (w, _show(t), v))
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 texts = [(n, _enc(v, t, "output `%s`" % n)) for (n, t), v in zip(outs, res)]
 for n, s in texts:
  with open(_os.path.join(d, n), "wb") as f: f.write(s.encode() + b"\n")


from typing import Literal


def assess_risk(tags: list[str], null_rate: float) -> Literal["low", "medium", "high"]:
    sensitive = "pii" in tags
    dirty = null_rate > 0.05
    if sensitive and dirty:
        return "high"
    if sensitive or dirty:
        return "medium"
    return "low"


if __name__ == "__main__":
    _run(assess_risk, [('tags', {'k': 'list', 'item': {'k': 'str'}}, 1), ('null_rate', {'k': 'float'}, 1)], [('output', {'k': 'literal', 'values': ['low', 'medium', 'high']})])
"""


def run_assess_risk(**inputs):
    """Step `assess_risk` of conditions.py:51: its outputs for `inputs`."""
    return run_script(ASSESS_RISK_SCRIPT, inputs, {'tags': 'json', 'null_rate': 'json'}, [('output', 'text')])[0]


CHECK_SCHEMA_SCRIPT = r"""# flowc step script: conditions.check_schema
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _json.loads(v)
 return v
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 fn(**kw)


def check_schema(table: str) -> None:
    print(f"check schema of {table}")


if __name__ == "__main__":
    _run(check_schema, [('table', {'k': 'str'}, 1)], [])
"""


def run_check_schema(**inputs):
    """Step `check_schema` of conditions.py:99: its outputs for `inputs`."""
    run_script(CHECK_SCHEMA_SCRIPT, inputs, {'table': 'text'}, [])


FIND_OWNER_SCRIPT = r'''# flowc step script: conditions.find_owner
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _show(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return "%s[%s]" % (t["k"], _show(s)) if s else t["k"]
def _dec(v, t, w):
 k = t["k"]
 if k == "optional": return None if v is None or v == "null" else _dec(v, t["inner"], w)
 if k == "str" and type(v) is str: return v
 _fail("%s: expected %s, got %.80r" % (w, _show(t), v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _dec(_json.loads(v), t, "input `%s`" % n)
 while t["k"] == "optional":
  if v == "null": return None
  t = t["inner"]
 return _dec(v, t, "input `%s`" % n)
def _enc(v, t, w):
 while t["k"] == "optional" and v is not None: t = t["inner"]
 if v is None: return "null" if t["k"] in ("optional", "any", "none") else _fail("%s: expected %s, got None" % (w, _show(t)))
 return str.__str__(v) if isinstance(v, str) else _fail("%s: expected %s, got %.80r" % (w, _show(t), v))
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 texts = [(n, _enc(v, t, "output `%s`" % n)) for (n, t), v in zip(outs, res)]
 for n, s in texts:
  with open(_os.path.join(d, n), "wb") as f: f.write(s.encode() + b"\n")


OWNERS = {
    "orders": "sales-data@acme.io",
    "users": "identity@acme.io",
    "payments": "finance-data@acme.io",
}


def find_owner(table: str, override: str | None = None) -> str | None:
    """The table's owner, ``override`` if given; ``None`` for an orphaned table."""
    return override if override is not None else OWNERS.get(table)


if __name__ == "__main__":
    _run(find_owner, [('table', {'k': 'str'}, 1), ('override', {'k': 'optional', 'inner': {'k': 'str'}}, 0)], [('output', {'k': 'optional', 'inner': {'k': 'str'}})])
'''


def run_find_owner(**inputs):
    """Step `find_owner` of conditions.py:62: its outputs for `inputs`."""
    return run_script(FIND_OWNER_SCRIPT, inputs, {'table': 'text', 'override': 'text'}, [('output', 'text?')])[0]


IS_FRESH_SCRIPT = r"""# flowc step script: conditions.is_fresh
import json as _json, os as _os
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
def _enc(v, t, w):
 if v is None: return "null" if t["k"] in ("optional", "any", "none") else _fail("%s: expected %s, got None" % (w, t["k"]))
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


TABLES = {
    "orders": (12000, 120, ["finance"], 0),
    "users": (5000, 50, ["pii"], 1),
    "clicks": (800, 0, ["events"], 3),
    "payments": (4000, 400, ["finance", "pii"], 0),
}


def is_fresh(table: str, max_age_days: int = 1) -> bool:
    return TABLES[table][3] <= max_age_days


if __name__ == "__main__":
    _run(is_fresh, [('table', {'k': 'str'}, 1), ('max_age_days', {'k': 'int'}, 0)], [('output', {'k': 'bool'})])
"""


def run_is_fresh(**inputs):
    """Step `is_fresh` of conditions.py:68: its outputs for `inputs`."""
    return run_script(IS_FRESH_SCRIPT, inputs, {'table': 'text', 'max_age_days': 'json'}, [('output', 'json')])[0]


MASK_COLUMNS_SCRIPT = r"""# flowc step script: conditions.mask_columns
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
 return str.__str__(v) if isinstance(v, str) else _fail("%s: expected %s, got %.80r" % (w, _show(t), v))
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 texts = [(n, _enc(v, t, "output `%s`" % n)) for (n, t), v in zip(outs, res)]
 for n, s in texts:
  with open(_os.path.join(d, n), "wb") as f: f.write(s.encode() + b"\n")


def mask_columns(table: str, tags: list[str]) -> str:
    print(f"mask {table} ({', '.join(tags)})")
    return f"{table}_masked"


if __name__ == "__main__":
    _run(mask_columns, [('table', {'k': 'str'}, 1), ('tags', {'k': 'list', 'item': {'k': 'str'}}, 1)], [('output', {'k': 'str'})])
"""


def run_mask_columns(**inputs):
    """Step `mask_columns` of conditions.py:78: its outputs for `inputs`."""
    return run_script(MASK_COLUMNS_SCRIPT, inputs, {'table': 'text', 'tags': 'json'}, [('output', 'text')])[0]


NOTIFY_OWNER_SCRIPT = r"""# flowc step script: conditions.notify_owner
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _json.loads(v)
 return v
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 fn(**kw)


def notify_owner(table: str, owner: str) -> None:
    print(f"tell {owner} that {table} is fresh")


if __name__ == "__main__":
    _run(notify_owner, [('table', {'k': 'str'}, 1), ('owner', {'k': 'str'}, 1)], [])
"""


def run_notify_owner(**inputs):
    """Step `notify_owner` of conditions.py:94: its outputs for `inputs`."""
    run_script(NOTIFY_OWNER_SCRIPT, inputs, {'table': 'text', 'owner': 'text'}, [])


PAGE_ONCALL_SCRIPT = r"""# flowc step script: conditions.page_oncall
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _show(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return "%s[%s]" % (t["k"], _show(s)) if s else t["k"]
def _dec(v, t, w):
 k = t["k"]
 if k == "optional": return None if v is None or v == "null" else _dec(v, t["inner"], w)
 if k == "str" and type(v) is str: return v
 _fail("%s: expected %s, got %.80r" % (w, _show(t), v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _dec(_json.loads(v), t, "input `%s`" % n)
 while t["k"] == "optional":
  if v == "null": return None
  t = t["inner"]
 return _dec(v, t, "input `%s`" % n)
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 fn(**kw)


def page_oncall(table: str, owner: str | None) -> None:
    print(f"page on-call about {table} (owner: {owner or 'nobody'})")


if __name__ == "__main__":
    _run(page_oncall, [('table', {'k': 'str'}, 1), ('owner', {'k': 'optional', 'inner': {'k': 'str'}}, 1)], [])
"""


def run_page_oncall(**inputs):
    """Step `page_oncall` of conditions.py:89: its outputs for `inputs`."""
    run_script(PAGE_ONCALL_SCRIPT, inputs, {'table': 'text', 'owner': 'text'}, [])


PROFILE_TABLE_SCRIPT = r'''# flowc step script: conditions.profile_table
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _show(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return "%s[%s]" % (t["k"], _show(s)) if s else t["k"]
def _dec(v, t, w):
 k = t["k"]
 if k == "optional": return None if v is None or v == "null" else _dec(v, t["inner"], w)
 while isinstance(v, str) and k != "str":
  try: v = _json.loads(v)
  except ValueError: break
 if k == "int" and (type(v) is int or type(v) is float and v.is_integer()): return int(v)
 if k == "str" and type(v) is str: return v
 _fail("%s: expected %s, got %.80r" % (w, _show(t), v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _dec(_json.loads(v), t, "input `%s`" % n)
 while t["k"] == "optional":
  if v == "null": return None
  t = t["inner"]
 return _dec(v, t, "input `%s`" % n)
def _enc(v, t, w):
 if v is None: return "null" if t["k"] in ("optional", "any", "none") else _fail("%s: expected %s, got None" % (w, _show(t)))
 try: return _json.dumps(v, sort_keys=True, separators=(",", ":"), allow_nan=False, default=lambda x: x.tolist())
 except (AttributeError, TypeError, ValueError) as e: _fail("%s cannot be written as JSON: %s" % (w, e))
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 res = fn(**kw)
 if res is None: _fail("the step returned None instead of its outputs")
 res = [getattr(res, n) if hasattr(res, n) else res[i] for i, (n, t) in enumerate(outs)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 texts = [(n, _enc(v, t, "output `%s`" % n)) for (n, t), v in zip(outs, res)]
 for n, s in texts:
  with open(_os.path.join(d, n), "wb") as f: f.write(s.encode() + b"\n")


from typing import NamedTuple
from typing import Optional

TABLES = {
    "orders": (12000, 120, ["finance"], 0),
    "users": (5000, 50, ["pii"], 1),
    "clicks": (800, 0, ["events"], 3),
    "payments": (4000, 400, ["finance", "pii"], 0),
}


class Profile(NamedTuple):
    rows: int
    null_rate: float
    tags: list[str]


def profile_table(table: str, sample: Optional[int] = None) -> Profile:  # noqa: UP045 (both spellings are supported)
    """Row count, null rate and tags; only the first ``sample`` rows when it is given."""
    total, nulls, tags, _ = TABLES[table]
    rows = total if sample is None else min(total, sample)
    return Profile(rows=rows, null_rate=round(nulls / total, 4), tags=tags)


if __name__ == "__main__":
    _run(profile_table, [('table', {'k': 'str'}, 1), ('sample', {'k': 'optional', 'inner': {'k': 'int'}}, 0)], [('rows', {'k': 'int'}), ('null_rate', {'k': 'float'}), ('tags', {'k': 'list', 'item': {'k': 'str'}})])
'''


def run_profile_table(**inputs):
    """Step `profile_table` of conditions.py:43: its outputs for `inputs`."""
    return tuple(run_script(PROFILE_TABLE_SCRIPT, inputs, {'table': 'text', 'sample': 'json'}, [('rows', 'json'), ('null_rate', {'k': 'value', 'type': {'k': 'float'}}), ('tags', 'json')]))


PUBLISH_SCRIPT = r"""# flowc step script: conditions.publish
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _dec(v, t, w):
 k = t["k"]
 while isinstance(v, str) and k != "str":
  try: v = _json.loads(v)
  except ValueError: break
 if k == "bool" and type(v) is bool: return v
 if k == "str" and type(v) is str: return v
 _fail("%s: expected %s, got %.80r" % (w, t["k"], v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _dec(_json.loads(v), t, "input `%s`" % n)
 return _dec(v, t, "input `%s`" % n)
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 fn(**kw)


def publish(table: str, stage: str, dry_run: bool = False) -> None:
    print(f"{'would publish' if dry_run else 'publish'} {table} to {stage}")


if __name__ == "__main__":
    _run(publish, [('table', {'k': 'str'}, 1), ('stage', {'k': 'str'}, 1), ('dry_run', {'k': 'bool'}, 0)], [])
"""


def run_publish(**inputs):
    """Step `publish` of conditions.py:84: its outputs for `inputs`."""
    run_script(PUBLISH_SCRIPT, inputs, {'table': 'text', 'stage': 'text', 'dry_run': 'json'}, [])


REJECT_SCRIPT = r"""# flowc step script: conditions.reject
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _json.loads(v)
 return v
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 fn(**kw)


def reject(table: str, reason: str) -> None:
    print(f"reject {table}: {reason}")


if __name__ == "__main__":
    _run(reject, [('table', {'k': 'str'}, 1), ('reason', {'k': 'str'}, 1)], [])
"""


def run_reject(**inputs):
    """Step `reject` of conditions.py:73: its outputs for `inputs`."""
    run_script(REJECT_SCRIPT, inputs, {'table': 'text', 'reason': 'text'}, [])


SPOT_CHECK_SCRIPT = r"""# flowc step script: conditions.spot_check
import json as _json, os as _os
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
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 fn(**kw)


def spot_check(table: str, rows: int) -> None:
    print(f"spot-check 5 of {rows} rows of {table}")


if __name__ == "__main__":
    _run(spot_check, [('table', {'k': 'str'}, 1), ('rows', {'k': 'int'}, 1)], [])
"""


def run_spot_check(**inputs):
    """Step `spot_check` of conditions.py:109: its outputs for `inputs`."""
    run_script(SPOT_CHECK_SCRIPT, inputs, {'table': 'text', 'rows': 'json'}, [])


WRITE_AUDIT_LOG_SCRIPT = r"""# flowc step script: conditions.write_audit_log
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _show(t):
 s = t.get("item") or t.get("value") or t.get("inner")
 return "%s[%s]" % (t["k"], _show(s)) if s else t["k"]
def _dec(v, t, w):
 k = t["k"]
 if k == "optional": return None if v is None or v == "null" else _dec(v, t["inner"], w)
 if k == "str" and type(v) is str: return v
 _fail("%s: expected %s, got %.80r" % (w, _show(t), v))
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _dec(_json.loads(v), t, "input `%s`" % n)
 while t["k"] == "optional":
  if v == "null": return None
  t = t["inner"]
 return _dec(v, t, "input `%s`" % n)
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 fn(**kw)


def write_audit_log(table: str, owner: str | None) -> None:
    print(f"audit {table} for {owner}")


if __name__ == "__main__":
    _run(write_audit_log, [('table', {'k': 'str'}, 1), ('owner', {'k': 'optional', 'inner': {'k': 'str'}}, 1)], [])
"""


def run_write_audit_log(**inputs):
    """Step `write_audit_log` of conditions.py:104: its outputs for `inputs`."""
    run_script(WRITE_AUDIT_LOG_SCRIPT, inputs, {'table': 'text', 'owner': 'text'}, [])


class QualityGateFlow(FlowSpec):
    """Publish, mask or reject a table depending on its profile; return (risk, owner)."""
    table = Parameter('table', type=str, default='orders', help='str')
    mode = Parameter('mode', type=str, default='full', help="Literal['fast', 'full', 'audit']")
    min_rows = Parameter('min_rows', type=int, default=1000, help='int')
    max_null_rate = Parameter('max_null_rate', type=float, default=0.05, help='float')
    sample_text = Parameter('sample', type=str, default='null', help='Optional[int]')
    owner_text = Parameter('owner', type=str, default='null', help='Optional[str]')
    dry_run = Parameter('dry_run', type=bool, default=False, help='bool')

    @step
    def start(self):
        """Start the run."""
        if not any(type(self.mode) is type(v) and self.mode == v for v in ('fast', 'full', 'audit')):
            raise ValueError("--mode: expected one of 'fast', 'full', 'audit', got %r" % (self.mode,))
        self.sample = optional_parameter(self.sample_text, 'int')
        self.owner = optional_parameter(self.owner_text, 'str')
        self.next(self.profile_table, self.find_owner, self.is_fresh)

    @step
    def profile_table(self):
        """prof = profile_table(table, sample=sample)  (conditions.py:124)"""
        self.profile_table_rows, self.profile_table_null_rate, self.profile_table_tags = run_profile_table(table=self.table, sample=self.sample)
        self.next(self.join_1)

    @step
    def find_owner(self):
        """contact = find_owner(table, override=owner)  (conditions.py:126)"""
        self.find_owner_output = run_find_owner(table=self.table, override=self.owner)
        self.next(self.join_1)

    @step
    def is_fresh(self):
        """fresh = is_fresh(table)  (conditions.py:127)"""
        self.is_fresh_output = run_is_fresh(table=self.table)
        self.next(self.join_1)

    @step
    def join_1(self, inputs):
        """Join the static branches."""
        self.merge_artifacts(inputs)
        self.next(self.split_2)

    @step
    def split_2(self):
        """Start static branches."""
        self.next(self.assess_risk, self.branch_2, self.branch_3, self.branch_4)

    @step
    def assess_risk(self):
        """risk = assess_risk(prof.tags, prof.null_rate)  (conditions.py:125)"""
        self.assess_risk_output = run_assess_risk(tags=self.profile_table_tags, null_rate=self.profile_table_null_rate)
        self.next(self.branch)

    @step
    def branch(self):
        """Choose a case of the branch on line 130."""
        if self.profile_table_rows < self.min_rows:
            self.branch_case = 'if'
        elif (self.profile_table_null_rate > self.max_null_rate) and (self.mode != 'fast'):
            self.branch_case = 'elif_1'
        elif (self.assess_risk_output == 'high') or ('pii' in self.profile_table_tags):
            self.branch_case = 'elif_2'
        else:
            self.branch_case = 'else'
        self.next({'if': self.reject, 'elif_1': self.reject_2, 'elif_2': self.mask_columns, 'else': self.publish_2}, condition='branch_case')

    @step
    def reject(self):
        """reject(table, reason=f"only {prof.rows} rows")  (conditions.py:131)"""
        run_reject(table=self.table, reason='only ' + format(self.profile_table_rows) + ' rows')
        self.next(self.branch_merge)

    @step
    def reject_2(self):
        """reject(table, reason=f"null rate {prof.null_rate} above {max_null_rate}")  (conditions.py:133)"""
        run_reject(table=self.table, reason='null rate ' + format(self.profile_table_null_rate) + ' above ' + format(self.max_null_rate))
        self.next(self.branch_merge)

    @step
    def mask_columns(self):
        """masked = mask_columns(table, prof.tags)  (conditions.py:135)"""
        self.mask_columns_output = run_mask_columns(table=self.table, tags=self.profile_table_tags)
        self.next(self.publish)

    @step
    def publish(self):
        """publish(masked, stage="restricted", dry_run=dry_run)  (conditions.py:136)"""
        run_publish(table=self.mask_columns_output, stage='restricted', dry_run=self.dry_run)
        self.next(self.branch_merge)

    @step
    def publish_2(self):
        """publish(table, stage="prod", dry_run=dry_run)  (conditions.py:138)"""
        run_publish(table=self.table, stage='prod', dry_run=self.dry_run)
        self.next(self.branch_merge)

    @step
    def branch_merge(self):
        """The cases meet again."""
        self.next(self.join_2)

    @step
    def branch_2(self):
        """Choose a case of the branch on line 142."""
        if (self.find_owner_output is None) or (not (self.is_fresh_output)):
            self.branch_2_case = 'if'
        else:
            self.branch_2_case = 'else'
        self.next({'if': self.page_oncall, 'else': self.notify_owner}, condition='branch_2_case')

    @step
    def page_oncall(self):
        """page_oncall(table, contact)  (conditions.py:143)"""
        run_page_oncall(table=self.table, owner=self.find_owner_output)
        self.next(self.branch_2_merge)

    @step
    def notify_owner(self):
        """notify_owner(table, contact)  (conditions.py:145)"""
        run_notify_owner(table=self.table, owner=self.find_owner_output)
        self.next(self.branch_2_merge)

    @step
    def branch_2_merge(self):
        """The cases meet again."""
        self.next(self.join_2)

    @step
    def branch_3(self):
        """Choose a case of the branch on line 148."""
        if (self.mode in ['full', 'audit']) and ('events' not in self.profile_table_tags):
            self.branch_3_case = 'if'
        else:
            self.branch_3_case = 'else'
        self.next({'if': self.check_schema, 'else': self.branch_3_else}, condition='branch_3_case')

    @step
    def check_schema(self):
        """check_schema(table)  (conditions.py:149)"""
        run_check_schema(table=self.table)
        self.next(self.branch_3_merge)

    @step
    def branch_3_else(self):
        """Pass through."""
        self.next(self.branch_3_merge)

    @step
    def branch_3_merge(self):
        """The cases meet again."""
        self.next(self.join_2)

    @step
    def branch_4(self):
        """Choose a case of the branch on line 151."""
        if self.mode == 'audit':
            self.branch_4_case = 'if'
        elif self.mode == 'full':
            self.branch_4_case = 'elif_1'
        else:
            self.branch_4_case = 'else'
        self.next({'if': self.write_audit_log, 'elif_1': self.spot_check, 'else': self.branch_4_else}, condition='branch_4_case')

    @step
    def write_audit_log(self):
        """write_audit_log(table, contact)  (conditions.py:152)"""
        run_write_audit_log(table=self.table, owner=self.find_owner_output)
        self.next(self.branch_4_merge)

    @step
    def spot_check(self):
        """spot_check(table, rows=prof.rows)  (conditions.py:154)"""
        run_spot_check(table=self.table, rows=self.profile_table_rows)
        self.next(self.branch_4_merge)

    @step
    def branch_4_else(self):
        """Pass through."""
        self.next(self.branch_4_merge)

    @step
    def branch_4_merge(self):
        """The cases meet again."""
        self.next(self.join_2)

    @step
    def join_2(self, inputs):
        """Join the static branches."""
        self.merge_artifacts(inputs)
        self.next(self.end)

    @step
    def end(self):
        """The flow's results."""
        self.output_0 = self.assess_risk_output
        self.output_1 = self.find_owner_output


if __name__ == "__main__":
    QualityGateFlow()
