#!/usr/bin/env python3
"""A scriptable HTTP server for the HTTP-client tests, on 127.0.0.1.

Every request is answered from its query string and logged with its request
line, Host and Cookie headers and body, so that tests can check exactly what
a client sent on every hop:

  /r?status=302&to=URL        redirect (any status) to URL
  /r?...&set=COOKIE           ...with a Set-Cookie header (repeatable, in order)
  /page?set=COOKIE            200 with Set-Cookie headers and a short body
  /__log                      the log as JSON (one object per request)
  /__reset                    empties the log

Usage: http_test_server.py [--http10]   prints the port on its first line.
With --http10 it speaks HTTP/1.0 (one request per connection).
"""

import http.server
import json
import socketserver
import sys
import threading
import urllib.parse

LOG = []
LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

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
            })
        headers = [("Set-Cookie", c) for c in query.get("set", [])]
        if parsed.path == "/r":
            status = int(query.get("status", ["302"])[0])
            headers.append(("Location", query["to"][0]))
            return self._send(status, headers, b"")
        return self._send(200, headers + [("Content-Type", "text/plain")],
                          ("%s %s" % (self.command, self.path)).encode())

    def _send(self, status, headers, payload):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_HEAD = _answer


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 512


def main():
    if "--http10" in sys.argv:
        Handler.protocol_version = "HTTP/1.0"
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
