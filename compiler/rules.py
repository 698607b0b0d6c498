"""The rule registry: the single source of diagnostic codes, names, severities and docs.

A check reports `diagnostic("FC201", span, expected=..., got=...)`; the message comes from the
rule's template, so wording lives in one place and tests assert codes only. `flowc explain`
prints `Rule.doc`.
"""

from __future__ import annotations

from flowc.compiler.diagnostics import Diagnostic, Severity, Span
from flowc.compiler.frozen import frozen

E = Severity.ERROR
W = Severity.WARNING

FAMILIES: dict[str, str] = {
    "FC0": "files, parsing, imports and suppressions",
    "FC1": "decorators and options",
    "FC2": "types and wiring",
    "FC3": "flow-body structure and graph",
    "FC4": "code shipping",
    "FC5": "target capabilities and platform limits",
    "FC9": "internal errors",
}


@frozen
class Rule:
    """A diagnostic code: its name, default severity, message template and documentation."""

    code: str
    name: str
    severity: Severity
    message: str
    doc: str

    @property
    def family(self) -> str:
        return FAMILIES[self.code[:3]]


def _rule(code: str, name: str, severity: Severity, message: str, doc: str) -> Rule:
    return Rule(code, name, severity, message, doc.strip())


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        # FC0xx: files, parsing, imports, suppressions
        _rule(
            "FC001",
            "syntax-error",
            E,
            "invalid Python syntax: {detail}",
            """
## What it does
Reports a file that Python cannot parse.

## Why is this bad?
flowc reads flows with Python's own parser; a file it cannot parse cannot be checked or compiled.

## How to fix
Fix the syntax error at the reported position.
""",
        ),
        _rule(
            "FC002",
            "unreadable-file",
            E,
            "cannot read file: {detail}",
            """
## What it does
Reports a file that cannot be read, or whose bytes are not text in its encoding, at the first
byte that is not. flowc decodes files as Python does: UTF-8 (with or without a byte-order
mark) unless a PEP 263 declaration such as `# -*- coding: latin-1 -*-` on the first or second
line names another encoding; a declaration naming an unknown encoding is reported too.

## How to fix
Check the path and permissions; save the file as UTF-8, or declare the encoding it is saved in.
""",
        ),
        _rule(
            "FC003",
            "flow-not-found",
            E,
            "{detail}",
            """
## What it does
Reports a `PATH:FLOW` selection that names no flow in the file, or a file given to
`compile`/`inspect`/`graph` that defines no `@flow`.

## How to fix
Name one of the file's `@flow` functions after the colon, e.g. `flows.py:training`.
""",
        ),
        _rule(
            "FC004",
            "ambiguous-flow",
            E,
            "the file defines several flows ({names}); select one with PATH:FLOW",
            """
## What it does
Reports a file with several `@flow` functions given without a flow name to a command that
works on one flow.

## How to fix
Append the flow's name: `flowc compile pipelines.py:training`.
""",
        ),
        _rule(
            "FC005",
            "unresolved-import",
            E,
            "cannot find module `{module}` in the project (searched: {roots}); "
            "put it under the flow's directory, the project root or `src/`",
            """
## What it does
Reports a step or sub-flow imported from a module that flowc cannot find among the project's
files.

## Why is this bad?
flowc never imports code: it finds imported steps by reading the module's source, searched in
the flow file's directory, its package root, the project root (where `pyproject.toml` is) and
`src/`.

## Example
```python
from mypkg.steps import train   # mypkg/ is not under any search root
```

## How to fix
Move the module under one of the search roots, or fix the module path.
""",
        ),
        _rule(
            "FC006",
            "unresolved-name",
            E,
            "module `{module}` has no step, flow or constant named `{name}`; check the spelling or define it there",
            """
## What it does
Reports `from module import name` where the module is in the project but defines no
module-level `name` flowc can use (a `@step`, a `@flow`, or a constant).

## How to fix
Check the spelling, or define the name at module level in that module.
""",
        ),
        _rule(
            "FC007",
            "circular-import",
            E,
            "circular import of `{module}` while resolving `{name}`; move the shared steps into a module both can import",
            """
## What it does
Reports project modules that import each other in a cycle while flowc resolves a name.

## How to fix
Move the shared steps into a module that both can import.
""",
        ),
        _rule(
            "FC010",
            "unused-suppression",
            W,
            "unused suppression of {codes}; remove it",
            """
## What it does
Reports a `# flowc: ignore[...]` comment that suppresses nothing on its line.

## Why is this bad?
Stale suppressions hide future problems and mislead readers.

## How to fix
Remove the comment, or the codes in it that no longer apply.
""",
        ),
        _rule(
            "FC011",
            "unknown-suppression-code",
            W,
            "`# flowc: ignore` names unknown code {codes}; `flowc explain --list` lists the codes",
            """
## What it does
Reports a suppression comment naming a code that no flowc rule has.

## How to fix
Use the codes printed by `flowc lint`; `flowc explain CODE` documents each.
""",
        ),
        # FC1xx: decorators and options
        _rule(
            "FC101",
            "non-literal-option",
            E,
            "`{option}` must be a literal or a module-level constant bound to a literal",
            """
## What it does
Reports a decorator argument flowc cannot evaluate without running code.

## Why is this bad?
flowc reads options statically. A call, an attribute of an imported object, or a name assigned
twice cannot be folded to a value.

## Example
```python
@step(image=os.environ["IMAGE"])
```

## Use instead
```python
IMAGE = "ghcr.io/acme/ml:1.4"

@step(image=IMAGE)
```
""",
        ),
        _rule(
            "FC102",
            "unknown-option",
            E,
            "unknown {decorator} option `{option}`{hint}",
            """
## What it does
Reports a keyword argument that `@step` or `@flow` does not accept.

## Options
`@step`: `name`, `image`, `cpu`, `memory`, `gpu`, `gpu_type`, `retries`, `timeout`, `cache`,
`env`, `secrets`, `packages`, `node_selector`, `tolerations`, `volumes`, `continue_on_failure`.

`@flow`: `name`, `description`, `image`, `schedule`, `timezone`, `on_exit`, `max_parallel`,
`retries`, `timeout`, `namespace`, `service_account`, `labels`, `annotations`, `ttl`.
""",
        ),
        _rule(
            "FC103",
            "invalid-option",
            E,
            "invalid `{option}`: {detail}",
            """
## What it does
Reports an option value of the wrong type or out of range, e.g. `gpu=-1`, `cache=3`,
`env={"A": 1}` or a malformed `name`.

Numbers must also fit where the targets keep them: counts (`gpu`, `max_parallel`) and
durations (`timeout`, `ttl`, in seconds) at most 2147483647, as Argo and KFP hold them in
32-bit integers (2147483647 seconds is about 68 years); `cpu` and `memory` at most 2^63 - 1,
the largest Kubernetes quantity. Larger values would compile, then fail on the cluster.

## How to fix
Give a value of the documented type, within range.
""",
        ),
        _rule(
            "FC104",
            "invalid-quantity",
            E,
            "`{option}` is not a Kubernetes quantity: {value!r}; use e.g. {example}",
            """
## What it does
Reports a `cpu` or `memory` value that does not parse as a Kubernetes resource quantity.

## Why is this bad?
The cluster rejects the object when it is created, long after the commit.

## Example
```python
@step(memory="16GB", cpu="2 cores")
```

## Use instead
```python
@step(memory="16Gi", cpu="2")
```
""",
        ),
        _rule(
            "FC105",
            "suspicious-quantity",
            W,
            "`{option}={value!r}` {detail}",
            """
## What it does
Reports valid quantities that are almost certainly mistakes: `memory="512m"` is 0.512 bytes
(lowercase `m` is milli), `cpu=1000` is a thousand cores.

## Use instead
`memory="512Mi"`, `cpu="1000m"`.
""",
        ),
        _rule(
            "FC106",
            "invalid-duration",
            E,
            '`{option}` is not a duration: {value!r}; use e.g. "90s", "15m", "2h", "1h30m"',
            """
## What it does
Reports a duration that does not parse. Durations are a positive number followed by a unit
`s`, `m`, `h` or `d`, optionally repeated (`"1h30m"`), or an integer number of seconds.
""",
        ),
        _rule(
            "FC107",
            "invalid-schedule",
            E,
            "invalid cron schedule {value!r}: {detail}",
            """
## What it does
Reports a `schedule` that is not a standard five-field cron expression (or a descriptor such
as `@daily`).

## Example
```python
@flow(schedule="0 2 * *")
```

## Use instead
```python
@flow(schedule="0 2 * * *")
```
""",
        ),
        _rule(
            "FC108",
            "invalid-timezone",
            E,
            'unknown time zone {value!r}; use an IANA name such as "Europe/Paris"',
            """
## What it does
Reports a `timezone` that is not in the IANA time-zone database.
""",
        ),
        _rule(
            "FC109",
            "invalid-retry",
            E,
            "invalid retry policy: {detail}",
            """
## What it does
Reports `retries=` values that no engine accepts: a negative limit, a bad backoff duration, a
factor below 1, or an unknown `on=` policy (use `"always"`, `"failure"`, `"error"` or
`"transient"`). A limit, factor or backoff (in seconds) over 2147483647 is refused too: Argo
and KFP hold them in 32-bit integers.
""",
        ),
        _rule(
            "FC110",
            "invalid-secret-ref",
            E,
            'secret reference {value!r} for `{env}` must look like "secret-name/key"',
            """
## What it does
Reports a `secrets` entry that is not `"secret-name/key"`, or whose name or key Kubernetes
would reject. Secrets are referenced, never inlined.

## Example
```python
@step(secrets={"DB_PASSWORD": "s3cr3t"})
```

## Use instead
```python
@step(secrets={"DB_PASSWORD": "db-credentials/password"})
```
""",
        ),
        _rule(
            "FC111",
            "invalid-env-name",
            E,
            "environment variable name {value!r} is not portable; use letters, digits and `_`, not starting with a digit",
            """
## What it does
Reports `env`/`secrets` names that are not C identifiers. KFP requires them, and older
Kubernetes versions reject other names.
""",
        ),
        _rule(
            "FC112",
            "invalid-label",
            E,
            "invalid {what} {value!r}: {detail}",
            """
## What it does
Reports `labels`, `annotations` and `node_selector` keys or values that Kubernetes rejects
(label values: at most 63 characters of `[A-Za-z0-9_.-]`, starting and ending alphanumeric;
keys: an optional DNS prefix and `/`, then a name of at most 63 characters).
""",
        ),
        _rule(
            "FC113",
            "invalid-toleration",
            E,
            "invalid toleration: {detail}",
            """
## What it does
Reports a toleration that is not a mapping of Kubernetes toleration fields (`key`, `operator`
`Equal`/`Exists`, `value`, `effect` `NoSchedule`/`PreferNoSchedule`/`NoExecute`,
`toleration_seconds`) or a `"key=value:Effect"` string.
""",
        ),
        _rule(
            "FC114",
            "invalid-volume",
            E,
            "invalid volume {value!r}: {detail}",
            """
## What it does
Reports `volumes` entries that are not `{"/absolute/mount/path": "pvc-name"}` with a valid
PersistentVolumeClaim name.
""",
        ),
        _rule(
            "FC115",
            "invalid-package",
            E,
            'invalid package requirement {value!r}; use pip syntax such as "pandas==2.2.3"',
            """
## What it does
Reports `packages` entries that pip could not read as a requirement (`name`, `name==1.2`,
`name[extra]>=1,<2`).
""",
        ),
        _rule(
            "FC116",
            "nested-definition",
            E,
            "`@{decorator}` function `{name}` must be defined at module level",
            """
## What it does
Reports a step or flow defined inside a function or class.

## Why is this bad?
flowc ships a step's function with its module-level closure; a nested function has none it
can ship, and cannot be referenced from a flow.
""",
        ),
        _rule(
            "FC117",
            "positional-option",
            E,
            "`@{decorator}` options must be passed by keyword",
            """
## What it does
Reports positional arguments to `@step(...)` or `@flow(...)`.

## Use instead
`@step(image="python:3.12")`.
""",
        ),
        _rule(
            "FC118",
            "invalid-exit-handler",
            E,
            "invalid `on_exit`: {detail}",
            """
## What it does
Reports an `on_exit=` that is not a `@step`, or a step whose parameters cannot be supplied:
an exit handler may take one `RunStatus` parameter, and all other parameters need defaults.

## Example
```python
@step
def notify(status: RunStatus, channel: str) -> None: ...   # `channel` has no default

@flow(on_exit=notify)                                       # FC118
def training() -> None: ...
```

## Use instead
```python
@step
def notify(status: RunStatus, channel: str = "#ml") -> None: ...
```
""",
        ),
        _rule(
            "FC119",
            "unsupported-function-kind",
            E,
            "{detail}",
            """
## What it does
Reports steps and flows that flowc cannot represent: `async def`, `*args`, `**kwargs`,
positional-only parameters, or a step that is also a flow.
""",
        ),
        _rule(
            "FC120",
            "duplicate-definition",
            E,
            "`{name}` is defined more than once in this module (first at line {line}); rename one of them",
            """
## What it does
Reports two steps or flows with the same function name, or the same `name=`, in one module.

## Why is this bad?
Names become template and component names; Python keeps only the last definition.
""",
        ),
        # FC2xx: types and wiring
        _rule(
            "FC201",
            "type-mismatch",
            E,
            "{what} expects {expected}, got {got}; pass a value of that type or change the annotation",
            """
## What it does
Reports an argument whose type is not assignable to the parameter's type. Element types are
checked: `list[int]` does not flow into `list[str]`, a `Dataset` does not flow into a `Model`.

## Why is this bad?
Engines check only the outermost kind, if anything; the mistake otherwise surfaces at run time,
on the cluster.

## Assignability
Exact match; `int` into `float`; anything into `Any`; any artifact kind into `Artifact`;
`T` into `Optional[T]`; literals that are among a `Literal[...]`'s values.

## Example
```python
@step
def train(data: Model) -> float: ...

data = ingest(bucket)        # returns Dataset
train(data)                  # FC201
```
""",
        ),
        _rule(
            "FC202",
            "missing-argument",
            E,
            "missing argument `{param}` for `{callee}`; pass `{param}=...` or give the parameter a default",
            """
## What it does
Reports a call that does not supply a parameter without a default.
""",
        ),
        _rule(
            "FC203",
            "unknown-argument",
            E,
            "`{callee}` has no parameter `{param}`{hint}",
            """
## What it does
Reports a keyword argument that the step or flow does not declare.
""",
        ),
        _rule(
            "FC204",
            "duplicate-argument",
            E,
            "`{param}` of `{callee}` is given more than once; pass it once",
            """
## What it does
Reports an argument passed both positionally and by keyword, or twice by keyword.
""",
        ),
        _rule(
            "FC205",
            "too-many-arguments",
            E,
            "`{callee}` takes {expected} positional argument(s) but {got} were given; remove the extra ones or pass them by keyword",
            """
## What it does
Reports a call with more positional arguments than the step or flow has parameters.
""",
        ),
        _rule(
            "FC206",
            "missing-annotation",
            W,
            "{what} has no type annotation, so its wiring is not checked; annotate it",
            """
## What it does
Reports step and flow parameters and return values without annotations.

## Why is this bad?
flowc checks wiring through the annotations; without one it cannot, and engines cannot pick
a type for the value.
""",
        ),
        _rule(
            "FC207",
            "unsupported-type",
            E,
            "type `{type}` is not supported in step and flow interfaces; {detail}",
            """
## What it does
Reports annotations outside flowc's type language: `str`, `int`, `float`, `bool`, `None`,
`list[T]`, `dict[str, T]`, `Optional[T]`/`T | None`, `Literal[...]`, `Any`, the artifact
kinds, a module-level `NamedTuple` (as a step's return type), and `RunStatus`.

## Why is this bad?
Values cross process boundaries as JSON or files; other types cannot be passed between tasks
on every engine.
""",
        ),
        _rule(
            "FC208",
            "fan-out-over-non-list",
            E,
            "cannot fan out over {what} of type {type}; it must be a list",
            """
## What it does
Reports a loop or comprehension whose source is not a list: a fan-out needs a literal list, a
`list[...]` flow parameter, or a task output of type `list[T]`.

## Why is this bad?
Argo's `withParam` and KFP's parameter iterator need a JSON list at run time; anything else
fails mid-run.
""",
        ),
        _rule(
            "FC209",
            "unknown-field",
            E,
            "{what} has no field `{field}`{hint}",
            """
## What it does
Reports `x.field` where `x`'s step does not return a `NamedTuple` with that field.
""",
        ),
        _rule(
            "FC210",
            "invalid-default",
            E,
            "default of `{param}` {detail}",
            """
## What it does
Reports a parameter default that is not a literal (or constant), or that does not match the
parameter's type.

## Why is this bad?
Defaults become run parameters in the compiled workflow; they must be literal values of the
declared type.
""",
        ),
        _rule(
            "FC211",
            "no-output",
            E,
            "`{callee}` returns nothing, so its result cannot be used as a value; return and annotate a value, or use the result only in `with after(...)`",
            """
## What it does
Reports the result of a step annotated `-> None` used as an argument, loop source or in a
condition. Binding it to use with `with after(x):` is fine.
""",
        ),
        _rule(
            "FC212",
            "misused-run-status",
            E,
            "{detail}",
            """
## What it does
Reports `RunStatus` parameters anywhere but in the exit handler (`@flow(on_exit=...)`), which
is the only step that receives the flow's final status.
""",
        ),
        _rule(
            "FC213",
            "incomparable-types",
            E,
            "cannot compare {left} {op} {right}; {hint}",
            """
## What it does
Reports conditions comparing values whose types can never match (`str` with `float`), ordering
non-numbers with numbers, or `in` over something that is not a list, dict or string. An
`Optional` value can't be ordered or searched until a test proves it is not None, because
Python raises on `None < 1` and `x in None`.

## Example
```python
score = evaluate(model)          # -> Optional[float]
if score > 0.9:                  # FC213
    deploy(model)
if score is not None and score > 0.9:   # fine: narrowed after `and`
    deploy(model)
```
""",
        ),
        _rule(
            "FC214",
            "invalid-subscript",
            E,
            "{detail}",
            """
## What it does
Reports `x["key"]` where `x` is not a dict-typed loop item, or the key is not a string
literal. A dict parameter or task output can't be indexed in the flow body: pass it whole to
a step, or loop over a list of dicts.
""",
        ),
        _rule(
            "FC215",
            "unpack-mismatch",
            E,
            "{detail}",
            """
## What it does
Reports `a, b = call(...)` where the call does not return that many values.
""",
        ),
        _rule(
            "FC216",
            "return-type-mismatch",
            E,
            "flow `{flow}` is declared to return {expected}, but returns {got}; fix the `return` or the annotation",
            """
## What it does
Reports a flow whose `return` does not match its return annotation.
""",
        ),
        # FC3xx: flow-body structure and graph
        _rule(
            "FC301",
            "unsupported-statement",
            E,
            "{construct} is not allowed in a flow body; {hint}",
            """
## What it does
Reports a statement outside the flow language. A flow body may contain: task calls
`x = step(...)`, comprehensions for fan-out, `for` blocks (optionally over `parallel(...)`),
`if`/`elif`/`else`, `with after(...)`, sub-flow calls, `return`, a docstring and `pass`.

## Why is this bad?
The body is compiled into a graph that runs on a cluster, not executed as Python: a `while`
loop or a `try` has no equivalent there.

## How to fix
Move the computation into a step; the step runs as real Python.
""",
        ),
        _rule(
            "FC302",
            "unsupported-expression",
            E,
            "{construct} is not allowed in a flow body; {hint}",
            """
## What it does
Reports an expression outside the flow language: arithmetic on task outputs, method calls,
calls of functions that are not steps or flows, lambdas, comprehensions with filters, and the
like.

## How to fix
Do the computation in a step and pass its output on.
""",
        ),
        _rule(
            "FC303",
            "undefined-name",
            E,
            "undefined name `{name}`{hint}",
            """
## What it does
Reports a name in a flow body that is not a flow parameter, an earlier task result, a loop
variable, a module constant, or a step or flow.
""",
        ),
        _rule(
            "FC304",
            "name-out-of-scope",
            E,
            "`{name}` is bound inside {where} (line {line}) and cannot be used outside it; {hint}",
            """
## What it does
Reports a name bound inside an `if` branch or a `for` block and used after it.

## Why is this bad?
In the compiled graph a branch may not run and a loop body runs once per item, so there is no
single value to pass on.

## Use instead
Collect loop results with a comprehension (`xs = [s(i) for i in items]`), or move the code that
uses the name inside the block or into a sub-flow.
""",
        ),
        _rule(
            "FC305",
            "recursive-flow",
            E,
            "flow `{name}` calls itself through {chain}; graphs are static, so unroll the recursion",
            """
## What it does
Reports flows that call themselves directly or through other flows. Graphs are static: a
recursive flow has no finite expansion.
""",
        ),
        _rule(
            "FC306",
            "invalid-after",
            E,
            "{detail}",
            """
## What it does
Reports `with after(...)` whose arguments are not task results (or collected loop results)
bound earlier in the flow.

## Example
```python
with after(load):          # `load` is a step, not a task result
    report()
```

## Use instead
```python
loaded = load()
with after(loaded):
    report()
```
""",
        ),
        _rule(
            "FC307",
            "misplaced-return",
            E,
            "{detail}",
            """
## What it does
Reports `return` anywhere but as the last statement of the flow body, and statements after it.
""",
        ),
        _rule(
            "FC308",
            "empty-flow",
            W,
            "flow `{name}` runs no step; call at least one step",
            """
## What it does
Reports a flow whose body calls no step or sub-flow. Engines reject empty graphs.
""",
        ),
        _rule(
            "FC309",
            "invalid-parallel",
            E,
            "{detail}",
            """
## What it does
Reports `parallel(...)` used anywhere but as the iterable of a `for` block or comprehension,
or with a `max` that is not a positive integer literal (at most 2147483647, the largest
parallelism limit KFP holds).
""",
        ),
        _rule(
            "FC310",
            "step-not-called",
            E,
            "`{name}` is a {kind} and must be called: `{name}(...)`",
            """
## What it does
Reports a step or flow used as a value (passed as an argument, compared, looped over) instead
of being called.
""",
        ),
        _rule(
            "FC311",
            "shadowed-name",
            E,
            "{detail}",
            """
## What it does
Reports a name bound again where the compiled graph and plain Python would disagree on what it
means:

- a loop variable that reuses the name of a flow parameter, a task result or an enclosing
  loop's variable;
- a name bound before an `if` branch or a `for` loop and assigned again inside it;
- a task result named like a step or flow (`train = train(data)`).

Rebinding a name in the same block is fine: `a = inc(x)` then `a = inc(a)` is sequential.

## Why is this bad?
A flow is a static graph, and each name has one producer. A name assigned inside a branch or
loop body stands for that block's task only inside the block: after a branch, which may not
run, and after a loop, which runs once per item (and in the loop's next iteration), the graph
still uses the earlier value, where plain Python would use the new one. Rather than compile a
flow that behaves differently on the cluster than in-process, flowc asks for a name of its own.
A loop variable reusing a name is the same mistake, and a result named like a step hides the
step: run in-process, the call itself fails.

## Example
```python
r = mark("before")
if x > 0:
    r = mark("inside")     # FC311
report(r)
```

## How to fix
Give the new value a name of its own. To use it after the block, use it inside the block,
collect loop results with a comprehension, or move the block into a sub-flow.
""",
        ),
        # FC4xx: code shipping
        _rule(
            "FC401",
            "import-time-object",
            W,
            "step `{step}` uses `{name}`, which is built when its module is imported ({expr}); it is "
            "rebuilt in the step's own process: make sure that works in the container, or build it inside the step",
            """
## What it does
Reports module-level objects made by running code (`client = make_client()`) that a step uses.

## Why is this bad?
A step runs in its own process on the cluster. flowc ships the statement that builds the
object, so it runs again there: with other credentials, files and environment variables than on
your laptop, and once per task.

## Use instead
Build the object inside the step, or pass what it needs as a parameter.
""",
        ),
        _rule(
            "FC402",
            "ambiguous-global",
            E,
            "step `{step}` uses `{name}`, which is bound more than once at module level; flowc cannot tell "
            "which value to ship: bind it once",
            """
## What it does
Reports module-level names a step uses that are assigned several times, or inside `if`/`try`.

## Why is this bad?
flowc ships the statements a step needs without running the module, so it must know the one
statement that gives the name its value.
""",
        ),
        _rule(
            "FC403",
            "unshippable-module",
            W,
            "step `{step}` uses module `{name}` of the project, which is not shipped with it; import what "
            "the step needs by name (`from {module} import ...`) so flowc can ship it",
            """
## What it does
Reports a project module used as a whole (`import mypkg.helpers as h; h.clean(x)`), or a
relative import flowc cannot resolve, inside a step.

## Why is this bad?
Images need Python, never your project: flowc ships the functions, classes and constants a step
uses by name. A whole module is only there if the image happens to contain it.
""",
        ),
        _rule(
            "FC404",
            "undefined-global",
            E,
            "step `{step}` uses `{name}`, which its module neither defines nor imports; the step would fail "
            "with NameError",
            """
## What it does
Reports names a step's code reads that are not parameters, locals, builtins, or module-level
definitions and imports.
""",
        ),
        _rule(
            "FC405",
            "shipping-name-clash",
            E,
            "step `{step}` needs two different definitions named `{name}` (from {first} and {second}); "
            "rename one",
            """
## What it does
Reports helpers from different project modules that share a name and are shipped in the same
step script, where one would replace the other.
""",
        ),
        _rule(
            "FC406",
            "step-called-in-step",
            W,
            "step `{step}` calls {kind} `{name}`, which runs inline here as a plain function: its own "
            "image, resources, retries and process do not apply; call it from the flow instead",
            """
## What it does
Reports a step whose code (or a helper it calls) calls another `@step` or a `@flow`.

## Why is this bad?
A step is shipped as a script and runs in one process. A step or flow it calls is shipped
inside that script as an ordinary function: it runs in the caller's container, with the
caller's image, resources, retries, timeout and caching, and is not a task of the graph.

## Example
```python
@step(image="ghcr.io/acme/gpu:1.0", gpu=1)
def train(data: Dataset) -> Model: ...

@step
def evaluate(data: Dataset) -> float:
    model = train(data)          # runs here, without a GPU
    ...
```

## Use instead
Call both steps from the flow and pass the result on (with `evaluate` taking the model):
```python
@step
def evaluate(data: Dataset, model: Model) -> float: ...

@flow
def pipeline(data: Dataset) -> None:
    model = train(data)
    evaluate(data, model)
```
Or move the shared code into a plain helper function that both steps call.
""",
        ),
        # FC5xx: target capabilities and platform limits
        _rule(
            "FC501",
            "unsupported-by-target",
            E,
            "{target} cannot express {what}; {hint}",
            """
## What it does
Reports a construct of the flow that the chosen target has no equivalent for. flowc never drops
or approximates it silently.

## How to fix
Follow the hint, or compile for a target that supports the construct.
""",
        ),
        _rule(
            "FC502",
            "object-too-large",
            E,
            "the compiled {kind} is {size} bytes, over the {budget}-byte budget for {target}; "
            "move large literals into artifacts or split the flow",
            """
## What it does
Reports compiled objects larger than the size the platform stores: Kubernetes keeps objects in
etcd, whose requests are limited to about 1.5 MiB by default (Argo documents 1 MB). The notes
show where the bytes come from.

## How to fix
The largest contributors are usually step sources and literal defaults: move data into
artifacts, split large helpers into packages installed with `packages=`, or split the flow into
sub-flows compiled as templates.
""",
        ),
        _rule(
            "FC503",
            "script-too-large",
            W,
            "the script of step `{step}` is {size} bytes; {target} passes it as one argument, limited "
            "to {limit} bytes: install large helpers as packages instead",
            """
## What it does
Reports step scripts near or over Linux's limit of 128 KiB for one command-line argument, which
is how script templates reach the container: a warning near it, an error over it (the pod
would fail to start).
""",
        ),
        _rule(
            "FC504",
            "name-too-long",
            E,
            "{what} `{name}` is {length} characters; {target} allows at most {limit}: {hint}",
            """
## What it does
Reports names longer than the target allows: Kubernetes object names (63), CronWorkflow names
(52, since a timestamp is appended), template and task names (128).
""",
        ),
        _rule(
            "FC505",
            "name-collision",
            E,
            "{what} `{first}` and `{second}` both become `{name}` on {target}; {hint}",
            """
## What it does
Reports two names that differ in Python but become equal after the target's naming rules
(lower case, `-` for `_`).
""",
        ),
        _rule(
            "FC506",
            "reserved-name",
            W,
            "{what} `{name}` is reserved on {target}: {detail}",
            """
## What it does
Reports names that collide with words the target gives a meaning to.
""",
        ),
        _rule(
            "FC507",
            "approximated-by-target",
            W,
            "{target} has no exact form for {what}; {hint}",
            """
## What it does
Reports a construct the target expresses only approximately, or leaves to the cluster or the
run (a schedule on KFP, retrying only some kinds of error): the output is still written, and
the difference is said, never hidden.
""",
        ),
        # FC9xx: internal
        _rule(
            "FC901",
            "internal-error",
            E,
            "internal error while {stage}: {detail}; please report this at the flowc issue tracker with the file",
            """
## What it does
Reports a failure inside flowc itself. Your flow may well be fine; the compiler is not.

## How to fix
Please open an issue with the flow file (or a reduced copy) and the full message.
""",
        ),
        _rule(
            "FC902",
            "invalid-output",
            E,
            "internal error: the compiled {target} output failed its own validation: {detail}; nothing was "
            "written. Please report this bug with the flow file",
            """
## What it does
flowc validates every file it emits before writing it. This reports output that failed: a bug
in flowc, not in your flow.
""",
        ),
    )
}


def diagnostic(code: str, span: Span, *notes: str, **fields: object) -> Diagnostic:
    """Build a `Diagnostic` for `code` from its rule's message template."""
    rule = RULES[code]
    return Diagnostic(code, rule.severity, span, rule.message.format(**fields), tuple(notes))


def rule_by_name_or_code(key: str) -> Rule | None:
    key = key.strip()
    if key.upper() in RULES:
        return RULES[key.upper()]
    return next((r for r in RULES.values() if r.name == key.lower()), None)


def select_codes(select: list[str] | None, ignore: list[str] | None) -> frozenset[str]:
    """Resolve ruff-style selectors (`FC2`, `FC201`, `ALL`) to the set of enabled codes."""
    chosen = {c for c in RULES if _matches_any(c, select)} if select else set(RULES)
    return frozenset(c for c in chosen if not (ignore and _matches_any(c, ignore)))


def _matches_any(code: str, selectors: list[str]) -> bool:
    return any(s.upper() == "ALL" or code.startswith(s.upper()) for s in selectors)


def unknown_selectors(selectors: list[str]) -> list[str]:
    return [s for s in selectors if s.upper() != "ALL" and not any(c.startswith(s.upper()) for c in RULES)]
