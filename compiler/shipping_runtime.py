"""The runtime pasted into shipped step scripts, and how a step's minimal part of it is cut out.

The runtime is source code, not code flowc runs: `shipping.py` renders, for each step, only the
pieces that step needs (`render`), so it must use the standard library only, run on any Python
a user's image may have (3.8+: no `X | Y` annotations, no `match`, no `str.removeprefix`), and
name every global `_flowc_…` so that it can't collide with the user's code. Rendering shortens
those names to `_…` unless the step's own code binds the short name (`render`'s `rename`).
The contract it implements (inputs from `FLOWC_IN_<p>` and `$FLOWC_INPUTS_DIR/<p>`, outputs to
`$FLOWC_OUTPUTS_DIR/<name>`, decoding by declared type) is documented in `shipping.py`, which
also holds the compile-time half (`encode_value`) and computes the flags.

The template language, kept small on purpose:

- `#: expr` starts a section: its lines are kept when `expr` holds;
- a line ending in `  # ?expr` is kept when `expr` holds too (the marker is cut off);
- `expr` is flags joined by `&` (and) and `|` (or, binding looser), a flag negated by `!`;
- the template is written with four spaces per level, rendered with `INDENT`, and without the
  flag `show` (no type needs more than its kind named) `_flowc_show(t)` is just `t["k"]`.

The flags (computed in `shipping.py`): a section's own name (`dec`, `run`, `RunStatus`, …);
`d_<kind>` for every kind a value input's type holds (`d_lit`/`d_strlit` for literals of other
values/of strings only) and `d_parse` when one of them travels as JSON; `i_val`/`i_art` for
value/artifact inputs and `a_<kind>` for the kinds of the latter; `out`, `fields` (a NamedTuple
return), `o_val`/`o_art` for outputs and `p_<kind>` for the kinds of artifact ones; `e_text`,
`e_json`, `e_optional` for how value outputs are written; `nest`/`lit` for what `show` names.

Generated code carries no comments, so the explanations are here, next to the lines:

- `value` honours `FLOWC_JSON_<p>=1`: the engine sent a string quoted as JSON (Argo renders a
  string loop item with its JSON escapes but without its quotes, so the Argo target quotes it
  and says so). A list input that is empty text or an unresolved `{{...}}` tag is the fan-in of
  a fan-out that ran no iteration (Argo skips an empty `withParam` and then passes that on).
- a value output file holds the text and one newline, which engines drop (Argo strips exactly
  one trailing newline from output parameters, so a text's own final newline survives).
- `result` is for an engine that collects a step's standard output as its one value output
  (Argo's `outputs.result`): the script's first lines keep the real standard output for that
  text and point file descriptor 1 at standard error, so that whatever the step, a library or a
  subprocess prints goes to the log and never into the value.
- `dec` decodes a value of a declared type (the descriptor `t`, see `type_descriptor`): text from
  the engine, or an item of a decoded list/dict. Strings are decoded again where the type isn't
  text (engines collect fanned-in outputs as a JSON list of their texts: `["0.5", "[1,2]"]`),
  and an integral float is an `int` where one is declared (KFP hands collected ints back as
  floats). An `Optional` item that is the text `null` is `None`: Argo collects an output
  written `null` as that text. `value` is the top level: `null` is `None` for an `Optional`, and `Any` keeps text
  that isn't JSON. It is also what `shipping.value_reader` hands to other generated scripts.
- `loc` finds an artifact input: a path, or a directory of items named by index or key.
- `enc` is a value output's text form: JSON lets numpy arrays and scalars through `tolist()`.
- `place` copies an artifact output where the engine collects it (a directory stays one).
- `art` tells artifacts from values, for steps that have both among inputs or outputs.
- `run` encodes every value output before anything is written, so that a failure leaves no
  partial outputs; artifact outputs are copied last.
- the stand-ins (`RunStatus`, `Retry`, `step`, …) replace flowc's authoring API, so that the
  image needs Python and never flowc. `RunStatus` behaves like flowc's StrEnum: `str()` and
  f-strings give the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import cache

TEMPLATE = """\
#: result
_flowc_stdout = _flowc_os.dup(1)
_flowc_os.dup2(2, 1)
#: RunStatus
class _flowc_RunStatus(str, _flowc_enum.Enum):
    SUCCEEDED, FAILED, ERROR = "Succeeded", "Failed", "Error"
    __str__, __format__ = str.__str__, str.__format__
#: Retry
class _flowc_Retry:
    def __init__(self, limit, backoff=None, factor=None, max_backoff=None, on="always"):
        self.limit, self.backoff, self.factor, self.max_backoff, self.on = limit, backoff, factor, max_backoff, on
#: step
def _flowc_step(fn=None, **options): return fn if fn is not None else lambda f: f
#: parallel
def _flowc_parallel(items, max=None): return items
#: after
def _flowc_after(*tasks): return _flowc_contextlib.nullcontext()
#: fail
def _flowc_fail(m): raise SystemExit("flowc: " + m)
#: show
def _flowc_show(t):
    if "values" in t: return "one of %r" % (t["values"],)  # ?lit
    s = t.get("item") or t.get("value") or t.get("inner")  # ?nest
    return "%s[%s]" % (t["k"], _flowc_show(s)) if s else t["k"]  # ?nest
    return t["k"]  # ?!nest
#: art
def _flowc_art(t):
    s = t.get("item") or t.get("value") or t.get("inner")
    return t["k"] == "artifact" or s is not None and _flowc_art(s)
#: dec
def _flowc_dec(v, t, w):
    k = t["k"]
    if k == "any": return v  # ?d_any
    if k == "optional": return None if v is None or v == "null" else _flowc_dec(v, t["inner"], w)  # ?d_optional
    if k == "runstatus":  # ?d_runstatus
        try: return _flowc_RunStatus(v)  # ?d_runstatus
        except (TypeError, ValueError): _flowc_fail("%s: unknown run status %r" % (w, v))  # ?d_runstatus
    while isinstance(v, str):  # ?d_parse & !d_str & !d_strlit
    while isinstance(v, str) and k != "str":  # ?d_parse & d_str & !d_strlit
    while isinstance(v, str) and k != "str" and not (k == "literal" and all(isinstance(x, str) for x in t["values"])):  # ?d_parse & d_strlit
        try: v = _flowc_json.loads(v)  # ?d_parse
        except ValueError: break  # ?d_parse
    if k == "list" and isinstance(v, list): return [_flowc_dec(x, t["item"], w) for x in v]  # ?d_list
    if k == "dict" and isinstance(v, dict): return {a: _flowc_dec(x, t["value"], w) for a, x in v.items()}  # ?d_dict
    if k == "int" and (type(v) is int or type(v) is float and v.is_integer()): return int(v)  # ?d_int
    if k == "float" and type(v) in (int, float): return float(v)  # ?d_float
    if k == "bool" and type(v) is bool: return v  # ?d_bool
    if k == "str" and type(v) is str: return v  # ?d_str
    if k == "none" and v is None: return v  # ?d_none
    if k == "literal" and any(type(v) is type(x) and v == x for x in t["values"]): return v  # ?d_lit | d_strlit
    _flowc_fail("%s: expected %s, got %.80r" % (w, _flowc_show(t), v))
#: value
def _flowc_value(n, t):
    v = _flowc_os.environ.get("FLOWC_IN_" + n)
    if v is None: _flowc_fail("input `%s` is missing: FLOWC_IN_%s is not set" % (n, n))
    if _flowc_os.environ.get("FLOWC_JSON_" + n) == "1": return _flowc_dec(_flowc_json.loads(v), t, "input `%s`" % n)  # ?quoted & dec
    if _flowc_os.environ.get("FLOWC_JSON_" + n) == "1": return _flowc_json.loads(v)  # ?quoted & !dec
    while t["k"] == "optional":  # ?d_optional
        if v == "null": return None  # ?d_optional
        t = t["inner"]  # ?d_optional
    if t["k"] == "list" and (v == "" or v[:2] == "{" + "{"): return []  # ?d_list
    if t["k"] == "any":  # ?d_any
        try: return _flowc_json.loads(v)  # ?d_any
        except ValueError: return v  # ?d_any
    return _flowc_dec(v, t, "input `%s`" % n)  # ?dec
    return v  # ?!dec
#: loc
def _flowc_loc(p, t, w):
    k = t["k"]  # ?a_optional | a_list | a_dict
    if k == "optional": return _flowc_loc(p, t["inner"], w) if _flowc_os.path.exists(p) else None  # ?a_optional
    if not _flowc_os.path.exists(p): _flowc_fail("%s: the input artifact %s does not exist" % (w, p))
    if k == "list": return [_flowc_loc(_flowc_os.path.join(p, n), t["item"], w) for n in sorted(filter(str.isdigit, _flowc_os.listdir(p)), key=int)]  # ?a_list
    if k == "dict": return {n: _flowc_loc(_flowc_os.path.join(p, n), t["value"], w) for n in sorted(_flowc_os.listdir(p))}  # ?a_dict
    return _flowc_Path(p)
#: enc
def _flowc_enc(v, t, w):
    while t["k"] == "optional" and v is not None: t = t["inner"]  # ?e_optional
    if v is None: return "null" if t["k"] in ("optional", "any", "none") else _flowc_fail("%s: expected %s, got None" % (w, _flowc_show(t)))
    if t["k"] in ("str", "runstatus") or "values" in t and all(isinstance(x, str) for x in t["values"]): return str.__str__(v) if isinstance(v, str) else _flowc_fail("%s: expected %s, got %.80r" % (w, _flowc_show(t), v))  # ?e_text & e_json
    return str.__str__(v) if isinstance(v, str) else _flowc_fail("%s: expected %s, got %.80r" % (w, _flowc_show(t), v))  # ?e_text & !e_json
    try: return _flowc_json.dumps(v, sort_keys=True, separators=(",", ":"), allow_nan=False, default=lambda x: x.tolist())  # ?e_json
    except (AttributeError, TypeError, ValueError) as e: _flowc_fail("%s cannot be written as JSON: %s" % (w, e))  # ?e_json
#: place
def _flowc_place(v, t, d, w):
    k = t["k"]  # ?p_optional | p_list | p_dict
    if k == "optional": return None if v is None else _flowc_place(v, t["inner"], d, w)  # ?p_optional
    if k in ("list", "dict"):  # ?p_list | p_dict
        _flowc_os.makedirs(d, exist_ok=True)  # ?p_list | p_dict
        for a, x in enumerate(v) if k == "list" else sorted(v.items()): _flowc_place(x, t.get("item") or t["value"], _flowc_os.path.join(d, str(a)), w)  # ?p_list | p_dict
        return  # ?p_list | p_dict
    if not isinstance(v, (str, _flowc_os.PathLike)): _flowc_fail("%s must be the path of a file or directory the step wrote, got %r" % (w, v))
    s = _flowc_os.path.abspath(v)
    if not _flowc_os.path.exists(s): _flowc_fail("%s: the step returned %s, which does not exist" % (w, s))
    if s == _flowc_os.path.abspath(d): return
    if _flowc_os.path.lexists(d): _flowc_shutil.rmtree(d) if _flowc_os.path.isdir(d) and not _flowc_os.path.islink(d) else _flowc_os.remove(d)
    (_flowc_shutil.copytree if _flowc_os.path.isdir(s) else _flowc_shutil.copyfile)(s, d)
#: run
def _flowc_run(fn, ins, outs):
    kw = {}  # ?!i_val & !i_art
    kw = {n: _flowc_value(n, t) for n, t, r in ins if r or "FLOWC_IN_" + n in _flowc_os.environ}  # ?i_val & !i_art
    kw = {n: _flowc_value(n, t) for n, t, r in ins if not _flowc_art(t) and (r or "FLOWC_IN_" + n in _flowc_os.environ)}  # ?i_val & i_art
    p = _flowc_os.environ.get("FLOWC_INPUTS_DIR", "/tmp/flowc/inputs")  # ?i_art
    kw = {}  # ?i_art & !i_val
    for n, t, r in ins:  # ?i_art
        if _flowc_art(t) and (r or _flowc_os.path.exists(_flowc_os.path.join(p, n))): kw[n] = _flowc_loc(_flowc_os.path.join(p, n), t, "input `%s`" % n)  # ?i_art & i_val
        if r or _flowc_os.path.exists(_flowc_os.path.join(p, n)): kw[n] = _flowc_loc(_flowc_os.path.join(p, n), t, "input `%s`" % n)  # ?i_art & !i_val
    res = [fn(**kw)]  # ?out & !fields
    res = fn(**kw)  # ?fields
    fn(**kw)  # ?!out
    if res is None: _flowc_fail("the step returned None instead of its outputs")  # ?fields
    res = [getattr(res, n) if hasattr(res, n) else res[i] for i, (n, t) in enumerate(outs)]  # ?fields
    d = _flowc_os.environ.get("FLOWC_OUTPUTS_DIR", "/tmp/flowc/outputs")  # ?out & !result
    _flowc_os.makedirs(d, exist_ok=True)  # ?out & !result
    texts = [(n, _flowc_enc(v, t, "output `%s`" % n)) for (n, t), v in zip(outs, res)]  # ?o_val & !o_art
    texts = [(n, _flowc_enc(v, t, "output `%s`" % n)) for (n, t), v in zip(outs, res) if not _flowc_art(t)]  # ?o_val & o_art
    for n, s in texts:  # ?o_val & !result
        with open(_flowc_os.path.join(d, n), "wb") as f: f.write(s.encode() + b"\\n")  # ?o_val & !result
    with open(_flowc_stdout, "wb") as f: f.write(texts[0][1].encode() + b"\\n")  # ?result
    for (n, t), v in zip(outs, res):  # ?o_art
        _flowc_place(v, t, _flowc_os.path.join(d, n), "output `%s`" % n)  # ?o_art & !o_val
        if _flowc_art(t): _flowc_place(v, t, _flowc_os.path.join(d, n), "output `%s`" % n)  # ?o_art & o_val
"""

_NAME = re.compile(r"\b_flowc_(\w+)")
_MARKER = re.compile(r"  # \?([\w!&| ]+)$")
INDENT = " "  # per level in generated code: every byte is repeated in every template of a workflow


def _holds(expr: str, flags: Collection[str]) -> bool:
    return any(
        all((term[1:] not in flags) if term.startswith("!") else (term in flags) for term in alt.split("&"))
        for alt in expr.replace(" ", "").split("|")
    )


@cache
def _parsed() -> tuple[tuple[str, str, str], ...]:
    """(section condition, line condition, line) for every line of `TEMPLATE`."""
    lines, section = [], ""
    for line in TEMPLATE.splitlines():
        if line.startswith("#: "):
            section = line[3:]
            continue
        marker = _MARKER.search(line)
        code = line[: marker.start()] if marker else line
        stripped = code.lstrip(" ")
        lines.append(
            (
                section,
                marker.group(1) if marker else "",
                INDENT * ((len(code) - len(stripped)) // 4) + stripped,
            )
        )
    return tuple(lines)


def render(flags: Collection[str], rename: Callable[[str], str]) -> str:
    """The lines of `TEMPLATE` that `flags` select, its `_flowc_` globals renamed by `rename`.
    Without the flag `show` (no type needs more), `_flowc_show(t)` is just `t["k"]`."""
    text, names = _selected(frozenset(flags))
    return _renamed(text, names, tuple(rename(name) for name in names))


# Steps of a flow mostly need the same few runtimes: selecting and renaming the lines once per
# distinct choice keeps shipping thousands of steps linear in their own code, not in the runtime's.
@cache
def _selected(flags: frozenset[str]) -> tuple[str, tuple[str, ...]]:
    """The runtime text `flags` select, and the `_flowc_` globals it names."""
    kept = [
        line
        for section, cond, line in _parsed()
        if _holds(section, flags) and (not cond or _holds(cond, flags))
    ]
    text = "\n".join(kept) + "\n" if kept else ""
    if "show" not in flags:
        text = text.replace("_flowc_show(t)", 't["k"]')
    return text, tuple(sorted({m.group(0) for m in _NAME.finditer(text)}))


@cache
def _renamed(text: str, names: tuple[str, ...], renamed: tuple[str, ...]) -> str:
    mapping = dict(zip(names, renamed, strict=True))
    return _NAME.sub(lambda m: mapping[m.group(0)], text)
