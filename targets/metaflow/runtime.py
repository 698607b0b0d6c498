"""The helpers every compiled FlowSpec file carries, as source text.

They are the FlowSpec's half of the step contract in `compiler.shipping`: a step's value inputs
go to its script as `FLOWC_IN_<name>` text (str-like values raw, the rest JSON), artifact
inputs are written under `$FLOWC_INPUTS_DIR`, and outputs come back from `$FLOWC_OUTPUTS_DIR`
as values (decoded by their kind) or as files. Metaflow stores artifacts in its datastore, not
on a shared disk, so a file or directory output travels as a plain value
(`{"name": ..., "data": bytes}` or `{"name": ..., "files": {relative path: bytes}}`) and is
written back to a local path for the step that reads it. Plain values only: the client API
reads them anywhere without this file.
"""

HELPERS = '''
def run_script(script, inputs, kinds, outputs):
    """Run a step script in a fresh directory on `inputs`; return its outputs in order.

    `kinds` says how each input travels: "text" or "json" in a FLOWC_IN_ variable, or a
    shape (files under FLOWC_INPUTS_DIR). `outputs` are (name, kind) pairs, kind "text",
    "text?" (null is None), "json", "any" or a shape.
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
    if isinstance(kind, dict):
        return pack(path, kind)
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    text = text[:-1] if text.endswith("\\n") else text  # the contract's one trailing newline
    if kind == "text" or (kind == "text?" and text != "null"):
        return text
    if kind == "text?":
        return None
    try:
        return json.loads(text)
    except ValueError:
        if kind == "any":
            return text
        raise


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
            return {"name": name, "data": f.read()}
    files = {}
    for folder, _dirs, names in os.walk(path):
        for n in names:
            full = os.path.join(folder, n)
            with open(full, "rb") as f:
                files[os.path.relpath(full, path).replace(os.sep, "/")] = f.read()
    return {"name": name, "files": files}


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
    else:
        os.makedirs(path, exist_ok=True)
        for relative, data in carried["files"].items():
            full = os.path.join(path, *relative.split("/"))
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data)
'''
