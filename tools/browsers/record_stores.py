#!/usr/bin/python3
"""Records the cookie databases real browsers write, for the importers' tests.

    tools/browsers/record_stores.sh stores       # Firefox cookies.sqlite, Chromium Cookies
    tools/browsers/record_stores.sh state        # storageState: Chromium login, our export
    tools/browsers/record_stores.sh keyring      # Chromium's v11 values, its key in a keyring

Runs inside a private network namespace (record_stores.sh starts it with
`unshare -n -m`), like record.py: a bind-mounted /etc/hosts maps the
scenario's hosts to 127.0.0.1 and server.py answers on ports 80 and 443.

`stores`: each browser (fresh profile, real clock) visits the pages of
SCENARIO, which set cookies of every kind (session and persistent, Secure,
HttpOnly, each SameSite value, Priority, a domain cookie, a path cookie, a
cookie from http://, a cookie set by script, a CHIPS cookie and a third-party
cookie in a cross-site iframe, a __Host- cookie, an empty value, UTF-8, an
expiry past the 400-day cap). Then it visits the CHECKS pages, and the
server logs the Cookie headers each request carried. What the browser
reports over its automation protocol is read, a copy of the database is
taken while the browser runs (with its -wal/-journal), the browser quits
and the database it leaves is copied. Writes
tests/data/browser_stores/<browser>/.

`state`: (1) Chromium logs in (SCENARIO's first page), its cookies are read
as Playwright's storageState does (CDP Storage.getCookies), and the Cookie
headers of the CHECKS pages are logged: the round trip the tests replay.
(2) The cookiejar CLI (bazel-bin/cli/cookiejar) stores EXPORT_LINES and
exports a storageState; a fresh Chromium gets it as Playwright's
newContext({storageState}) would (CDP Storage.setCookies), reports what it
stored, and the Cookie headers of EXPORT_CHECKS are logged. Writes
tests/data/browser_stores/storage_state/.

`keyring`: Chromium with --password-store=gnome-libsecret, as on a GNOME
desktop, against a real gnome-keyring-daemon (unlocked with a test
password) in a private D-Bus session: Chromium makes its own key, keeps it
in the keyring and encrypts every value with it ("v11"). The SCENARIO and
CHECKS pages are visited, the browser quits, and its database and the key it
left in the keyring (read back with secret-tool, with the item's
attributes) are written to tests/data/browser_stores/chromium_v11/. The key
is a throwaway made for this recording; tests/chromium_keyring_test.sh puts
it in its own keyring to read the database.
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from server import Certs, Recorder, Server  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "browser_stores")

# Pages that set cookies, visited in this order as top-level navigations.
# "ops" run in the page (server.py's runner): iframes, document.cookie.
SCENARIO = [
    ("https://shop.example/login", [
        "sid=s3cr3t-session; Path=/; Secure; HttpOnly; SameSite=Lax",
        "pref=dark; Max-Age=86400",
        "strict=1; Max-Age=86400; Secure; SameSite=Strict",
        "none=1; Max-Age=86400; Secure; SameSite=None",
        "wide=1; Domain=shop.example; Path=/; Max-Age=604800",
        "pri=hi; Max-Age=3600; Priority=High",
        "low=1; Max-Age=3600; Priority=Low",
        "__Host-id=h1; Secure; Path=/; Max-Age=3600",
        "empty=; Max-Age=3600",
        "utf=caf\u00e9; Max-Age=3600",
        "longexp=1; Expires=Wed, 01 Jan 2070 00:00:00 GMT",
        "lax=1; Max-Age=86400; SameSite=Lax",
    ], [{"t": "setcookie", "v": "js=fromscript; max-age=3600"}]),
    ("http://shop.example/plain", ["insecure=1; Max-Age=3600"], []),
    ("https://www.shop.example/", ["www=1; Max-Age=3600", "wwwsession=1"], []),
    ("https://shop.example/cart/add", ["cart=a,b,c; Path=/cart; Max-Age=3600"], []),
    ("https://news.test/", [], [{"t": "iframe", "u": "https://widget.other.test/frame"}]),
]
# Frames and subresources: URL -> (Set-Cookie lines, ops).
SUBRESOURCES = {
    "https://widget.other.test/frame": ([
        "chip=p1; Secure; Path=/; SameSite=None; Partitioned; Max-Age=3600",
        "tp=1; Secure; Path=/; SameSite=None; Max-Age=3600",
    ], []),
    "https://widget.other.test/check": ([], []),
}
# Pages visited afterwards; the Cookie header of every request is logged.
CHECKS = [
    ("https://shop.example/", [], []),
    ("https://shop.example/cart/view", [], []),
    ("http://shop.example/", [], []),
    ("https://www.shop.example/", [], []),
    ("https://news.test/check", [], [{"t": "iframe", "u": "https://widget.other.test/check"}]),
]
HOSTS = ["shop.example", "www.shop.example", "news.test", "widget.other.test",
         "bank.example", "www.bank.example", "app.other.test"]

# The cookies our jar exports in `state`: (URL, Set-Cookie lines). Absolute
# expiry dates (within 400 days of the recording) keep the export the same
# whenever it is made, so the tests can make it again.
EXPORT_LINES = [
    ("https://bank.example/login", [
        "session=b4nk; Path=/; Secure; HttpOnly; SameSite=Strict",
        "lang=en; Expires=Tue, 01 Jun 2027 00:00:00 GMT",
        "acct=42; Path=/accounts; Secure; Expires=Tue, 01 Jun 2027 00:00:00 GMT",
        "wide=1; Domain=bank.example; Expires=Tue, 01 Jun 2027 00:00:00 GMT; SameSite=Lax",
        "track=1; Secure; SameSite=None; Expires=Tue, 01 Jun 2027 00:00:00 GMT",
        "__Host-csrf=x9; Secure; Path=/",
    ]),
    ("http://www.bank.example/", ["plain=1"]),
]
EXPORT_CHECKS = [
    ("https://bank.example/", [], []),
    ("https://bank.example/accounts/1", [], []),
    ("http://bank.example/", [], []),
    ("https://www.bank.example/", [], []),
    ("http://www.bank.example/", [], []),
]


def iso(t):
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%06dZ" % d.microsecond


def package_version(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Version}", pkg],
                       capture_output=True, text=True)
    return r.stdout.strip()


def setup_namespace(workdir):
    if os.environ.get("COOKIE_RECORDER_NS") != "1":
        sys.exit("run through tools/browsers/record_stores.sh (needs a private network namespace)")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    path = os.path.join(workdir, "hosts")
    with open(path, "w") as f:
        f.write("127.0.0.1 localhost\n::1 localhost\n")
        for h in HOSTS:
            f.write("127.0.0.1 %s\n" % h)
    subprocess.run(["mount", "--bind", path, "/etc/hosts"], check=True)


def routes_for(pages):
    routes = {}
    for url, lines, ops in pages:
        routes[url] = {"type": "html", "ops": ops,
                       "set_cookie_raw": [x.encode() for x in lines]}
    for url, (lines, ops) in SUBRESOURCES.items():
        routes[url] = {"type": "html", "ops": ops,
                       "set_cookie_raw": [x.encode() for x in lines]}
    return routes


def visit(browser, rec, url):
    """Navigates and waits until the page (and its frames) ran."""
    err = browser.navigate(url)
    if err:
        raise RuntimeError("navigation to %s failed: %s" % (url, err))
    end = time.time() + 15
    while time.time() < end:
        href, done = browser.page_state()
        if done and href == url:
            return
        time.sleep(0.05)
    raise RuntimeError("page %s did not finish" % url)


def logged(entries):
    """The server's log as the fixture keeps it."""
    out = []
    for e in entries:
        cookie = e["cookie"]
        out.append({
            "url": e["url"], "method": e["method"],
            "sec_fetch_dest": e["sec_fetch_dest"],
            "cookie": b"; ".join(cookie).decode("utf-8") if cookie else None,
            "set_cookie": [x.decode("utf-8") for x in e["set_cookie"]],
        })
    return out


def run_pages(browser, rec, pages):
    rec.start_case("pages", routes_for(pages))
    for url, _, _ in pages:
        visit(browser, rec, url)
    time.sleep(0.3)
    return logged(sorted(rec.end_case(), key=lambda e: e["t"]))


def copy_db(files, dest):
    os.makedirs(dest, exist_ok=True)
    copied = []
    for src in files:
        if os.path.exists(src) and os.path.getsize(src) > 0:
            shutil.copyfile(src, os.path.join(dest, os.path.basename(src)))
            copied.append(os.path.basename(src))
    return copied


def provenance(browser, command, extra):
    return dict({
        "browser_version": browser.browser_version(),
        "package": package_version("chromium" if browser.name == "chromium" else "firefox-esr"),
        "recorded": datetime.date.today().isoformat(),
        "flags": browser.flags,
        "recorder": command,
    }, **extra)


def chromium_raw_cookies(browser):
    return browser.call("Storage.getCookies")["cookies"]


def firefox_raw_cookies(browser):
    js = r"""
    const out = [];
    for (const c of Services.cookies.cookies) {
      out.push({name: c.name, value: c.value, host: c.host, path: c.path,
                expiry: c.expiry, isSession: c.isSession, isSecure: c.isSecure,
                isHttpOnly: c.isHttpOnly, sameSite: c.sameSite, rawSameSite: c.rawSameSite,
                schemeMap: c.schemeMap, isPartitioned: c.isPartitioned,
                originAttributes: c.originAttributes,
                creationTime: c.creationTime, lastAccessed: c.lastAccessed,
                isDomain: c.isDomain});
    }
    return out;"""
    return browser.script(js, "chrome")


_SERVER = None


def local_server(workdir):
    """The recorder, certificates and server of this run (one server: its
    ports stay bound until the process ends)."""
    global _SERVER
    if _SERVER is None:
        rec = Recorder()
        certs = Certs(workdir)
        Server(rec, certs).start()
        _SERVER = (rec, certs)
    return _SERVER


def fresh_output(name):
    """tests/data/browser_stores/NAME, emptied."""
    dest = os.path.join(OUT, name)
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    return dest


def visit_scenario(browser, rec):
    """The Cookie headers logged while the SCENARIO pages set cookies, and
    while the CHECKS pages were visited."""
    return run_pages(browser, rec, SCENARIO), run_pages(browser, rec, CHECKS)


def record_stores(name, workdir):
    rec, certs = local_server(workdir)
    if name == "chromium":
        from chromium import Chromium, FLAGS
        FLAGS.append("--password-store=basic")
        browser = Chromium(workdir, certs)
        db_dir = os.path.join(browser.profile, "Default")
        files = ["Cookies", "Cookies-journal", "Cookies-wal"]
    else:
        from firefox import Firefox
        browser = Firefox(workdir, certs)
        db_dir = browser.profile
        files = ["cookies.sqlite", "cookies.sqlite-wal"]
    dest = fresh_output(name)
    started = time.time()
    try:
        set_log, check_log = visit_scenario(browser, rec)
    except Exception:
        browser.close()
        raise
    reported = chromium_raw_cookies(browser) if name == "chromium" else firefox_raw_cookies(browser)
    # Let the browser write its batch (Chromium commits every 30 s or 512
    # changes; Firefox writes asynchronously), then copy the file it has open.
    time.sleep(35 if name == "chromium" else 3)
    open_copy = copy_db([os.path.join(db_dir, f) for f in files], os.path.join(dest, "open"))
    prov = provenance(browser, "tools/browsers/record_stores.sh stores", {
        "started": iso(started),
        "finished": iso(time.time()),
        "database": os.path.relpath(os.path.join(db_dir, files[0]), workdir),
        "open_copy": open_copy,
    })
    browser.close()
    prov["closed_copy"] = copy_db([os.path.join(db_dir, f) for f in files], dest)
    with open(os.path.join(dest, "recording.json"), "w") as f:
        json.dump({"provenance": prov, "scenario": [
            {"url": u, "set_cookie": s, "ops": o} for u, s, o in SCENARIO],
            "subresources": {u: {"set_cookie": s} for u, (s, _) in SUBRESOURCES.items()},
            "requests_setting": set_log, "requests_checking": check_log,
            "automation_cookies": reported}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("%s: %d cookies reported; closed copy %s, open copy %s" % (
        name, len(reported), prov["closed_copy"], open_copy))


def start_keyring(workdir):
    """A private D-Bus session with an unlocked gnome-keyring-daemon on it;
    its environment is set in os.environ. Returns the processes to stop."""
    run = os.path.join(workdir, "keyring-run")
    shutil.rmtree(run, ignore_errors=True)
    os.makedirs(os.path.join(run, "data"), mode=0o700)
    os.environ.update(XDG_RUNTIME_DIR=run, XDG_DATA_HOME=os.path.join(run, "data"))
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1",
                            "--address=unix:path=" + os.path.join(run, "bus")],
                           stdout=subprocess.PIPE, text=True)
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()
    keyring = subprocess.Popen(["gnome-keyring-daemon", "--foreground", "--unlock",
                                "--components=secrets"], stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    keyring.stdin.write("recorder-password")
    keyring.stdin.close()
    for _ in range(150):
        probe = subprocess.run(["secret-tool", "store", "--label=probe", "probe", "1"],
                               input="x", text=True, capture_output=True)
        if probe.returncode == 0:
            subprocess.run(["secret-tool", "clear", "probe", "1"], check=True)
            return [keyring, bus]
        time.sleep(0.2)
    sys.exit("gnome-keyring-daemon did not start")


def record_keyring(workdir):
    import sqlite3
    from chromium import Chromium, FLAGS
    rec, certs = local_server(workdir)
    stop = start_keyring(workdir)
    FLAGS.append("--password-store=gnome-libsecret")
    browser = Chromium(workdir, certs)
    db_dir = os.path.join(browser.profile, "Default")
    dest = fresh_output("chromium_v11")
    started = time.time()
    try:
        set_log, check_log = visit_scenario(browser, rec)
        reported = chromium_raw_cookies(browser)
    finally:
        prov = provenance(browser, "tools/browsers/record_stores.sh keyring", {
            "started": iso(started), "finished": iso(time.time()),
            "keyring": "gnome-keyring-daemon " + package_version("gnome-keyring") +
                       " (--unlock --components=secrets) in a private D-Bus session",
        })
        browser.close()
    if os.path.exists(os.path.join(db_dir, "Network", "Cookies")):  # Chromium 96 on
        db_dir = os.path.join(db_dir, "Network")
    prov["database"] = os.path.relpath(os.path.join(db_dir, "Cookies"), workdir)
    prov["closed_copy"] = copy_db([os.path.join(db_dir, f) for f in
                                   ("Cookies", "Cookies-journal", "Cookies-wal")], dest)
    key = subprocess.run(["secret-tool", "lookup", "application", "chromium"],
                         capture_output=True, text=True, check=True).stdout
    item = subprocess.run(["secret-tool", "search", "--all", "application", "chromium"],
                          capture_output=True, text=True, check=True)
    for p in stop:
        p.terminate()
        p.wait()
    db = sqlite3.connect(os.path.join(dest, "Cookies"))
    prefixes = dict(db.execute("SELECT substr(encrypted_value, 1, 3), count(*) FROM cookies "
                               "GROUP BY 1").fetchall())
    db.close()
    if set(prefixes) != {b"v11"}:
        sys.exit("Chromium did not encrypt with the keyring's key: %r" % prefixes)
    with open(os.path.join(dest, "recording.json"), "w") as f:
        json.dump({"provenance": prov, "keyring_password": key,
                   "keyring_item": [line for line in (item.stdout + item.stderr).splitlines()
                                    if not line.startswith("secret = ")],
                   "value_prefixes": {k.decode(): v for k, v in prefixes.items()},
                   "scenario": [{"url": u, "set_cookie": s, "ops": o} for u, s, o in SCENARIO],
                   "requests_setting": set_log, "requests_checking": check_log,
                   "automation_cookies": reported}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("chromium (keyring): %d cookies reported, values %r" % (len(reported), prefixes))


def playwright_storage_state(cdp_cookies):
    """storageState as Playwright builds it from CDP Storage.getCookies
    (crBrowser.ts cookies(): sameSite defaults to "Lax"; partitionKey is the
    top-level site)."""
    cookies = []
    for c in cdp_cookies:
        d = {"name": c["name"], "value": c["value"], "domain": c["domain"], "path": c["path"],
             "expires": c["expires"], "httpOnly": c["httpOnly"], "secure": c["secure"],
             "sameSite": c.get("sameSite", "Lax")}
        pk = c.get("partitionKey")
        if pk:
            d["partitionKey"] = pk["topLevelSite"] if isinstance(pk, dict) else pk
        cookies.append(d)
    return {"cookies": cookies, "origins": []}


def cdp_from_storage_state(state):
    """What Playwright's addCookies sends to Storage.setCookies for the
    cookies of a storageState (crBrowser.ts addCookies)."""
    out = []
    for c in state["cookies"]:
        d = {k: c[k] for k in ("name", "value", "domain", "path", "expires", "httpOnly",
                               "secure", "sameSite") if k in c}
        if d.get("expires", -1) == -1:
            d.pop("expires", None)
        if "partitionKey" in c:
            d["partitionKey"] = {"topLevelSite": c["partitionKey"], "hasCrossSiteAncestor": False}
        out.append(d)
    return out


def record_state(workdir, cli):
    from chromium import Chromium
    rec, certs = local_server(workdir)
    dest = os.path.join(OUT, "storage_state")
    os.makedirs(dest, exist_ok=True)

    # (1) A real login, carried out as a storageState.
    browser = Chromium(workdir, certs)
    started = time.time()
    set_log = run_pages(browser, rec, SCENARIO[:1] + SCENARIO[2:4])
    cdp = chromium_raw_cookies(browser)
    state = playwright_storage_state(cdp)
    check_log = run_pages(browser, rec, CHECKS[:4])
    prov = provenance(browser, "tools/browsers/record_stores.sh state", {"started": iso(started)})
    browser.close()
    with open(os.path.join(dest, "chromium_login.json"), "w") as f:
        json.dump({"provenance": prov, "requests_setting": set_log, "storage_state": state,
                   "requests_checking": check_log}, f, ensure_ascii=False, indent=1)
        f.write("\n")

    # (2) Our export, given to a fresh Chromium.
    jar = os.path.join(workdir, "export.db")
    if os.path.exists(jar):
        os.remove(jar)
    for url, lines in EXPORT_LINES:
        subprocess.run([cli, "--jar", jar, "set", url] + lines, check=True,
                       stdout=subprocess.DEVNULL)
    exported = os.path.join(workdir, "exported.json")
    subprocess.run([cli, "--jar", jar, "export", "--format", "storage-state", exported],
                   check=True)
    with open(exported) as f:
        exported_state = json.load(f)
    browser = Chromium(workdir, certs)
    started = time.time()
    browser.call("Storage.setCookies", {"cookies": cdp_from_storage_state(exported_state)})
    stored = chromium_raw_cookies(browser)
    check_log = run_pages(browser, rec, EXPORT_CHECKS)
    prov = provenance(browser, "tools/browsers/record_stores.sh state", {
        "started": iso(started),
        "cookiejar": subprocess.run([cli, "--version"], capture_output=True,
                                    text=True).stdout.strip()})
    browser.close()
    with open(os.path.join(dest, "our_export.json"), "w") as f:
        json.dump({"provenance": prov,
                   "set": [{"url": u, "set_cookie": s} for u, s in EXPORT_LINES],
                   "exported": exported_state, "chromium_stored": stored,
                   "requests_checking": check_log}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("state: %d login cookies, %d exported, %d stored by Chromium" % (
        len(state["cookies"]), len(exported_state["cookies"]), len(stored)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["stores", "state", "keyring"])
    ap.add_argument("--browser", choices=["chromium", "firefox", "all"], default="all")
    ap.add_argument("--workdir", default="/var/tmp/cookie-store-recorder")
    ap.add_argument("--cli", default=os.path.join(ROOT, "bazel-bin", "cli", "cookiejar"))
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    setup_namespace(args.workdir)
    if args.what == "keyring":
        record_keyring(args.workdir)
    elif args.what == "stores":
        for name in (["chromium", "firefox"] if args.browser == "all" else [args.browser]):
            record_stores(name, args.workdir)
    else:
        record_state(args.workdir, os.path.abspath(args.cli))


if __name__ == "__main__":
    main()
