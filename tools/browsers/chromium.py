"""Chromium driven over the DevTools protocol on --remote-debugging-pipe."""
import json
import os
import subprocess
import threading
import time

FLAGS = [
    "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-sandbox", "--no-default-browser-check",
    "--disable-extensions", "--remote-debugging-pipe",
    # Automatic upgrades of http:// navigations to https:// would hide the
    # http cases (the server answers both schemes).
    "--disable-features=HttpsUpgrades",
]


class CDPError(Exception):
    pass


class Chromium:
    name = "chromium"

    def __init__(self, workdir, certs, fake_offset=None):
        self.profile = os.path.join(workdir, "chromium-profile")
        subprocess.run(["rm", "-rf", self.profile], check=True)
        os.makedirs(self.profile)
        home = os.path.join(workdir, "chromium-home")
        subprocess.run(["rm", "-rf", home], check=True)
        nssdb = os.path.join(home, ".pki", "nssdb")
        os.makedirs(nssdb)
        # Trust the local CA the way a user would: the NSS database in $HOME.
        subprocess.run(["certutil", "-N", "-d", "sql:" + nssdb, "--empty-password"], check=True)
        subprocess.run(["certutil", "-A", "-d", "sql:" + nssdb, "-t", "C,,", "-n",
                        "cookie-recorder", "-i", certs.ca_path], check=True)
        self.flags = FLAGS + ["--user-data-dir=" + self.profile]
        env = dict(os.environ)
        env["HOME"] = home
        env.pop("DISPLAY", None)
        self.fake_offset = fake_offset
        if fake_offset is not None:
            env["LD_PRELOAD"] = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
            env["FAKETIME"] = "%+ds" % int(round(fake_offset))
            env["FAKETIME_DONT_RESET"] = "1"
            env["FAKETIME_NO_CACHE"] = "1"
        r1, w1 = os.pipe()   # we write -> browser fd 3
        r2, w2 = os.pipe()   # browser fd 4 -> we read
        self.log = open(os.path.join(workdir, "chromium.log"), "wb")

        def pre():
            os.dup2(r1, 3)
            os.dup2(w2, 4)
        self.proc = subprocess.Popen(["chromium"] + self.flags + ["about:blank"],
                                     env=env, stdout=self.log, stderr=self.log,
                                     pass_fds=(), preexec_fn=pre, close_fds=False)
        os.close(r1)
        os.close(w2)
        self.wfd = w1
        self.rfd = r2
        self.next_id = 0
        self.pending = {}
        self.events = []
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        threading.Thread(target=self._reader, daemon=True).start()
        self.version = self.call("Browser.getVersion")
        self.session = None
        self._attach()

    def _reader(self):
        buf = b""
        while True:
            try:
                data = os.read(self.rfd, 1 << 20)
            except OSError:
                data = b""
            if not data:
                with self.cond:
                    self.dead = True
                    self.cond.notify_all()
                return
            buf += data
            while b"\0" in buf:
                msg, _, buf = buf.partition(b"\0")
                m = json.loads(msg)
                with self.cond:
                    if "id" in m:
                        self.pending[m["id"]] = m
                    else:
                        self.events.append(m)
                        del self.events[:-200]
                    self.cond.notify_all()

    dead = False

    def call(self, method, params=None, session=None, timeout=30):
        with self.cond:
            self.next_id += 1
            i = self.next_id
        msg = {"id": i, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.wfd, json.dumps(msg).encode() + b"\0")
        end = time.time() + timeout
        with self.cond:
            while i not in self.pending:
                left = end - time.time()
                if left <= 0 or self.dead:
                    raise CDPError("timeout/dead in " + method)
                self.cond.wait(left)
            m = self.pending.pop(i)
        if "error" in m:
            raise CDPError("%s: %s" % (method, m["error"]))
        return m.get("result", {})

    def _attach(self):
        targets = self.call("Target.getTargets")["targetInfos"]
        pages = [t for t in targets if t["type"] == "page"]
        if pages:
            tid = pages[0]["targetId"]
        else:
            tid = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.target = tid
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": tid, "flatten": True})["sessionId"]
        self.call("Page.enable", session=self.session)
        self.call("Network.enable", session=self.session)
        self.call("Network.setCacheDisabled", {"cacheDisabled": True}, session=self.session)

    def browser_version(self):
        return self.version.get("product")

    def navigate(self, url):
        r = self.call("Page.navigate", {"url": url}, session=self.session)
        return r.get("errorText")

    def evaluate(self, expr):
        r = self.call("Runtime.evaluate", {"expression": expr, "returnByValue": True},
                      session=self.session)
        return r.get("result", {}).get("value")

    def page_state(self):
        """(href, done) of the top-level document."""
        try:
            v = self.evaluate("[location.href, document.documentElement && "
                              "document.documentElement.getAttribute('data-done')]")
        except CDPError:
            return None, None
        if not v:
            return None, None
        return v[0], v[1] == "1"

    def cookies(self):
        out = []
        for c in self.call("Storage.getCookies")["cookies"]:
            pk = c.get("partitionKey")
            if isinstance(pk, dict):
                pk = {"top_level_site": pk.get("topLevelSite"),
                      "has_cross_site_ancestor": pk.get("hasCrossSiteAncestor")}
            elif pk is not None:
                pk = {"top_level_site": pk, "has_cross_site_ancestor": None}
            domain = c["domain"]
            out.append({
                "name": c["name"], "value": c["value"],
                "domain": domain.lstrip(".") if domain.startswith(".") else domain,
                "host_only": not domain.startswith("."),
                "path": c["path"],
                "expires": None if c.get("session") else c.get("expires"),
                "secure": c["secure"], "http_only": c["httpOnly"],
                "same_site": c.get("sameSite", "Unspecified"),
                "priority": c.get("priority"),
                "partition_key": pk,
                "source_scheme": c.get("sourceScheme"),
                "source_port": c.get("sourcePort"),
                "size": c.get("size"),
            })
        return out

    def clear(self):
        self.call("Storage.clearCookies")

    def reset_page(self):
        self.navigate("about:blank")

    def extra_provenance(self):
        """The cookie settings of the fresh profile, as chrome://settings/cookies
        sees them (chrome.settingsPrivate on that page)."""
        info = {}
        try:
            self.navigate("chrome://settings/cookies")
            time.sleep(1.5)
            expr = ("new Promise(r => chrome.settingsPrivate.getAllPrefs(ps => r(ps.filter("
                    "p => /cookie|third_party|tracking_protection|privacy_sandbox\\.m1/i.test(p.key))"
                    ".map(p => [p.key, p.value]))))")
            r = self.call("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                               "awaitPromise": True}, session=self.session)
            for k, v in r.get("result", {}).get("value") or []:
                info[k] = v
            # the radio button the settings page shows as selected
            expr = ("(() => { const walk = (n, out) => { if (!n) return; "
                    "if (n.tagName && n.tagName.endsWith('RADIO-BUTTON')) "
                    "out.push([(n.getAttribute('label') || n.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 120), "
                    "n.hasAttribute('checked') || !!n.checked]); "
                    "if (n.shadowRoot) walk(n.shadowRoot, out); for (const c of n.children || []) walk(c, out); }; "
                    "const out = []; walk(document.documentElement, out); return out; })()")
            info["settings_page_radio_buttons"] = self.evaluate(expr)
        except CDPError as e:
            info["error"] = str(e)
        self.navigate("about:blank")
        return info

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except CDPError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
