"""cookiejar: a browser-grade cookie jar (the C++ engine) for Python.

Two jars, one engine:

- ``HttpCookieJar``: for requests, httpx and urllib users. It has the
  http.cookiejar.CookieJar interface (and requests' dict-like helpers)::

      session = cookiejar.requests_session(cookiejar.HttpCookieJar())   # requests
      client = cookiejar.httpx_client(cookiejar.HttpCookieJar())        # httpx

- ``NativeJar``: the engine's own API, for code that handles URLs and
  headers itself::

      jar = cookiejar.NativeJar("chromium")
      jar.set_cookie("https://bank.example/login", "sessionid=abc; Secure; HttpOnly")
      jar.cookie_header("https://bank.example/transfer")      # 'sessionid=abc'

docs/python.md has the whole story: persistence (SqliteStore,
CookiesTxtFile), the requests, httpx and urllib integration, and what
differs from http.cookiejar. The distribution is ``browser-grade-cookiejar``;
``__version__`` is the C++ library's version.
"""

import warnings

from ._errors import CookieError, CookieRejected, InvalidUrl, StoreError, Unsupported
from ._types import Cookie, Explanation, ResolvedRequest
from ._cookiejar import FakeClock, CookiesTxtFile, HAS_FORMATS, HAS_SQLITE, __version__
from ._jar import NativeJar
from ._compat import CookieConflict, HttpCookieJar

if HAS_SQLITE:
    from ._cookiejar import SqliteStore
if HAS_FORMATS:
    from ._cookiejar import browser_databases

__all__ = [
    "AsyncHttpxTransport", "Cookie", "CookieConflict", "CookieError", "CookieRejected",
    "CookiesTxtFile", "Explanation", "FakeClock", "HttpCookieJar", "HttpxTransport",
    "InvalidUrl", "NativeJar", "RequestsAdapter", "ResolvedRequest", "SqliteStore",
    "StoreError", "Unsupported", "browser_databases",
    "httpx_async_client", "httpx_client", "requests_session",
]

# The client adapters import requests or httpx: only when asked for.
_LAZY = {
    "RequestsAdapter": "requests_adapter",
    "requests_session": "requests_adapter",
    "HttpxTransport": "httpx_transport",
    "AsyncHttpxTransport": "httpx_transport",
    "httpx_client": "httpx_transport",
    "httpx_async_client": "httpx_transport",
}

# The names of 1.0, kept for 2.x (removed in 3.0): name -> (new name, object).
_DEPRECATED = {
    "Jar": ("NativeJar", NativeJar),
    "CookieJar": ("HttpCookieJar", HttpCookieJar),
}


def __getattr__(name):
    deprecated = _DEPRECATED.get(name)
    if deprecated is not None:
        warnings.warn(f"cookiejar.{name} is deprecated: use cookiejar.{deprecated[0]} "
                      "(the same class)", DeprecationWarning, stacklevel=2)
        return deprecated[1]
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cookiejar' has no attribute {name!r}")
    import importlib
    return getattr(importlib.import_module(f".{module}", __name__), name)
