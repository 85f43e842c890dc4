#!/usr/bin/env bash
# Chromium's v11 values through a real gnome-keyring-daemon in a private D-Bus
# session (tests/chromium_keyring_test.cc says what each scenario checks).
#   chromium_keyring_test.sh PATH_TO_chromium_keyring_test_bin
# Needs dbus-daemon (dbus-run-session), gnome-keyring and secret-tool
# (libsecret-tools): tools/setup.sh installs them. Every step is bounded by
# `timeout`, so a keyring that never answers fails the test, never hangs it.
set -euo pipefail
bin=$1
if [ ! -x "$bin" ]; then bin=$(pwd)/$1; fi
for program in dbus-run-session dbus-daemon gnome-keyring-daemon secret-tool; do
  command -v "$program" >/dev/null || { echo "missing $program: run tools/setup.sh" >&2; exit 1; }
done
tmp=$(mktemp -d "${TEST_TMPDIR:-/tmp}/keyring.XXXXXX")
# The keyring's sockets go in XDG_RUNTIME_DIR: a short path (a socket's name
# has at most 107 bytes).
run=$(mktemp -d /tmp/cookiejar-keyring.XXXXXX)
trap 'rm -rf "$tmp" "$run"' EXIT
# Chromium's key: the one a real Chromium made in its keyring when it wrote
# the recorded database (tools/browsers/record_stores.sh keyring).
recording=${TEST_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)/..}/cookiejar/tests/data/browser_stores/chromium_v11/recording.json
[ -f "$recording" ] || { echo "missing $recording" >&2; exit 1; }
CHROMIUM_KEY=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["keyring_password"], end="")' "$recording")
export CHROMIUM_KEY
export CHROME_KEY="chrome-test-key-$RANDOM$RANDOM"
password="test-password-$RANDOM"

# A scenario: a fresh home (the keyring files live there too), no desktop.
scenario() {  # scenario NAME COMMAND...
  local name=$1
  shift
  rm -rf "$tmp/home" "$run"/* && mkdir -p "$tmp/home/.local/share"
  echo "== keyring: $name"
  env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY HOME="$tmp/home" \
    TEST_HOME="$tmp/home" XDG_RUNTIME_DIR="$run" XDG_DATA_HOME="$tmp/home/.local/share" \
    XDG_CONFIG_HOME="$tmp/home/.config" timeout 180 "$@"
}

scenario "no session bus" "$bin" --gtest_filter='NoSessionBus.*'

# A session bus that can start nothing: no keyring on it.
cat >"$tmp/bare.conf" <<END
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
END
scenario "a session bus without a keyring" \
  dbus-run-session --config-file="$tmp/bare.conf" -- "$bin" --gtest_filter='NoSecretService.*'

# The same bus with gnome-keyring-daemon on it, unlocked with a test
# password, holding the keys (stored as Chromium and Chrome store theirs).
cat >"$tmp/with_keyring.sh" <<END
set -euo pipefail
printf %s "$password" | gnome-keyring-daemon --foreground --unlock --components=secrets \
  >"$tmp/daemon.log" 2>&1 &
daemon=\$!
trap 'kill \$daemon 2>/dev/null || true' EXIT
stored=
for _ in \$(seq 150); do
  if printf %s "\$CHROMIUM_KEY" |
     secret-tool store --label="Chromium Safe Storage" application chromium 2>/dev/null; then
    stored=1
    break
  fi
  sleep 0.2
done
[ -n "\$stored" ] || { echo "gnome-keyring-daemon did not start:"; cat "$tmp/daemon.log"; exit 1; }
printf %s "\$CHROME_KEY" | secret-tool store --label="Chrome Safe Storage" application chrome
"$bin" --gtest_filter='Keyring.*'
dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
  org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
"$bin" --gtest_filter='LockedKeyring.*'
END
scenario "gnome-keyring-daemon" dbus-run-session --config-file="$tmp/bare.conf" -- \
  bash "$tmp/with_keyring.sh"
