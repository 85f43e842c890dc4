"""The jar in requests: a transport adapter that puts the jar's Cookie header
on every request and redirect hop.

requests never asks ``session.cookies`` for the header (see _compat.py): it
only calls its ``extract_cookies`` on every response, which reaches the jar
unchanged. HTTPAdapter.add_headers, the hook requests documents for
subclasses, is where the header goes in, once per hop.

    session = cookiejar.requests_session(cookiejar.HttpCookieJar("chromium"))
    session.get("https://example.com/")
"""

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import MockRequest

from ._compat import HttpCookieJar


class RequestsAdapter(HTTPAdapter):
    """An HTTPAdapter whose requests carry the Cookie header of ``jar``.

    Per-request cookies (``session.get(url, cookies={...})``) are sent after
    the jar's, on every hop, as requests sends them. A Cookie header the
    caller set on the request is sent as it is and the jar adds nothing to
    that request, as with requests' own jar."""

    def __init__(self, jar, **kwargs):
        if not isinstance(jar, HttpCookieJar):
            raise TypeError("RequestsAdapter needs a cookiejar.HttpCookieJar")
        super().__init__(**kwargs)
        self.jar = jar

    def add_headers(self, request, **kwargs):
        """Puts the jar's Cookie header on ``request`` (a PreparedRequest),
        followed by its per-request cookies; requests calls this once per
        request and redirect hop."""
        super().add_headers(request, **kwargs)
        # request._cookies: the jar requests built for this request alone,
        # from per-request cookies (no domain) and, after a redirect, the
        # cookies http.cookiejar took from the previous hop (with a domain).
        own = request._cookies if request._cookies is not None else ()
        if "Cookie" in request.headers and not len(own):
            setattr(request, "_cookiejar_served", True)  # The caller's header.
            return
        request.headers.pop("Cookie", None)
        mock = MockRequest(request)
        self.jar.add_cookie_header(mock)
        parts = [mock.get_new_headers().get("Cookie", "")]
        parts += [c.name if c.value is None else f"{c.name}={c.value}"
                  for c in own if not c.domain]
        header = "; ".join(p for p in parts if p)
        if header:
            request.headers["Cookie"] = header


def requests_session(jar=None, session=None):
    """A requests.Session (``session``, or a new one) that keeps its cookies
    in ``jar`` (a new chromium HttpCookieJar by default): the jar becomes
    ``session.cookies`` and RequestsAdapter serves http:// and https://."""
    if jar is None:
        jar = HttpCookieJar()
    if session is None:
        session = requests.Session()
    session.cookies = jar
    adapter = RequestsAdapter(jar)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
