#!/usr/bin/env python3
"""A scriptable HTTP server for the HTTP-client tests, on 127.0.0.1.

Every request is answered from its query string and logged with its request
line, Host and Cookie headers and body, so that tests can check exactly what
a client sent on every hop:

  /r?status=302&to=URL        redirect (any status) to URL
  /r?...&set=COOKIE           ...with a Set-Cookie header (repeatable, in order)
  /r?...&bytes=N              ...and a body of N bytes
  /page?set=COOKIE            200 with Set-Cookie headers and a short body
  /page?bytes=N               ...whose body is N bytes ("x" repeated)
  /page?date=HTTP-DATE        ...with that Date header instead of the clock's
  /page?close=1               ...and the connection closed after it
  /page?early=COOKIE          ...after an interim 103 Early Hints that sets COOKIE
  /page?trailer=COOKIE        ...chunked, with COOKIE in a Set-Cookie trailer
  /page?header_bytes=N        ...with about N bytes of X-Filler headers
  /__log                      the log as JSON (one object per request)
  /__reset                    empties the log

Each log entry names the connection it came on (peer address and port),
and with TLS whether the session was resumed and the client certificate's
common name.

Usage: http_test_server.py [--http10] [--tls CERT KEY [CLIENT_CA]]
prints the port on its first line. With --http10 it speaks HTTP/1.0 (one
request per connection); with --tls, HTTPS with CERT and KEY, asking for a
client certificate signed by CLIENT_CA (optional for the client).
"""

import http.server
import json
import socketserver
import ssl
import sys
import threading
import urllib.parse

LOG = []
LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm the
    # body waits for the client's delayed ACK (40 ms) on a kept-alive
    # connection.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()  # Here, not in the accepting thread.
        super().setup()

    def _tls(self):
        if not isinstance(self.request, ssl.SSLSocket):
            return {}
        subject = dict(pair[0] for pair in (self.request.getpeercert() or {}).get("subject", ()))
        return {"tls_resumed": self.request.session_reused,
                "client_cert": subject.get("commonName")}

    def _answer(self):
        parsed = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("latin-1") if length else ""
        if parsed.path == "/__log":
            with LOCK:
                payload = json.dumps(LOG).encode()
            return self._send(200, [("Content-Type", "application/json")], payload)
        if parsed.path == "/__reset":
            with LOCK:
                LOG.clear()
            return self._send(200, [], b"ok")
        with LOCK:
            LOG.append({
                "request_line": self.requestline,
                "method": self.command,
                "host": self.headers.get("Host", ""),
                "cookie": self.headers.get("Cookie"),
                "content_type": self.headers.get("Content-Type"),
                "body": body,
                "peer_address": self.client_address[0],
                "peer_port": self.client_address[1],
                **self._tls(),
            })
        headers = [("Set-Cookie", c) for c in query.get("set", [])]
        filler = int(query.get("header_bytes", ["0"])[0])
        headers += [("X-Filler", "f" * 990)] * (filler // 1000)
        payload = b"x" * int(query["bytes"][0]) if "bytes" in query else None
        if parsed.path == "/r":
            status = int(query.get("status", ["302"])[0])
            headers.append(("Location", query["to"][0]))
            return self._send(status, headers, payload or b"")
        for early in query.get("early", []):
            self.wfile.write(("HTTP/1.1 103 Early Hints\r\nSet-Cookie: %s\r\n"
                              "Link: </style.css>; rel=preload\r\n\r\n" % early).encode("latin-1"))
        if payload is None:
            payload = ("%s %s" % (self.command, self.path)).encode()
        if "close" in query:
            headers.append(("Connection", "close"))
            self.close_connection = True
        return self._send(200, headers + [("Content-Type", "text/plain")], payload,
                          date=query.get("date", [None])[0],
                          trailers=[("Set-Cookie", c) for c in query.get("trailer", [])])

    def _send(self, status, headers, payload, date=None, trailers=()):
        self.send_response_only(status)
        self.send_header("Server", self.version_string())
        self.send_header("Date", date or self.date_time_string())
        for name, value in headers:
            self.send_header(name, value)
        if trailers:
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Trailer", ", ".join(sorted({n for n, _ in trailers})))
        else:
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if not trailers:
            self.wfile.write(payload)
            return
        if payload:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(payload), payload))
        self.wfile.write(b"0\r\n")
        for name, value in trailers:
            self.wfile.write(("%s: %s\r\n" % (name, value)).encode("latin-1"))
        self.wfile.write(b"\r\n")

    do_GET = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_HEAD = _answer


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 512


def main():
    if "--http10" in sys.argv:
        Handler.protocol_version = "HTTP/1.0"
    server = Server(("127.0.0.1", 0), Handler)
    if "--tls" in sys.argv:
        files = sys.argv[sys.argv.index("--tls") + 1:]
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(files[0], files[1])
        if len(files) > 2:
            context.load_verify_locations(files[2])
            context.verify_mode = ssl.CERT_OPTIONAL
        server.socket = context.wrap_socket(server.socket, server_side=True,
                                            do_handshake_on_connect=False)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
