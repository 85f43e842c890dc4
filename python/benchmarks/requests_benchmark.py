#!/usr/bin/env python3
"""The jar inside requests, against Python's http.cookiejar.CookieJar, side by
side in one run.

1. Per-request cost through requests' own cookie code path: for every event
   of the crawler and single-site traces (traces.py, the workloads of
   benchmarks/trace.cc), requests' MockRequest around a prepared request,
   ``jar.add_cookie_header(mock)`` for the request and, for a response that
   sets a cookie, ``jar.extract_cookies(MockResponse(headers), mock)``. The
   mock objects are built before timing: requests builds them whatever the
   jar. Reported: the median per-request time of the timed requests, the
   cost of loading the trace's cookies, and how many requests got the same
   set of cookies from both jars.

2. The jar's share of a real requests (and httpx) GET to a local server
   (local_server.py on 127.0.0.1), the jar holding the crawler
   trace's cookies plus three of the server's: a stock requests.Session (its
   RequestsCookieJar, which requests copies and scans on every request),
   the same session with an empty jar, and cookiejar.requests_session; the
   same three for httpx.Client.

Usage (from a CMake build; see docs/python.md):
    PYTHONPATH=build/python python3 python/benchmarks/requests_benchmark.py [--requests N]
"""

import argparse
import email.message
import http.cookiejar
import os
import statistics
import subprocess
import sys
import time

import httpx
import requests
from requests.cookies import MockRequest, MockResponse, RequestsCookieJar

import cookiejar
import traces


def mock_events(events, requests_limit):
    """(MockRequest, MockResponse or None) for every S event and the first
    ``requests_limit`` G events, built ahead of timing."""
    loads, gets = [], []
    for kind, url, line in events:
        mock = MockRequest(requests.Request("GET", url).prepare())
        if kind == "S":
            headers = email.message.Message()
            headers["Set-Cookie"] = line
            loads.append((mock, MockResponse(headers)))
        elif len(gets) < requests_limit:
            gets.append(mock)
    return loads, gets


def fresh(mock):
    # add_cookie_header leaves its header on the mock: a new one per run.
    return MockRequest(mock._r)


def load(jar, loads):
    start = time.perf_counter()
    for mock, response in loads:
        jar.add_cookie_header(mock)
        jar.extract_cookies(response, mock)
    return (time.perf_counter() - start) / len(loads)


def replay(jar, gets, rounds):
    """The median over ``rounds`` runs of the mean time per request; and the
    headers of the last run."""
    per_request = []
    for _ in range(rounds):
        mocks = [fresh(m) for m in gets]
        start = time.perf_counter()
        for mock in mocks:
            jar.add_cookie_header(mock)
        per_request.append((time.perf_counter() - start) / len(mocks))
    return statistics.median(per_request), [m.get_new_headers().get("Cookie") for m in mocks]


def cookie_set(header):
    return frozenset((header or "").split("; ")) - {""}


def trace_table(name, events, requests_limit, rounds):
    loads, gets = mock_events(events, requests_limit)
    results = {}
    for label, make in (("http.cookiejar.CookieJar", http.cookiejar.CookieJar),
                        ("cookiejar.HttpCookieJar", cookiejar.HttpCookieJar)):
        jar = make()
        load_cost = load(jar, [(fresh(m), r) for m, r in loads])
        request_cost, headers = replay(jar, gets, rounds)
        results[label] = (load_cost, request_cost, headers, len(jar))
    ours, theirs = results["cookiejar.HttpCookieJar"], results["http.cookiejar.CookieJar"]
    same = sum(cookie_set(a) == cookie_set(b) for a, b in zip(ours[2], theirs[2]))
    print(f"\n{name}: {len(loads)} Set-Cookie responses, {len(gets)} timed requests "
          f"(median of {rounds} runs)")
    print("| jar | cookies kept | per Set-Cookie (load) | per request (add_cookie_header) |")
    print("|---|---|---|---|")
    for label, (load_cost, request_cost, _, size) in results.items():
        print(f"| {label} | {size} | {load_cost * 1e6:.1f} µs | {request_cost * 1e6:.1f} µs |")
    print(f"| ratio | | {theirs[0] / ours[0]:.0f}x | {theirs[1] / ours[1]:.0f}x |")
    print(f"same cookies sent by both: {same} of {len(gets)} requests")
    return theirs[1] / ours[1]


def start_server():
    here = os.path.dirname(os.path.abspath(__file__))
    process = subprocess.Popen([sys.executable, os.path.join(here, "local_server.py")],
                               stdout=subprocess.PIPE, text=True)
    return process, int(process.stdout.readline())


def timed_gets(session, url, count, rounds):
    session.get(url)  # Opens the connection.
    per_get = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(count):
            session.get(url)
        per_get.append((time.perf_counter() - start) / count)
    return statistics.median(per_get)


def real_get_table(count, rounds):
    process, port = start_server()
    try:
        url = f"http://127.0.0.1:{port}/page"
        server_cookies = ["a=1; Path=/", "b=2; Path=/", "c=3; Path=/"]
        loads, _ = mock_events(traces.crawler(), 0)

        def filled(jar):
            for mock, response in loads:
                m = fresh(mock)
                jar.add_cookie_header(m)
                jar.extract_cookies(response, m)
            headers = email.message.Message()
            for line in server_cookies:
                headers["Set-Cookie"] = line
            m = MockRequest(requests.Request("GET", url).prepare())
            jar.add_cookie_header(m)
            jar.extract_cookies(MockResponse(headers), m)
            return jar

        empty = requests.Session()
        stock = requests.Session()
        stock.cookies = filled(RequestsCookieJar())
        ours = cookiejar.requests_session(filled(cookiejar.HttpCookieJar()))
        for session in (empty, stock, ours):
            session.trust_env = False
        baseline = timed_gets(empty, url, count, rounds)
        rows = [("requests.Session, empty jar", baseline, len(empty.cookies)),
                ("requests.Session, RequestsCookieJar", timed_gets(stock, url, count, rounds),
                 len(stock.cookies)),
                ("cookiejar.requests_session", timed_gets(ours, url, count, rounds),
                 len(ours.cookies))]
        print(f"\nrequests GET to 127.0.0.1 (local_server.py), {count} GETs, "
              f"median of {rounds} runs")
        print("| session | cookies | per GET | jar's share (over the empty jar) |")
        print("|---|---|---|---|")
        for label, cost, size in rows:
            share = max(0.0, cost - baseline) / cost
            print(f"| {label} | {size} | {cost * 1e3:.3f} ms | {share * 100:.0f}% |")

        # httpx copies client.cookies into a new http.cookiejar.CookieJar
        # twice per request whatever the jar (docs/python.md).
        ours_jar = filled(cookiejar.HttpCookieJar())
        clients = [("httpx.Client, empty jar", httpx.Client(trust_env=False)),
                   ("httpx.Client, http.cookiejar.CookieJar",
                    httpx.Client(cookies=filled(http.cookiejar.CookieJar()), trust_env=False)),
                   ("httpx.Client + cookiejar.HttpxTransport",
                    httpx.Client(cookies=ours_jar, transport=cookiejar.HttpxTransport(ours_jar),
                                 trust_env=False))]
        baseline = None
        for label, client in clients:
            with client:
                cost = timed_gets(client, url, count, rounds)
                size = len(client.cookies.jar)
            baseline = cost if baseline is None else baseline
            share = max(0.0, cost - baseline) / cost
            print(f"| {label} | {size} | {cost * 1e3:.3f} ms | {share * 100:.0f}% |")
    finally:
        process.terminate()
        process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000,
                        help="timed requests per trace (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per measure (median)")
    parser.add_argument("--gets", type=int, default=200, help="GETs per run (real server)")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, requests {requests.__version__}")
    ratio = trace_table("crawler trace (3,000 cookies over 1,000 sites)", traces.crawler(),
                        args.requests, args.rounds)
    trace_table("single-site trace (150 cookies on one site)", traces.single_site(),
                args.requests, args.rounds)
    real_get_table(args.gets, args.rounds)
    print(f"\ncrawler trace: cookiejar.HttpCookieJar is {ratio:.0f}x faster per request "
          f"(target: 100x)")


if __name__ == "__main__":
    main()
