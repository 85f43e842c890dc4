"""The jar in httpx: a transport that puts the jar's Cookie header on every
request and redirect hop.

httpx calls ``client.cookies.jar.extract_cookies`` on every response, which
reaches the jar unchanged when the client was made with ``cookies=jar``; it
never asks the jar for the Cookie header (see _compat.py). The transport,
which httpx calls once per hop, sets it.

    jar = cookiejar.HttpCookieJar("chromium")
    client = httpx.Client(cookies=jar, transport=cookiejar.HttpxTransport(jar))

httpx still copies every cookie of ``client.cookies`` into a new
http.cookiejar.CookieJar twice per request (Client._merge_cookies and the
Request constructor); that cost grows with the jar (docs/python.md measures
it) and no public httpx API avoids it.
"""

import httpx

from ._compat import _SERVED, HttpCookieJar


def _set_header(jar, request):
    request.headers.pop("Cookie", None)
    setattr(request, _SERVED, True)  # Checked by HttpCookieJar.extract_cookies.
    header = jar.jar._header(str(request.url), method=request.method)
    if not header:
        return
    # httpx encodes header text as UTF-8 unless told otherwise; the bytes
    # sent must be the cookies' bytes as received.
    try:
        text = header.decode("utf-8")
    except UnicodeDecodeError:
        request.headers.encoding = "iso-8859-1"
        text = header.decode("iso-8859-1")
    request.headers["Cookie"] = text


class HttpxTransport(httpx.BaseTransport):
    """Wraps ``transport`` (httpx.HTTPTransport() by default); every request
    it sends carries the jar's Cookie header, replacing any other (httpx puts
    there what http.cookiejar chose from its copy of the client's cookies)."""

    def __init__(self, jar, transport=None):
        if not isinstance(jar, HttpCookieJar):
            raise TypeError("HttpxTransport needs a cookiejar.HttpCookieJar")
        self.jar = jar
        self._transport = transport if transport is not None else httpx.HTTPTransport()

    def handle_request(self, request):
        """Sends ``request`` with the jar's Cookie header through the wrapped
        transport."""
        _set_header(self.jar, request)
        return self._transport.handle_request(request)

    def close(self):
        """Closes the wrapped transport."""
        self._transport.close()


class AsyncHttpxTransport(httpx.AsyncBaseTransport):
    """HttpxTransport for httpx.AsyncClient."""

    def __init__(self, jar, transport=None):
        if not isinstance(jar, HttpCookieJar):
            raise TypeError("AsyncHttpxTransport needs a cookiejar.HttpCookieJar")
        self.jar = jar
        self._transport = transport if transport is not None else httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request):
        """Sends ``request`` with the jar's Cookie header through the wrapped
        transport."""
        _set_header(self.jar, request)
        return await self._transport.handle_async_request(request)

    async def aclose(self):
        """Closes the wrapped transport."""
        await self._transport.aclose()


def httpx_client(jar=None, **kwargs):
    """An httpx.Client keeping its cookies in ``jar`` (a new chromium
    HttpCookieJar by default); other arguments go to httpx.Client."""
    if jar is None:
        jar = HttpCookieJar()
    return httpx.Client(cookies=jar, transport=HttpxTransport(jar), **kwargs)
