#!/usr/bin/python3
"""Records the cookies.txt corpus (tests/data/cookies_txt/) with the real tools.

    tools/cookies_txt/record.py [OUT_DIR]      (default: tests/data/cookies_txt)

Starts an HTTP server on 127.0.0.1 that answers like a site setting the
cookies of SET_COOKIES, and lets each tool visit it and save its cookie file
the way its users do: curl -c, wget --save-cookies, Python's
http.cookiejar.MozillaCookieJar (save(ignore_discard=True)), and yt-dlp
--cookies. Every tool reaches "www.dialects.test" through the server used as
an HTTP proxy, so no name is resolved and nothing leaves the machine. Each
file is written as the tool wrote it; provenance.json says which version of
which tool wrote what, and when. Needs curl, wget and yt-dlp (Debian
packages) and Debian's /usr/bin/python3 (yt-dlp is its module).
"""

import datetime
import http.cookiejar
import http.server
import json
import os
import platform
import subprocess
import sys
import threading
import urllib.request

SET_COOKIES = [
    "session=s1; Path=/",
    "persistent=p2; Path=/; Max-Age=31536000",
    "domain_session=d3; Domain=dialects.test; Path=/",
    "domain_persistent=d4; Domain=dialects.test; Path=/; Max-Age=31536000",
    "httponly_session=h5; Path=/; HttpOnly",
    "httponly_persistent=h6; Path=/; HttpOnly; Max-Age=31536000",
    "sub_path=s7; Path=/sub; Max-Age=31536000",
    "empty_value=; Path=/; Max-Age=31536000",
    'quoted="a b"; Path=/; Max-Age=31536000',
]
HOST = "www.dialects.test"

PAGE = (b"<!doctype html><title>dialects</title>"
        b'<video src="/clip.mp4"></video>\n')


class Handler(http.server.BaseHTTPRequestHandler):
    # Requests come as a proxy gets them: "GET http://www.dialects.test/set".
    def do_GET(self):
        path = self.path.split(HOST, 1)[-1]
        if path.startswith("/set"):
            body = PAGE
            self.send_response(200)
            for value in SET_COOKIES:
                self.send_header("Set-Cookie", value)
            self.send_header("Content-Type", "text/html")
        elif path.startswith("/clip.mp4"):
            body = b"\0" * 64
            self.send_response(200)
            self.send_header("Content-Type", "video/mp4")
        else:
            body = b"not found\n"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


def version(argv):
    return subprocess.run(argv, capture_output=True, text=True).stdout.splitlines()[0]


def dpkg(package):
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", package],
                          capture_output=True, text=True).stdout


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "tests/data/cookies_txt")
    os.makedirs(out, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    proxy = f"http://127.0.0.1:{server.server_address[1]}"
    url = f"http://{HOST}/set"
    env = dict(os.environ, http_proxy=proxy, HTTP_PROXY=proxy, no_proxy="", NO_PROXY="")
    files = {}

    path = os.path.join(out, "curl.txt")
    subprocess.run(["curl", "-s", "-o", "/dev/null", "-x", proxy, "-c", path, url], check=True)
    files["curl.txt"] = {"tool": version(["curl", "--version"]), "package": "curl " + dpkg("curl"),
                         "command": "curl -s -o /dev/null -x PROXY -c curl.txt URL"}

    path = os.path.join(out, "wget.txt")
    subprocess.run(["wget", "-q", "-O", "/dev/null", "-e", "use_proxy=yes", "-e",
                    f"http_proxy={proxy}", "--keep-session-cookies", "--save-cookies", path, url],
                   check=True)
    files["wget.txt"] = {"tool": version(["wget", "--version"]), "package": "wget " + dpkg("wget"),
                         "command": "wget -q -O /dev/null -e use_proxy=yes -e http_proxy=PROXY "
                                    "--keep-session-cookies --save-cookies wget.txt URL"}

    jar = http.cookiejar.MozillaCookieJar(os.path.join(out, "python_mozilla.txt"))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}),
                                         urllib.request.HTTPCookieProcessor(jar))
    opener.open(url).read()
    jar.save(ignore_discard=True)
    files["python_mozilla.txt"] = {
        "tool": f"Python {platform.python_version()} http.cookiejar.MozillaCookieJar",
        "package": "python3.11 " + dpkg("python3.11"),
        "command": "urllib.request opener with HTTPCookieProcessor(MozillaCookieJar), "
                   "then jar.save(ignore_discard=True)"}

    path = os.path.join(out, "yt_dlp.txt")
    subprocess.run(["yt-dlp", "--quiet", "--no-warnings", "--simulate", "--proxy", proxy,
                    "--cookies", path, url], env=env, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    files["yt_dlp.txt"] = {"tool": "yt-dlp " + version(["yt-dlp", "--version"]),
                           "package": "yt-dlp " + dpkg("yt-dlp"),
                           "command": "yt-dlp --quiet --no-warnings --simulate --proxy PROXY "
                                      "--cookies yt_dlp.txt URL"}
    server.shutdown()

    for name in files:
        if not os.path.exists(os.path.join(out, name)):
            sys.exit(f"record: {name} was not written")
    provenance = {
        "recorded": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "system": platform.platform(),
        "url": url,
        "set_cookie": SET_COOKIES,
        "files": files,
    }
    with open(os.path.join(out, "provenance.json"), "w") as f:
        json.dump(provenance, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
