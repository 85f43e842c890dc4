"""HttpCookieJar: the engine behind the http.cookiejar.CookieJar interface, for
code written against the standard library (urllib, requests, httpx).

What the clients really do with a jar (requests 2.28 and httpx 0.23, read
from their sources):

- Both call ``jar.extract_cookies(response, request)`` on every response,
  each hop of a redirect chain included. That reaches the engine unchanged.
- Neither asks the session's jar for the Cookie header. On every request
  (and every redirect hop) they copy every cookie of any
  ``http.cookiejar.CookieJar`` into a new standard-library jar and let
  http.cookiejar choose what to send from the copy: requests in
  Session.prepare_request (``merge_cookies(RequestsCookieJar(),
  self.cookies)``), httpx in Client._merge_cookies and in the Request
  constructor. That copy alone takes about 10 ms for 3,000 cookies, and its
  choices are http.cookiejar's, not a browser's.

So this class is a compatible object, not a subclass: requests then copies
nothing (its merge skips objects that are not http.cookiejar.CookieJar), and
the Cookie header of every request and hop is set by the adapters
(requests_adapter.py, httpx_transport.py) through the jar. A jar used by a client without its
adapter would store cookies and never send them; ``extract_cookies`` detects
that case and raises instead.

What the engine cannot honour raises Unsupported: policies (set_policy, the
``policy`` argument: DefaultCookiePolicy's knobs), RFC 2965 cookies (version
1, Port), make_cookies and set_cookie_if_ok (their meaning is the stdlib
policy's), and cookies without a domain (requests' ``create_cookie(name,
value)`` "supercookies").
"""

import http.cookiejar
import sys
import time
import warnings

from ._errors import CookieError, CookieRejected, Unsupported
from ._jar import NativeJar
from ._types import Cookie

# Set on a client's request object by add_cookie_header, checked by
# extract_cookies: the request's Cookie header came from this jar.
_SERVED = "_cookiejar_served"
# Set by extract_cookies to the jar that stored the response of a client's
# request; HttpxTransport checks it (a transport without cookies=jar).
_STORED = "_cookiejar_stored"


class CookieConflict(CookieError, RuntimeError):
    """More than one cookie matches a name (and domain, path) in get() or []."""


def _request_method(request):
    get_method = getattr(request, "get_method", None)
    if get_method is not None:
        return get_method()
    prepared = getattr(request, "_r", None)  # requests' MockRequest
    if prepared is not None and prepared.method:
        return prepared.method
    return "GET"


def _client_request(request):
    """The requests PreparedRequest or httpx Request behind a client's
    stand-in request object, or None for other callers (urllib...)."""
    requests_cookies = sys.modules.get("requests.cookies")
    if requests_cookies is not None and isinstance(request, requests_cookies.MockRequest):
        return request._r
    httpx = sys.modules.get("httpx")
    compat = getattr(getattr(httpx, "Cookies", None), "_CookieCompatRequest", None)
    if compat is not None and isinstance(request, compat):
        return request.request
    return None


def _header_text(value):
    # Header values reach Python as Latin-1 text (http.client decodes them
    # so); the engine wants the bytes that were received.
    if isinstance(value, bytes):
        return value
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape")


def _stdlib_domain(cookie):
    return cookie.domain if cookie.host_only else "." + cookie.domain


def to_stdlib(cookie):
    """A Cookie of the jar as an http.cookiejar.Cookie."""
    rest = {}
    if cookie.http_only:
        rest["HttpOnly"] = None
    if cookie.same_site != "unspecified":
        rest["SameSite"] = cookie.same_site.capitalize()
    name, value = cookie.name, cookie.value
    if not name:  # A nameless cookie: http.cookiejar keeps its text as the name.
        name, value = value, None
    return http.cookiejar.Cookie(
        version=0, name=name, value=value, port=None, port_specified=False,
        domain=_stdlib_domain(cookie), domain_specified=not cookie.host_only,
        domain_initial_dot=not cookie.host_only, path=cookie.path, path_specified=True,
        secure=cookie.secure,
        expires=None if cookie.expires is None else int(cookie.expires),
        discard=cookie.expires is None, comment=None, comment_url=None, rest=rest)


def from_stdlib(cookie, now):
    """An http.cookiejar.Cookie as a Cookie of the jar (created ``now``)."""
    if cookie.version or cookie.port_specified:
        raise Unsupported(f"cookie {cookie.name!r} is an RFC 2965 cookie (Version, Port): "
                          "browsers never supported them")
    if not cookie.domain:
        raise Unsupported(f"cookie {cookie.name!r} has no domain: a browser keeps every "
                          "cookie for a site (give domain=...)")
    rest = {key.lower(): value for key, value in getattr(cookie, "_rest", {}).items()}
    same_site = str(rest.get("samesite") or "unspecified").lower()
    if same_site not in ("none", "lax", "strict"):
        same_site = "unspecified"
    name, value = cookie.name, cookie.value
    if value is None:
        name, value = "", name
    host_only = not cookie.domain.startswith(".")
    secure = bool(cookie.secure)
    return Cookie(name=name, value=value, domain=cookie.domain.lstrip(".").lower(),
                  path=cookie.path or "/", host_only=host_only, secure=secure,
                  http_only="httponly" in rest, same_site=same_site,
                  expires=None if cookie.expires is None else float(cookie.expires),
                  creation=now, last_access=now, source_secure=secure)


class HttpCookieJar:
    """A browser-grade cookie jar with the http.cookiejar.CookieJar interface
    (and requests' dict-like extras), backed by a NativeJar: the jar to give
    requests, httpx and urllib. Formerly ``cookiejar.CookieJar``, still
    accepted with a DeprecationWarning.

        jar = cookiejar.HttpCookieJar("chromium")
        session = cookiejar.requests_session(jar)        # requests
        client = httpx.Client(cookies=jar, transport=cookiejar.HttpxTransport(jar))
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    ``jar.jar`` is the engine's NativeJar (explain, persistence...).
    """

    def __init__(self, rules="chromium", *, jar=None, clock=None, policy=None, profile=None):
        if policy is not None:
            raise Unsupported("cookie policies: the browser's rules decide what is kept "
                              "and sent (rules='chromium', 'firefox'...)")
        if profile is not None:
            warnings.warn("HttpCookieJar(profile=...) is now HttpCookieJar(rules=...); the old keyword "
                          "works until 3.0", DeprecationWarning, stacklevel=2)
            rules = profile
        self.jar = jar if jar is not None else NativeJar(rules, clock=clock)

    # --- The two calls of http.cookiejar's protocol -------------------------

    def add_cookie_header(self, request):
        """Adds the Cookie header for ``request`` (urllib.request.Request or
        a client's stand-in for one), unless it already has one."""
        target = _client_request(request)
        if target is not None:
            setattr(target, _SERVED, True)
        if request.has_header("Cookie"):
            return
        header = self.jar._header(request.get_full_url(), method=_request_method(request))
        if header:
            request.add_unredirected_header("Cookie", header.decode("latin-1"))

    def extract_cookies(self, response, request):
        """Stores the cookies of every Set-Cookie header of ``response``.
        Refused cookies are dropped, as browsers drop them; Set-Cookie2
        (RFC 2965) is ignored, as browsers ignore it. Expires dates are
        corrected by the response's Date header, as browsers correct them."""
        target = _client_request(request)
        if target is not None and not getattr(target, _SERVED, False):
            raise Unsupported(
                "this request's Cookie header was not built by the jar: requests and httpx "
                "never ask the session's jar for it. Use cookiejar.requests_session(jar) "
                "(or mount cookiejar.RequestsAdapter(jar)) with requests, and "
                "httpx.Client(cookies=jar, transport=cookiejar.HttpxTransport(jar)) with httpx. "
                "httpx sends proxied requests (proxies=, HTTP_PROXY) through transports of its "
                "own: cookiejar.httpx_client(jar, proxies=...) wraps them all")
        if target is not None:
            setattr(target, _STORED, self)
        headers = response.info()
        values = headers.get_all("Set-Cookie")
        if values:
            date = headers.get("Date")
            self.jar._store(request.get_full_url(), [_header_text(v) for v in values],
                            method=_request_method(request),
                            server_date=None if date is None else _header_text(date))

    # --- The rest of http.cookiejar.CookieJar -------------------------------

    def set_cookie(self, cookie):
        """Puts an http.cookiejar.Cookie into the jar (created now). Raises
        CookieRejected when it fails the checks of a Set-Cookie line."""
        self.jar.import_cookie(from_stdlib(cookie, self._now()), keep_times=False)

    def set_policy(self, policy):
        """Raises Unsupported: the browser rules decide what is kept and sent."""
        raise Unsupported("cookie policies: the browser's rules decide what is kept and sent")

    def make_cookies(self, response, request):
        """Raises Unsupported: this is http.cookiejar's policy at work; use
        extract_cookies, or NativeJar.store_response for the verdicts."""
        raise Unsupported("make_cookies applies http.cookiejar's policy; use "
                          "extract_cookies, or NativeJar.store_response for the verdicts")

    def set_cookie_if_ok(self, cookie, request):
        """Raises Unsupported: this is http.cookiejar's policy at work; use
        set_cookie(cookie) or NativeJar.set_cookie(url, line)."""
        raise Unsupported("set_cookie_if_ok applies http.cookiejar's policy; use "
                          "NativeJar.set_cookie(url, line) or set_cookie(cookie)")

    def clear(self, domain=None, path=None, name=None):
        """Removes every cookie, those of a domain, of a domain and path, or
        one cookie (domains as http.cookiejar writes them: a leading dot for
        a domain cookie). KeyError when a domain, path or name has none."""
        if domain is None:
            if path is not None or name is not None:
                raise ValueError("domain must be given with path or name")
            self.jar.clear()
            return
        if name is not None and path is None:
            raise ValueError("path must be given with name")
        matched = [c for c in self.jar.cookies()
                   if _stdlib_domain(c) == domain and (path is None or c.path == path)
                   and (name is None or c.name == name)]
        if not matched:
            raise KeyError(name if name is not None else path if path is not None else domain)
        for cookie in matched:
            self.jar.delete(cookie)

    def clear_session_cookies(self):
        """Removes the session cookies, as a browser does when it closes."""
        self.jar.end_session()

    def clear_expired_cookies(self):
        """Nothing to do: the engine never returns an expired cookie and
        purges them as it goes."""

    def __iter__(self):
        """Iterates over a snapshot of the cookies as http.cookiejar.Cookie
        objects."""
        # A snapshot, converted as it is consumed: httpx iterates the jar
        # only to see whether it is empty before copying it.
        return (to_stdlib(c) for c in self.jar.cookies())

    def __len__(self):
        """The number of cookies in the jar."""
        return len(self.jar)

    def __repr__(self):
        return "<%s[%s]>" % (self.__class__.__name__,
                             ", ".join(repr(c) for c in self))

    def __str__(self):
        return "<%s[%s]>" % (self.__class__.__name__,
                             ", ".join(str(c) for c in self))

    def _now(self):
        clock = self.jar.clock
        return clock.now() if clock is not None else time.time()

    # --- requests' RequestsCookieJar extras (dict-like) --------------------

    def _matching(self, name, domain=None, path=None):
        return [c for c in self.jar.cookies()
                if c.name == name and (domain is None or _stdlib_domain(c) == domain
                                       or c.domain == domain)
                and (path is None or c.path == path)]

    def get(self, name, default=None, domain=None, path=None):
        """The value of the cookie ``name`` (of that domain and path, if
        given), or ``default``; CookieConflict when several match."""
        matched = self._matching(name, domain, path)
        if len(matched) > 1:
            raise CookieConflict(f"there are {len(matched)} cookies named {name!r}")
        return matched[0].value if matched else default

    def set(self, name, value, **kwargs):
        """Sets a cookie by name (``domain`` is required; ``path``,
        ``secure``, ``expires``, ``rest`` as requests' create_cookie). A
        value of None removes the cookies of that name."""
        if value is None:
            for cookie in self._matching(name, kwargs.get("domain"), kwargs.get("path")):
                self.jar.delete(cookie)
            return None
        unknown = set(kwargs) - {"domain", "path", "secure", "expires", "rest", "discard",
                                 "version", "port", "comment", "comment_url", "rfc2109"}
        if unknown:
            raise TypeError(f"set() got unexpected keyword arguments: {sorted(unknown)}")
        domain = kwargs.get("domain") or ""
        cookie = http.cookiejar.Cookie(
            version=kwargs.get("version", 0), name=name, value=value,
            port=kwargs.get("port"), port_specified=bool(kwargs.get("port")),
            domain=domain, domain_specified=domain.startswith("."),
            domain_initial_dot=domain.startswith("."), path=kwargs.get("path", "/"),
            path_specified=True, secure=kwargs.get("secure", False),
            expires=kwargs.get("expires"), discard=kwargs.get("discard", True),
            comment=None, comment_url=None, rest=kwargs.get("rest") or {})
        self.set_cookie(cookie)
        return cookie

    def __getitem__(self, name):
        """The value of the cookie ``name``: KeyError when there is none,
        CookieConflict when there are several."""
        if not isinstance(name, str):
            # requests' cookiejar_from_dict reading this jar as a dict: it is
            # a session's jar, not per-request cookies.
            raise TypeError("a cookiejar.HttpCookieJar is not a dict of per-request cookies: "
                            "make it the session's jar (cookiejar.requests_session)")
        matched = self._matching(name)
        if len(matched) > 1:
            raise CookieConflict(f"there are {len(matched)} cookies named {name!r}")
        if not matched:
            raise KeyError(name)
        return matched[0].value

    def __setitem__(self, name, value):
        """Raises Unsupported: a cookie needs a domain (use set())."""
        raise Unsupported("jar[name] = value makes a cookie without a domain; "
                          "use jar.set(name, value, domain=...)")

    def __delitem__(self, name):
        """Removes every cookie named ``name``; KeyError when there is none."""
        matched = self._matching(name)
        if not matched:
            raise KeyError(name)
        for cookie in matched:
            self.jar.delete(cookie)

    def __contains__(self, name):
        """Whether a cookie named ``name`` is in the jar."""
        return bool(self._matching(name))

    def keys(self):
        """The cookies' names (a list, as requests gives)."""
        return [c.name for c in self.jar.cookies()]

    def values(self):
        """The cookies' values."""
        return [c.value for c in self.jar.cookies()]

    def items(self):
        """The cookies' (name, value) pairs."""
        return [(c.name, c.value) for c in self.jar.cookies()]

    iterkeys = keys
    itervalues = values
    iteritems = items

    def get_dict(self, domain=None, path=None):
        """{name: value} of the cookies (of a domain and path, if given)."""
        return {c.name: c.value for c in self.jar.cookies()
                if (domain is None or _stdlib_domain(c) == domain or c.domain == domain)
                and (path is None or c.path == path)}

    def list_domains(self):
        """The cookies' domains, as http.cookiejar writes them (a leading dot
        for a domain cookie)."""
        return list(dict.fromkeys(_stdlib_domain(c) for c in self.jar.cookies()))

    def list_paths(self):
        """The cookies' paths."""
        return list(dict.fromkeys(c.path for c in self.jar.cookies()))

    def multiple_domains(self):
        """Whether the cookies span more than one domain."""
        return len(self.list_domains()) > 1

    def update(self, other):
        """Adds the cookies of a dict (raises: no domain), an
        http.cookiejar.CookieJar or another HttpCookieJar."""
        if isinstance(other, HttpCookieJar):
            for cookie in other.jar.cookies():
                self.jar.import_cookie(cookie)
        elif isinstance(other, http.cookiejar.CookieJar):
            for cookie in other:
                self.set_cookie(cookie)
        else:
            for name, value in dict(other).items():
                self.set(name, value)

    def copy(self):
        """A new jar of the same rules and clock with the same cookies."""
        copy = HttpCookieJar(self.jar.rules, clock=self.jar.clock)
        copy.update(self)
        return copy
