"""The jar inside requests, httpx and urllib against tests/http_test_server.py:
a redirect chain across two sites with Set-Cookie on every hop, checked
against the Cookie header the server logged on each hop; and requests'
RequestsCookieJar calls, which either work or fail clearly."""

import asyncio
import email.utils
import re
import time
import urllib.parse
import urllib.request

import httpx
import pytest
import requests
import requests.cookies
import requests.utils

import cookiejar


def chain(server):
    """Four hops: www.a.test -> b.test -> www.a.test -> www.a.test/page."""
    def hop(host, path, status=None, to=None, sets=()):
        query = ([("status", str(status)), ("to", to)] if to else []) + [("set", s) for s in sets]
        return server.url(host, path) + "?" + urllib.parse.urlencode(query)

    last = hop("www.a.test", "/page", sets=["four=4; Path=/"])
    third = hop("www.a.test", "/r", 307, last, ["three=3; Domain=a.test; Path=/"])
    second = hop("b.test", "/r", 302, third, ["two=2; Path=/"])
    # __Host- needs Secure: a browser refuses it; http.cookiejar keeps it.
    return hop("www.a.test", "/r", 302, second, ["one=1; Path=/", "__Host-bad=1; Path=/"])


EXPECTED = [None, None, "one=1", "one=1; three=3"]


@pytest.fixture
def server(http_server, resolve_test_names):
    http_server.reset()
    return http_server


def sent(server):
    return [entry["cookie"] for entry in server.log()]


def session_with(jar):
    session = cookiejar.requests_session(jar)
    session.trust_env = False
    return session


def test_requests_sends_the_jar_header_on_every_hop_and_stores_every_hop(server):
    jar = cookiejar.HttpCookieJar()
    response = session_with(jar).get(chain(server))
    assert response.status_code == 200 and len(response.history) == 3
    assert sent(server) == EXPECTED
    assert sorted(c.name for c in jar.jar.cookies()) == ["four", "one", "three", "two"]
    (refused,) = jar.jar.store_response("http://www.a.test/", ["__Host-bad=1; Path=/"])
    assert refused == ("invalid_prefix",)


def test_requests_own_jar_sends_what_a_browser_refused(server):
    # The same chain with requests' default jar: http.cookiejar's choices.
    session = requests.Session()
    session.trust_env = False
    session.get(chain(server))
    assert "__Host-bad=1" in sent(server)[3]


def test_requests_per_request_cookies_follow_the_jar_cookies(server):
    session_with(cookiejar.HttpCookieJar()).get(chain(server), cookies={"extra": "x"})
    assert sent(server) == ["extra=x", "extra=x", "one=1; extra=x", "one=1; three=3; extra=x"]


def test_a_cookie_header_set_by_hand_is_sent_as_it_is(server):
    jar = cookiejar.HttpCookieJar()
    jar.jar.set_cookie(server.url("www.a.test", "/"), "jar=1")
    session_with(jar).get(server.url("www.a.test", "/page"), headers={"Cookie": "mine=1"})
    assert sent(server) == ["mine=1"]


def test_a_jar_without_the_adapter_fails_clearly(server):
    session = requests.Session()
    session.trust_env = False
    session.cookies = cookiejar.HttpCookieJar()
    with pytest.raises(cookiejar.Unsupported, match="requests_session"):
        session.get(server.url("www.a.test", "/page"))


def test_requests_cookie_helpers_work_or_fail_clearly(server):
    jar = cookiejar.HttpCookieJar()
    session = session_with(jar)
    session.get(chain(server))
    assert requests.utils.dict_from_cookiejar(jar) == {"one": "1", "two": "2", "three": "3",
                                                        "four": "4"}
    assert session.cookies.get_dict(domain="b.test") == {"two": "2"}
    assert session.cookies.get("three") == "3" and session.cookies["four"] == "4"
    assert "two" in session.cookies and "nope" not in session.cookies
    assert set(session.cookies.list_domains()) == {"www.a.test", "b.test", ".a.test"}
    assert session.cookies.multiple_domains()

    session.cookies.set("given", "g", domain="www.a.test", path="/")
    server.reset()
    session.get(server.url("www.a.test", "/page"))
    assert sent(server) == ["one=1; three=3; four=4; given=g"]
    session.cookies.set("given", None)
    del session.cookies["four"]
    assert "given" not in session.cookies and "four" not in session.cookies

    # A cookie without a domain would go to every site: refused, loudly.
    with pytest.raises(cookiejar.Unsupported, match="no domain"):
        requests.cookies.cookiejar_from_dict({"a": "1"}, session.cookies)
    with pytest.raises(cookiejar.Unsupported):
        session.cookies["a"] = "1"
    # requests merges only into its own kind of jar, and says so.
    with pytest.raises(ValueError, match="only merge into CookieJar"):
        requests.cookies.merge_cookies(session.cookies, {"a": "1"})
    # Per-request cookies= must be a dict or an http.cookiejar jar.
    with pytest.raises(TypeError, match="requests_session"):
        requests.get(server.url("www.a.test", "/page"), cookies=session.cookies)


def test_clients_hand_the_response_date_to_the_jar(server):
    # The server's Date is the real time; the jar's clock is years away.
    # A cookie that expires in two hours by the server's clock expires two
    # hours after the jar's now (as in browsers), not capped 400 days later.
    fake_now = 1700000000
    line = "d=1; Path=/; Expires=" + email.utils.formatdate(time.time() + 7200, usegmt=True)
    url = server.url("www.a.test", "/page?" + urllib.parse.urlencode({"set": line}))
    requests_jar = cookiejar.HttpCookieJar(clock=cookiejar.FakeClock(fake_now))
    session_with(requests_jar).get(url)
    httpx_jar = cookiejar.HttpCookieJar(clock=cookiejar.FakeClock(fake_now))
    with cookiejar.httpx_client(httpx_jar, trust_env=False) as client:
        client.get(url)
    for jar in (requests_jar, httpx_jar):
        (cookie,) = jar.jar.cookies()
        assert abs(cookie.expires - (fake_now + 7200)) <= 5


def test_httpx_sends_the_jar_header_on_every_hop_and_stores_every_hop(server):
    jar = cookiejar.HttpCookieJar()
    with httpx.Client(cookies=jar, transport=cookiejar.HttpxTransport(jar),
                      follow_redirects=True, trust_env=False) as client:
        response = client.get(chain(server))
    assert response.status_code == 200 and len(response.history) == 3
    assert sent(server) == EXPECTED
    assert sorted(c.name for c in jar.jar.cookies()) == ["four", "one", "three", "two"]
    assert client.cookies.get("two") == "2"


def test_httpx_async_client(server):
    jar = cookiejar.HttpCookieJar()

    async def fetch():
        async with httpx.AsyncClient(cookies=jar, transport=cookiejar.AsyncHttpxTransport(jar),
                                     follow_redirects=True, trust_env=False) as client:
            return await client.get(chain(server))

    assert asyncio.run(fetch()).status_code == 200
    assert sent(server) == EXPECTED


def test_httpx_without_the_transport_fails_clearly(server):
    with httpx.Client(cookies=cookiejar.HttpCookieJar(), trust_env=False) as client:
        with pytest.raises(cookiejar.Unsupported, match="HttpxTransport"):
            client.get(server.url("www.a.test", "/page"))


def test_urllib_cookie_processor(server):
    jar = cookiejar.HttpCookieJar()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPCookieProcessor(jar))
    with opener.open(chain(server), timeout=10) as response:
        assert response.status == 200
    assert sent(server) == EXPECTED


def test_httpx_django_login(django, resolve_test_names):
    site = f"http://www.django.test:{django}"
    with cookiejar.httpx_client(follow_redirects=True, trust_env=False) as client:
        form = client.get(site + "/login2/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        response = client.post(site + "/login2/",
                               data={"user": "zaizai", "pwd": "123", "csrfmiddlewaretoken": token})
        assert "welcome2 zaizai" in response.text
        assert "welcome2 zaizai" in client.get(site + "/index2/").text
