"""requests and httpx (sync and async) through a real forward proxy
(tinyproxy, started on 127.0.0.1), given as an argument and as HTTP_PROXY in
the environment: the proxy's log shows it carried every hop, and the test
server's log shows the jar's cookies on every hop. And an HttpxTransport
whose client keeps its cookies elsewhere fails clearly."""

import asyncio
import urllib.parse

import httpx
import pytest

import cookiejar


@pytest.fixture
def server(http10_server):
    http10_server.reset()
    return http10_server


@pytest.fixture
def env(no_proxy_environment):
    """The environment, without the machine's proxy variables."""
    return no_proxy_environment


def chain(server):
    """Three hops across two sites (the proxy resolves the names itself, so
    they are real ones): 127.0.0.1 -> localhost -> 127.0.0.1/page."""
    def hop(host, path, to=None, sets=()):
        query = ([("status", "302"), ("to", to)] if to else []) + [("set", s) for s in sets]
        return server.url(host, path) + "?" + urllib.parse.urlencode(query)

    last = hop("127.0.0.1", "/page", sets=["three=3; Path=/"])
    second = hop("localhost", "/r", last, ["two=2; Path=/"])
    return hop("127.0.0.1", "/r", second, ["one=1; Path=/"])


HOPS = [("127.0.0.1", "/r"), ("localhost", "/r"), ("127.0.0.1", "/page")]
SENT = [None, None, "one=1"]


class Carried:
    """What the proxy carries from now on."""

    def __init__(self, proxy):
        self.proxy = proxy
        self.before = len(proxy.requests())

    def hops(self):
        lines = self.proxy.requests()[self.before:]
        return [(urllib.parse.urlsplit(line.split()[1]).hostname,
                 urllib.parse.urlsplit(line.split()[1]).path) for line in lines]


def through(server, tinyproxy, send):
    """Runs ``send(jar)`` (the chain's final status) with a new jar, then
    checks that the proxy carried every hop and that each had the jar's
    cookies."""
    server.reset()
    jar = cookiejar.HttpCookieJar()
    carried = Carried(tinyproxy)
    assert send(jar) == 200
    assert carried.hops() == HOPS
    assert [entry["cookie"] for entry in server.log()] == SENT
    assert sorted(c.name for c in jar.jar.cookies()) == ["one", "three", "two"]


def sync_get(server, **kwargs):
    def send(jar):
        with cookiejar.httpx_client(jar, follow_redirects=True, **kwargs) as client:
            return client.get(chain(server)).status_code
    return send


def async_get(server, make_client):
    async def fetch(jar):
        async with make_client(jar) as client:
            return (await client.get(chain(server))).status_code
    return lambda jar: asyncio.run(fetch(jar))


def test_httpx_client_through_the_proxies_argument(server, tinyproxy, env):
    through(server, tinyproxy, sync_get(server, proxies=tinyproxy.url, trust_env=False))


def test_httpx_client_through_http_proxy_in_the_environment(server, tinyproxy, env):
    # httpx honours HTTP_PROXY only when it makes the transports itself:
    # with transport=HttpxTransport(jar) it would go straight to the server.
    env.setenv("HTTP_PROXY", tinyproxy.url)
    through(server, tinyproxy, sync_get(server))


def test_httpx_no_proxy_goes_straight_to_the_server(server, tinyproxy, env):
    env.setenv("HTTP_PROXY", tinyproxy.url)
    env.setenv("NO_PROXY", "localhost")
    jar = cookiejar.HttpCookieJar()
    carried = Carried(tinyproxy)
    assert sync_get(server)(jar) == 200
    assert carried.hops() == [HOPS[0], HOPS[2]]
    assert [entry["cookie"] for entry in server.log()] == SENT


def test_httpx_async_client_through_the_proxies_argument_and_the_environment(
        server, tinyproxy, env):
    through(server, tinyproxy, async_get(server, lambda jar: cookiejar.httpx_async_client(
        jar, proxies=tinyproxy.url, follow_redirects=True, trust_env=False)))
    env.setenv("HTTP_PROXY", tinyproxy.url)
    through(server, tinyproxy, async_get(server, lambda jar: cookiejar.httpx_async_client(
        jar, follow_redirects=True)))


def test_a_transport_through_one_proxy(server, tinyproxy, env):
    def send(jar):
        with httpx.Client(cookies=jar, transport=cookiejar.HttpxTransport(jar, proxy=tinyproxy.url),
                          follow_redirects=True, trust_env=False) as client:
            return client.get(chain(server)).status_code

    through(server, tinyproxy, send)
    through(server, tinyproxy, async_get(server, lambda jar: httpx.AsyncClient(
        cookies=jar, transport=cookiejar.AsyncHttpxTransport(jar, proxy=httpx.Proxy(tinyproxy.url)),
        follow_redirects=True, trust_env=False)))


def test_httpx_proxy_mounts_made_by_httpx_fail_clearly(server, tinyproxy, env):
    # httpx.Client(proxies=...) sends through transports of its own, which
    # never see the jar: the jar says so and how to fix it.
    jar = cookiejar.HttpCookieJar()
    with httpx.Client(cookies=jar, transport=cookiejar.HttpxTransport(jar),
                      proxies=tinyproxy.url, trust_env=False) as client:
        with pytest.raises(cookiejar.Unsupported, match=r"httpx_client\(jar, proxies="):
            client.get(server.url("127.0.0.1", "/page"))


def test_https_through_the_proxys_tunnel(https10_server, tinyproxy, env):
    # HTTPS_PROXY: each hop goes through a CONNECT tunnel; the jar sees the
    # https URL and its Secure cookies go on every hop.
    server = https10_server
    env.setenv("HTTPS_PROXY", tinyproxy.url)
    start = server.url("127.0.0.1", "/r?" + urllib.parse.urlencode(
        [("status", "302"), ("to", server.url("localhost", "/page")),
         ("set", "s=1; Secure; SameSite=None; Path=/")]))

    def tunnels():
        return [line for line in tinyproxy.requests() if line.startswith("CONNECT ")]

    def send_twice(send):
        server.reset()
        jar = cookiejar.HttpCookieJar()
        before = len(tunnels())
        assert send(jar, start) == 200 and send(jar, server.url("127.0.0.1", "/page")) == 200
        assert [line.split()[1] for line in tunnels()[before:]] == [
            f"127.0.0.1:{server.port}", f"localhost:{server.port}", f"127.0.0.1:{server.port}"]
        assert [entry["cookie"] for entry in server.log()] == [None, None, "s=1"]

    def httpx_send(jar, url):
        with cookiejar.httpx_client(jar, verify=server.ca, follow_redirects=True) as client:
            return client.get(url).status_code

    def async_send(jar, url):
        async def fetch():
            async with cookiejar.httpx_async_client(jar, verify=server.ca,
                                                    follow_redirects=True) as client:
                return (await client.get(url)).status_code
        return asyncio.run(fetch())

    def requests_send(jar, url):
        return cookiejar.requests_session(jar).get(url, verify=server.ca).status_code

    for send in (httpx_send, async_send, requests_send):
        send_twice(send)


def test_requests_through_the_proxies_argument_and_the_environment(server, tinyproxy, env):
    def send(jar):
        session = cookiejar.requests_session(jar)
        session.trust_env = False
        return session.get(chain(server), proxies={"http": tinyproxy.url}).status_code

    through(server, tinyproxy, send)
    env.setenv("HTTP_PROXY", tinyproxy.url)
    through(server, tinyproxy,
            lambda jar: cookiejar.requests_session(jar).get(chain(server)).status_code)


def test_httpx_transport_without_the_jar_as_the_client_cookies_fails_clearly(server, env):
    # Without cookies=jar httpx gives every response to cookies of its own:
    # the jar would send its cookies and never store one.
    url = server.url("127.0.0.1", "/page?set=a%3D1")
    jar = cookiejar.HttpCookieJar()
    with httpx.Client(transport=cookiejar.HttpxTransport(jar), trust_env=False) as client:
        with pytest.raises(cookiejar.Unsupported, match="cookies=jar"):
            client.get(url)
    other = cookiejar.HttpCookieJar()
    with httpx.Client(cookies=other, transport=cookiejar.HttpxTransport(jar),
                      trust_env=False) as client:
        with pytest.raises(cookiejar.Unsupported, match="cookies=jar"):
            client.get(url)

    async def fetch():
        async with httpx.AsyncClient(transport=cookiejar.AsyncHttpxTransport(jar),
                                     trust_env=False) as client:
            await client.get(url)

    with pytest.raises(cookiejar.Unsupported, match="cookies=jar"):
        asyncio.run(fetch())
    assert jar.jar.cookies() == []


def test_httpx_client_refuses_cookies_argument():
    with pytest.raises(TypeError, match="jar="):
        cookiejar.httpx_client(cookiejar.HttpCookieJar(), cookies={"a": "1"})
