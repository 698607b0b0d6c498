"""word_count: compiled by flowc from map_reduce.py (flow `word_count`).

Check it with `python word_count.py check`, run it with `python word_count.py run`
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

from metaflow import FlowSpec, JSONType, Parameter, retry, step


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


ADD_UP_SCRIPT = r"""# flowc step script: map_reduce.add_up
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
 if k == "int" and (type(v) is int or type(v) is float and v.is_integer()): return int(v)
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


def add_up(numbers: list[int]) -> int:
    return sum(int(n) for n in numbers)


if __name__ == "__main__":
    _run(add_up, [('numbers', {'k': 'list', 'item': {'k': 'int'}}, 1)], [('output', {'k': 'int'})])
"""


def run_add_up(**inputs):
    """Step `add_up` of map_reduce.py:69: its outputs for `inputs`."""
    return run_script(ADD_UP_SCRIPT, inputs, {'numbers': 'json'}, [('output', 'json')])[0]


COUNT_KEYWORD_SCRIPT = r"""# flowc step script: map_reduce.count_keyword
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _json.loads(v)
 return v
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


def count_keyword(text: str, keyword: str) -> int:
    return text.split().count(keyword)


if __name__ == "__main__":
    _run(count_keyword, [('text', {'k': 'str'}, 1), ('keyword', {'k': 'str'}, 1)], [('output', {'k': 'int'})])
"""


def run_count_keyword(**inputs):
    """Step `count_keyword` of map_reduce.py:86: its outputs for `inputs`."""
    return run_script(COUNT_KEYWORD_SCRIPT, inputs, {'text': 'text', 'keyword': 'text'}, [('output', 'json')])[0]


COUNT_SHARD_SCRIPT = r'''# flowc step script: map_reduce.count_words
import json as _json, os as _os
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
 res = fn(**kw)
 if res is None: _fail("the step returned None instead of its outputs")
 res = [getattr(res, n) if hasattr(res, n) else res[i] for i, (n, t) in enumerate(outs)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 texts = [(n, _enc(v, t, "output `%s`" % n)) for (n, t), v in zip(outs, res)]
 for n, s in texts:
  with open(_os.path.join(d, n), "wb") as f: f.write(s.encode() + b"\n")


import re
from typing import NamedTuple


def tokenize(text: str) -> list[str]:
    """Lower-case words without punctuation."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


class ShardCount(NamedTuple):
    counts: dict[str, int]
    words: int


def count_words(shard: str) -> ShardCount:
    counts: dict[str, int] = {}
    for word in tokenize(shard):
        counts[word] = counts.get(word, 0) + 1
    return ShardCount(counts=dict(sorted(counts.items())), words=sum(counts.values()))


if __name__ == "__main__":
    _run(count_words, [('shard', {'k': 'str'}, 1)], [('counts', {'k': 'dict', 'value': {'k': 'int'}}), ('words', {'k': 'int'})])
'''


def run_count_shard(**inputs):
    """Step `count_words` of map_reduce.py:50: its outputs for `inputs`."""
    return tuple(run_script(COUNT_SHARD_SCRIPT, inputs, {'shard': 'text'}, [('counts', 'json'), ('words', 'json')]))


MERGE_COUNTS_SCRIPT = r'''# flowc step script: map_reduce.merge_counts
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
 if k == "dict" and isinstance(v, dict): return {a: _dec(x, t["value"], w) for a, x in v.items()}
 if k == "int" and (type(v) is int or type(v) is float and v.is_integer()): return int(v)
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


def merge_counts(partials: list[dict[str, int]]) -> dict[str, int]:
    """The reduce: add up the per-shard counts."""
    totals: dict[str, int] = {}
    for part in partials:
        for word, n in part.items():
            # int(): some engines hand collected numbers back as floats
            totals[word] = totals.get(word, 0) + int(n)
    return dict(sorted(totals.items()))


if __name__ == "__main__":
    _run(merge_counts, [('partials', {'k': 'list', 'item': {'k': 'dict', 'value': {'k': 'int'}}}, 1)], [('output', {'k': 'dict', 'value': {'k': 'int'}})])
'''


def run_merge_counts(**inputs):
    """Step `merge_counts` of map_reduce.py:58: its outputs for `inputs`."""
    return run_script(MERGE_COUNTS_SCRIPT, inputs, {'partials': 'json'}, [('output', 'json')])[0]


NORMALIZE_SCRIPT = r'''# flowc step script: map_reduce.normalize
import json as _json, os as _os
def _fail(m): raise SystemExit("flowc: " + m)
def _value(n, t):
 v = _os.environ.get("FLOWC_IN_" + n)
 if v is None: _fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
 if _os.environ.get("FLOWC_JSON_" + n) == "1": return _json.loads(v)
 return v
def _enc(v, t, w):
 if v is None: return "null" if t["k"] in ("optional", "any", "none") else _fail("%s: expected %s, got None" % (w, t["k"]))
 return str.__str__(v) if isinstance(v, str) else _fail("%s: expected %s, got %.80r" % (w, t["k"], v))
def _run(fn, ins, outs):
 kw = {n: _value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _os.environ}
 res = [fn(**kw)]
 d = _os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")
 _os.makedirs(d, exist_ok=True)
 texts = [(n, _enc(v, t, "output `%s`" % n)) for (n, t), v in zip(outs, res)]
 for n, s in texts:
  with open(_os.path.join(d, n), "wb") as f: f.write(s.encode() + b"\n")


import re


def tokenize(text: str) -> list[str]:
    """Lower-case words without punctuation."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def normalize(shard: str) -> str:
    return " ".join(tokenize(shard))


if __name__ == "__main__":
    _run(normalize, [('shard', {'k': 'str'}, 1)], [('output', {'k': 'str'})])
'''


def run_normalize(**inputs):
    """Step `normalize` of map_reduce.py:81: its outputs for `inputs`."""
    return run_script(NORMALIZE_SCRIPT, inputs, {'shard': 'text'}, [('output', 'text')])[0]


REPORT_HITS_SCRIPT = r"""# flowc step script: map_reduce.report_hits
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


def report_hits(keyword: str, hits: int, text: str) -> None:
    head = " ".join(text.split()[:3])
    print(f"{keyword}: {hits} in '{head} ...'")


if __name__ == "__main__":
    _run(report_hits, [('keyword', {'k': 'str'}, 1), ('hits', {'k': 'int'}, 1), ('text', {'k': 'str'}, 1)], [])
"""


def run_report_hits(**inputs):
    """Step `report_hits` of map_reduce.py:91: its outputs for `inputs`."""
    run_script(REPORT_HITS_SCRIPT, inputs, {'keyword': 'text', 'hits': 'json', 'text': 'text'}, [])


SPLIT_CORPUS_SCRIPT = r'''# flowc step script: map_reduce.split_corpus
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
 if k == "int" and (type(v) is int or type(v) is float and v.is_integer()): return int(v)
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


CORPUS = [
    "The quick brown fox.",
    "Jumps over the lazy dog!",
    "The dog barks.",
    "The fox runs away.",
    "A quick brown dog?",
    "Over and over again.",
]


def split_corpus(num_shards: int) -> list[str]:
    """Deal the lines round-robin into ``num_shards`` shards of text."""
    return ["\n".join(CORPUS[i::num_shards]) for i in range(num_shards)]


if __name__ == "__main__":
    _run(split_corpus, [('num_shards', {'k': 'int'}, 1)], [('output', {'k': 'list', 'item': {'k': 'str'}})])
'''


def run_split_corpus(**inputs):
    """Step `split_corpus` of map_reduce.py:44: its outputs for `inputs`."""
    return run_script(SPLIT_CORPUS_SCRIPT, inputs, {'num_shards': 'json'}, [('output', 'json')])[0]


TOP_WORDS_SCRIPT = r'''# flowc step script: map_reduce.top_words
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
 if k == "int" and (type(v) is int or type(v) is float and v.is_integer()): return int(v)
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


def top_words(totals: dict[str, int], k: int = 3) -> list[str]:
    """The ``k`` most frequent words, ties broken alphabetically."""
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    return [word for word, _ in ranked[:k]]


if __name__ == "__main__":
    _run(top_words, [('totals', {'k': 'dict', 'value': {'k': 'int'}}, 1), ('k', {'k': 'int'}, 0)], [('output', {'k': 'list', 'item': {'k': 'str'}})])
'''


def run_top_words(**inputs):
    """Step `top_words` of map_reduce.py:74: its outputs for `inputs`."""
    return run_script(TOP_WORDS_SCRIPT, inputs, {'totals': 'json', 'k': 'json'}, [('output', 'json')])[0]


class WordCountFlow(FlowSpec):
    """Count the words of the corpus; return the top ``k`` words and the number of words."""
    num_shards = Parameter('num_shards', type=int, default=3, help='int')
    k = Parameter('k', type=int, default=3, help='int')
    keywords = Parameter('keywords', type=JSONType, default='["fox", "dog"]', help='list[str]')

    @step
    def start(self):
        """Start the run."""
        self.next(self.split_corpus)

    @retry(times=1, minutes_between_retries=0)
    @step
    def split_corpus(self):
        """shards = split_corpus(num_shards)  (map_reduce.py:103)"""
        self.split_corpus_output = run_split_corpus(num_shards=self.num_shards)
        self.next(self.for_s, self.for_shard)

    @step
    def for_s(self):
        """Fan out: for s in split_corpus."""
        self.next(self.count_shard, foreach='split_corpus_output')

    @step
    def count_shard(self):
        """counted = [count_words(s) for s in shards]  (map_reduce.py:106)"""
        self.s = self.input
        self.count_shard_counts, self.count_shard_words = run_count_shard(shard=self.s)
        self.next(self.for_s_join)

    @step
    def for_s_join(self, inputs):
        """Collect every `s` iteration, in order."""
        self.count_shard_counts = [i.count_shard_counts for i in inputs]
        self.count_shard_words = [i.count_shard_words for i in inputs]
        self.merge_artifacts(inputs, exclude=['s'])
        self.next(self.split_2)

    @step
    def split_2(self):
        """Start static branches."""
        self.next(self.merge_counts, self.add_up)

    @step
    def merge_counts(self):
        """totals = merge_counts(partials)  (map_reduce.py:111)"""
        self.merge_counts_output = run_merge_counts(partials=self.count_shard_counts)
        self.next(self.top_words)

    @step
    def top_words(self):
        """top = top_words(totals, k=k)  (map_reduce.py:113)"""
        self.top_words_output = run_top_words(totals=self.merge_counts_output, k=self.k)
        self.next(self.join_2)

    @step
    def add_up(self):
        """total_words = add_up(sizes)  (map_reduce.py:112)"""
        self.add_up_output = run_add_up(numbers=self.count_shard_words)
        self.next(self.join_2)

    @step
    def join_2(self, inputs):
        """Join the static branches."""
        self.merge_artifacts(inputs)
        self.next(self.join_1)

    @step
    def for_shard(self):
        """Fan out: for shard in split_corpus."""
        self.next(self.normalize, foreach='split_corpus_output')

    @step
    def normalize(self):
        """text = normalize(shard)  (map_reduce.py:117)"""
        self.shard = self.input
        self.normalize_output = run_normalize(shard=self.shard)
        self.next(self.for_keyword)

    @step
    def for_keyword(self):
        """Fan out: for keyword in keywords."""
        self.next(self.count_keyword, foreach='keywords')

    @step
    def count_keyword(self):
        """hits = count_keyword(text, keyword)  (map_reduce.py:119)"""
        self.keyword = self.input
        self.count_keyword_output = run_count_keyword(text=self.normalize_output, keyword=self.keyword)
        self.next(self.report_hits)

    @step
    def report_hits(self):
        """report_hits(keyword, hits, text)  (map_reduce.py:120)"""
        run_report_hits(keyword=self.keyword, hits=self.count_keyword_output, text=self.normalize_output)
        self.next(self.for_keyword_join)

    @step
    def for_keyword_join(self, inputs):
        """Collect every `keyword` iteration, in order."""
        self.count_keyword_output = [i.count_keyword_output for i in inputs]
        self.merge_artifacts(inputs, exclude=['keyword'])
        self.next(self.for_shard_join)

    @step
    def for_shard_join(self, inputs):
        """Collect every `shard` iteration, in order."""
        self.normalize_output = [i.normalize_output for i in inputs]
        self.count_keyword_output = [i.count_keyword_output for i in inputs]
        self.merge_artifacts(inputs, exclude=['keyword', 'shard'])
        self.next(self.join_1)

    @step
    def join_1(self, inputs):
        """Join the static branches."""
        self.merge_artifacts(inputs)
        self.next(self.end)

    @step
    def end(self):
        """The flow's results."""
        self.output_0 = self.top_words_output
        self.output_1 = self.add_up_output


if __name__ == "__main__":
    WordCountFlow()
