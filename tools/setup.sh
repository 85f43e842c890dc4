#!/usr/bin/env bash
# Installs the Debian 12 packages that the build, the tests and the benchmarks
# need. Idempotent and quiet; returns at once when everything is installed.
set -euo pipefail

packages=(
  bazel-bootstrap          # Bazel 4.2.3 (brings OpenJDK and build-essential)
  build-essential
  pkg-config               # third_party/system_libs.bzl asks it for flags
  clang                    # --config=asan / ubsan / tsan
  libclang-rt-14-dev
  libabsl-dev
  libicu-dev               # IDNA (UTS #46)
  libboost-date-time-dev   # cookie-date calendar
  libgtest-dev
  libgmock-dev
  libbenchmark-dev
  libpsl-dev               # compared against in benchmarks/
  libsoup-3.0-dev          # compared against in benchmarks/
  nlohmann-json3-dev       # reads the JSON conformance data in tests/
  libsqlite3-dev           # the persistent store
  libcurl4-openssl-dev     # the libcurl adapter (curl/)
  python3-django           # tests/django_e2e_test: a real Django site
  curl                     # tests/cookies_txt_curl_test: round trip with the curl CLI
  python3                  # test servers in tests/
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { "${sudo[@]}" apt-get update -qq && \
       "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "setup: apt-get failed" >&2
  exit 1
fi
rm -f "$log"
