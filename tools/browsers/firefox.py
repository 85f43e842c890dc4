"""Firefox ESR driven over Marionette (TCP 2828, `len:json` framing)."""
import json
import os
import socket
import subprocess
import time

# Only prefs that keep the browser quiet and on plain http/https; no cookie
# pref is changed. Marionette adds its own recommended prefs on top.
PREFS = {
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.page": 0,
    "browser.startup.homepage": "about:blank",
    "browser.newtabpage.enabled": False,
    "app.update.disabledForTesting": True,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "network.predictor.enabled": False,
    "network.http.speculative-parallel-limit": 0,
    "network.trr.mode": 5,
    "network.proxy.type": 0,
    "network.http.http3.enable": False,
    # http:// must stay http:// (the server answers both schemes)
    "dom.security.https_first": False,
    "dom.security.https_first_schemeless": False,
    "dom.security.https_only_mode": False,
    "browser.fixup.alternate.enabled": False,
    "extensions.update.enabled": False,
    "services.settings.server": "http://127.0.0.1:9/",
    "browser.region.network.url": "",
    "browser.search.geoip.url": "",
    "media.gmp-manager.url": "",
}

COOKIE_PREFS = [
    "network.cookie.cookieBehavior", "network.cookie.cookieBehavior.pbmode",
    "network.cookie.sameSite.laxByDefault", "network.cookie.sameSite.noneRequiresSecure",
    "network.cookie.sameSite.schemeful", "network.cookie.CHIPS.enabled",
    "network.cookie.cookieBehavior.optInPartitioning", "network.cookie.maxNumber",
    "network.cookie.maxPerHost", "network.cookie.quotaPerHost",
    "network.cookie.sameSite.crossSiteIframeSetCheck",
    "privacy.partition.network_state", "privacy.dynamic_firstparty.use_site",
    "network.cookie.lifetimePolicy", "network.cookie.thirdparty.sessionOnly",
    "network.cookie.thirdparty.nonsecureSessionOnly", "browser.contentblocking.category",
    "privacy.trackingprotection.enabled", "network.cookie.sameSite.laxPlusPOST.timeout",
    "network.cookie.chips.partitionLimitEnabled", "network.cookie.chips.partitionLimitByteCapacity",
]

DUMP_JS = r"""
const out = [];
for (const c of Services.cookies.cookies) {
  out.push({name: c.name, value: c.value, host: c.host, path: c.path,
            expiry: c.expiry, isSession: c.isSession, isSecure: c.isSecure,
            isHttpOnly: c.isHttpOnly, sameSite: c.sameSite,
            schemeMap: c.schemeMap, partitionKey: c.originAttributes.partitionKey,
            firstPartyDomain: c.originAttributes.firstPartyDomain,
            isPartitioned: c.isPartitioned, creationTime: c.creationTime,
            lastAccessed: c.lastAccessed, isDomain: c.isDomain});
}
return out;
"""


def partition_key(raw):
    """Firefox's originAttributes.partitionKey, e.g. "(https,example.com)",
    "(https,example.com,8443)", "(https,example.com,f)" (f: the frame has a
    cross-site ancestor), as the format's partition_key object; the
    original string is kept as "firefox"."""
    if not raw:
        return None
    out = {"top_level_site": None, "has_cross_site_ancestor": None, "firefox": raw}
    if raw.startswith("(") and raw.endswith(")"):
        parts = raw[1:-1].split(",")
        if len(parts) >= 2:
            site = "%s://%s" % (parts[0], parts[1])
            rest = parts[2:]
            if rest and rest[0].isdigit():
                site += ":" + rest[0]
                rest = rest[1:]
            out["top_level_site"] = site
            out["has_cross_site_ancestor"] = "f" in rest
    else:
        out["top_level_site"] = raw
    return out


class MarionetteError(Exception):
    pass


def pref_js(v):
    return json.dumps(v)


class Firefox:
    name = "firefox"

    def __init__(self, workdir, certs, fake_offset=None, extra_prefs=None):
        self.extra_prefs = dict(extra_prefs or {})
        self.profile = os.path.join(workdir, "firefox-profile")
        subprocess.run(["rm", "-rf", self.profile], check=True)
        os.makedirs(self.profile)
        with open(os.path.join(self.profile, "user.js"), "w") as f:
            for k, v in list(PREFS.items()) + list(self.extra_prefs.items()):
                if v is not None:
                    f.write("user_pref(%s, %s);\n" % (json.dumps(k), pref_js(v)))
        db = "sql:" + self.profile
        subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True)
        subprocess.run(["certutil", "-A", "-d", db, "-t", "C,,", "-n", "cookie-recorder",
                        "-i", certs.ca_path], check=True)
        self.flags = ["-headless", "-marionette", "-remote-allow-system-access",
                      "-no-remote", "-profile", self.profile]
        env = dict(os.environ)
        env.pop("DISPLAY", None)
        env["MOZ_HEADLESS"] = "1"
        env["HOME"] = os.path.join(workdir, "firefox-home")
        os.makedirs(env["HOME"], exist_ok=True)
        self.fake_offset = fake_offset
        if fake_offset is not None:
            env["LD_PRELOAD"] = "/var/tmp/cookie-recorder-fakeclock.so"
            env["FAKECLOCK_OFFSET"] = "%d" % int(round(fake_offset))
        self.log = open(os.path.join(workdir, "firefox.log"), "wb")
        self.proc = subprocess.Popen(["firefox-esr"] + self.flags + ["about:blank"], env=env,
                                     stdout=self.log, stderr=self.log)
        self.sock = None
        end = time.time() + 60
        while time.time() < end:
            try:
                self.sock = socket.create_connection(("127.0.0.1", 2828), timeout=60)
                break
            except OSError:
                time.sleep(0.2)
        if self.sock is None:
            raise MarionetteError("no marionette")
        self.buf = b""
        self._recv()  # hello
        self.msgid = 0
        caps = self.call("WebDriver:NewSession", {"capabilities": {"alwaysMatch": {
            "pageLoadStrategy": "none", "acceptInsecureCerts": False}}})
        self.caps = caps.get("capabilities", {})
        self.context = "content"

    def _recv(self):
        while True:
            if b":" in self.buf:
                n, _, rest = self.buf.partition(b":")
                n = int(n)
                if len(rest) >= n:
                    self.buf = rest[n:]
                    return json.loads(rest[:n])
            data = self.sock.recv(1 << 20)
            if not data:
                raise MarionetteError("connection closed")
            self.buf += data

    def call(self, cmd, params=None):
        self.msgid += 1
        msg = json.dumps([0, self.msgid, cmd, params or {}]).encode()
        self.sock.sendall(b"%d:" % len(msg) + msg)
        while True:
            m = self._recv()
            if m[0] == 1 and m[1] == self.msgid:
                if m[2]:
                    raise MarionetteError("%s: %s" % (cmd, m[2]))
                return m[3]

    def set_context(self, ctx):
        if ctx != self.context:
            self.call("Marionette:SetContext", {"value": ctx})
            self.context = ctx

    def script(self, js, ctx="content"):
        self.set_context(ctx)
        return self.call("WebDriver:ExecuteScript", {"script": js, "args": []})["value"]

    def browser_version(self):
        return "Firefox/" + self.caps.get("browserVersion", "?")

    def navigate(self, url):
        self.set_context("content")
        try:
            self.call("WebDriver:Navigate", {"url": url})
        except MarionetteError as e:
            # keep the message, not Marionette's stack trace
            import re
            return re.sub(r", 'stacktrace': '.*", "}", str(e), flags=re.S)[:400]
        return None

    def page_state(self):
        try:
            v = self.script("return [location.href, document.documentElement && "
                            "document.documentElement.getAttribute('data-done')]")
        except MarionetteError:
            return None, None
        if not v:
            return None, None
        return v[0], v[1] == "1"

    @staticmethod
    def _bytes_text(s):
        """Cookie names and values come back as byte strings inflated to
        JS strings; returns the UTF-8 text, or None if not UTF-8."""
        try:
            raw = s.encode("latin-1")
        except UnicodeEncodeError:
            return s, None
        try:
            return raw.decode("utf-8"), None
        except UnicodeDecodeError:
            import base64
            return None, base64.b64encode(raw).decode()

    def cookies(self):
        out = []
        for c in self.script(DUMP_JS, "chrome"):
            host = c["host"]
            pk = c.get("partitionKey") or None
            ss = {0: "None", 1: "Lax", 2: "Strict", 256: "Unspecified"}.get(c["sameSite"], c["sameSite"])
            d = {}
            for k in ("name", "value"):
                t, b64 = self._bytes_text(c[k])
                d[k] = t
                if b64 is not None:
                    d[k + "_b64"] = b64
            d.update({
                "domain": host[1:] if host.startswith(".") else host,
                "host_only": not host.startswith("."),
                "path": c["path"],
                "expires": None if c["isSession"] else c["expiry"] / 1000.0 if c["expiry"] > 1e11 else c["expiry"],
                "secure": c["isSecure"], "http_only": c["isHttpOnly"],
                "same_site": ss, "priority": None,
                "partition_key": partition_key(pk),
                "creation": c["creationTime"] / 1e6,
                "scheme_map": c["schemeMap"],
                "raw_same_site": c["sameSite"],
            })
            out.append(d)
        return out

    def clear(self):
        self.script("Services.cookies.removeAll(); return 1", "chrome")

    def reset_page(self):
        self.navigate("about:blank")

    def extra_provenance(self):
        js = """
        const names = %s; const out = {};
        for (const n of names) {
          const t = Services.prefs.getPrefType(n);
          let v = null;
          if (t == Services.prefs.PREF_INT) v = Services.prefs.getIntPref(n);
          else if (t == Services.prefs.PREF_BOOL) v = Services.prefs.getBoolPref(n);
          else if (t == Services.prefs.PREF_STRING) v = Services.prefs.getStringPref(n);
          out[n] = {value: v, user_set: Services.prefs.prefHasUserValue(n)};
        }
        return out;""" % json.dumps(COOKIE_PREFS)
        cookie = self.script(js, "chrome")
        return {"cookie_prefs_in_fresh_profile": cookie,
                "user_js": dict({k: v for k, v in PREFS.items() if v is not None},
                                **self.extra_prefs)}

    def close(self):
        try:
            self.call("Marionette:Quit", {"flags": ["eForceQuit"]})
        except (MarionetteError, OSError):
            pass
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
