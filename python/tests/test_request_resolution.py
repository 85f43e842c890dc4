"""The request context keywords: one table of requests resolved as every
other front-end resolves it (tests/data/requests/resolution_cases.json, also
run through C++, the C API and the HAR replay by
tests/request_resolution_test.cc), the keywords of every method that takes a
request, and their errors."""

import inspect
import json
import os
import re

import pytest

import cookiejar

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(REPO, "tests", "data", "requests", "resolution_cases.json"),
          encoding="utf-8") as _file:
    CASES = json.load(_file)["cases"]

CONTEXT = ("top_level_navigation", "top_level_url", "initiator", "frame_ancestors",
           "redirect_chain", "method", "script")
METHODS = ("set_cookie", "store_response", "cookie_header", "cookies_for", "explain", "resolve")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_table_resolves_as_in_every_front_end(case):
    context = {key: case[key] for key in CONTEXT if key in case}
    resolved = cookiejar.NativeJar(case["rules"]).resolve(case["url"], **context)
    expect = case["expect"]
    assert (resolved.same_site, resolved.same_site_for_setting, resolved.third_party,
            resolved.partition_site, resolved.partition_cross_site) == (
        expect["same_site"], expect["same_site_for_setting"], expect["third_party"],
        expect["partition_site"], expect["partition_cross_site"])


def test_a_resolved_request_says_what_the_jar_sees():
    resolved = cookiejar.NativeJar().resolve("HTTPS://WWW.Shop.EXAMPLE/a/./b?q#f",
                                       initiator="https://news.example/")
    assert resolved == cookiejar.ResolvedRequest(
        url="https://www.shop.example/a/b", same_site="lax", same_site_for_setting="lax",
        third_party=False, partition_site="https://shop.example", partition_cross_site=False)


@pytest.mark.parametrize("method", METHODS)
def test_every_method_names_its_context_keywords(method):
    # Explicit keyword-only parameters: what IDEs complete and help() shows.
    parameters = inspect.signature(getattr(cookiejar.NativeJar, method)).parameters
    for name in CONTEXT:
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY, (method, name)
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    doc = getattr(cookiejar.NativeJar, method).__doc__
    assert doc and "keywords" in doc


@pytest.mark.parametrize("method,args", [
    ("set_cookie", ("https://a.example/", "a=1")),
    ("store_response", ("https://a.example/", ["a=1"])),
    ("cookie_header", ("https://a.example/",)),
    ("cookies_for", ("https://a.example/",)),
    ("explain", ("https://a.example/",)),
    ("resolve", ("https://a.example/",)),
])
def test_a_misspelt_keyword_names_the_public_method(method, args):
    with pytest.raises(TypeError) as e:
        getattr(cookiejar.NativeJar(), method)(*args, toplevel_url="https://b.example/")
    assert f"{method}()" in str(e.value)
    assert "toplevel_url" in str(e.value)
    # Not the extension module's private method (pybind11's "_header():
    # incompatible function arguments").
    assert "incompatible function arguments" not in str(e.value)
    assert not re.search(r"(^|[^a-z])_(store|header|explain|cookies_for|resolve)\(", str(e.value))


def test_the_context_decides_what_is_sent_and_set():
    jar = cookiejar.NativeJar()
    url = "https://shop.example/"
    jar.set_cookie(url, "strict=1; SameSite=Strict")
    jar.set_cookie(url, "lax=1; SameSite=Lax")
    jar.set_cookie(url, "http=1; HttpOnly")
    assert jar.cookie_header(url, redirect_chain=["https://sso.example/"]) == "strict=1; lax=1; http=1"
    assert jar.cookie_header(url, script=True) == "strict=1; lax=1"
    assert [c.name for c in jar.cookies_for(url, initiator="https://news.example/")] == [
        "lax", "http"]
    with pytest.raises(cookiejar.CookieRejected) as e:
        jar.set_cookie(url, "http=2", script=True)
    assert e.value.reasons == ("overwrite_http_only",)
    # A response in a cross-site context cannot set a Lax cookie.
    assert jar.store_response(url, ["x=1; SameSite=Lax"], top_level_navigation=False,
                              top_level_url="https://news.example/") == [
        ("samesite_lax", "user_preferences")]
    explained = {e.cookie.name: e.reasons for e in jar.explain(url, method="POST",
                                                                initiator="https://news.example/")}
    assert explained == {"strict": ("samesite_strict",), "lax": ("samesite_lax",), "http": ()}


@pytest.mark.parametrize("context,named", [
    ({"top_level_navigation": False, "top_level_url": "not a url"}, "top-level URL"),
    ({"initiator": "mailto:someone@example.com"}, "initiator"),
    ({"frame_ancestors": ["https://ok.example/", "//x"]}, "frame ancestor 1"),
    ({"redirect_chain": ["https://[::1/"]}, "redirect chain URL 0"),
])
def test_bad_context_urls_raise_invalid_url_naming_them(context, named):
    jar = cookiejar.NativeJar()
    for method, args in (("cookie_header", ()), ("resolve", ()), ("set_cookie", ("a=1",)),
                         ("explain", ())):
        with pytest.raises(cookiejar.InvalidUrl) as e:
            getattr(jar, method)("https://a.example/", *args, **context)
        assert named in str(e.value)
    assert len(jar) == 0


def test_argument_errors_name_the_public_classes(tmp_path):
    """pybind11 writes the extension's class names into its argument errors;
    they must be the names users import (NativeJar), not a private one."""
    jar = cookiejar.NativeJar()
    store = cookiejar.SqliteStore(str(tmp_path / "cookies.db"))
    for call in (lambda: jar.export_cookies_txt(3), lambda: store.attach(5)):
        with pytest.raises(TypeError) as e:
            call()
        assert "cookiejar._cookiejar.NativeJar" in str(e.value)
        assert not re.search(r"\bJar\b", str(e.value))


def test_context_values_of_the_wrong_type_raise_type_error():
    jar = cookiejar.NativeJar()
    with pytest.raises(TypeError):
        jar.cookie_header("https://a.example/", frame_ancestors=[1])
    with pytest.raises(TypeError):
        jar.cookie_header("https://a.example/", method=None)
