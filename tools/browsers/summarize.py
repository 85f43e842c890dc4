#!/usr/bin/python3
"""Summarises the recordings: cases per file, cases with problems, unplanned
requests, and (with --diff FAMILY) the cases where Chromium and Firefox sent
different Cookie headers.

    python3 tools/browsers/summarize.py
    python3 tools/browsers/summarize.py --diff parse | less
"""
import argparse
import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(os.path.dirname(HERE)), "tests", "data", "browsers")


def load(browser, family):
    cases = []
    prov = None
    for p in sorted(glob.glob(os.path.join(DATA, browser, family + "*.json"))):
        base = os.path.basename(p)
        if base != family + ".json" and not base[len(family):].startswith("-"):
            continue
        d = json.load(open(p))
        prov = d["provenance"]
        cases += d["cases"]
    return prov, cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--diff")
    args = ap.parse_args()
    if args.diff:
        _, a = load("chromium", args.diff)
        _, b = load("firefox", args.diff)
        bm = {c["id"]: c for c in b}
        nd = 0
        for ca in a:
            cb = bm.get(ca["id"])
            if not cb:
                continue
            ha = [(s["url"], s.get("cookie"), s.get("cookie_b64")) for s in ca["steps"]]
            hb = [(s["url"], s.get("cookie"), s.get("cookie_b64")) for s in cb["steps"]]
            if ha != hb:
                nd += 1
                print("== %s: %s" % (ca["id"], ca["note"]))
                for s in ca["steps"]:
                    if s.get("set_cookie") or s.get("set_cookie_b64"):
                        print("   set %s %r" % (s["url"], s.get("set_cookie") or s.get("set_cookie_b64")))
                for x, y in zip(ha, hb):
                    flag = "  " if x == y else "!="
                    print("  %s %s\n       chromium %r\n       firefox  %r" % (flag, x[0], x[1:], y[1:]))
        print("%d cases differ" % nd)
        return
    for browser in ("chromium", "firefox"):
        for fam in ("parse", "dates", "embedded", "redirects", "limits"):
            prov, cases = load(browser, fam)
            if prov is None:
                continue
            prob = sum(1 for c in cases if "problems" in c or "missing" in c)
            unpl = sum(1 for c in cases for s in c["steps"] if s["kind"] == "unplanned")
            steps = sum(len(c["steps"]) for c in cases)
            print("%-9s %-10s %5d cases %6d steps %4d with problems %4d unplanned requests" % (
                browser, fam, len(cases), steps, prob, unpl))


if __name__ == "__main__":
    main()
