"""Several threads sharing one jar (the engine runs without the GIL): every
cookie each thread sets is kept, and every header read while others write is
one a browser could have sent."""

import email.message
import threading

import requests
from requests.cookies import MockRequest, MockResponse

import cookiejar

THREADS = 8
SITES = 25
ROUNDS = 40


def test_threads_sharing_one_jar():
    jar = cookiejar.NativeJar("unlimited")
    errors = []
    start = threading.Barrier(THREADS)

    def work(t):
        try:
            start.wait()
            for r in range(ROUNDS):
                site = f"https://s{(t * 7 + r) % SITES}.example/"
                jar.set_cookie(site, f"t{t}r{r}=v{r}; Max-Age=3600")
                header = jar.cookie_header(site)
                pairs = header.split("; ")
                # This thread's own cookie is there; every pair is well formed.
                assert f"t{t}r{r}=v{r}" in pairs, header
                assert all(p.startswith("t") and "=v" in p for p in pairs), header
                if r % 10 == 0:
                    jar.explain(site, site_only=True)
                    jar.cookies()
        except BaseException as e:  # Reported in the main thread.
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(jar) == THREADS * ROUNDS
    names = {c.name for c in jar.cookies()}
    assert names == {f"t{t}r{r}" for t in range(THREADS) for r in range(ROUNDS)}


def test_threads_sharing_one_compatible_jar_through_requests_objects():

    jar = cookiejar.HttpCookieJar()
    errors = []

    def work(t):
        try:
            for r in range(ROUNDS):
                # requests' order: the header goes out, the response comes in.
                url = f"https://w{t}.example/p"
                request = MockRequest(requests.Request("GET", url).prepare())
                jar.add_cookie_header(request)
                sent = request.get_new_headers().get("Cookie", "")
                assert sent.count("=v") == r, sent
                headers = email.message.Message()
                headers["Set-Cookie"] = f"n{r}=v; Path=/"
                jar.extract_cookies(MockResponse(headers), request)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(jar) == THREADS * ROUNDS
