"""`yaml` is bound inside `try`/`except`: flowc can't ship one statement for it."""

import json

from flowc import flow, step

try:
    import yaml
except ImportError:
    yaml = None


@step
def parse(text: str) -> dict[str, int]:
    if yaml is not None:
        return dict(yaml.safe_load(text))
    return dict(json.loads(text))


@flow
def pipeline(text: str = "{}") -> None:
    parse(text)
