"""Option value parsers: Kubernetes quantities and labels, durations, cron, time zones, pip."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flowc.compiler import values
from hypothesis import given
from hypothesis import strategies as st


def _rejected(parse: Callable[[Any], object], value: object) -> bool:
    """Whether `parse` raises ValueError (the wording of its message is not part of the contract)."""
    try:
        parse(value)
    except ValueError:
        return True
    return False


# --- quantities ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text", "amount"),
    [
        ("500m", "500m", Decimal("0.5")),
        ("2", "2", Decimal(2)),
        (2, "2", Decimal(2)),
        (0.5, "0.5", Decimal("0.5")),
        ("16Gi", "16Gi", Decimal(16 * 2**30)),
        ("512Mi", "512Mi", Decimal(512 * 2**20)),
        ("1Ki", "1Ki", Decimal(1024)),
        ("1e3", "1e3", Decimal(1000)),
        ("1E3", "1E3", Decimal(1000)),
        ("1.5G", "1.5G", Decimal("1.5e9")),
        ("1k", "1k", Decimal(1000)),
        ("2T", "2T", Decimal("2e12")),
        (".5", ".5", Decimal("0.5")),
        ("+1", "+1", Decimal(1)),
        ("0", "0", Decimal(0)),
        (" 4 ", "4", Decimal(4)),
    ],
    ids=repr,
)
def test_valid_quantities(value: object, text: str, amount: Decimal) -> None:
    assert values.quantity(value) == (text, amount)


@pytest.mark.parametrize(
    "value",
    [
        "16GB",
        "2 cores",
        "-1",
        "-500m",
        "",
        "Gi",
        "1.5.0",
        "1Kib",
        "1K",
        "1e",
        "10 Gi",
        "one",
        True,
        None,
        [1],
        -2,
    ],
    ids=repr,
)
def test_invalid_quantities(value: object) -> None:
    assert _rejected(values.quantity, value)


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["", "m", "k", "M", "G", "Ki", "Mi", "Gi"]))
def test_quantity_accepts_every_integer_with_a_suffix(n: int, suffix: str) -> None:
    text, amount = values.quantity(f"{n}{suffix}")
    assert text == f"{n}{suffix}"
    assert amount >= 0
    assert (amount == 0) == (n == 0)


# --- durations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("90s", 90),
        ("15m", 900),
        ("2h", 7200),
        ("1h30m", 5400),
        ("2d", 172800),
        ("1d2h3m4s", 93784),
        (45, 45),
        (1, 1),
        ("1.5s", 2),
        ("1.5m", 90),
        ("500ms", 1),
        ("1ms", 1),
        (" 90s ", 90),
    ],
    ids=repr,
)
def test_valid_durations(value: object, seconds: int) -> None:
    assert values.duration_seconds(value) == seconds


@pytest.mark.parametrize(
    "value",
    ["", "5", "1w", "1y", "s", "1h 30m", "-5s", "0s", "0m0s", "ninety", 0, -3, True, False, None, 2.5, [1]],
    ids=repr,
)
def test_invalid_durations(value: object) -> None:
    assert _rejected(values.duration_seconds, value)


@given(st.integers(min_value=0, max_value=48), st.integers(min_value=0, max_value=59), st.integers(0, 59))
def test_duration_parts_add_up(h: int, m: int, s: int) -> None:
    total = h * 3600 + m * 60 + s
    if total == 0:
        return
    assert values.duration_seconds(f"{h}h{m}m{s}s") == total


# --- cron and time zones --------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "0 2 * * *",
        "*/5 * * * *",
        "0 0 1 1 *",
        "30 6 * * 1-5",
        "0 0 * * MON",
        "0,30 * * * *",
        "@daily",
        "@hourly",
        "@weekly",
        "@monthly",
        "@yearly",
        "@annually",
        "@midnight",
        "  0 2 * * *  ",
    ],
)
def test_valid_cron(expression: str) -> None:
    values.cron(expression)


@pytest.mark.parametrize(
    "expression",
    [
        "0 2 * *",
        "0 0 2 * * *",
        "",
        "61 * * * *",
        "0 24 * * *",
        "0 0 32 * *",
        "0 0 * 13 *",
        "a b c d e",
        "@fortnightly",
        "@reboot",
        "@every 5m",
    ],
)
def test_invalid_cron(expression: str) -> None:
    assert _rejected(values.cron, expression)


@pytest.mark.parametrize("name", ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata"])
def test_valid_timezone(name: str) -> None:
    values.timezone(name)


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "europe/paris", "../etc/passwd", "Europe/"])
def test_invalid_timezone(name: str) -> None:
    assert _rejected(values.timezone, name)


# --- labels -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "app",
        "a" * 63,
        "app_name",
        "app.name",
        "App-1",
        "example.com/app",
        "kubernetes.io/hostname",
        "a.b.c/x",
        ("a." * 126 + "a") + "/name",  # a 253-character prefix
    ],
    ids=lambda k: k if len(k) < 30 else f"{len(k)} chars",
)
def test_valid_label_keys(key: str) -> None:
    values.label_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "a" * 64,
        "-app",
        "app-",
        "_app",
        "app name",
        "Example.com/app",
        "exa_mple.com/app",
        "example.com/",
        "a/b/c",
        "/app",  # a `/` needs a non-empty prefix
        "x" * 254 + "/a",
        "example.com/" + "a" * 64,
    ],
    ids=lambda k: k if len(k) < 30 else f"{len(k)} chars",
)
def test_invalid_label_keys(key: str) -> None:
    assert _rejected(values.label_key, key)


@pytest.mark.parametrize("value", ["", "v1", "a" * 63, "v-1_2.3", "A", "0"], ids=lambda v: v[:20] or "empty")
def test_valid_label_values(value: str) -> None:
    values.label_value(value)


@pytest.mark.parametrize(
    "value", ["a" * 64, "-v", "v-", ".v", "with space", "ü", "a/b"], ids=lambda v: v[:20]
)
def test_invalid_label_values(value: str) -> None:
    assert _rejected(values.label_value, value)


# --- requirements -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "requirement",
    [
        "pandas",
        "pandas==2.2.3",
        "scikit-learn>=1.3,<2",
        "requests~=2.31",
        "numpy!=1.25.0",
        "torch[cuda]",
        "pkg[a,b]>=1",
        "x @ https://example.com/x-1.0-py3-none-any.whl",
        'pandas>2 ; sys_platform == "linux"',
        "zope.interface==6.0",
        "typing_extensions>=4",
    ],
)
def test_valid_requirements(requirement: str) -> None:
    values.requirement(requirement)


@pytest.mark.parametrize(
    "requirement",
    ["", "pandas===", "==1.0", "a b", "foo>=", "torch[]", "-e .", "pandas==2.2;", "pandas,numpy"],
)
def test_invalid_requirements(requirement: str) -> None:
    assert _rejected(values.requirement, requirement)


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (values.DNS1123_LABEL, ["a", "my-ns", "a1"], ["", "My-ns", "-a", "a-", "a.b", "a_b"]),
        (values.DNS1123_SUBDOMAIN, ["a", "a.b", "my-secret.v1"], ["", "A", "a..b", ".a", "a_b"]),
        (values.CONFIG_KEY, ["key", "tls.crt", "a-b_c"], ["", "a/b", "a b"]),
        (values.ENV_NAME, ["HOME", "_X", "A1"], ["", "1A", "A-B", "A.B"]),
    ],
    ids=["dns-label", "dns-subdomain", "config-key", "env-name"],
)
def test_name_patterns(pattern: object, good: list[str], bad: list[str]) -> None:
    import re

    assert isinstance(pattern, re.Pattern)
    assert all(pattern.match(g) for g in good)
    assert not any(pattern.match(b) for b in bad)
