"""NativeJar: the engine's cookie jar with its own Pythonic API."""

import warnings

from . import _cookiejar
from ._errors import CookieRejected, StoreError
from ._types import Explanation, ResolvedRequest


def _context(top_level_navigation, top_level_url, initiator, frame_ancestors, redirect_chain,
             method, script):
    """The context keywords as the extension module takes them."""
    return {"top_level_navigation": top_level_navigation, "top_level_url": top_level_url,
            "initiator": initiator, "frame_ancestors": frame_ancestors,
            "redirect_chain": redirect_chain, "method": method, "script": script}


class NativeJar(_cookiejar.NativeJar):
    """The cookies of one browser profile, kept as that browser keeps them,
    with the engine's own API: give it URLs and Set-Cookie lines, get Cookie
    headers, explanations and stores. (For requests, httpx or urllib use
    HttpCookieJar, which wraps one of these behind the http.cookiejar
    interface.) Formerly ``cookiejar.Jar``, still accepted with a
    DeprecationWarning.

    ``rules`` names the browser whose rules the jar follows: "chromium",
    "firefox", "rfc6265-minimum" or "unlimited" (``BrowserRules::Named``). ``clock`` is a FakeClock for tests; the
    system clock by default.

    Every method about one request (set_cookie, store_response,
    cookie_header, cookies_for, explain, resolve) takes where the request
    sits in the browser as keyword-only arguments (``CookieRequest`` in
    include/cookiejar/cookie_request.h). The defaults describe a top-level
    navigation started by the user, which is what a plain HTTP client does;
    an unknown keyword raises TypeError naming the method.

    ``top_level_navigation``: False for subresources, frames and fetches.
    ``top_level_url``: the top-level page of a request that is not a
    top-level navigation (None: first-party).
    ``initiator``: the URL of the page that started the request (None: the
    user did).
    ``frame_ancestors``: the frames between the top-level page and the
    request, outermost first (an iframe cross-site to the top level makes
    the request cross-site and third-party even when it goes back to the
    top level's site).
    ``redirect_chain``: the earlier URLs of a redirected request, oldest
    first.
    ``method``: the HTTP method (SameSite=Lax cookies go on cross-site
    navigations with safe methods only).
    ``script``: True for the script API (document.cookie), which neither
    sees nor writes HttpOnly cookies.

    set_cookie and store_response also take ``server_date``, the response's
    Date header: an Expires date is corrected by the server's clock, as
    browsers correct it (a cookie that expires in an hour by the server's
    clock expires in an hour here).

    resolve() shows what the jar decides about a request from these: its
    SameSite context, whether it is third-party, and its partition.

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

    def set_cookie(self, url, line, *, server_date=None, top_level_navigation=True,
                   top_level_url=None, initiator=None, frame_ancestors=None,
                   redirect_chain=None, method="GET", script=False):
        """Stores the cookie of one Set-Cookie value received from ``url``
        (in a response whose Date header was ``server_date``, if given), in
        the request context the keywords describe (see the class).

        Raises CookieRejected (with the engine's reasons) when the jar refuses
        it, InvalidUrl when a URL does not parse."""
        context = _context(top_level_navigation, top_level_url, initiator, frame_ancestors,
                           redirect_chain, method, script)
        reasons = self._store(url, (line,), server_date=server_date, **context)[0]
        if reasons:
            raise CookieRejected(url, reasons)

    def store_response(self, url, set_cookie_values, status=200, *, server_date=None,
                       top_level_navigation=True, top_level_url=None, initiator=None,
                       frame_ancestors=None, redirect_chain=None, method="GET", script=False):
        """Stores every Set-Cookie value of one response to a request for
        ``url`` (its context in the keywords, see the class), as a browser
        does: refused cookies are dropped, not raised. Returns the reasons of
        each value in order (an empty tuple for a stored cookie).
        Informational (1xx) responses set nothing. ``server_date``: the
        response's Date header, which corrects Expires dates. InvalidUrl when
        a URL does not parse."""
        context = _context(top_level_navigation, top_level_url, initiator, frame_ancestors,
                           redirect_chain, method, script)
        return self._store(url, list(set_cookie_values), status, server_date=server_date,
                           **context)

    def cookie_header(self, url, *, top_level_navigation=True, top_level_url=None,
                      initiator=None, frame_ancestors=None, redirect_chain=None, method="GET",
                      script=False):
        """The Cookie header value for a request to ``url`` in the context the
        keywords describe (see the class), or "" to send none. InvalidUrl
        when a URL does not parse."""
        context = _context(top_level_navigation, top_level_url, initiator, frame_ancestors,
                           redirect_chain, method, script)
        return self._header(url, **context).decode("utf-8", "surrogateescape")

    def cookies_for(self, url, *, top_level_navigation=True, top_level_url=None,
                    initiator=None, frame_ancestors=None, redirect_chain=None, method="GET",
                    script=False):
        """The cookies cookie_header would send (same keywords), in header
        order."""
        context = _context(top_level_navigation, top_level_url, initiator, frame_ancestors,
                           redirect_chain, method, script)
        return self._cookies_for(url, **context)

    def explain(self, url, *, site_only=False, top_level_navigation=True, top_level_url=None,
                initiator=None, frame_ancestors=None, redirect_chain=None, method="GET",
                script=False):
        """Every cookie with whether it would be sent to ``url`` in the context
        the keywords describe (see the class) and why not: sent cookies
        first, in header order. ``site_only``: only the cookies of the URL's
        site."""
        context = _context(top_level_navigation, top_level_url, initiator, frame_ancestors,
                           redirect_chain, method, script)
        return [Explanation(cookie, reasons)
                for cookie, reasons in self._explain(url, not site_only, **context)]

    def resolve(self, url, *, top_level_navigation=True, top_level_url=None, initiator=None,
                frame_ancestors=None, redirect_chain=None, method="GET", script=False):
        """What the jar decides about a request to ``url`` in the context the
        keywords describe (see the class), as a ResolvedRequest: its SameSite
        context ("strict", "lax", "lax-method-unsafe" or "cross-site"),
        whether it is third-party, and its partition. InvalidUrl when a URL
        does not parse."""
        context = _context(top_level_navigation, top_level_url, initiator, frame_ancestors,
                           redirect_chain, method, script)
        return ResolvedRequest(*self._resolve(url, **context))

    def import_storage_state(self, path):
        """Imports a Playwright storageState or cookie-editor JSON file (either
        shape, told apart by its fields; formats/storage_state.h). Returns
        {"format", "imported", "expired", "ignored_origins", "problems"}; a bad
        cookie is a problem, the others are imported. Files over 64 MiB are
        refused (StoreError)."""
        limit = 64 << 20
        try:
            with open(path, "rb") as f:
                text = f.read(limit + 1)
        except FileNotFoundError as e:
            raise StoreError(f"{path} does not exist", "not_found") from e
        except OSError as e:
            raise StoreError(f"cannot read {path}: {e.strerror}", "permission_denied") from e
        if len(text) > limit:
            raise StoreError(f"{path} is larger than {limit} bytes", "failed_precondition")
        return self.import_storage_state_text(text)

    def __iter__(self):
        """Iterates over a snapshot of the cookies (as cookies())."""
        return iter(self.cookies())

    def __repr__(self):
        return f"<cookiejar.NativeJar rules={self.rules!r} cookies={len(self)}>"
