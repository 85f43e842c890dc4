"""Fixtures: the real servers the tests talk to, all on 127.0.0.1.

- ``django``: the Django site of tests/django_site (Debian's python3-django),
  as tests/django_e2e_test.cc starts it.
- ``http_server``: tests/http_test_server.py, which logs the Cookie header of
  every request it receives.
- ``tinyproxy``: a real forward proxy (tinyproxy) whose log tells which
  requests it carried.
- ``resolve_test_names``: names under .test resolve to 127.0.0.1 in this
  process only, so that tests can use real-looking hosts and cross-site
  redirects without leaving the machine.
"""

import json
import os
import socket
import ssl
import subprocess
import sys
import time
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
    def __init__(self, port, ca=None):
        self.port = port
        self.ca = ca  # HTTPS: the CA file that signed the server's certificate.
        self.scheme = "https" if ca else "http"

    def url(self, host, path):
        return f"{self.scheme}://{host}:{self.port}{path}"

    def _get(self, path):
        handlers = [urllib.request.ProxyHandler({})]
        if self.ca:
            handlers.append(urllib.request.HTTPSHandler(
                context=ssl.create_default_context(cafile=self.ca)))
        opener = urllib.request.build_opener(*handlers)
        with opener.open(self.url("127.0.0.1", path), timeout=10) as r:
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


@pytest.fixture(scope="session")
def http10_server(tmp_path_factory):
    """tests/http_test_server.py speaking HTTP/1.0: one request per
    connection, for tests through tinyproxy, which closes a client's
    connection after each response without saying so (clients reusing it
    would race with the close)."""
    process, port = _start([os.path.join(REPO, "tests/http_test_server.py"), "--http10"],
                           str(tmp_path_factory.mktemp("http10")))
    yield HttpServer(port)
    _stop(process)


@pytest.fixture(scope="session")
def https10_server(tmp_path_factory):
    """http10_server over TLS, with a certificate for localhost and
    127.0.0.1 from a throwaway CA (the openssl command); ``.ca`` is the CA's
    file."""
    d = str(tmp_path_factory.mktemp("https10"))

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *key, "-days", "2", "-subj", "/CN=cookiejar test CA",
            "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.pem")
    openssl("req", *key, "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", f"{d}/server.key", "-out", f"{d}/server.csr")
    openssl("x509", "-req", "-in", f"{d}/server.csr", "-CA", f"{d}/ca.pem", "-CAkey",
            f"{d}/ca.key", "-set_serial", "1", "-days", "2", "-copy_extensions", "copy",
            "-out", f"{d}/server.pem")
    process, port = _start([os.path.join(REPO, "tests/http_test_server.py"), "--http10", "--tls",
                            f"{d}/server.pem", f"{d}/server.key"], d)
    yield HttpServer(port, ca=f"{d}/ca.pem")
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


class Tinyproxy:
    """A real forward proxy (Debian's tinyproxy-bin) on 127.0.0.1; its log
    says which requests it carried."""

    def __init__(self, directory):
        self.dir = directory
        self.port = None
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        for _ in range(20):
            with socket.socket() as probe:  # A free port now; tinyproxy binds it next.
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            config = os.path.join(self.dir, "tinyproxy.conf")
            with open(config, "w") as f:
                f.write(f"Port {port}\nListen 127.0.0.1\nTimeout 60\nMaxClients 100\n"
                        f'LogFile "{self.dir}/tinyproxy.log"\nLogLevel Connect\n'
                        "DisableViaHeader Yes\n")
            try:
                # -d: in the foreground, so that terminating it ends it.
                self.process = subprocess.Popen(["tinyproxy", "-d", "-c", config],
                                                stdout=subprocess.DEVNULL,
                                                stderr=subprocess.DEVNULL)
            except FileNotFoundError:
                pytest.fail("tinyproxy is missing (tools/setup.sh installs tinyproxy-bin)")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    self.port = port
                    return self
                except OSError:
                    time.sleep(0.02)
            _stop(self.process)  # Another process took the port first? Again.
        raise RuntimeError("tinyproxy never listened")

    def requests(self):
        """The request lines the proxy carried, oldest first."""
        # "CONNECT   Dec 07 06:42:12.573 [27416]: Request (file descriptor 5): GET http://..."
        try:
            with open(os.path.join(self.dir, "tinyproxy.log")) as log:
                lines = log.read().splitlines()
        except FileNotFoundError:
            return []
        return [line.split("): ", 1)[1] for line in lines
                if "]: Request (file descriptor " in line and "): " in line]


@pytest.fixture(scope="session")
def tinyproxy(tmp_path_factory):
    proxy = Tinyproxy(str(tmp_path_factory.mktemp("tinyproxy"))).start()
    yield proxy
    _stop(proxy.process)


@pytest.fixture
def no_proxy_environment(monkeypatch):
    """No proxy variable of the machine running the tests leaks in."""
    for name in list(os.environ):
        if name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            monkeypatch.delenv(name)
    return monkeypatch
