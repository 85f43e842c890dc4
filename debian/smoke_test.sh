#!/bin/sh
# Checks the CMake build in BUILD_DIR (debian/rules, dh_auto_test): the
# cookiejar command and the Python module keep a cookie and send it back.
#   debian/smoke_test.sh BUILD_DIR
set -eu
build=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/cookiejar" --jar "$tmp/jar.db" set https://bank.example/login 'sessionid=abc; Secure; HttpOnly' >/dev/null
got=$("$build/cookiejar" --jar "$tmp/jar.db" get https://bank.example/transfer)
[ "$got" = "sessionid=abc" ] || { echo "smoke test: cookiejar get printed '$got'" >&2; exit 1; }
got=$(cd "$tmp" && PYTHONPATH="$build/python" PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -c '
import cookiejar
jar = cookiejar.Jar("chromium")
jar.set_cookie("https://bank.example/login", "sessionid=abc; Secure; HttpOnly")
print(jar.cookie_header("https://bank.example/transfer"))')
[ "$got" = "sessionid=abc" ] || { echo "smoke test: the Python module gave '$got'" >&2; exit 1; }
echo "smoke test: the command and the Python module keep and send cookies"
