#!/usr/bin/env python3
"""A tiny HTTP server for the curl round-trip test (tests/cookies_txt_curl_test.cc).

Usage: cookie_server.py
Listens on 127.0.0.1 on a free port and prints that port on a line of its own.
  GET .../set   answers with the Set-Cookie headers below
  GET .../echo  answers with the Cookie header it received ("" when none)
"""

import http.server
import sys

SET_COOKIES = [
    "plain=1; Path=/",
    "sub=2; Path=/sub",
    "dom=3; Domain=cookies.test; Path=/; Max-Age=3600",
    "hidden=4; Path=/; HttpOnly; Max-Age=3600",
    "gone=5; Path=/; Max-Age=0",
    'quoted="a b"; Path=/',
]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.endswith("/set"):
            body = b"set\n"
            self.send_response(200)
            for value in SET_COOKIES:
                self.send_header("Set-Cookie", value)
        elif self.path.endswith("/echo"):
            body = self.headers.get("Cookie", "").encode()
            self.send_response(200)
        else:
            body = b"not found\n"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
