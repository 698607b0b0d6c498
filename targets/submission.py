"""What submitting to any server shares: the connection settings and the error it raises.

The clients themselves (hera for Argo, kfp for KFP) are in each target's `submit` module,
imported only by `flowc submit`.
"""

from __future__ import annotations

from dataclasses import field

from flowc.compiler.diagnostics import FlowcError
from flowc.compiler.frozen import frozen
from flowc.targets.lineage import strip_credentials

DEFAULT_TIMEOUT = 30.0  # seconds for one request


class SubmitError(FlowcError):
    """The server or the connection failed; the message is safe to show."""


@frozen
class Connection:
    url: str  # the server's URL, in the form its client wants
    token: str | None = field(default=None, repr=False)  # never shown
    verify: bool = True
    ca_cert: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    @property
    def shown(self) -> str:
        """The URL as it may be printed: without credentials."""
        return strip_credentials(self.url)
