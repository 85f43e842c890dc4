"""Fixtures: the real servers the tests talk to, all on 127.0.0.1.

- ``django``: the Django site of tests/django_site (Debian's python3-django),
  as tests/django_e2e_test.cc starts it.
- ``http_server``: tests/http_test_server.py, which logs the Cookie header of
  every request it receives.
- ``resolve_test_names``: names under .test resolve to 127.0.0.1 in this
  process only, so that tests can use real-looking hosts and cross-site
  redirects without leaving the machine.
"""

import json
import os
import socket
import subprocess
import sys
import urllib.request

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _start(args, cwd):
    process = subprocess.Popen([sys.executable] + args, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    port = process.stdout.readline().strip()
    if not port.isdigit():
        process.kill()
        raise RuntimeError(f"{args[0]} did not start: {process.stderr.read()}")
    return process, int(port)


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def django(tmp_path_factory):
    data = tmp_path_factory.mktemp("django")
    process, port = _start([os.path.join(REPO, "tests/django_site/run_site.py"), str(data)],
                           str(data))
    yield port
    _stop(process)


class HttpServer:
    def __init__(self, port):
        self.port = port

    def url(self, host, path):
        return f"http://{host}:{self.port}{path}"

    def _get(self, path):
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"http://127.0.0.1:{self.port}{path}", timeout=10) as r:
            return r.read()

    def reset(self):
        self._get("/__reset")

    def log(self):
        return json.loads(self._get("/__log"))


@pytest.fixture(scope="session")
def http_server(tmp_path_factory):
    process, port = _start([os.path.join(REPO, "tests/http_test_server.py")],
                           str(tmp_path_factory.mktemp("http")))
    yield HttpServer(port)
    _stop(process)


@pytest.fixture
def resolve_test_names(monkeypatch):
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode("ascii")
        if host and host.endswith(".test"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
