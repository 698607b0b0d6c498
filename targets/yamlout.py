"""One YAML dumper for every target: human key order, `|` blocks for multi-line text, stable bytes."""

from __future__ import annotations

from typing import Any

import yaml

_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class Dumper(_Dumper):  # type: ignore[valid-type,misc]
    """Block style; keys in the order the emitter built them; lists indented under their key."""


# YAML 1.1 readers (Go's, which Kubernetes and Argo use) read these as booleans; PyYAML doesn't
# know it and would leave them unquoted.
_YAML11_BOOLS = frozenset({"y", "Y", "n", "N"})


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else ("'" if value in _YAML11_BOOLS else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(str, _str)


def dump(documents: list[dict[str, Any]]) -> bytes:
    text = yaml.dump_all(
        documents, Dumper=Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=10_000
    )
    return text.encode("utf-8")
