"""The jar in httpx: a transport that puts the jar's Cookie header on every
request and redirect hop.

httpx calls ``client.cookies.jar.extract_cookies`` on every response, which
reaches the jar unchanged when the client was made with ``cookies=jar``; it
never asks the jar for the Cookie header (see _compat.py). The transport,
which httpx calls once per hop, sets it.

    jar = cookiejar.HttpCookieJar("chromium")
    client = cookiejar.httpx_client(jar, proxies="http://proxy:3128")

httpx picks a transport per URL: ``transport=`` for direct requests, and
one of its own per proxy (``proxies=``, or HTTP_PROXY/HTTPS_PROXY/ALL_PROXY
when trust_env is true, which httpx honours only when no ``transport=`` is
given). httpx_client and httpx_async_client let httpx build all of them
from the client's arguments and wrap each, so every request carries the
jar's cookies whichever way it goes. ``HttpxTransport(jar, proxy=URL)``
is one transport through one proxy, for ``transport=`` or ``mounts=``.

A transport whose client keeps its cookies elsewhere (no ``cookies=jar``)
would send the jar's cookies and store none: it raises Unsupported on the
first response instead.

httpx still copies every cookie of ``client.cookies`` into a new
http.cookiejar.CookieJar twice per request (Client._merge_cookies and the
Request constructor); that cost grows with the jar (docs/python.md measures
it) and no public httpx API avoids it.
"""

import httpx

from ._compat import _SERVED, _STORED, HttpCookieJar
from ._errors import Unsupported


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


def _not_stored(jar, request):
    """The error for a response that reached the client but not ``jar``, or
    None."""
    if getattr(request, _STORED, None) is jar:
        return None
    return Unsupported(
        f"the response of {request.method} {request.url} went to the client's own cookies, not "
        "to the jar of its cookiejar.HttpxTransport, which would send the jar's cookies and "
        "store none: make the client with httpx.Client(cookies=jar, "
        "transport=cookiejar.HttpxTransport(jar)), or cookiejar.httpx_client(jar)")


class _ResponseCheck:
    """Makes sure, once, that the client gave the response to the jar:
    httpx calls client.cookies.extract_cookies after the transport returns
    and before it reads the body, so the body's first read or its closing
    is where to look."""

    def __init__(self, stream, jar, request):
        self._stream, self._jar, self._request = stream, jar, request

    def _check(self):
        if self._jar is not None:
            error, self._jar = _not_stored(self._jar, self._request), None
            if error is not None:
                raise error


class _CheckedStream(_ResponseCheck, httpx.SyncByteStream):
    """A response body checked by _ResponseCheck."""

    def __iter__(self):
        self._check()
        yield from self._stream

    def close(self):
        try:
            self._stream.close()
        finally:
            self._check()


class _AsyncCheckedStream(_ResponseCheck, httpx.AsyncByteStream):
    """_CheckedStream for httpx.AsyncClient."""

    async def __aiter__(self):
        self._check()
        async for chunk in self._stream:
            yield chunk

    async def aclose(self):
        try:
            await self._stream.aclose()
        finally:
            self._check()


def _inner(cls, jar, transport, proxy, default):
    """The transport a cookiejar transport wraps: ``transport``, or a new
    ``default`` (through ``proxy``, a URL or httpx.Proxy, if given)."""
    if not isinstance(jar, HttpCookieJar):
        raise TypeError(f"{cls.__name__} needs a cookiejar.HttpCookieJar")
    if transport is not None and proxy is not None:
        raise TypeError(f"{cls.__name__}: give a transport or a proxy, not both")
    if transport is not None:
        return transport
    if proxy is not None and not isinstance(proxy, httpx.Proxy):
        proxy = httpx.Proxy(proxy)
    return default(proxy=proxy)


class HttpxTransport(httpx.BaseTransport):
    """Wraps ``transport`` (httpx.HTTPTransport() by default, or one through
    ``proxy``, a URL or httpx.Proxy); every request it sends carries the
    jar's Cookie header, replacing any other (httpx puts there what
    http.cookiejar chose from its copy of the client's cookies). The client
    must keep its cookies in the jar (``cookies=jar``): else the first
    response raises Unsupported."""

    def __init__(self, jar, transport=None, *, proxy=None):
        self.jar = jar
        self._transport = _inner(type(self), jar, transport, proxy, httpx.HTTPTransport)

    def handle_request(self, request):
        """Sends ``request`` with the jar's Cookie header through the wrapped
        transport."""
        _set_header(self.jar, request)
        response = self._transport.handle_request(request)
        response.stream = _CheckedStream(response.stream, self.jar, request)
        return response

    def close(self):
        """Closes the wrapped transport."""
        self._transport.close()


class AsyncHttpxTransport(httpx.AsyncBaseTransport):
    """HttpxTransport for httpx.AsyncClient."""

    def __init__(self, jar, transport=None, *, proxy=None):
        self.jar = jar
        self._transport = _inner(type(self), jar, transport, proxy, httpx.AsyncHTTPTransport)

    async def handle_async_request(self, request):
        """Sends ``request`` with the jar's Cookie header through the wrapped
        transport."""
        _set_header(self.jar, request)
        response = await self._transport.handle_async_request(request)
        response.stream = _AsyncCheckedStream(response.stream, self.jar, request)
        return response

    async def aclose(self):
        """Closes the wrapped transport."""
        await self._transport.aclose()


def _wrap_transports(client, jar, wrapper):
    """Wraps every transport ``client`` routes requests to (its own and one
    per proxy) in ``wrapper``. httpx has no public API for the transports it
    builds from proxies= and the environment; 0.23 to 0.28 keep them in
    _transport and _mounts (None: no proxy, the client's own transport)."""
    if not isinstance(getattr(client, "_mounts", None), dict) or \
            getattr(client, "_transport", None) is None:
        raise RuntimeError(f"httpx {httpx.__version__} keeps its transports where this version "
                           "of cookiejar cannot find them; pass "
                           "transport=cookiejar.HttpxTransport(jar, proxy=...) yourself")

    def wrap(transport):
        if transport is None or (isinstance(transport, wrapper) and transport.jar is jar):
            return transport
        return wrapper(jar, transport)

    client._transport = wrap(client._transport)
    client._mounts = {pattern: wrap(t) for pattern, t in client._mounts.items()}
    return client


def _check_arguments(kwargs):
    if "cookies" in kwargs:
        raise TypeError("httpx_client keeps the client's cookies in its jar: pass jar=, "
                        "not cookies=")


def httpx_client(jar=None, **kwargs):
    """An httpx.Client keeping its cookies in ``jar`` (a new chromium
    HttpCookieJar by default); other arguments go to httpx.Client. Every
    transport the client uses carries the jar's cookies: ``transport=``,
    ``mounts=``, and those httpx makes for ``proxies=`` and, when trust_env
    is true, for HTTP_PROXY, HTTPS_PROXY and ALL_PROXY (NO_PROXY honoured)."""
    _check_arguments(kwargs)
    if jar is None:
        jar = HttpCookieJar()
    return _wrap_transports(httpx.Client(cookies=jar, **kwargs), jar, HttpxTransport)


def httpx_async_client(jar=None, **kwargs):
    """httpx_client for httpx.AsyncClient."""
    _check_arguments(kwargs)
    if jar is None:
        jar = HttpCookieJar()
    return _wrap_transports(httpx.AsyncClient(cookies=jar, **kwargs), jar, AsyncHttpxTransport)
