"""Plain data the jar hands out: cookies, explanations and resolved requests."""

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


@dataclasses.dataclass(frozen=True)
class ResolvedRequest:
    """What Jar.resolve decides about a request (ResolvedRequest in
    include/cookiejar/cookie_request.h).

    ``url`` is the request's URL as the jar sees it (canonical, without the
    query). ``same_site`` is the SameSite context of the cookies it sends,
    ``same_site_for_setting`` that of the cookies its response sets (they
    differ only when the rules weigh the redirect chain): "strict",
    "lax", "lax-method-unsafe" or "cross-site". ``third_party``: a
    subresource or frame of another site, or under a cross-site frame.
    ``partition_site`` and ``partition_cross_site``: the partition its
    Partitioned cookies live in (the top-level site, and whether a
    cross-site ancestor marks it).

    The field order is the one the extension module builds it with.
    """

    url: str
    same_site: str
    same_site_for_setting: str
    third_party: bool
    partition_site: str
    partition_cross_site: bool
