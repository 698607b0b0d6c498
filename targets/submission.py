"""What submitting to any server shares: the connection settings and the error it raises.

The clients themselves (hera for Argo, kfp for KFP) are in each target's `submit` module,
imported only by `flowc submit`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import field

from flowc.compiler.diagnostics import FlowcError
from flowc.compiler.frozen import frozen
from flowc.targets.lineage import strip_credentials

DEFAULT_TIMEOUT = 30.0  # seconds for one request


class SubmitError(FlowcError):
    """The server or the connection failed; the message is safe to show. `status` is the HTTP
    status of the answer, 0 when there was none."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class RunGone(SubmitError):
    """The run being watched no longer exists: asking again won't bring it back."""


@contextmanager
def gone_when_missing(what: str) -> Iterator[None]:
    """A 404 while reading a run that was created: it was deleted, not a wrong server."""
    try:
        yield
    except SubmitError as exc:
        if exc.status == 404:
            raise RunGone(f"{what} no longer exists on the server (deleted?)", 404) from None
        raise


@frozen
class Connection:
    url: str  # the server's URL, in the form its client wants
    token: str | None = field(default=None, repr=False)  # never shown
    verify: bool = True
    ca_cert: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    token_source: str = ""  # where the token came from (a variable, --token), for hints

    @property
    def shown(self) -> str:
        """The URL as it may be printed: without credentials."""
        return strip_credentials(self.url)


_SCHEMES = frozenset({"bearer", "basic"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def token_from(flag: str | None, env: Mapping[str, str], variable: str) -> tuple[str | None, str]:
    """The token (--token, else `variable`) and where it came from. A token with a line break
    or another control character inside is refused before any request: a client would escape
    or drop it, and print pieces of it in its error."""
    source, value = ("--token", flag) if flag else (variable, env.get(variable))
    token = (value or "").strip()
    if _CONTROL.search(token):
        raise FlowcError(f"the token in {source} holds a line break or control character; set it to one line")
    return token or None, source


def redact(text: str, token: str | None) -> str:
    """`text` without the token: whole, without its `Bearer ` prefix, and any other piece of it."""
    if not token:
        return text
    pieces = {token, *(piece for piece in token.split() if piece.lower() not in _SCHEMES)}
    for secret in sorted(pieces, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
