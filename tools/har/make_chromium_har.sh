#!/usr/bin/env bash
# Regenerates tests/data/har/chromium_django.har: starts the test Django site,
# drives Debian's headless Chromium through it with Playwright, and keeps the
# HAR. Needs the chromium package and network access to the npm registry
# (playwright-core); not run by CI, which only replays the committed HAR.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --silent playwright-core@1 >/dev/null)
/usr/bin/python3 "$root/tests/django_site/run_site.py" "$work" > "$work/port" &
server=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.2; done
port=$(head -1 "$work/port")
NODE_PATH="$work/node_modules" node "$root/tools/har/chromium_django_har.js" "$port" \
  "$root/tests/data/har/chromium_django.har"
echo "wrote tests/data/har/chromium_django.har ($(chromium --version))"
