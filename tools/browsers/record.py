#!/usr/bin/python3
"""Records what real browsers do with cookies.

    tools/browsers/record.sh chromium parse        # one browser, one family
    tools/browsers/record.sh all all               # everything

Runs inside a private network namespace (record.sh starts it with
`unshare -n -m`): a bind-mounted /etc/hosts maps every case host to
127.0.0.1, the socket-level server in server.py answers on ports 80 and 443,
and one browser at a time is driven through its automation protocol.
Writes tests/data/browsers/<browser>/<family>[-N].json.
"""
import argparse
import base64
import datetime
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import gen  # noqa: E402
from server import Certs, Recorder, Server  # noqa: E402

FAKE_START = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
MAX_FILE = 19 * 1000 * 1000


def iso(t):
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)


def text_or_b64(obj, key, raw):
    """Sets obj[key] to the text, or obj[key+'_b64'] when not UTF-8."""
    if raw is None:
        obj[key] = None
        return
    try:
        obj[key] = raw.decode("utf-8")
    except UnicodeDecodeError:
        obj[key] = None
        obj[key + "_b64"] = base64.b64encode(raw).decode()


def lines_or_b64(obj, key, lines):
    try:
        obj[key] = [x.decode("utf-8") for x in lines]
    except UnicodeDecodeError:
        obj[key] = None
        obj[key + "_b64"] = [base64.b64encode(x).decode() for x in lines]


def match(log, planned):
    """Labels each logged request with the first unmatched planned request of
    the same URL and method."""
    used = [False] * len(planned)
    out = []
    for e in log:
        hit = None
        for i, p in enumerate(planned):
            if not used[i] and p["url"] == e["url"] and p["method"] == e["method"]:
                hit = i
                break
        if hit is not None:
            used[hit] = True
        out.append((e, planned[hit] if hit is not None else None))
    return out, used


def make_step(e, p, offset):
    s = {"url": e["url"], "method": e["method"]}
    if p is None:
        s.update({"kind": "unplanned", "browser_initiated": None, "initiator": None,
                  "top_level_url": None, "ancestors": None, "redirect_chain": None})
    else:
        for k in ("kind", "browser_initiated", "initiator", "top_level_url",
                  "ancestors", "redirect_chain"):
            s[k] = p[k]
    s["time"] = iso(e["t"] + offset)
    cookies = e["cookie"]
    if cookies and len(cookies) > 1:
        s["cookie_headers"] = len(cookies)
    text_or_b64(s, "cookie", b"; ".join(cookies) if cookies else None)
    lines_or_b64(s, "set_cookie", e["set_cookie"])
    s["status"] = e["status"]
    s["location"] = e["location"]
    for k in ("sec_fetch_site", "sec_fetch_mode", "sec_fetch_dest", "origin", "referer"):
        s[k] = e[k]
    return s


class Runner:
    def __init__(self, browser_name, workdir, fake):
        self.name = browser_name
        self.workdir = workdir
        self.fake = fake
        self.rec = Recorder()
        self.certs = Certs(workdir)
        self.server = Server(self.rec, self.certs)
        self.server.start()
        self.browser = None
        self.restarts = 0
        self.firefox_prefs = {}

    def start_browser(self):
        offset = None
        if self.fake:
            offset = float(round(FAKE_START - time.time()))
            self.fake_clock_at_launch = iso(time.time() + offset)
        if self.name == "chromium":
            from chromium import Chromium
            self.browser = Chromium(self.workdir, self.certs, offset)
        else:
            from firefox import Firefox
            self.browser = Firefox(self.workdir, self.certs, offset, self.firefox_prefs)
        self.rec.clock_offset = offset or 0.0
        self.fake_clock_start = iso(time.time() + offset) if offset is not None else None

    def run_case(self, case):
        planned, finals = case.plan()
        b = self.browser
        self.rec.start_case(case.id, case.routes)
        problems = []
        for ai, act in enumerate(case.actions):
            t_nav = time.time()
            err = b.navigate(act["navigate"])
            t_nav2 = time.time()
            polls = 0
            want = [p for p in planned if p["action"] <= ai]
            final = finals[ai]
            end = time.time() + 12
            ok = False
            if err:
                # the browser reports a failed navigation (an error page):
                # nothing more will come; give stragglers a moment
                time.sleep(0.3)
                end = 0
            while time.time() < end:
                polls += 1
                href, done = b.page_state()
                if done and href == final:
                    _, used = match(self.rec.log, want)
                    if all(used):
                        ok = True
                        break
                time.sleep(0.02)
            if os.environ.get("REC_DEBUG"):
                print("  %s action %d: navigate %.3fs, wait %.3fs, %d polls" % (
                    case.id, ai, t_nav2 - t_nav, time.time() - t_nav2, polls), flush=True)
            if not ok:
                problems.append("action %d (%s) did not finish: %s" % (ai, act["navigate"], err))
            if case.settle:
                time.sleep(case.settle)
        time.sleep(0.1)
        store = b.cookies()
        log = self.rec.end_case()
        b.clear()
        log.sort(key=lambda e: e["t"])
        pairs, used = match(log, planned)
        steps = [make_step(e, p, self.rec.clock_offset) for e, p in pairs]
        missing = [p["url"] for p, u in zip(planned, used) if not u]
        out = {"id": case.id, "note": case.note, "steps": steps, "store": store}
        if missing:
            out["missing"] = missing
        if problems:
            out["problems"] = problems
            b.reset_page()
        return out

    def close(self):
        if self.browser:
            self.browser.close()
            self.browser = None


def write_family(browser, family, prov, cases, outdir):
    os.makedirs(outdir, exist_ok=True)
    chunks = []
    cur = []
    size = 0
    for c in cases:
        n = len(json.dumps(c, ensure_ascii=False).encode())
        if cur and size + n > MAX_FILE:
            chunks.append(cur)
            cur, size = [], 0
        cur.append(c)
        size += n
    chunks.append(cur)
    for old in os.listdir(outdir):
        if old == family + ".json" or (old.startswith(family + "-") and old.endswith(".json")):
            os.remove(os.path.join(outdir, old))
    names = []
    for i, ch in enumerate(chunks):
        name = family + (".json" if i == 0 else "-%d.json" % (i + 1))
        doc = {"browser": browser, "family": family, "provenance": prov, "cases": ch}
        with open(os.path.join(outdir, name), "w") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)
            f.write("\n")
        names.append(name)
    return names


def load_provenance(outdir, family):
    p = os.path.join(outdir, family + ".json")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)["provenance"]


def load_family(outdir, family):
    cases = []
    i = 1
    while True:
        name = family + (".json" if i == 1 else "-%d.json" % i)
        p = os.path.join(outdir, name)
        if not os.path.exists(p):
            return cases
        with open(p) as f:
            cases += json.load(f)["cases"]
        i += 1


def package_version(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Version}", pkg],
                       capture_output=True, text=True)
    return r.stdout.strip()


def setup_namespace(hosts, workdir):
    if os.environ.get("COOKIE_RECORDER_NS") != "1":
        sys.exit("run through tools/browsers/record.sh (needs a private network namespace)")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    path = os.path.join(workdir, "hosts")
    with open(path, "w") as f:
        f.write("127.0.0.1 localhost\n::1 localhost\n")
        for h in sorted(hosts):
            if h and not h[0].isdigit() and ":" not in h and h != "localhost":
                f.write("127.0.0.1 %s\n" % h)
    subprocess.run(["mount", "--bind", path, "/etc/hosts"], check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("browser", choices=["chromium", "firefox"])
    ap.add_argument("family", choices=gen.FAMILIES)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--only", default="", help="comma-separated case ids")
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "data", "browsers"))
    ap.add_argument("--workdir", default="/var/tmp/cookie-recorder")
    ap.add_argument("--firefox-fission", choices=["yes", "no", "auto"], default="auto")
    ap.add_argument("--merge", action="store_true",
                    help="replace only the recorded cases in the existing files")
    ap.add_argument("--fake-clock", choices=["yes", "no", "auto"], default="auto")
    args = ap.parse_args()

    cases = gen.cases(args.family)
    if args.only:
        keep = set(args.only.split(","))
        cases = [c for c in cases if c.id in keep]
    if args.limit:
        cases = cases[:args.limit]
    os.makedirs(args.workdir, exist_ok=True)
    hosts = set()
    for c in cases:
        hosts |= c.hosts
    setup_namespace(hosts, args.workdir)
    fake = args.fake_clock == "yes" or (args.fake_clock == "auto" and args.family in gen.FAKE_CLOCK)
    runner = Runner(args.browser, args.workdir, fake)
    if args.firefox_fission == "no" or (args.firefox_fission == "auto" and
                                        args.family in gen.FIREFOX_NO_FISSION):
        # Speed: with Fission every new site costs a new content process
        # (about a second a case on this machine). Cookies are kept and
        # matched in the parent process whatever the process model; the
        # families with frames keep Fission on.
        runner.firefox_prefs["fission.autostart"] = False
    runner.start_browser()
    b = runner.browser
    prov = {
        "browser_version": b.browser_version(),
        "package": package_version("chromium" if args.browser == "chromium" else "firefox-esr"),
        "recorded": datetime.date.today().isoformat(),
        "flags": b.flags,
        "prefs": b.extra_provenance(),
        # the browser's clock when the automation session was ready (it was
        # set to 2026-01-01T00:00:00Z, to the second, when the process started)
        "fake_clock_start": runner.fake_clock_start,
        "fake_clock_at_launch": getattr(runner, "fake_clock_at_launch", None),
        "recorder": "tools/browsers/record.sh %s %s" % (args.browser, args.family),
    }
    out = []
    t0 = time.time()
    for i, c in enumerate(cases):
        try:
            res = runner.run_case(c)
        except Exception as e:  # browser died: restart it and retry once
            print("case %s: %r; restarting browser" % (c.id, e), flush=True)
            runner.close()
            runner.rec.end_case()
            runner.start_browser()
            runner.restarts += 1
            res = runner.run_case(c)
        out.append(res)
        if (i + 1) % 50 == 0 or i + 1 == len(cases):
            print("%s %s: %d/%d cases, %.0fs" % (args.browser, args.family, i + 1,
                                                 len(cases), time.time() - t0), flush=True)
    runner.close()
    prov["restarts"] = runner.restarts
    prov["stray_requests"] = len(runner.rec.stray)
    if args.merge:
        oldprov = load_provenance(os.path.join(args.out, args.browser), args.family)
        if oldprov:
            re = oldprov.setdefault("rerecorded", [])
            re.append({"ids": [c["id"] for c in out], "recorded": prov["recorded"],
                       "fake_clock_start": prov["fake_clock_start"]})
            prov = oldprov
        old = load_family(os.path.join(args.out, args.browser), args.family)
        new = {c["id"]: c for c in out}
        out = [new.pop(c["id"], c) for c in old] + list(new.values())
    names = write_family(args.browser, args.family, prov, out,
                         os.path.join(args.out, args.browser))
    bad = sum(1 for c in out if "problems" in c or "missing" in c)
    print("wrote %s (%d cases, %d with problems)" % (", ".join(names), len(out), bad))


if __name__ == "__main__":
    main()
