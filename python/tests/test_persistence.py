"""cookies.txt and the SQLite store from Python: round trips, owner-only
files, refusals that write nothing, locks between writers."""

import http.cookiejar
import os
import stat
import subprocess
import sys

import pytest

import cookiejar


def filled_jar():
    jar = cookiejar.NativeJar()
    jar.set_cookie("https://www.example.com/", "id=42; Domain=example.com; Max-Age=86400")
    jar.set_cookie("https://shop.example/cart", "cart=7,9; Path=/cart; Secure; HttpOnly")
    jar.set_cookie("https://shop.example/", "session=abc")
    return jar


def test_cookies_txt_round_trip_is_owner_only_and_mozilla_reads_it(tmp_path):
    path = str(tmp_path / "cookies.txt")
    filled_jar().export_cookies_txt(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = cookiejar.NativeJar()
    report = again.import_cookies_txt(path)
    assert report == {"imported": 3, "expired": 0, "errors": []}
    assert again.cookie_header("https://shop.example/cart") == "cart=7,9; session=abc"
    assert again.cookie_header("https://www.example.com/") == "id=42"
    # Python's own reader of the format agrees on the persistent cookie.
    mozilla = http.cookiejar.MozillaCookieJar(path)
    mozilla.load(ignore_discard=True)
    assert {c.name for c in mozilla} >= {"id"}


def test_cookies_txt_export_refuses_what_the_format_cannot_hold(tmp_path):
    jar = cookiejar.NativeJar()
    jar.set_cookie("https://a.example/", "s=1; SameSite=Strict; Secure")
    path = tmp_path / "cookies.txt"
    with pytest.raises(cookiejar.StoreError) as e:
        jar.export_cookies_txt(str(path))
    assert e.value.code == "failed_precondition" and "SameSite=Strict" in str(e.value)
    assert not path.exists()
    jar.export_cookies_txt(str(path), lossy=True)
    assert "\ts\t1" in path.read_text()


def test_cookies_txt_export_never_replaces_another_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not cookies at all\n")
    with pytest.raises(cookiejar.StoreError) as e:
        filled_jar().export_cookies_txt(str(path))
    assert e.value.code == "failed_precondition"
    assert path.read_text() == "not cookies at all\n"


def test_cookies_txt_import_reports_bad_lines():
    jar = cookiejar.NativeJar()
    report = jar.import_cookies_txt_text(
        "# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tFALSE\t0\ta\t1\nbroken line\n")
    assert report["imported"] == 1 and len(report["errors"]) == 1
    with pytest.raises(cookiejar.StoreError) as e:
        jar.import_cookies_txt("/nonexistent/cookies.txt")
    assert e.value.code == "not_found"


def test_cookies_txt_file_locks_writers(tmp_path):
    path = str(tmp_path / "jar.txt")
    writer = cookiejar.CookiesTxtFile(path)
    jar = cookiejar.NativeJar()
    writer.load(jar)
    jar.set_cookie("https://a.example/", "a=1; Max-Age=600")
    with pytest.raises(cookiejar.StoreError) as e:
        cookiejar.CookiesTxtFile(path)
    assert e.value.code == "unavailable"
    writer.save(jar)
    writer.close()
    reader = cookiejar.CookiesTxtFile(path, read_only=True)
    loaded = cookiejar.NativeJar()
    assert reader.load(loaded)["imported"] == 1
    with pytest.raises(cookiejar.StoreError):
        reader.save(loaded)


@pytest.mark.skipif(not cookiejar.HAS_SQLITE, reason="built without the SQLite store")
def test_sqlite_store_keeps_profiles_apart_across_restarts(tmp_path):
    path = str(tmp_path / "cookies.db")
    store = cookiejar.SqliteStore(path, persist_session_cookies=True)
    chrome, firefox = cookiejar.NativeJar(), cookiejar.NativeJar("firefox")
    # The store writes what changes after attach (and loads what it has).
    assert store.attach(chrome, "chrome")["loaded"] == 0
    store.attach(firefox, "firefox")
    firefox.set_cookie("https://a.example/", "ff=1; Max-Age=600")
    for cookie in filled_jar().cookies():
        chrome.import_cookie(cookie)
    chrome.set_cookie("https://a.example/", "later=1; Max-Age=600")
    store.flush()
    assert store.profiles() == ["chrome", "firefox"]
    with pytest.raises(cookiejar.StoreError) as e:
        cookiejar.SqliteStore(path)
    assert e.value.code == "unavailable"
    store.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

    reopened = cookiejar.SqliteStore(path, read_only=True)
    again = cookiejar.NativeJar()
    report = reopened.attach(again, "chrome")
    assert report["loaded"] == 4 and report["refused"] == []
    assert again.cookie_header("https://shop.example/cart") == "cart=7,9; session=abc"
    assert again.cookie_header("https://a.example/") == "later=1"
    reopened.close()
    with pytest.raises(cookiejar.StoreError):
        reopened.flush()


@pytest.mark.skipif(not cookiejar.HAS_SQLITE, reason="built without the SQLite store")
def test_sqlite_store_attach_saves_what_the_jar_already_holds(tmp_path):
    # Every store's attach: the profile's cookies load, and the jar's own
    # cookies that the profile lacks are written to it (a reload finds them).
    path = str(tmp_path / "cookies.db")
    jar = filled_jar()
    held = jar.cookie_header("https://shop.example/cart")
    store = cookiejar.SqliteStore(path, persist_session_cookies=True)
    assert store.profiles() == []
    report = store.attach(jar, "chrome")
    assert report["loaded"] == 0 and report["uploaded"] == 3
    store.close()

    reopened = cookiejar.SqliteStore(path, read_only=True)
    assert reopened.profiles() == ["chrome"]
    again = cookiejar.NativeJar()
    assert reopened.attach(again, "chrome")["loaded"] == 3
    assert again.cookie_header("https://shop.example/cart") == held
    reopened.close()


@pytest.mark.skipif(not cookiejar.HAS_SQLITE, reason="built without the SQLite store")
def test_sqlite_store_refuses_a_file_that_is_not_a_store(tmp_path):
    path = tmp_path / "data.db"
    path.write_bytes(b"just some bytes, not SQLite")
    with pytest.raises(cookiejar.StoreError) as e:
        cookiejar.SqliteStore(str(path))
    assert e.value.code == "failed_precondition"
    assert path.read_bytes() == b"just some bytes, not SQLite"


def test_a_fifo_is_refused_not_waited_for(tmp_path):
    # Issue 25: the loaders opened a FIFO with a blocking open and waited for
    # a writer for ever. In a child process with a deadline, so that a
    # regression fails instead of hanging the suite.
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    script = (
        "import sys, cookiejar\n"
        "for load in (lambda: cookiejar.NativeJar().import_cookies_txt(sys.argv[1]),\n"
        "             lambda: cookiejar.CookiesTxtFile(sys.argv[1], read_only=True),\n"
        "             lambda: cookiejar.CookiesTxtFile(sys.argv[1])):\n"
        "    try:\n"
        "        load()\n"
        "    except cookiejar.StoreError as e:\n"
        "        assert 'FIFO' in str(e), e\n"
        "    else:\n"
        "        raise SystemExit('a FIFO was read')\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    result = subprocess.run([sys.executable, "-c", script, str(fifo)], capture_output=True,
                            text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
