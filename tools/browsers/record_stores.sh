#!/usr/bin/env bash
# Records the browser cookie databases in tests/data/browser_stores/.
#   tools/browsers/record_stores.sh stores [--browser chromium|firefox|all]
#   tools/browsers/record_stores.sh state     (needs bazel-bin/cli/cookiejar)
#   tools/browsers/record_stores.sh keyring   (also needs gnome-keyring, libsecret-tools)
# Needs root on Debian 12 with: chromium firefox-esr libnss3-tools
# python3-cryptography (installed below when missing). Everything runs in a
# private network namespace: nothing leaves the machine. Not used by CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
need=()
for p in chromium firefox-esr libnss3-tools python3-cryptography; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y "${need[@]}"
fi
COOKIE_RECORDER_NS=1 exec unshare -n -m /usr/bin/python3 "$here/record_stores.py" "$@"
