#!/usr/bin/env bash
# Re-records the browser cookie recordings in tests/data/browsers/.
#   tools/browsers/record.sh [chromium|firefox|all] [parse|dates|embedded|redirects|limits|all] [record.py options]
# Needs root on Debian 12 with: chromium firefox-esr libfaketime libnss3-tools
# python3-cryptography gcc (installed below when missing). Everything runs in a
# private network namespace: nothing leaves the machine. Not used by CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
browser=${1:-all}
family=${2:-all}
shift $(( $# < 2 ? $# : 2 ))
need=()
for p in chromium firefox-esr libfaketime libnss3-tools python3-cryptography gcc; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y "${need[@]}"
fi
# The LD_PRELOAD fake clock for Firefox (libfaketime deadlocks it).
gcc -O2 -shared -fPIC -o /var/tmp/cookie-recorder-fakeclock.so "$here/fakeclock.c" -ldl
browsers=$([ "$browser" = all ] && echo "chromium firefox" || echo "$browser")
families=$([ "$family" = all ] && echo "parse dates embedded redirects limits" || echo "$family")
for b in $browsers; do
  for f in $families; do
    COOKIE_RECORDER_NS=1 unshare -n -m /usr/bin/python3 "$here/record.py" "$b" "$f" "$@"
  done
done
