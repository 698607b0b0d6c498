"""A step's KFP executor: a lightweight Python component wrapping flowc's shipped step script.

KFP's executor (`python3 -m kfp.dsl.executor_main`) loads a module and calls one function whose
signature says what the step takes and gives, in KFP's types (`str`, `int`, `float`, `bool`,
`list`, `dict`, `Input[Dataset]`, `Output[Model]`, a NamedTuple return). flowc generates that
module: the step's shipped script as a string literal (never user values in code), and a
wrapper function with the step's interface that runs the script under the contract of
`compiler.shipping` — each value input in `FLOWC_IN_<p>` in its text form, artifact inputs
linked into `$FLOWC_INPUTS_DIR`, outputs read back from `$FLOWC_OUTPUTS_DIR` — and hands the
outputs to KFP (values returned, artifacts moved to their `Output[...].path`). The script runs
in a fresh working directory, with the Python that runs the executor; the module needs `kfp`,
never flowc. The command is the one the KFP SDK writes, except that kfp is installed only when
the image lacks it, from a fixed requirement rather than the compiler's own version.
"""

from __future__ import annotations

from typing import Any

from flowc.compiler import ir
from flowc.compiler import types as t
from flowc.targets.kfp import kinds

KFP_REQUIREMENT = "kfp>=2.5,<3"
MODULE_FILE = "ephemeral_component.py"

_INSTALL = f"""
if ! python3 -c 'import kfp.dsl.executor_main' 2>/dev/null; then
    if ! [ -x "$(command -v pip)" ]; then
        python3 -m ensurepip || python3 -m ensurepip --user || apt-get install python3-pip
    fi
    PIP_DISABLE_PIP_VERSION_CHECK=1 python3 -m pip install --quiet --no-warn-script-location \\
        '{KFP_REQUIREMENT}' '--no-deps' 'typing-extensions>=3.7.4,<5; python_version<"3.9"'
fi
"$0" "$@"
"""
# As the KFP SDK writes it (kfp.local recognises lightweight components by these lines).
_RUN = f"""program_path=$(mktemp -d)

printf "%s" "$0" > "$program_path/{MODULE_FILE}"
_KFP_RUNTIME=true python3 -m kfp.dsl.executor_main \
                        --component_module_path \
                        "$program_path/{MODULE_FILE}" \
                        "$@"
"""

# The wrapper's runtime, in pieces: a step gets the ones its interface needs (every executor of
# a pipeline carries its own copy, so a value-only step leaves the artifact handling out).
_STATES = """
_FLOWC_STATES = {"SUCCEEDED": "Succeeded", "FAILED": "Failed"}
"""

_TEXT = """

def _flowc_text(value, raw):
    if raw and isinstance(value, str):
        return value
    return _flowc_json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
"""

_CALL_START = '''

def _flowc_call(values, inputs, outputs):
    """Run the step script: values as FLOWC_IN_ text, artifacts as files; collect its outputs."""
    root = _flowc_tempfile.mkdtemp(prefix="flowc-")
    ins, outs, work = (_flowc_os.path.join(root, d) for d in ("inputs", "outputs", "work"))
    for d in (ins, outs, work):
        _flowc_os.makedirs(d)
    script = _flowc_os.path.join(root, "step.py")
    with open(script, "w", encoding="utf-8", newline="") as f:
        f.write(_FLOWC_SCRIPT)
    env = dict(_flowc_os.environ, FLOWC_INPUTS_DIR=ins, FLOWC_OUTPUTS_DIR=outs)
    for name, (value, raw) in values.items():
'''
_CALL_STATUS = """        if isinstance(value, _flowc_dsl.PipelineTaskFinalStatus):
            value = _FLOWC_STATES.get(value.state, "Error")
"""
_CALL_VALUES = """        if value is not None:
            env["FLOWC_IN_" + name] = _flowc_text(value, raw)
"""
_CALL_INPUTS = """    for name, artifact in inputs.items():
        if isinstance(artifact, list):
            _flowc_os.makedirs(_flowc_os.path.join(ins, name))
            for i, item in enumerate(artifact):
                _flowc_link(item, _flowc_os.path.join(ins, name, str(i)))
        elif artifact is not None:
            _flowc_link(artifact, _flowc_os.path.join(ins, name))
"""
_CALL_RUN = """    code = _flowc_subprocess.call([_flowc_sys.executable, script], env=env, cwd=work)
    if code:
        raise SystemExit(code)
    results = []
    for name, raw, artifact in outputs:
        path = _flowc_os.path.join(outs, name)
"""
_CALL_OUTPUTS = """        if artifact is not None:
            _flowc_place(path, artifact.path)
            continue
"""
_CALL_END = """        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
        text = text[:-1] if text.endswith("\\n") else text
        results.append(text if raw else _flowc_json.loads(text))
    return results
"""

_LINK = """

def _flowc_link(artifact, path):
    _flowc_os.symlink(_flowc_os.path.abspath(artifact.path), path)
"""

_PLACE = """

def _flowc_place(source, target):
    _flowc_os.makedirs(_flowc_os.path.dirname(_flowc_os.path.abspath(target)), exist_ok=True)
    if _flowc_os.path.isdir(target) and not _flowc_os.path.islink(target):
        _flowc_shutil.rmtree(target)
    elif _flowc_os.path.lexists(target):
        _flowc_os.remove(target)
    _flowc_shutil.move(source, target)
"""


def _runtime(step: ir.Step) -> str:
    """The wrapper's runtime for this step's interface."""
    statuses = any(isinstance(p.type, t.RunStatusT) for p in step.params)
    artifact_inputs = any(t.contains_artifact(p.type) for p in step.params)
    artifact_outputs = any(t.contains_artifact(o.type) for o in step.outputs)
    pieces = [
        _STATES if statuses else "",
        _TEXT,
        _CALL_START,
        _CALL_STATUS if statuses else "",
        _CALL_VALUES,
        _CALL_INPUTS if artifact_inputs else "",
        _CALL_RUN,
        _CALL_OUTPUTS if artifact_outputs else "",
        _CALL_END,
        _LINK if artifact_inputs else "",
        _PLACE if artifact_outputs else "",
    ]
    return "".join(pieces)


def output_key(name: str) -> str:
    """KFP names a component's single output `Output`; several keep their names."""
    return "Output" if name == "output" else name


def executor(step: ir.Step, script: str, image: str) -> dict[str, Any]:
    """The `PipelineContainerSpec` running `step` (its shipped `script`) in `image`."""
    container: dict[str, Any] = {
        "image": image,
        "command": ["sh", "-c", _INSTALL, "sh", "-ec", _RUN, module(step, script)],
        "args": ["--executor_input", "{{$}}", "--function_to_execute", step.function],
    }
    if step.options.env:
        container["env"] = [{"name": k, "value": v} for k, v in step.options.env]
    resources = _resources(step)
    if resources:
        container["resources"] = resources
    return container


def module(step: ir.Step, script: str) -> str:
    """The component module: imports, the script, the runtime and the wrapper function."""
    modules = ["json", "os", "shutil", "subprocess", "sys", "tempfile", "typing"]
    runtime = _runtime(step)
    outputs = _outputs_class(step)
    wrapper = _wrapper(step)
    used = [m for m in modules if f"_flowc_{m}." in runtime + outputs + wrapper]
    lines = [
        f"# flowc KFP component: {step.module}.{step.function}",
        *(f"import {m} as _flowc_{m}" for m in used),
        "",
        "from kfp import dsl as _flowc_dsl",
        "",
    ]
    if step.options.cache_version:
        lines.append(f"# cache version: {step.options.cache_version!r}")
    lines.append(f"_FLOWC_SCRIPT = {script!r}")
    body = runtime + "\n\n" + outputs + wrapper + "\n"
    return "\n".join(lines) + "\n" + body


def _artifact_class(typ: t.Type) -> str:
    inner = typ.item if isinstance(typ, t.ListT) else typ
    inner = inner.inner if isinstance(inner, t.OptionalT) else inner
    return inner.kind if isinstance(inner, t.ArtifactT) else "Artifact"


def _value_outputs(step: ir.Step) -> list[ir.Output]:
    return [o for o in step.outputs if not t.is_artifact(o.type)]


def _outputs_class(step: ir.Step) -> str:
    values = _value_outputs(step)
    if not values or (len(step.outputs) == 1 and step.outputs[0].name == "output"):
        return ""
    fields = ", ".join(f"({o.name!r}, {kinds.python_annotation(o.type)})" for o in values)
    return f"_FlowcOutputs = _flowc_typing.NamedTuple('Outputs', [{fields}])\n\n\n"


def _wrapper(step: ir.Step) -> str:
    params: list[str] = []
    values: list[str] = []
    inputs: list[str] = []
    for p in step.params:
        if isinstance(p.type, t.RunStatusT):
            params.append(f"{p.name}: _flowc_dsl.PipelineTaskFinalStatus = None")
            values.append(f"{p.name!r}: ({p.name}, True)")
        elif kinds.is_artifact_list(p.type):
            kind = f"_flowc_typing.List[_flowc_dsl.{_artifact_class(p.type)}]"
            params.append(f"{p.name}: _flowc_dsl.Input[{kind}] = None")
            inputs.append(f"{p.name!r}: {p.name}")
        elif t.is_artifact(p.type):
            params.append(f"{p.name}: _flowc_dsl.Input[_flowc_dsl.{_artifact_class(p.type)}] = None")
            inputs.append(f"{p.name!r}: {p.name}")
        else:
            params.append(f"{p.name}: {kinds.python_annotation(p.type)} = None")
            values.append(f"{p.name!r}: ({p.name}, {kinds.as_text(p.type)})")
    outputs: list[str] = []
    for o in step.outputs:
        key = output_key(o.name)
        if t.is_artifact(o.type):
            params.append(f"{key}: _flowc_dsl.Output[_flowc_dsl.{_artifact_class(o.type)}] = None")
            outputs.append(f"({o.name!r}, False, {key})")
        else:
            outputs.append(f"({o.name!r}, {kinds.as_text(o.type)}, None)")
    value_outputs = _value_outputs(step)
    single = len(step.outputs) == 1 and step.outputs[0].name == "output" and value_outputs
    if single:
        returns = f" -> {kinds.python_annotation(value_outputs[0].type)}"
        result = "results[0]"
    elif value_outputs:
        returns, result = " -> _FlowcOutputs", "_FlowcOutputs(*results)"
    else:
        returns, result = "", "None"
    call = f"    results = _flowc_call({{{', '.join(values)}}}, {{{', '.join(inputs)}}}, [{', '.join(outputs)}])\n"
    signature = ",\n    ".join(params)
    head = (
        f"def {step.function}(\n    {signature},\n){returns}:\n"
        if params
        else f"def {step.function}(){returns}:\n"
    )
    return head + call + f"    return {result}\n"


def _resources(step: ir.Step) -> dict[str, Any]:
    opts = step.options
    resources: dict[str, Any] = {}
    if opts.cpu is not None:
        resources["resourceCpuRequest"] = opts.cpu
    if opts.memory is not None:
        resources["resourceMemoryRequest"] = opts.memory
        resources["resourceMemoryLimit"] = opts.memory
    if opts.gpu:
        kind = opts.gpu_type if opts.gpu_type and "/" in opts.gpu_type else "nvidia.com/gpu"
        resources["accelerator"] = {"resourceType": kind, "resourceCount": str(opts.gpu)}
    return resources
