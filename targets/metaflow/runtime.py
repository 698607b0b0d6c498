"""The helpers every compiled FlowSpec file carries, as source text.

They are the FlowSpec's half of the step contract in `compiler.shipping`: a step's value inputs
go to its script as `FLOWC_IN_<name>` text (str-like values raw, the rest JSON), artifact
inputs are written under `$FLOWC_INPUTS_DIR`, and outputs come back from `$FLOWC_OUTPUTS_DIR`
as values (decoded by their kind) or as files. Metaflow stores artifacts in its datastore, not
on a shared disk, so a file or directory output travels as a plain value
(`{"name": ..., "data": bytes, "mode": int}` or `{"name": ..., "files": {relative path: bytes},
"dirs": [relative path], "modes": {relative path: int}}`, every folder listed so that empty
ones survive, permission bits kept so that an executable stays one) and is written back to a
local path for the step that reads it. Plain values only: the client API reads them anywhere
without this file. A value output whose type has numbers is normalised as `flowc run` does
(an `int` returned for a `float` is a float).

`OPTIONAL_HELPERS` are added only to files that use them.
"""

HELPERS = '''
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
    text = text[:-1] if text.endswith("\\n") else text  # the contract's one trailing newline
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
'''

# helpers only some files need, by name
OPTIONAL_HELPERS = {
    "optional_parameter": '''
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
''',
    "available": '''
def available(flow, *names):
    """Whether every named artifact exists: a `continue_on_failure` task that failed (`@catch`)
    leaves its outputs unset, and what needs them is skipped, as in `flowc run`."""
    return all(hasattr(flow, name) for name in names)
''',
}
