"""store_forecasts: compiled by flowc from subflows.py (flow `store_forecasts`).

Check it with `python store_forecasts.py check`, run it with `python store_forecasts.py run`
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


BACKTEST_SCRIPT = r'''# flowc step script: lib.steps.backtest
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


STORE_BASE = {"berlin": 120, "lisbon": 80, "oslo": 60}
STORE_SWING = {"berlin": 10, "lisbon": 4, "oslo": 7}
HISTORY_DAYS = 28


def daily_sales(store: str, days: int) -> list[int]:
    """Units sold per day: the level rises through the week and resets on Mondays."""
    return [STORE_BASE[store] + (day % 7) * STORE_SWING[store] for day in range(days)]


def backtest(store: str, horizon: int = 7) -> float:
    """Mean absolute error of a one-week-mean forecast over the last ``horizon`` days."""
    units = daily_sales(store, HISTORY_DAYS)
    history, actual = units[:-horizon], units[-horizon:]
    level = sum(history[-7:]) / 7
    return round(sum(abs(level - u) for u in actual) / horizon, 3)


if __name__ == "__main__":
    _run(backtest, [('store', {'k': 'str'}, 1), ('horizon', {'k': 'int'}, 0)], [('output', {'k': 'float'})])
'''


def run_backtest(**inputs):
    """Step `backtest` of lib/steps.py:38: its outputs for `inputs`."""
    return run_script(BACKTEST_SCRIPT, inputs, {'store': 'text', 'horizon': 'json'}, [('output', {'k': 'value', 'type': {'k': 'float'}})])[0]


BEST_STORE_SCRIPT = r'''# flowc step script: lib.steps.best_store
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


def best_store(stores: list[str], errors: list[float]) -> str:
    """The store whose forecast has the lowest error."""
    return min(zip(errors, stores, strict=True))[1]


if __name__ == "__main__":
    _run(best_store, [('stores', {'k': 'list', 'item': {'k': 'str'}}, 1), ('errors', {'k': 'list', 'item': {'k': 'float'}}, 1)], [('output', {'k': 'str'})])
'''


def run_best_store(**inputs):
    """Step `best_store` of lib/steps.py:47: its outputs for `inputs`."""
    return run_script(BEST_STORE_SCRIPT, inputs, {'stores': 'json', 'errors': 'json'}, [('output', 'text')])[0]


ERROR_SPREAD_SCRIPT = r"""# flowc step script: lib.steps.error_spread
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


def error_spread(errors: list[float]) -> float:
    return round(max(errors) - min(errors), 3)


if __name__ == "__main__":
    _run(error_spread, [('errors', {'k': 'list', 'item': {'k': 'float'}}, 1)], [('output', {'k': 'float'})])
"""


def run_error_spread(**inputs):
    """Step `error_spread` of lib/steps.py:53: its outputs for `inputs`."""
    return run_script(ERROR_SPREAD_SCRIPT, inputs, {'errors': 'json'}, [('output', {'k': 'value', 'type': {'k': 'float'}})])[0]


FIT_LEVEL_SCRIPT = r'''# flowc step script: lib.steps.fit_level
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
 if k == "int" and (type(v) is int or type(v) is float and v.is_integer()): return int(v)
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


def fit_level(sales: Dataset, window: int = 7) -> float:
    """The forecast: mean daily units over the last ``window`` days."""
    units = json.loads(sales.read_text())["units"][-window:]
    return round(float(sum(units)) / len(units), 3)


if __name__ == "__main__":
    _run(fit_level, [('sales', {'k': 'artifact', 'kind': 'Dataset'}, 1), ('window', {'k': 'int'}, 0)], [('output', {'k': 'float'})])
'''


def run_fit_level(**inputs):
    """Step `fit_level` of lib/steps.py:31: its outputs for `inputs`."""
    return run_script(FIT_LEVEL_SCRIPT, inputs, {'sales': {'k': 'artifact', 'kind': 'Dataset'}, 'window': 'json'}, [('output', {'k': 'value', 'type': {'k': 'float'}})])[0]


LOAD_SALES_SCRIPT = r'''# flowc step script: lib.steps.load_sales
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

STORE_BASE = {"berlin": 120, "lisbon": 80, "oslo": 60}
STORE_SWING = {"berlin": 10, "lisbon": 4, "oslo": 7}


def daily_sales(store: str, days: int) -> list[int]:
    """Units sold per day: the level rises through the week and resets on Mondays."""
    return [STORE_BASE[store] + (day % 7) * STORE_SWING[store] for day in range(days)]


def load_sales(store: str, days: int = 28) -> Dataset:  # 28 == HISTORY_DAYS
    out = Path(f"sales-{store}.json")  # one file per store: several stores share a directory
    out.write_text(json.dumps({"store": store, "units": daily_sales(store, days)}))
    return out


if __name__ == "__main__":
    _run(load_sales, [('store', {'k': 'str'}, 1), ('days', {'k': 'int'}, 0)], [('output', {'k': 'artifact', 'kind': 'Dataset'})])
'''


def run_load_sales(**inputs):
    """Step `load_sales` of lib/steps.py:24: its outputs for `inputs`."""
    return run_script(LOAD_SALES_SCRIPT, inputs, {'store': 'text', 'days': 'json'}, [('output', {'k': 'artifact', 'kind': 'Dataset'})])[0]


ORDER_STOCK_SCRIPT = r"""# flowc step script: subflows.order_stock
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _dec(v, t, w):
 k = t["k"]
 while isinstance(v, str) and k != "str":
  try: v = _json.loads(v)
  except ValueError: break
 if k == "int" and (type(v) is int or type(v) is float and v.is_integer()): return int(v)
 if k == "float" and type(v) in (int, float): return float(v)
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


def order_stock(store: str, level: float, horizon: int) -> None:
    print(f"order {round(level * horizon)} units for {store}")


if __name__ == "__main__":
    _run(order_stock, [('store', {'k': 'str'}, 1), ('level', {'k': 'float'}, 1), ('horizon', {'k': 'int'}, 1)], [])
"""


def run_order_stock(**inputs):
    """Step `order_stock` of subflows.py:27: its outputs for `inputs`."""
    run_script(ORDER_STOCK_SCRIPT, inputs, {'store': 'text', 'level': 'json', 'horizon': 'json'}, [])


SYNC_CALENDAR_SCRIPT = r'''# flowc step script: subflows.sync_calendar
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _enc(v, t, w):
 if v is None: return "null" if t["k"] in ("optional", "any", "none") else _fail("%s: expected %s, got None" % (w, t["k"]))
 try: return _json.dumps(v, sort_keys=True, separators=(",", ":"), allow_nan=False, default=lambda x: x.tolist())
 except (AttributeError, TypeError, ValueError) as e: _fail("%s cannot be written as JSON: %s" % (w, e))
def _run(fn, ins, outs):
 kw = {}
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 texts = [(n, _enc(v, t, "output `%s`" % n)) for (n, t), v in zip(outs, res)]
 for n, s in texts:
  with open(_os.path.join(d, n), "wb") as f: f.write(s.encode() + b"\n")


def sync_calendar() -> int:
    """Refresh the holiday calendar the forecasts read; returns the number of holidays."""
    holidays = ["2025-01-01", "2025-05-01", "2025-12-25"]
    print(f"calendar: {len(holidays)} holidays")
    return len(holidays)


if __name__ == "__main__":
    _run(sync_calendar, [], [('output', {'k': 'int'})])
'''


def run_sync_calendar(**inputs):
    """Step `sync_calendar` of subflows.py:19: its outputs for `inputs`."""
    return run_script(SYNC_CALENDAR_SCRIPT, inputs, {}, [('output', 'json')])[0]


class StoreForecastsFlow(FlowSpec):
    """Forecast every store and order stock; return the most predictable store."""
    stores = Parameter('stores', type=JSONType, default='["berlin", "lisbon", "oslo"]', help='list[str]')
    horizon = Parameter('horizon', type=int, default=7, help='int')

    @step
    def start(self):
        """Start the run."""
        self.next(self.sync_calendar, self.for_s)

    @step
    def sync_calendar(self):
        """ready = sync_calendar()  (subflows.py:37)"""
        self.sync_calendar_output = run_sync_calendar()
        self.next(self.for_store)

    @step
    def for_store(self):
        """Fan out: for store in stores."""
        self.next(self.forecast_store__load_sales, foreach='stores')

    @step
    def forecast_store__load_sales(self):
        """sales = load_sales(store)  (lib/flows.py:14)"""
        self.store = self.input
        self.forecast_store__load_sales_output = run_load_sales(store=self.store)
        self.next(self.forecast_store__fit_level)

    @step
    def forecast_store__fit_level(self):
        """level = fit_level(sales, window=horizon)  (lib/flows.py:15)"""
        self.forecast_store__fit_level_output = run_fit_level(sales=self.forecast_store__load_sales_output, window=self.horizon)
        self.next(self.order_stock)

    @step
    def order_stock(self):
        """order_stock(store, level, horizon)  (subflows.py:43)"""
        run_order_stock(store=self.store, level=self.forecast_store__fit_level_output, horizon=self.horizon)
        self.next(self.for_store_join)

    @step
    def for_store_join(self, inputs):
        """Collect every `store` iteration, in order."""
        self.forecast_store__load_sales_output = [i.forecast_store__load_sales_output for i in inputs]
        self.forecast_store__fit_level_output = [i.forecast_store__fit_level_output for i in inputs]
        self.merge_artifacts(inputs, exclude=['store'])
        self.next(self.join_1)

    @step
    def for_s(self):
        """Fan out: for s in stores."""
        self.next(self.backtest, foreach='stores')

    @step
    def backtest(self):
        """errors = [backtest(s, horizon=horizon) for s in stores]  (subflows.py:45)"""
        self.s = self.input
        self.backtest_output = run_backtest(store=self.s, horizon=self.horizon)
        self.next(self.for_s_join)

    @step
    def for_s_join(self, inputs):
        """Collect every `s` iteration, in order."""
        self.backtest_output = [i.backtest_output for i in inputs]
        self.merge_artifacts(inputs, exclude=['s'])
        self.next(self.split_2)

    @step
    def split_2(self):
        """Start static branches."""
        self.next(self.rank_stores__best_store, self.rank_stores__error_spread)

    @step
    def rank_stores__best_store(self):
        """best = best_store(stores, errors)  (lib/flows.py:22)"""
        self.rank_stores__best_store_output = run_best_store(stores=self.stores, errors=self.backtest_output)
        self.next(self.join_2)

    @step
    def rank_stores__error_spread(self):
        """spread = error_spread(errors)  (lib/flows.py:23)"""
        self.rank_stores__error_spread_output = run_error_spread(errors=self.backtest_output)
        self.next(self.join_2)

    @step
    def join_2(self, inputs):
        """Join the static branches."""
        self.merge_artifacts(inputs)
        self.next(self.join_1)

    @step
    def join_1(self, inputs):
        """Join the static branches."""
        self.merge_artifacts(inputs)
        self.next(self.end)

    @step
    def end(self):
        """The flow's results."""
        self.output_0 = self.rank_stores__best_store_output
        self.output_1 = self.rank_stores__error_spread_output


if __name__ == "__main__":
    StoreForecastsFlow()
