"""The cookies people already have, from Python: every cookies.txt dialect of
tests/data/cookies_txt (compared with what Python's own MozillaCookieJar reads
from the same file), browser databases found by profile, storageState in and
out."""

import datetime
import http.cookiejar
import json
import os
import shutil
import time

import pytest

import cookiejar

from conftest import REPO

CORPUS = os.path.join(REPO, "tests", "data", "cookies_txt")
STORES = os.path.join(REPO, "tests", "data", "browser_stores")
# Shortly after the corpus was recorded (tests/data/cookies_txt/provenance.json).
RECORDED = 1796625900


def pairs(header):
    return set(header.split("; ")) if header else set()


@pytest.mark.parametrize("name", ["python_mozilla.txt", "python_mozilla_bom_crlf.txt",
                                  "curl.txt", "wget.txt", "yt_dlp.txt", "browser_extension.txt"])
def test_every_dialect_reads_as_the_stdlib_reads_it(name):
    path = os.path.join(CORPUS, name)
    jar = cookiejar.NativeJar(clock=cookiejar.FakeClock(RECORDED))
    report = jar.import_cookies_txt(path)
    assert report["errors"] == []
    # The stdlib's own reader: session cookies kept, nothing expired at the
    # recording time. It cannot read a byte-order mark: give it the text without.
    with open(path, encoding="utf-8-sig", newline=None) as f:
        text = f.read()
    stdlib = http.cookiejar.MozillaCookieJar()
    stdlib._really_load(__import__("io").StringIO(text), path, ignore_discard=True,
                        ignore_expires=True)
    expected = {(c.name, c.value or "", c.domain.lstrip("."), c.path, c.discard or
                 c.expires in (None, 0)) for c in stdlib}
    got = {(c.name, c.value, c.domain, c.path, c.expires is None) for c in jar.cookies()}
    assert got == expected
    assert report["imported"] == len(expected)


def test_python_session_cookies_were_dropped_before(tmp_path):
    """The issue's file: MozillaCookieJar.save(ignore_discard=True) of a jar
    holding session cookies, made here by the stdlib itself."""
    stdlib = http.cookiejar.MozillaCookieJar()
    now = int(time.time())
    for i in range(7):
        stdlib.set_cookie(http.cookiejar.Cookie(
            0, f"c{i}", str(i), None, False, "www.dialects.test", False, False, "/", True,
            False, None if i else now + 3600, i > 0, None, None, {}))
    path = str(tmp_path / "mozilla.txt")
    # save() leaves out what has expired by the real clock: a real time.
    stdlib.save(path, ignore_discard=True)
    jar = cookiejar.NativeJar(clock=cookiejar.FakeClock(now))
    assert jar.import_cookies_txt(path) == {"imported": 7, "expired": 0, "errors": []}
    assert sum(1 for c in jar.cookies() if c.expires is None) == 6


def test_invalid_lines_are_refused_one_by_one():
    jar = cookiejar.NativeJar()
    report = jar.import_cookies_txt(os.path.join(CORPUS, "invalid_lines.txt"))
    assert report["imported"] == 2
    assert [e.split(":")[0] for e in report["errors"]] == [f"line {n}" for n in range(3, 10)]


@pytest.mark.skipif(not cookiejar.HAS_FORMATS, reason="built without the formats library")
class TestBrowsers:
    @pytest.fixture
    def home(self, tmp_path):
        firefox = tmp_path / ".mozilla" / "firefox"
        (firefox / "abcd.default-esr").mkdir(parents=True)
        shutil.copy(os.path.join(STORES, "firefox", "cookies.sqlite"),
                    firefox / "abcd.default-esr" / "cookies.sqlite")
        (firefox / "profiles.ini").write_text(
            "[Profile0]\nName=default-esr\nIsRelative=1\nPath=abcd.default-esr\nDefault=1\n")
        chromium = tmp_path / ".config" / "chromium" / "Default" / "Network"
        chromium.mkdir(parents=True)
        shutil.copy(os.path.join(STORES, "chromium", "Cookies"), chromium / "Cookies")
        return tmp_path

    def test_profiles_are_found(self, home):
        found = cookiejar.browser_databases(home=home)
        assert [(d["browser"], d["profile"], d["default"]) for d in found] == [
            ("firefox", "abcd.default-esr", True), ("chromium", "Default", True)]
        assert cookiejar.browser_databases("chrome", home=home) == []
        with pytest.raises(ValueError):
            cookiejar.browser_databases("netscape", home=home)

    @pytest.mark.parametrize("browser,rows", [("firefox", 17), ("chromium", 18)])
    def test_import_by_browser_name(self, home, browser, rows):
        jar = cookiejar.NativeJar(browser, clock=cookiejar.FakeClock(self.finished(browser)))
        report = jar.import_browser(browser, home=home)
        assert report["browser"] == browser and report["profile"]
        assert report["imported"] + report["expired"] == rows
        assert report["problems"] == []
        # Only v10 values: the keyring is never asked.
        assert report["keyring"] == "not_needed"

    @staticmethod
    def finished(browser="chromium"):
        """When the browser's recording ended: its cookies were alive then."""
        with open(os.path.join(STORES, browser, "recording.json")) as f:
            recording = json.load(f)
        return datetime.datetime.fromisoformat(
            recording["provenance"]["finished"].replace("Z", "+00:00")).timestamp()

    def test_chromium_import_sends_what_chromium_sent(self, home):
        with open(os.path.join(STORES, "chromium", "recording.json")) as f:
            recording = json.load(f)
        jar = cookiejar.NativeJar(clock=cookiejar.FakeClock(self.finished()))
        assert jar.import_browser("chromium", home=home)["imported"] == 18
        first = recording["requests_checking"][0]
        assert first["url"] == "https://shop.example/"
        assert jar.cookie_header(first["url"]) == first["cookie"]

    def test_import_by_path_and_unknown_profile(self, home):
        jar = cookiejar.NativeJar(clock=cookiejar.FakeClock(self.finished()))
        path = str(home / ".config" / "chromium" / "Default" / "Network" / "Cookies")
        assert jar.import_browser(path)["imported"] > 10
        with pytest.raises(cookiejar.StoreError) as e:
            jar.import_browser("firefox", profile="work", home=home)
        assert e.value.code == "not_found"
        assert "abcd.default-esr" in str(e.value)

    def test_storage_state_round_trip(self, tmp_path):
        jar = cookiejar.NativeJar()
        jar.set_cookie("https://shop.example/", "sid=1; Secure; HttpOnly; SameSite=Lax")
        jar.set_cookie("https://shop.example/", "pri=2; Priority=High; Secure")
        with pytest.raises(cookiejar.StoreError) as e:
            jar.storage_state_text()
        assert "Priority=High" in str(e.value)
        path = tmp_path / "state.json"
        jar.export_storage_state(path, lossy=True)
        assert json.loads(path.read_text())["cookies"][0]["name"] == "sid"
        again = cookiejar.NativeJar()
        report = again.import_storage_state(path)
        assert report["format"] == "storage-state" and report["imported"] == 2
        assert again.cookie_header("https://shop.example/") == "sid=1; pri=2"
        editor = json.loads(jar.storage_state_text(format="cookie-editor", lossy=True))
        assert editor[0]["sameSite"] == "lax"
        with pytest.raises(cookiejar.StoreError) as e:
            again.import_storage_state(tmp_path / "missing.json")
        assert e.value.code == "not_found"
