"""Plain data the jar hands out: cookies and explanations."""

import dataclasses
from typing import Optional, Tuple


@dataclasses.dataclass(frozen=True)
class Cookie:
    """A cookie as the jar stores it.

    ``domain`` is canonical, without a leading dot; ``host_only`` says whether
    it goes to that exact host only (no Domain attribute) or to its subdomains
    too. Times are seconds since 1970-01-01T00:00:00Z; ``expires`` is None for
    a session cookie. ``same_site`` is "unspecified", "none", "lax" or
    "strict"; ``priority`` "low", "medium" or "high". ``partition_site`` is
    the top-level site of a Partitioned cookie (CHIPS), else None.

    The field order is the one the extension module builds cookies with.
    """

    name: str
    value: str
    domain: str
    path: str = "/"
    host_only: bool = True
    secure: bool = False
    http_only: bool = False
    same_site: str = "unspecified"
    priority: str = "medium"
    expires: Optional[float] = None
    creation: float = 0.0
    last_access: float = 0.0
    source_secure: bool = False
    partition_site: Optional[str] = None
    partition_cross_site: bool = False

    @property
    def persistent(self) -> bool:
        """Whether the cookie outlives the session (it has an expiry)."""
        return self.expires is not None


@dataclasses.dataclass(frozen=True)
class Explanation:
    """One cookie of NativeJar.explain: whether it would be sent, and why not."""

    cookie: Cookie
    reasons: Tuple[str, ...]  # Empty when the cookie is sent.

    @property
    def sent(self) -> bool:
        """Whether the cookie would be sent (no reasons against it)."""
        return not self.reasons
