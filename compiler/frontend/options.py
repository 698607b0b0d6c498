"""`@step(...)` and `@flow(...)` options: folded from source, validated, normalised.

Each option has a parser taking the folded value and a `Report` for warnings; a parser raises
`OptionError` to reject the value, which then keeps its default.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from flowc.compiler import ir, values
from flowc.compiler.diagnostics import Diagnostic, Span
from flowc.compiler.frontend.modules import Module
from flowc.compiler.frontend.resolve import Folder, NonStringKey, NotConstant
from flowc.compiler.rules import diagnostic
from flowc.compiler.types import JsonValue

if TYPE_CHECKING:
    from decimal import Decimal


class OptionError(Exception):
    def __init__(self, code: str, **fields: object) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields


class Report(Protocol):
    def __call__(self, code: str, **fields: object) -> None: ...


Parser = Callable[[str, JsonValue, Report], Any]


def _invalid(option: str, detail: str) -> OptionError:
    return OptionError("FC103", option=option, detail=detail)


def _str(option: str, value: JsonValue, _: Report) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _invalid(option, "expected a non-empty string")
    return value


def _name(option: str, value: JsonValue, report: Report) -> str:
    text = _str(option, value, report)
    if not text.replace("-", "_").isidentifier():
        raise _invalid(option, "use letters, digits, `_` and `-`, starting with a letter")
    return text


def _image(option: str, value: JsonValue, report: Report) -> str:
    text = _str(option, value, report)
    if any(c.isspace() for c in text):
        raise _invalid(option, "an image reference has no spaces")
    return text


def _bool(option: str, value: JsonValue, _: Report) -> bool:
    if not isinstance(value, bool):
        raise _invalid(option, "expected True or False")
    return value


# Why an option over its bound is refused here: the targets would emit it, and the engine
# reject it on the cluster (or KFP's own compiler fail on it).
_INT32_NOTE = "the largest value Argo and KFP hold (a 32-bit integer)"


def _count(option: str, value: JsonValue, _: Report, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _invalid(option, f"expected an integer of at least {minimum}")
    if value > values.MAX_INT32:
        raise _invalid(option, f"must be at most {values.MAX_INT32}, {_INT32_NOTE}")
    return value


def _positive(option: str, value: JsonValue, report: Report) -> int:
    return _count(option, value, report, minimum=1)


def _quantity(option: str, value: JsonValue, example: str) -> tuple[str, Decimal]:
    try:
        text, amount = values.quantity(value)
    except ValueError as exc:
        raise OptionError("FC104", option=option, value=value, example=example) from exc
    if amount > values.MAX_INT64:
        raise _invalid(option, f"must be at most {values.MAX_INT64}, the largest Kubernetes quantity")
    return text, amount


def _cpu(option: str, value: JsonValue, report: Report) -> str:
    text, amount = _quantity(option, value, '"500m" or 2')
    if amount >= 64 and not text.endswith("m"):
        report("FC105", option=option, value=value, detail=f'asks for {text} cores; did you mean "{text}m"?')
    return text


def _memory(option: str, value: JsonValue, report: Report) -> str:
    text, amount = _quantity(option, value, '"512Mi" or "16Gi"')
    if text.endswith("m"):
        report(
            "FC105",
            option=option,
            value=value,
            detail=f'is {amount} bytes (m is milli); did you mean "{text[:-1]}Mi"?',
        )
    elif amount < 2**20:
        report("FC105", option=option, value=value, detail=f'is {amount} bytes; did you mean "{text}Mi"?')
    return text


def _duration(option: str, value: JsonValue, _: Report) -> int:
    try:
        seconds = values.duration_seconds(value)
    except ValueError as exc:
        raise OptionError("FC106", option=option, value=value) from exc
    if seconds > values.MAX_INT32:
        raise _invalid(option, f"must be at most {values.MAX_INT32} seconds (about 68 years), {_INT32_NOTE}")
    return seconds


def _cache(option: str, value: JsonValue, report: Report) -> tuple[bool, str | None]:
    if isinstance(value, bool):
        return value, None
    if isinstance(value, str) and value.strip():
        return True, value
    raise _invalid(option, 'expected True, False or a version string such as "v2"')


def _str_map(option: str, value: JsonValue) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _invalid(option, 'expected a dict of strings, e.g. {"KEY": "value"}')
    return value  # type: ignore[return-value]


def _env(option: str, value: JsonValue, report: Report) -> tuple[tuple[str, str], ...]:
    env = _str_map(option, value)
    for key in env:
        if not values.ENV_NAME.match(key):
            raise OptionError("FC111", value=key)
    return tuple(env.items())


def _secrets(option: str, value: JsonValue, report: Report) -> tuple[ir.SecretRef, ...]:
    refs = []
    for env, ref in _str_map(option, value).items():
        if not values.ENV_NAME.match(env):
            raise OptionError("FC111", value=env)
        name, slash, key = ref.partition("/")
        ok = (
            slash
            and len(name) <= 253
            and values.DNS1123_SUBDOMAIN.match(name)
            and values.CONFIG_KEY.match(key)
        )
        if not ok:
            raise OptionError("FC110", value=ref, env=env)
        refs.append(ir.SecretRef(env, name, key))
    return tuple(refs)


def _packages(option: str, value: JsonValue, _: Report) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _invalid(option, 'expected a list of requirement strings, e.g. ["pandas==2.2.3"]')
    for req in value:
        try:
            values.requirement(req)  # type: ignore[arg-type]
        except ValueError as exc:
            raise OptionError("FC115", value=req) from exc
    return tuple(value)  # type: ignore[arg-type]


def _labels(
    option: str, value: JsonValue, _: Report, check_values: bool = True
) -> tuple[tuple[str, str], ...]:
    labels = _str_map(option, value)
    for key, val in labels.items():
        try:
            values.label_key(key)
        except ValueError as exc:
            raise OptionError("FC112", what=f"{option} key", value=key, detail=str(exc)) from exc
        if check_values:
            try:
                values.label_value(val)
            except ValueError as exc:
                raise OptionError("FC112", what=f"{option} value", value=val, detail=str(exc)) from exc
    return tuple(labels.items())


def _annotations(option: str, value: JsonValue, report: Report) -> tuple[tuple[str, str], ...]:
    return _labels(option, value, report, check_values=False)


def _volumes(option: str, value: JsonValue, _: Report) -> tuple[ir.Volume, ...]:
    out = []
    for mount, claim in _str_map(option, value).items():
        if not mount.startswith("/"):
            raise OptionError("FC114", value=mount, detail="the mount path must be absolute")
        if len(claim) > 253 or not values.DNS1123_SUBDOMAIN.match(claim):
            raise OptionError(
                "FC114",
                value=claim,
                detail='the claim name must be a lowercase DNS name, e.g. "training-data"',
            )
        out.append(ir.Volume(mount, claim))
    return tuple(out)


_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_TOLERATION_KEYS = {"key", "operator", "value", "effect", "toleration_seconds"}


def _tolerations(option: str, value: JsonValue, _: Report) -> tuple[ir.Toleration, ...]:
    if not isinstance(value, list):
        raise OptionError(
            "FC113",
            detail='expected a list, e.g. [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}]',
        )
    return tuple(_toleration(v) for v in value)


def _toleration(item: JsonValue) -> ir.Toleration:
    if isinstance(item, str):
        item = _toleration_from_taint(item)
    if not isinstance(item, dict) or not set(item) <= _TOLERATION_KEYS:
        unknown = sorted(set(item) - _TOLERATION_KEYS) if isinstance(item, dict) else []
        raise OptionError(
            "FC113",
            detail=f"unknown field(s) {unknown}" if unknown else 'expected a dict or "key=value:Effect"',
        )
    operator = item.get("operator", "Equal" if "value" in item else "Exists")
    effect, seconds = item.get("effect"), item.get("toleration_seconds")
    key, val = item.get("key"), item.get("value")
    if operator not in ("Equal", "Exists") or (effect is not None and effect not in _EFFECTS):
        raise OptionError(
            "FC113", detail=f"operator must be Equal or Exists, effect one of {', '.join(_EFFECTS)}"
        )
    if operator == "Exists" and val is not None:
        raise OptionError("FC113", detail="operator Exists takes no value")
    if not (key is None or isinstance(key, str)) or not (val is None or isinstance(val, str)):
        raise OptionError("FC113", detail="key and value must be strings")
    if seconds is not None and (
        isinstance(seconds, bool)
        or not isinstance(seconds, int)
        or not -values.MAX_INT64 - 1 <= seconds <= values.MAX_INT64
    ):
        raise OptionError("FC113", detail="toleration_seconds must be an integer of at most 64 bits")
    return ir.Toleration(key, operator, val, effect, seconds)  # type: ignore[arg-type]


def _toleration_from_taint(text: str) -> dict[str, JsonValue]:
    """kubectl's taint syntax: `key=value:Effect`, `key:Effect` or `key`."""
    body, _, effect = text.partition(":")
    key, eq, val = body.partition("=")
    out: dict[str, JsonValue] = {"key": key, "operator": "Equal" if eq else "Exists"}
    if eq:
        out["value"] = val
    if effect:
        out["effect"] = effect
    return out


STEP_PARSERS: dict[str, Parser] = {
    "name": _name,
    "image": _image,
    "cpu": _cpu,
    "memory": _memory,
    "gpu": _count,
    "gpu_type": _str,
    "timeout": _duration,
    "cache": _cache,
    "env": _env,
    "secrets": _secrets,
    "packages": _packages,
    "node_selector": _labels,
    "tolerations": _tolerations,
    "volumes": _volumes,
    "continue_on_failure": _bool,
}
FLOW_PARSERS: dict[str, Parser] = {
    "name": _name,
    "description": _str,
    "image": _image,
    "schedule": _str,
    "timezone": _str,
    "max_parallel": _positive,
    "timeout": _duration,
    "namespace": _str,
    "service_account": _str,
    "labels": _labels,
    "annotations": _annotations,
    "ttl": _duration,
}
SPECIAL = ("retries", "on_exit")


@dataclass
class ParsedOptions:
    """Decorator arguments: folded values, their nodes and their spans, by option."""

    values: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, Span] = field(default_factory=dict)
    nodes: dict[str, ast.expr] = field(default_factory=dict)


def parse_options(
    module: Module, folder: Folder, deco: ast.expr, kind: str, diagnostics: list[Diagnostic]
) -> ParsedOptions:
    """Fold and validate the keyword arguments of a `@step(...)`/`@flow(...)` decorator."""
    parsed = ParsedOptions()
    if not isinstance(deco, ast.Call):
        return parsed
    if deco.args:
        diagnostics.append(diagnostic("FC117", module.span(deco.args[0]), decorator=kind))
    parsers = STEP_PARSERS if kind == "step" else FLOW_PARSERS
    for kw in deco.keywords:
        _parse_keyword(module, folder, kw, kind, parsers, parsed, diagnostics)
    return parsed


def _parse_keyword(
    module: Module,
    folder: Folder,
    kw: ast.keyword,
    kind: str,
    parsers: dict[str, Parser],
    parsed: ParsedOptions,
    diagnostics: list[Diagnostic],
) -> None:
    span = module.span(kw.value)
    if kw.arg is None:
        diagnostics.append(diagnostic("FC101", span, option="**"))
        return
    known = (*parsers, "retries") + (("on_exit",) if kind == "flow" else ())
    if kw.arg not in known:
        import difflib  # only a misspelt option pays for it

        close = difflib.get_close_matches(kw.arg, known, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        diagnostics.append(
            diagnostic("FC102", module.span(kw), decorator=f"@{kind}", option=kw.arg, hint=hint)
        )
        return
    parsed.spans[kw.arg] = span
    parsed.nodes[kw.arg] = kw.value
    if kw.arg in SPECIAL:
        return  # needs more than a folded value: handled by the caller

    def report(code: str, **fields: object) -> None:
        diagnostics.append(diagnostic(code, span, **fields))

    try:
        value = folder.fold(module, kw.value)
        parsed.values[kw.arg] = parsers[kw.arg](kw.arg, value, report)
    except NonStringKey:
        diagnostics.append(diagnostic("FC103", span, option=kw.arg, detail="dict keys must be strings"))
    except NotConstant as exc:
        diagnostics.append(diagnostic("FC101", module.span(exc.node), option=kw.arg))
    except OptionError as exc:
        diagnostics.append(diagnostic(exc.code, span, **exc.fields))


_RETRY_FIELDS = ("limit", "backoff", "factor", "max_backoff", "on")


def parse_retries(module: Module, folder: Folder, node: ast.expr) -> ir.RetryPolicy:
    """`retries=3` or `retries=Retry(limit=3, backoff="30s", factor=2, ...)`. Raises
    OptionError or NotConstant."""
    if isinstance(node, ast.Call) and module.flowc_name(node.func) == "Retry":
        return _retry_call(module, folder, node)
    value = folder.fold(module, node)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise OptionError("FC109", detail="expected a non-negative integer or Retry(...)")
    return ir.RetryPolicy(limit=_at_most_int32("the retry limit", value))


def _retry_call(module: Module, folder: Folder, call: ast.Call) -> ir.RetryPolicy:
    if len(call.args) > len(_RETRY_FIELDS):
        raise OptionError("FC109", detail="Retry takes at most five arguments")
    given: dict[str, JsonValue] = {}
    for name, arg in zip(_RETRY_FIELDS, call.args, strict=False):
        given[name] = folder.fold(module, arg)
    for kw in call.keywords:
        if kw.arg not in _RETRY_FIELDS or kw.arg in given:
            raise OptionError("FC109", detail=f"unknown or repeated Retry argument `{kw.arg}`")
        given[kw.arg] = folder.fold(module, kw.value)
    return _retry_policy(given)


def _retry_policy(given: dict[str, JsonValue]) -> ir.RetryPolicy:
    limit = given.get("limit")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise OptionError("FC109", detail="`limit` must be a non-negative integer")
    _at_most_int32("`limit`", limit)
    factor = given.get("factor")
    if factor is not None and (
        isinstance(factor, bool) or not isinstance(factor, (int, float)) or factor < 1
    ):
        raise OptionError("FC109", detail="`factor` must be a number of at least 1")
    if factor is not None:  # Argo writes a whole factor as an int32
        _at_most_int32("`factor`", factor)
    on = given.get("on", "always")
    if on not in ("always", "failure", "error", "transient"):
        raise OptionError("FC109", detail='`on` must be "always", "failure", "error" or "transient"')
    backoff, max_backoff = (_retry_duration(given, k) for k in ("backoff", "max_backoff"))
    if factor is not None and backoff is None:
        raise OptionError("FC109", detail="`factor` needs a `backoff` to multiply")
    return ir.RetryPolicy(limit, backoff, float(factor) if factor is not None else None, max_backoff, on)  # type: ignore[arg-type]


def _retry_duration(given: dict[str, JsonValue], key: str) -> int | None:
    if given.get(key) is None:
        return None
    try:
        seconds = values.duration_seconds(given[key])
    except ValueError as exc:
        raise OptionError("FC109", detail=f'`{key}` is not a duration such as "30s"') from exc
    return _at_most_int32(f"`{key}`", seconds, " seconds (about 68 years)")


def _at_most_int32(what: str, value: int | float, unit: str = "") -> int:
    if value > values.MAX_INT32:
        raise OptionError("FC109", detail=f"{what} must be at most {values.MAX_INT32}{unit}, {_INT32_NOTE}")
    return int(value)
