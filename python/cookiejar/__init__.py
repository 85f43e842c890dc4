"""cookiejar: a browser-grade cookie jar (the C++ engine) for Python.

    import cookiejar
    jar = cookiejar.Jar("chromium")
    jar.set_cookie("https://bank.example/login", "sessionid=abc; Secure; HttpOnly")
    jar.cookie_header("https://bank.example/transfer")      # 'sessionid=abc'

    session = cookiejar.requests_session(cookiejar.CookieJar())   # requests
    client = cookiejar.httpx_client(cookiejar.CookieJar())        # httpx

docs/python.md has the whole story: persistence (SqliteStore,
CookiesTxtFile), the http.cookiejar-compatible CookieJar, and what differs
from http.cookiejar.
"""

from ._errors import CookieError, CookieRejected, InvalidUrl, StoreError, Unsupported
from ._types import Cookie, Explanation
from ._cookiejar import FakeClock, CookiesTxtFile, HAS_FORMATS, HAS_SQLITE
from ._jar import Jar
from ._compat import CookieConflict, CookieJar

if HAS_SQLITE:
    from ._cookiejar import SqliteStore
if HAS_FORMATS:
    from ._cookiejar import browser_databases

__all__ = [
    "AsyncHttpxTransport", "Cookie", "CookieConflict", "CookieError", "CookieJar",
    "CookieRejected", "CookiesTxtFile", "Explanation", "FakeClock", "HttpxTransport",
    "InvalidUrl", "Jar", "RequestsAdapter", "SqliteStore", "StoreError", "Unsupported",
    "browser_databases",
    "httpx_client", "requests_session",
]

# The client adapters import requests or httpx: only when asked for.
_LAZY = {
    "RequestsAdapter": "requests_adapter",
    "requests_session": "requests_adapter",
    "HttpxTransport": "httpx_transport",
    "AsyncHttpxTransport": "httpx_transport",
    "httpx_client": "httpx_transport",
}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cookiejar' has no attribute {name!r}")
    import importlib
    return getattr(importlib.import_module(f".{module}", __name__), name)
