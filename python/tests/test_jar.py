"""The Pythonic API of Jar: set, header, explain, listing, context, errors
with the engine's reason names, clocks, rules, strings."""

import dataclasses
from email.utils import formatdate

import pytest

import cookiejar


@pytest.fixture
def clock():
    return cookiejar.FakeClock(1700000000)


def test_set_and_header(clock):
    jar = cookiejar.NativeJar(clock=clock)
    jar.set_cookie("https://bank.example/login", "sessionid=abc; Secure; HttpOnly")
    jar.set_cookie("https://bank.example/a/b", "deep=1; Path=/a")
    assert jar.cookie_header("https://bank.example/a/x") == "deep=1; sessionid=abc"
    assert jar.cookie_header("http://bank.example/") == ""
    assert len(jar) == 2


def test_refusals_raise_with_the_engine_reason_names():
    jar = cookiejar.NativeJar()
    with pytest.raises(cookiejar.CookieRejected) as e:
        jar.set_cookie("http://example.com/", "__Host-id=1; Secure; Path=/")
    assert set(e.value.reasons) == {"secure_only", "invalid_prefix"}
    assert isinstance(e.value, ValueError)
    with pytest.raises(cookiejar.CookieRejected) as e:
        jar.set_cookie("https://www.example.com/", "a=1; Domain=com")
    assert e.value.reasons == ("domain_is_public_suffix",)
    with pytest.raises(cookiejar.InvalidUrl):
        jar.set_cookie("ftp://example.com/", "a=1")
    with pytest.raises(cookiejar.InvalidUrl):
        jar.cookie_header("not a url")
    assert len(jar) == 0


def test_store_response_drops_refused_cookies_and_says_why():
    jar = cookiejar.NativeJar()
    results = jar.store_response("http://shop.example/", ["a=1", "b=2; Secure", "c=3"])
    assert results == [(), ("secure_only",), ()]
    assert jar.cookie_header("http://shop.example/") == "a=1; c=3"
    assert jar.store_response("http://shop.example/", ["d=4"], status=103) == []


def test_context_keywords_decide_same_site():
    jar = cookiejar.NativeJar()
    jar.set_cookie("https://site.example/", "strict=1; SameSite=Strict; Secure")
    jar.set_cookie("https://site.example/", "lax=1; SameSite=Lax; Secure")
    jar.set_cookie("https://site.example/", "none=1; SameSite=None; Secure")
    url = "https://site.example/page"
    assert jar.cookie_header(url) == "strict=1; lax=1; none=1"
    # A link from another site: Lax goes on a GET navigation, not on a POST.
    assert jar.cookie_header(url, initiator="https://other.example/") == "lax=1; none=1"
    assert jar.cookie_header(url, initiator="https://other.example/", method="POST") == "none=1"
    # An image embedded in another site's page.
    assert jar.cookie_header(url, top_level_navigation=False,
                             top_level_url="https://other.example/") == ""
    explained = {e.cookie.name: e.reasons for e in jar.explain(
        url, top_level_navigation=False, top_level_url="https://other.example/")}
    assert "samesite_strict" in explained["strict"]
    assert "samesite_lax" in explained["lax"]
    assert "user_preferences" in explained["none"]  # Chromium blocks third-party cookies.
    # A cross-site subresource cannot set a Lax cookie.
    with pytest.raises(cookiejar.CookieRejected) as e:
        jar.set_cookie("https://site.example/", "x=1; SameSite=Lax; Secure",
                       top_level_navigation=False, top_level_url="https://other.example/")
    assert "samesite_lax" in e.value.reasons


def test_frame_ancestors_make_a_request_back_to_the_top_level_site_cross_site():
    # Both browsers: a frame cross-site to the top level makes a request back
    # to the top-level site cross-site and third-party (A -> B-frame -> A;
    # docs/compliance.md).
    jar = cookiejar.NativeJar()
    jar.set_cookie("https://site.example/", "strict=1; SameSite=Strict; Secure")
    jar.set_cookie("https://site.example/", "lax=1; SameSite=Lax; Secure")
    jar.set_cookie("https://site.example/", "none=1; SameSite=None; Secure")
    url = "https://site.example/script.js"
    context = {"top_level_navigation": False, "top_level_url": "https://site.example/"}
    assert jar.cookie_header(url, **context) == "strict=1; lax=1; none=1"
    framed = dict(context, frame_ancestors=["https://other.example/frame"])
    assert jar.cookie_header(url, **framed) == ""
    explained = {e.cookie.name: e.reasons for e in jar.explain(url, site_only=True, **framed)}
    assert set(explained["strict"]) == {"samesite_strict", "user_preferences"}
    assert set(explained["lax"]) == {"samesite_lax", "user_preferences"}
    assert explained["none"] == ("user_preferences",)  # Chromium blocks third-party cookies.
    # A same-site frame changes nothing.
    same = dict(context, frame_ancestors=["https://www.site.example/frame"])
    assert jar.cookie_header(url, **same) == "strict=1; lax=1; none=1"
    # Nor can the framed request set a Lax cookie.
    assert jar.store_response("https://site.example/", ["x=1; SameSite=Lax; Secure"],
                              **framed) == [("samesite_lax", "user_preferences")]
    with pytest.raises(cookiejar.InvalidUrl, match="frame ancestor"):
        jar.cookie_header(url, frame_ancestors=["not a url"], **context)


def test_server_date_corrects_expires_by_the_server_clock(clock):
    # Both browsers move Expires by the difference between their clock and
    # the response's Date (docs/compliance.md): a server an hour behind that
    # says "expires in two hours" means two hours from now.
    now = clock.now()
    server_now = now - 3600
    expires = "Expires=" + formatdate(server_now + 7200, usegmt=True)
    date = formatdate(server_now, usegmt=True)
    jar = cookiejar.NativeJar(clock=clock)
    jar.set_cookie("https://a.example/", "corrected=1; " + expires, server_date=date)
    jar.set_cookie("https://a.example/", "as_written=1; " + expires)
    jar.set_cookie("https://a.example/", "bad_date=1; " + expires, server_date="not a date")
    assert jar.store_response("https://a.example/", ["listed=1; " + expires, "age=1; Max-Age=60"],
                              server_date=date.encode()) == [(), ()]
    assert {c.name: c.expires - now for c in jar.cookies()} == {
        "corrected": 7200, "as_written": 3600, "bad_date": 3600, "listed": 7200, "age": 60}
    with pytest.raises(TypeError):
        jar.cookie_header("https://a.example/", server_date=date)


def test_browsers_disagree_on_nameless_cookies():
    # "=v": Chromium keeps a nameless cookie sent as "v"; Firefox refuses it
    # (recorded: parse-01561). Both refuse "=a=b", which would be sent as the
    # cookie named "a".
    chromium, firefox = cookiejar.NativeJar("chromium"), cookiejar.NativeJar("firefox")
    chromium.set_cookie("https://a.example/", "=v")
    assert chromium.cookie_header("https://a.example/") == "v"
    with pytest.raises(cookiejar.CookieRejected) as e:
        firefox.set_cookie("https://a.example/", "=v")
    assert e.value.reasons == ("empty_name",)
    assert chromium.store_response("https://a.example/", ["=a=b"]) == [("invalid_name_or_value",)]
    assert firefox.store_response("https://a.example/", ["=a=b"]) == [("empty_name",)]
    assert chromium.cookie_header("https://a.example/") == "v" and len(firefox) == 0


def test_explain_lists_sent_cookies_first():
    jar = cookiejar.NativeJar()
    jar.set_cookie("https://a.example/x/", "path=1; Path=/x")
    jar.set_cookie("https://a.example/", "root=1")
    jar.set_cookie("https://b.example/", "other=1")
    explained = jar.explain("https://a.example/")
    assert [(e.cookie.name, e.sent) for e in explained] == [
        ("root", True), ("path", False), ("other", False)]
    reasons = {e.cookie.name: e.reasons for e in explained}
    assert reasons["path"] == ("not_on_path",) and reasons["other"] == ("domain_mismatch",)
    assert [e.cookie.name for e in jar.explain("https://a.example/", site_only=True)] == [
        "root", "path"]


def test_cookies_are_plain_dataclasses(clock):
    jar = cookiejar.NativeJar(clock=clock)
    jar.set_cookie("https://www.example.com/", "id=7; Domain=example.com; Max-Age=60; "
                   "SameSite=Strict; Secure; Priority=High")
    (cookie,) = jar.cookies()
    assert dataclasses.asdict(cookie) == {
        "name": "id", "value": "7", "domain": "example.com", "path": "/", "host_only": False,
        "secure": True, "http_only": False, "same_site": "strict", "priority": "high",
        "expires": 1700000060.0, "creation": 1700000000.0, "last_access": 1700000000.0,
        "source_secure": True, "partition_site": None, "partition_cross_site": False}
    assert list(jar) == [cookie]
    assert jar.cookies_for("https://sub.example.com/") == [cookie]


def test_fake_clock_expires_cookies(clock):
    jar = cookiejar.NativeJar(clock=clock)
    jar.set_cookie("https://a.example/", "short=1; Max-Age=5")
    clock.advance(4.5)
    assert jar.cookie_header("https://a.example/") == "short=1"
    clock.advance(0.5)
    assert jar.cookie_header("https://a.example/") == ""
    assert clock.now() == 1700000005.0


def test_delete_clear_and_end_session():
    jar = cookiejar.NativeJar()
    jar.set_cookie("https://a.example/", "session=1")
    jar.set_cookie("https://a.example/", "kept=1; Max-Age=600")
    assert jar.end_session() == 1
    (kept,) = jar.cookies()
    assert jar.delete(kept) and not jar.delete(kept)
    jar.set_cookie("https://a.example/", "x=1")
    assert jar.clear() == 1 and len(jar) == 0


def test_import_cookie_validates_like_a_set_cookie_line(clock):
    jar = cookiejar.NativeJar(clock=clock)
    good = cookiejar.Cookie("n", "v", "example.com", creation=1699999000, last_access=1699999000)
    jar.import_cookie(good)
    assert jar.cookie_header("http://example.com/") == "n=v"
    with pytest.raises(cookiejar.CookieRejected) as e:
        jar.import_cookie(cookiejar.Cookie("bad name ", "v", "example.com"))
    assert e.value.reasons == ("invalid_name_or_value",)
    with pytest.raises(ValueError):
        jar.import_cookie(dataclasses.replace(good, same_site="sometimes"))


def test_rules_keep_their_limits():
    kept = {}
    for rules in ("chromium", "firefox", "rfc6265-minimum", "unlimited"):
        jar = cookiejar.NativeJar(rules)
        assert jar.rules == rules
        jar.store_response("http://a.example/", [f"c{i}=1" for i in range(200)])
        kept[rules] = len(jar)
    # Chromium purges a site to 150 once it passes 180; Firefox, before
    # adding to a full site, evicts 31 so that 150 remain with the new one.
    # Either way the 181st cookie leaves 150 and the 19 after it make 169.
    # RFC 6265's minimum is 20 a site.
    assert kept["rfc6265-minimum"] == 20 and kept["unlimited"] == 200
    assert kept["chromium"] == 169 and kept["firefox"] == 169
    with pytest.raises(ValueError, match="unknown rules"):
        cookiejar.NativeJar("netscape")


def test_the_old_profile_keyword_still_names_the_rules():
    with pytest.warns(DeprecationWarning, match="rules="):
        jar = cookiejar.NativeJar(profile="rfc6265-minimum")
    assert jar.rules == "rfc6265-minimum"
    with pytest.warns(DeprecationWarning, match="Jar.rules"):
        assert jar.profile == "rfc6265-minimum"
    with pytest.warns(DeprecationWarning, match="rules="):
        compat = cookiejar.HttpCookieJar(profile="firefox")
    assert compat.jar.rules == "firefox"


def test_strings_and_bytes_round_trip():
    jar = cookiejar.NativeJar()
    jar.set_cookie("https://a.example/", "caf\u00e9=cr\u00e8me")
    jar.set_cookie("https://a.example/", b"raw=\xff\xfe")
    assert jar.cookie_header("https://a.example/") == "caf\u00e9=cr\u00e8me; raw=\udcff\udcfe"
    assert jar._header("https://a.example/") == "café=crème; raw=".encode() + b"\xff\xfe"
    with pytest.raises(TypeError):
        jar.set_cookie("https://a.example/", 42)


# Issue 25: seconds from Python saturate. A cast past ~9.2e12 s was undefined:
# far-future expiries were refused as "expired" and FakeClock.advance(1e13)
# went to a negative year.
@pytest.mark.parametrize("expires", [1e17, 9.3e12, 10**14, 10**30, float("inf")])
def test_far_future_expiries_stay_persistent(clock, expires):
    jar = cookiejar.NativeJar(clock=clock)
    jar.import_cookie(cookiejar.Cookie("n", "v", "example.com", expires=expires,
                                       creation=1699999000, last_access=1699999000))
    assert jar.cookie_header("http://example.com/") == "n=v"
    (kept,) = jar.cookies()
    assert kept.expires is not None and kept.expires > 1700000000


def test_nan_seconds_are_refused(clock):
    jar = cookiejar.NativeJar(clock=clock)
    with pytest.raises(ValueError, match="NaN"):
        jar.import_cookie(cookiejar.Cookie("n", "v", "example.com", expires=float("nan")))
    with pytest.raises(ValueError, match="NaN"):
        clock.advance(float("nan"))
    assert clock.now() == 1700000000


def test_stdlib_cookie_with_a_far_future_int_expiry_is_kept():
    import http.cookiejar
    jar = cookiejar.HttpCookieJar()
    jar.set_cookie(http.cookiejar.Cookie(0, "n", "v", None, False, "a.example", False, False, "/",
                                         True, False, 10**14, False, None, None, {}))
    assert [c.name for c in jar] == ["n"]


def test_fake_clock_advance_saturates(clock):
    jar = cookiejar.NativeJar(clock=clock)
    jar.set_cookie("https://a.example/", "hour=1; Max-Age=3600")
    clock.advance(1e13)
    assert clock.now() > 1700000000
    assert jar.cookie_header("https://a.example/") == ""
    clock.advance(float("inf"))
    assert clock.now() > 1700000000
