"""Parsers for option values: Kubernetes quantities and names, durations, cron, requirements.

Each parser returns the normalised value or raises `ValueError` whose text says what is
wrong; the frontend turns that into a diagnostic at the option's position.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal

_QUANTITY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$")
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL_EXPONENTS = {"m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_DURATION = re.compile(r"^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$")
_UNIT_MILLISECONDS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


@cache
def _decimal() -> type[Decimal]:
    """`decimal.Decimal`, imported on first use: only flows that set quantities or durations
    as text pay for the module (its import costs what parsing a small flow does)."""
    from decimal import Decimal

    return Decimal


# Patterns only some options need, compiled on first use rather than by every `flowc` run.
@cache
def _label_name() -> re.Pattern[str]:
    return re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")


@cache
def _label_value() -> re.Pattern[str]:
    return re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


@cache
def _requirement() -> re.Pattern[str]:
    return re.compile(
        r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?"  # name
        r"(\[[A-Za-z0-9._-]+(,\s*[A-Za-z0-9._-]+)*\])?"  # extras
        r"(\s*(@\s*\S+|(===|~=|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+"
        r"(\s*,\s*(===|~=|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+)*))?"  # version or URL
        r"(\s*;\s*.+)?$"  # environment marker
    )


# The largest count, or number of seconds, every target holds. Argo reads a retry limit, a
# backoff factor and a step's `activeDeadlineSeconds` as Kubernetes IntOrString (int32) and
# `ttlStrategy` seconds as int32; KFP's retry count and loop parallelism are int32 in its
# protobuf. A larger value compiles into output the engine rejects, long after the commit.
MAX_INT32 = 2**31 - 1
# Kubernetes quantities and int64 fields (`tolerationSeconds`) hold no more than this.
MAX_INT64 = 2**63 - 1

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
CRON_DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")


def quantity(value: object) -> tuple[str, Decimal]:
    """A Kubernetes quantity as its canonical string and numeric value."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected a string or number, got {type(value).__name__}")
    text = _number_text(value) if not isinstance(value, str) else value.strip()
    match = _QUANTITY.match(text)
    if match is None:
        raise ValueError("not a quantity")
    number = _decimal()(match.group(1))
    if text.startswith("-"):
        raise ValueError("must not be negative")
    return text, number * _multiplier(match.group(3) or "")


def _number_text(value: int | float) -> str:
    return str(value) if isinstance(value, int) else format(_decimal()(repr(value)).normalize(), "f")


def _multiplier(suffix: str) -> Decimal:
    decimal = _decimal()
    if suffix in _BINARY:
        return decimal(_BINARY[suffix])
    exponent = _DECIMAL_EXPONENTS[suffix] if suffix in _DECIMAL_EXPONENTS else int(suffix[1:])
    return decimal(10) ** exponent


def duration_seconds(value: object) -> int:
    """A duration (`"90s"`, `"1h30m"`, `"2d"`, or seconds as an int) in whole seconds, rounded up."""
    if isinstance(value, bool):
        raise ValueError("not a duration")
    if isinstance(value, int):
        if value <= 0:
            raise ValueError("must be positive")
        return value
    if not isinstance(value, str) or not _DURATION.match(value.strip()):
        raise ValueError("not a duration")
    decimal = _decimal()
    parts = _DURATION_PART.findall(value)
    total = sum((decimal(n) * _UNIT_MILLISECONDS[u] for n, u in parts), decimal(0)) / 1000
    if total <= 0:
        raise ValueError("must be positive")
    return int(total.to_integral_value(rounding="ROUND_CEILING"))


def cron(expression: str) -> None:
    """Raise ValueError unless `expression` is a standard 5-field cron or a descriptor."""
    text = expression.strip()
    if text.startswith("@"):
        if text in CRON_DESCRIPTORS:
            return
        raise ValueError(f"unknown descriptor; use one of {', '.join(CRON_DESCRIPTORS)}")
    fields = text.split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields (minute hour day-of-month month day-of-week), got {len(fields)}")
    from decimal import InvalidOperation

    from croniter import croniter  # imported only for flows that have a schedule

    try:
        valid = croniter.is_valid(text)
    except (ValueError, TypeError, KeyError, InvalidOperation):
        valid = False
    if not valid:
        raise ValueError("a field is out of range or malformed")


def timezone(name: str) -> None:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(name) from exc


def label_key(key: str) -> None:
    prefix, slash, name = key.rpartition("/")
    if slash and (len(prefix) > 253 or not DNS1123_SUBDOMAIN.match(prefix)):
        raise ValueError("the prefix before `/` must be a DNS subdomain of at most 253 characters")
    if len(name) > 63 or not _label_name().match(name):
        raise ValueError(
            "the name must be at most 63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric"
        )


def label_value(value: str) -> None:
    if len(value) > 63 or not _label_value().match(value):
        raise ValueError("must be at most 63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric")


def requirement(text: str) -> None:
    if not _requirement().match(text.strip()):
        raise ValueError(text)
