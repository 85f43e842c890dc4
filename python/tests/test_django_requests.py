"""The seed flows of the real Django site (tests/django_site) through
requests.Session with the jar, as tests/django_e2e_test.cc runs them through
libcurl: what a browser would see. Expiry moves the jar's clock instead of
sleeping: the server never looks at expiry, the client does."""

import re
import time

import pytest
import requests

import cookiejar


@pytest.fixture
def clock():
    return cookiejar.FakeClock(time.time())


@pytest.fixture
def site(django, resolve_test_names):
    return f"http://www.django.test:{django}"


def make_session(clock, rules="chromium"):
    session = cookiejar.requests_session(cookiejar.HttpCookieJar(rules, clock=clock))
    session.trust_env = False  # No proxy from the environment: 127.0.0.1 only.
    return session


def login(session, site, path, user, pwd, with_token=True):
    form = session.get(site + path).text
    data = {"user": user, "pwd": pwd}
    if with_token:
        data["csrfmiddlewaretoken"] = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    return session.post(site + path, data=data)


def names(session):
    return {c.name for c in session.cookies.jar.cookies()}


def test_login_through_the_csrf_check_sets_the_cookies_and_redirects(clock, site):
    session = make_session(clock)
    response = login(session, site, "/login/", "zaizai", "123")
    assert [r.status_code for r in response.history] == [302]
    assert response.status_code == 200
    assert "welcome zaizai" in response.text
    assert names(session) == {"csrftoken", "is_login", "username", "login_time"}
    # login_time has a space: Django quotes it; the jar keeps the quotes, and
    # Django reads back what it wrote.
    login_time = session.cookies.get("login_time")
    assert login_time.startswith('"') and login_time.strip('"') in response.text
    assert not [c for c in session.cookies.jar.cookies() if c.name == "login_time"][0].persistent


def test_post_without_the_csrf_token_is_forbidden(clock, site):
    session = make_session(clock)
    assert login(session, site, "/login/", "zaizai", "123", with_token=False).status_code == 403


def test_wrong_password_shows_the_form_again(clock, site):
    session = make_session(clock)
    response = login(session, site, "/login/", "zaizai", "wrong")
    assert "wrong user or password" in response.text
    assert "is_login" not in names(session)


def test_the_five_second_cookie_works_at_four_seconds_and_is_gone_after_five(clock, site):
    session = make_session(clock)
    login(session, site, "/login/", "zaizai", "123")
    clock.advance(4)
    at4 = session.get(site + "/index/")
    assert not at4.history and "welcome zaizai" in at4.text
    clock.advance(2)
    at6 = session.get(site + "/index/")
    assert at6.history[0].status_code == 302
    assert at6.url.endswith("/login/")
    assert "is_login" not in at6.history[0].request.headers.get("Cookie", "")


def test_logout_deletes_the_login_cookies_with_an_expired_cookie(clock, site):
    session = make_session(clock)
    login(session, site, "/login/", "zaizai", "123")
    response = session.get(site + "/logout/")
    # Django's delete_cookie: name=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0
    assert "Max-Age=0" in response.history[0].headers["Set-Cookie"]
    assert names(session) == {"csrftoken"}
    assert session.get(site + "/index/").url.endswith("/login/")


def test_session_survives_requests_and_a_second_login_replaces_sessionid(clock, site):
    session = make_session(clock)
    assert "welcome2 zaizai" in login(session, site, "/login2/", "zaizai", "123").text
    (first,) = [c for c in session.cookies.jar.cookies() if c.name == "sessionid"]
    assert first.http_only and first.same_site == "lax"
    for _ in range(3):
        assert "welcome2 zaizai" in session.get(site + "/index2/").text
    login(session, site, "/login2/", "xiaoming", "456")
    sessions = [c for c in session.cookies.jar.cookies() if c.name == "sessionid"]
    assert len(sessions) == 1 and sessions[0].value != first.value
    assert "welcome2 xiaoming" in session.get(site + "/index2/").text
    session.get(site + "/logout2/")
    assert session.get(site + "/index2/").url.endswith("/login2/")


def test_two_jars_never_see_each_others_cookies(clock, site):
    chrome, firefox = make_session(clock), make_session(clock, "firefox")
    login(chrome, site, "/login2/", "zaizai", "123")
    login(firefox, site, "/login2/", "xiaoming", "456")
    assert "welcome2 zaizai" in chrome.get(site + "/index2/").text
    assert "welcome2 xiaoming" in firefox.get(site + "/index2/").text
    assert not set(chrome.cookies.values()) & set(firefox.cookies.values())


def test_last_visit_is_shown_on_the_next_visit(clock, site):
    session = make_session(clock)
    assert "last visit: never" in session.get(site + "/last-visit/").text
    stored = session.cookies["last_visit"]
    assert f"last visit: {stored}" in session.get(site + "/last-visit/").text


def test_recently_viewed_products(clock, site):
    session = make_session(clock)
    session.get(site + "/product/1/")
    session.get(site + "/product/7/")
    assert "recently viewed: 3,7,1" in session.get(site + "/product/3/").text
    assert "recently viewed: 7,3,1" in session.get(site + "/product/7/").text


def test_signed_cookie_reads_back_and_rejects_tampering(clock, site):
    session = make_session(clock)
    session.get(site + "/signed/set/")
    assert "token: secret-value" in session.get(site + "/signed/get/").text
    session.cookies.jar.set_cookie(site + "/", "token=secret-value:forged; Path=/")
    assert "token: None" in session.get(site + "/signed/get/").text
