"""NativeJar: the engine's cookie jar with its own Pythonic API."""

import warnings

from . import _cookiejar
from ._errors import CookieRejected
from ._types import Explanation


class NativeJar(_cookiejar.Jar):
    """The cookies of one browser profile, kept as that browser keeps them,
    with the engine's own API: give it URLs and Set-Cookie lines, get Cookie
    headers, explanations and stores. (For requests, httpx or urllib use
    HttpCookieJar, which wraps one of these behind the http.cookiejar
    interface.) Formerly ``cookiejar.Jar``, still accepted with a
    DeprecationWarning.

    ``rules`` names the browser whose rules the jar follows: "chromium",
    "firefox", "rfc6265-minimum" or "unlimited" (``BrowserRules::Named``). ``clock`` is a FakeClock for tests; the
    system clock by default.

    The request context of set_cookie, cookie_header, explain and
    store_response (keywords, as ``RequestContext`` in http_cookies.h): by
    default a top-level navigation started by the user, which is what a plain
    HTTP client does.

    ``top_level_navigation``: False for subresources, frames and fetches.
    ``initiator``: the URL of the page that started the request.
    ``top_level_url``: the top-level page of a request that is not a
    top-level navigation. ``method``: the HTTP method (SameSite=Lax).
    ``redirect_chain``: the earlier URLs of a redirected request.
    ``frame_ancestors``: the frames between the top-level page and the
    request, outermost first (an iframe cross-site to the top level makes
    the request cross-site and third-party even when it goes back to the top
    level's site).

    set_cookie and store_response also take ``server_date``, the response's
    Date header: an Expires date is corrected by the server's clock, as
    browsers correct it (a cookie that expires in an hour by the server's
    clock expires in an hour here).

    Thread-safe: the engine runs without the GIL, so threads sharing a jar run
    in parallel.

        jar = NativeJar()
        jar.set_cookie("https://bank.example/login", "sessionid=abc; Secure; HttpOnly")
        jar.cookie_header("https://bank.example/transfer")   # 'sessionid=abc'
    """

    def __init__(self, rules="chromium", *, clock=None, profile=None):
        if profile is not None:
            warnings.warn("NativeJar(profile=...) is now NativeJar(rules=...); the old keyword works "
                          "until 3.0", DeprecationWarning, stacklevel=2)
            rules = profile
        super().__init__(rules, clock=clock)

    @property
    def profile(self):
        """Deprecated (until 3.0): the name of the jar's rules; use ``rules``."""
        warnings.warn("NativeJar.profile is now NativeJar.rules", DeprecationWarning, stacklevel=2)
        return self.rules

    def set_cookie(self, url, line, *, server_date=None, **context):
        """Stores the cookie of one Set-Cookie value received from ``url``
        (in a response whose Date header was ``server_date``, if given).

        Raises CookieRejected (with the engine's reasons) when the jar refuses
        it, InvalidUrl when a URL does not parse."""
        reasons = self._store(url, (line,), server_date=server_date, **context)[0]
        if reasons:
            raise CookieRejected(url, reasons)

    def store_response(self, url, set_cookie_values, status=200, *, server_date=None,
                       **context):
        """Stores every Set-Cookie value of one response, as a browser does:
        refused cookies are dropped, not raised. Returns the reasons of each
        value in order (an empty tuple for a stored cookie). Informational
        (1xx) responses set nothing. ``server_date``: the response's Date
        header, which corrects Expires dates."""
        return self._store(url, list(set_cookie_values), status, server_date=server_date,
                           **context)

    def cookie_header(self, url, **context):
        """The Cookie header value for a request to ``url``, or "" to send
        none."""
        return self._header(url, **context).decode("utf-8", "surrogateescape")

    def cookies_for(self, url, **context):
        """The cookies cookie_header would send, in header order."""
        return self._cookies_for(url, **context)

    def explain(self, url, *, site_only=False, **context):
        """Every cookie with whether it would be sent to ``url`` and why not:
        sent cookies first, in header order. ``site_only``: only the cookies
        of the URL's site."""
        return [Explanation(cookie, reasons)
                for cookie, reasons in self._explain(url, not site_only, **context)]

    def __iter__(self):
        """Iterates over a snapshot of the cookies (as cookies())."""
        return iter(self.cookies())

    def __repr__(self):
        return f"<cookiejar.NativeJar rules={self.rules!r} cookies={len(self)}>"
