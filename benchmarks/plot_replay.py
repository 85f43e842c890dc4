#!/usr/bin/env python3
"""Draws the trace-replay results as an SVG bar chart.

Usage: plot_replay.py REPLAY.json OUT.svg

REPLAY.json is trace_replay's Google Benchmark JSON output
(--benchmark_out=REPLAY.json). Bars show nanoseconds per event (median of the
repetitions when there are several) on a log scale, one group per workload and
phase, one bar per implementation.
"""

import json
import math
import sys
from collections import OrderedDict

# URL strings (what a client has) first, URLs parsed before the timing second.
COLORS = {"cookiejar": "#1b7837", "cookiejar-parsed": "#a6dba0", "cookiejar x2": "#5aae61",
          "libsoup": "#762a83", "libsoup-parsed": "#c2a5cf", "memcpy": "#999999"}


def load(path):
    with open(path) as f:
        data = json.load(f)
    results = OrderedDict()
    for run in data["benchmarks"]:
        if run.get("run_type") == "aggregate" and run.get("aggregate_name") != "median":
            continue
        ips = run.get("items_per_second")
        if not ips:
            continue
        name = run.get("run_name", run["name"])
        parts = name.split("/")
        if len(parts) < 3:
            continue
        impl = parts[2]
        threads = [p for p in parts[3:] if p.startswith("threads:")]
        if threads and threads[0] != "threads:1":
            impl += " x" + threads[0][len("threads:"):]
        group = parts[0] + " " + parts[1]
        # A median replaces the single repetitions of the same benchmark.
        if run.get("run_type") == "aggregate" or impl not in results.get(group, {}):
            results.setdefault(group, OrderedDict())[impl] = 1e9 / ips
    return results


def svg(results):
    groups = list(results.items())
    impls = [i for i in COLORS if any(i in r for _, r in groups)]
    bar, gap, left, top, height = 18, 30, 150, 40, 320
    width = left + len(groups) * (len(impls) * bar + gap) + 40
    values = [v for _, r in groups for v in r.values()]
    lo = 10 ** math.floor(math.log10(min(values)))
    hi = 10 ** math.ceil(math.log10(max(values)))

    def y(v):
        return top + height - height * (math.log10(v) - math.log10(lo)) / (
            math.log10(hi) - math.log10(lo))

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (width, top + height + 90)]
    out.append('<text x="%d" y="20" font-size="14">ns per event (log scale), '
               'lower is better</text>' % left)
    decade = lo
    while decade <= hi:
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>'
                   % (left, width - 20, y(decade), y(decade)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>'
                   % (left - 6, y(decade) + 4, decade))
        decade *= 10
    x = left + 10
    for group, r in groups:
        for impl in impls:
            if impl in r:
                v = r[impl]
                out.append('<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="%s">'
                           '<title>%s %s: %.1f ns</title></rect>'
                           % (x, y(v), bar - 2, top + height - y(v), COLORS[impl], group,
                              impl, v))
            x += bar
        out.append('<text x="%d" y="%d" text-anchor="middle">%s</text>'
                   % (x - len(impls) * bar / 2, top + height + 16, group))
        x += gap
    lx = left
    for impl in impls:
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>'
                   % (lx, top + height + 40, COLORS[impl]))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 16, top + height + 50, impl))
        lx += 130
    out.append('</svg>')
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    results = load(sys.argv[1])
    if not results:
        sys.exit("no results in " + sys.argv[1])
    with open(sys.argv[2], "w") as f:
        f.write(svg(results))


if __name__ == "__main__":
    main()
