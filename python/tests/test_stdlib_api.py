"""CookieJar against the http.cookiejar.CookieJar interface: what works the
same, and what raises because a browser-grade jar cannot honour it."""

import email.message
import email.utils
import http.cookiejar
import urllib.request

import pytest

import cookiejar


def response_with(*set_cookies, date=None):
    headers = email.message.Message()
    if date is not None:
        headers["Date"] = date
    for value in set_cookies:
        headers["Set-Cookie"] = value

    class Response:
        def info(self):
            return headers
    return Response()


def test_extract_and_add_with_urllib_requests():
    jar = cookiejar.HttpCookieJar()
    request = urllib.request.Request("https://www.example.com/a")
    jar.extract_cookies(response_with("a=1; Path=/", "b=2; Secure", "c=3; Domain=com"), request)
    assert len(jar) == 2
    follow = urllib.request.Request("https://www.example.com/x")
    jar.add_cookie_header(follow)
    assert follow.get_header("Cookie") == "a=1; b=2"
    plain = urllib.request.Request("http://www.example.com/x")
    jar.add_cookie_header(plain)
    assert plain.get_header("Cookie") == "a=1"
    preset = urllib.request.Request("https://www.example.com/", headers={"Cookie": "mine=1"})
    jar.add_cookie_header(preset)
    assert preset.get_header("Cookie") == "mine=1"


def test_extract_cookies_corrects_expires_by_the_response_date():
    now = 1700000000
    jar = cookiejar.HttpCookieJar(clock=cookiejar.FakeClock(now))
    # The server's clock is a day behind; its cookie lasts an hour by it.
    server_now = now - 86400
    expires = "a=1; Expires=" + email.utils.formatdate(server_now + 3600, usegmt=True)
    jar.extract_cookies(response_with(expires, date=email.utils.formatdate(server_now,
                                                                            usegmt=True)),
                        urllib.request.Request("https://www.example.com/"))
    (cookie,) = jar.jar.cookies()
    assert cookie.expires == now + 3600


def test_iteration_gives_standard_cookies():
    jar = cookiejar.HttpCookieJar()
    jar.jar.set_cookie("https://www.example.com/", "d=1; Domain=example.com; HttpOnly; "
                       "SameSite=Lax; Max-Age=60")
    jar.jar.set_cookie("https://www.example.com/", "h=2")
    d, h = list(jar)
    assert isinstance(d, http.cookiejar.Cookie)
    assert (d.domain, d.domain_specified, d.has_nonstandard_attr("HttpOnly"),
            d.get_nonstandard_attr("SameSite"), d.discard) == (
                ".example.com", True, True, "Lax", False)
    assert (h.domain, h.domain_specified, h.expires, h.discard) == (
        "www.example.com", False, None, True)


def test_set_cookie_takes_standard_cookies_and_clear_takes_their_domains():
    jar = cookiejar.HttpCookieJar()
    source = http.cookiejar.CookieJar()
    source.extract_cookies(response_with("x=1; Domain=example.com", "y=2"),
                           urllib.request.Request("http://www.example.com/"))
    for cookie in source:
        jar.set_cookie(cookie)
    request = urllib.request.Request("http://www.example.com/")
    jar.add_cookie_header(request)
    assert sorted(request.get_header("Cookie").split("; ")) == ["x=1", "y=2"]
    jar.clear(".example.com")
    assert [c.name for c in jar] == ["y"]
    with pytest.raises(KeyError):
        jar.clear("www.example.com", "/", "nope")
    jar.clear("www.example.com", "/", "y")
    assert len(jar) == 0


def test_session_cookies_clear_and_copy():
    jar = cookiejar.HttpCookieJar(clock=cookiejar.FakeClock(1700000000))
    jar.jar.set_cookie("https://a.example/", "s=1")
    jar.jar.set_cookie("https://a.example/", "p=1; Max-Age=60")
    copy = jar.copy()
    jar.clear_session_cookies()
    assert [c.name for c in jar] == ["p"]
    assert sorted(c.name for c in copy) == ["p", "s"]


def test_what_the_engine_cannot_honour_raises():
    with pytest.raises(cookiejar.Unsupported):
        cookiejar.HttpCookieJar(policy=http.cookiejar.DefaultCookiePolicy(rfc2965=True))
    jar = cookiejar.HttpCookieJar()
    with pytest.raises(cookiejar.Unsupported):
        jar.set_policy(http.cookiejar.DefaultCookiePolicy(blocked_domains=["x.example"]))
    request = urllib.request.Request("http://a.example/")
    with pytest.raises(cookiejar.Unsupported):
        jar.make_cookies(response_with("a=1"), request)
    rfc2965 = http.cookiejar.Cookie(1, "v1", "x", "80", True, "a.example", False, False, "/",
                                    True, False, None, False, None, None, {})
    with pytest.raises(cookiejar.Unsupported, match="RFC 2965"):
        jar.set_cookie(rfc2965)
    with pytest.raises(cookiejar.Unsupported):
        jar.set_cookie_if_ok(rfc2965, request)
    # A cookie the Set-Cookie checks refuse is refused here too.
    bad = http.cookiejar.Cookie(0, "__Host-x", "1", None, False, "a.example", False, False, "/",
                                True, False, None, False, None, None, {})
    with pytest.raises(cookiejar.CookieRejected) as e:
        jar.set_cookie(bad)
    assert e.value.reasons == ("invalid_prefix",)


def test_set_cookie2_headers_are_ignored_as_browsers_ignore_them():
    jar = cookiejar.HttpCookieJar()
    headers = email.message.Message()
    headers["Set-Cookie2"] = 'a="1"; Version="1"'

    class Response:
        def info(self):
            return headers
    jar.extract_cookies(Response(), urllib.request.Request("http://a.example/"))
    assert len(jar) == 0
