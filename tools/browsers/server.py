"""Socket-level HTTP/1.1 server for the browser recordings.

Listens on 127.0.0.1/[::1] ports 80 (http) and 443 (https) inside the
recorder's private network namespace. Every response comes from the current
case's route table; Set-Cookie lines are written as raw bytes (whatever they
contain), which is why this is not built on http.server.

Every request is logged (except /favicon.ico) with the exact Cookie header
bytes and the Sec-Fetch-*, Origin and Referer headers.
"""
import datetime
import ipaddress
import os
import socket
import ssl
import threading
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

REASONS = {200: b"OK", 301: b"Moved Permanently", 302: b"Found",
           303: b"See Other", 307: b"Temporary Redirect",
           308: b"Permanent Redirect", 404: b"Not Found"}

# 1x1 transparent GIF
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c"
                    "00000000010001000002024401003b")

RUNNER_JS = r"""
(async () => {
  const OPS = __OPS__;
  const de = document.documentElement;
  const load = (el, parent) => new Promise(r => {
    const t = setTimeout(r, 8000);
    el.onload = el.onerror = () => { clearTimeout(t); r(); };
    parent.appendChild(el);
  });
  for (const op of OPS) {
    if (op.t === 'img') {
      const i = document.createElement('img'); i.src = op.u;
      await load(i, document.body);
    } else if (op.t === 'script') {
      const s = document.createElement('script'); s.src = op.u;
      await load(s, document.head);
    } else if (op.t === 'fetch') {
      try { const r = await fetch(op.u, {credentials: op.c, method: op.m || 'GET'}); await r.text(); } catch (e) {}
    } else if (op.t === 'iframe') {
      await new Promise(r => {
        const f = document.createElement('iframe');
        const t = setTimeout(r, 10000);
        window.addEventListener('message', function h(e) {
          if (e.source === f.contentWindow && e.data === '__done') {
            window.removeEventListener('message', h); clearTimeout(t); r();
          }
        });
        f.src = op.u; document.body.appendChild(f);
      });
    } else if (op.t === 'form') {
      const f = document.createElement('form');
      f.method = op.m || 'POST'; f.action = op.u;
      if (op.target) f.target = op.target;
      const i = document.createElement('input'); i.name = 'x'; i.value = '1';
      f.appendChild(i); document.body.appendChild(f);
      f.submit(); return;
    } else if (op.t === 'nav') {
      location.href = op.u; return;
    } else if (op.t === 'click') {
      const a = document.createElement('a'); a.href = op.u; a.textContent = 'go';
      document.body.appendChild(a); a.click(); return;
    } else if (op.t === 'setcookie') {
      document.cookie = op.v;
    } else if (op.t === 'wait') {
      await new Promise(r => setTimeout(r, op.ms));
    }
  }
  de.setAttribute('data-done', '1');
  if (window.parent !== window) window.parent.postMessage('__done', '*');
})();
"""


def html_page(ops):
    import json
    js = RUNNER_JS.replace("__OPS__", json.dumps(ops))
    return ("<!doctype html><html><head><meta charset=utf-8><title>case</title>"
            "</head><body><script>" + js + "</script></body></html>").encode()


class Certs:
    """A local CA and one leaf certificate per host name (made on demand)."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "certs")
        os.makedirs(self.dir, exist_ok=True)
        self.lock = threading.Lock()
        self.contexts = {}
        self.serial = int(time.time() * 1000)
        # Valid from 2025-01-01 so that a fake clock at 2026-01-01 is inside.
        self.not_before = datetime.datetime(2025, 1, 1)
        self.not_after = datetime.datetime(2035, 1, 1)
        ca_key_path = os.path.join(self.dir, "ca.key")
        ca_path = os.path.join(self.dir, "ca.pem")
        if os.path.exists(ca_key_path) and os.path.exists(ca_path):
            self.ca_key = serialization.load_pem_private_key(
                open(ca_key_path, "rb").read(), None)
            self.ca = x509.load_pem_x509_certificate(open(ca_path, "rb").read())
        else:
            self.ca_key = ec.generate_private_key(ec.SECP256R1())
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                                 "cookie-recorder local CA")])
            self.ca = (x509.CertificateBuilder()
                       .subject_name(name).issuer_name(name)
                       .public_key(self.ca_key.public_key())
                       .serial_number(x509.random_serial_number())
                       .not_valid_before(self.not_before)
                       .not_valid_after(self.not_after)
                       .add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
                       .add_extension(x509.KeyUsage(False, False, False, False, False,
                                                    True, True, False, False), True)
                       .sign(self.ca_key, hashes.SHA256()))
            open(ca_key_path, "wb").write(self.ca_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()))
            open(ca_path, "wb").write(self.ca.public_bytes(serialization.Encoding.PEM))
        self.ca_path = ca_path
        self.leaf_key = ec.generate_private_key(ec.SECP256R1())
        self.leaf_key_path = os.path.join(self.dir, "leaf.key")
        open(self.leaf_key_path, "wb").write(self.leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))

    def spki_hash(self):
        import base64
        der = self.leaf_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        d = hashes.Hash(hashes.SHA256())
        d.update(der)
        return base64.b64encode(d.finalize()).decode()

    def _make(self, key, sans):
        self.serial += 1
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, key[:60])]))
                .issuer_name(self.ca.subject)
                .public_key(self.leaf_key.public_key())
                .serial_number(self.serial)
                .not_valid_before(self.not_before)
                .not_valid_after(datetime.datetime(2027, 12, 1))
                .add_extension(x509.SubjectAlternativeName(sans), False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
                .add_extension(x509.ExtendedKeyUsage(
                    [x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)
                .sign(self.ca_key, hashes.SHA256()))
        path = os.path.join(self.dir, "leaf-%d.pem" % self.serial)
        with open(path, "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
            f.write(self.ca.public_bytes(serialization.Encoding.PEM))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.set_alpn_protocols(["http/1.1"])
        ctx.load_cert_chain(path, self.leaf_key_path)
        return ctx

    def context_for(self, host):
        with self.lock:
            ctx = self.contexts.get(host)
            if ctx is None:
                if host is None:
                    sans = [x509.DNSName("localhost"),
                            x509.IPAddress(ipaddress.ip_address("::1"))]
                    sans += [x509.IPAddress(ipaddress.ip_address("127.0.0.%d" % i))
                             for i in range(1, 40)]
                    ctx = self._make("ip-hosts", sans)
                else:
                    ctx = self._make(host, [x509.DNSName(host)])
                self.contexts[host] = ctx
            return ctx


class Recorder:
    """Shared state between the server threads and the driver."""

    def __init__(self):
        self.cond = threading.Condition()
        self.routes = {}
        self.log = []
        self.case_id = None
        self.clock_offset = 0.0   # browser clock = real clock + offset
        self.stray = []

    def start_case(self, case_id, routes):
        with self.cond:
            self.case_id = case_id
            self.routes = routes
            self.log = []

    def end_case(self):
        with self.cond:
            log, self.log = self.log, []
            self.case_id = None
            self.routes = {}
            return log

    def add(self, entry):
        with self.cond:
            if self.case_id is None:
                self.stray.append(entry)
            else:
                self.log.append(entry)
            self.cond.notify_all()

    def wait_for(self, pred, timeout):
        end = time.time() + timeout
        with self.cond:
            while not pred(self.log):
                left = end - time.time()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return True


def parse_request(head):
    lines = head.split(b"\r\n")
    method, target, _ = lines[0].split(b" ", 2)
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        k, _, v = line.partition(b":")
        headers.append((k.strip().lower(), v.strip(b" \t")))
    return method.decode(), target, headers


class Server:
    def __init__(self, rec, certs):
        self.rec = rec
        self.certs = certs
        self.socks = []
        self.stop = False

    def start(self):
        for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
            for port, tls in ((80, False), (443, True)):
                s = socket.socket(fam, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if fam == socket.AF_INET6:
                    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                s.bind((addr, port))
                s.listen(128)
                self.socks.append(s)
                threading.Thread(target=self.accept_loop, args=(s, tls), daemon=True).start()

    def accept_loop(self, s, tls):
        while not self.stop:
            try:
                conn, _ = s.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(conn, tls), daemon=True).start()

    def handle(self, conn, tls):
        try:
            if tls:
                base = self.certs.context_for(None)

                def sni(sslobj, name, ctx):
                    if name:
                        sslobj.context = self.certs.context_for(name)
                base.sni_callback = sni
                conn = base.wrap_socket(conn, server_side=True)
            buf = b""
            while True:
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                head, _, buf = buf.partition(b"\r\n\r\n")
                t = time.time()
                method, target, headers = parse_request(head)
                hd = {}
                for k, v in headers:
                    hd.setdefault(k, []).append(v)
                n = int(hd.get(b"content-length", [b"0"])[0])
                while len(buf) < n:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                body, buf = buf[:n], buf[n:]
                self.respond(conn, tls, method, target, hd, body, t)
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def respond(self, conn, tls, method, target, hd, body, t):
        host = hd.get(b"host", [b""])[0].decode("latin-1").lower()
        scheme = "https" if tls else "http"
        path = target.decode("latin-1")
        url = "%s://%s%s" % (scheme, host, path)
        if path == "/favicon.ico":
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                         b"Cache-Control: no-store\r\n\r\n")
            return
        route = self.rec.routes.get(url)
        origin = hd.get(b"origin", [None])[0]
        status = 404
        set_cookie = []
        location = None
        ctype = b"text/html; charset=utf-8"
        payload = b"<!doctype html><title>404</title>not found"
        extra = []
        if route is not None:
            status = route.get("status", 200)
            set_cookie = route.get("set_cookie_raw", [])
            location = route.get("location")
            typ = route.get("type", "html")
            if typ == "html":
                payload = html_page(route.get("ops", []))
            elif typ == "img":
                ctype, payload = b"image/gif", GIF
            elif typ == "script":
                ctype, payload = b"text/javascript", b"/* ok */\n"
            else:
                ctype, payload = b"text/plain", b"ok\n"
            if origin is not None and typ in ("fetch", "html", "script"):
                extra.append(b"Access-Control-Allow-Origin: " + origin)
                extra.append(b"Access-Control-Allow-Credentials: true")
        out = [b"HTTP/1.1 %d %s" % (status, REASONS.get(status, b"X"))]
        out.append(b"Content-Type: " + ctype)
        out.append(b"Content-Length: %d" % len(payload))
        out.append(b"Cache-Control: no-store")
        if location:
            out.append(b"Location: " + location.encode())
        out.extend(extra)
        for line in set_cookie:
            out.append(b"Set-Cookie: " + line)
        resp = b"\r\n".join(out) + b"\r\n\r\n" + payload
        cookies = hd.get(b"cookie")

        def h(name):
            v = hd.get(name)
            return v[0].decode("latin-1") if v else None
        entry = {
            "t": t, "method": method, "url": url, "url_raw": target,
            "cookie": cookies, "set_cookie": set_cookie, "status": status,
            "location": location, "sec_fetch_site": h(b"sec-fetch-site"),
            "sec_fetch_mode": h(b"sec-fetch-mode"), "sec_fetch_dest": h(b"sec-fetch-dest"),
            "origin": h(b"origin"), "referer": h(b"referer"), "routed": route is not None,
        }
        # Log before answering so that the driver sees requests in arrival order.
        self.rec.add(entry)
        conn.sendall(resp)
