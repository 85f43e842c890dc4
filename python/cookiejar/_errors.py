"""The exceptions of the cookiejar package.

The engine returns every refusal with named reasons (``secure_only``,
``invalid_prefix``, ``same_site_lax``...: the names of
``include/cookiejar/cookie_inclusion_status.h``); here they travel on the
exception. This module must not import the extension module: the extension
imports it to raise these classes.
"""


class CookieError(Exception):
    """Base class of every error the cookiejar package raises."""


class CookieRejected(CookieError, ValueError):
    """The jar refused a cookie. ``reasons`` holds the engine's reason names."""

    def __init__(self, url, reasons):
        self.url = url
        self.reasons = tuple(reasons)
        super().__init__(f"cookie from {url} rejected: {', '.join(self.reasons)}")


class InvalidUrl(CookieError, ValueError):
    """A URL the engine cannot use (not an absolute http, https, ws or wss URL)."""


class StoreError(CookieError, OSError):
    """A cookies.txt file or SQLite store could not be read or written.

    ``code`` is the name of the engine's status code: ``not_found``,
    ``failed_precondition`` (not a jar file, a symbolic link, a cookie the
    format cannot hold), ``unavailable`` (held by another writer),
    ``permission_denied``, ``data_loss``...
    """

    def __init__(self, message, code):
        self.code = code
        super().__init__(f"{message} [{code}]")


class Unsupported(CookieError, NotImplementedError):
    """A part of the http.cookiejar API that a browser-grade jar cannot honour
    (RFC 2965 cookies, DefaultCookiePolicy knobs...). docs/python.md lists them."""
