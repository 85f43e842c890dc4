#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs. Idempotent and quiet;
# returns at once when everything is installed.
#
#   tools/setup.sh          everything: the library, its tests, fuzzing,
#                           benchmarks and the consumer examples
#   tools/setup.sh --lib    only what building and using the library needs
#                           (CMake or Bazel, the compiler, the -dev packages
#                           it links)
set -euo pipefail

# The library: build tools and the libraries it links.
lib_packages=(
  build-essential
  cmake                    # the CMake build (CMakeLists.txt)
  pkg-config               # cookiejar.pc; Bazel wraps the libraries from their .pc files
  bazel-bootstrap          # the Bazel build (Bazel 4.2.3; brings OpenJDK)
  libabsl-dev
  libicu-dev               # IDNA (UTS #46)
  libboost-date-time-dev   # cookie-date calendar (header-only part)
  libnspr4-dev             # Firefox's cookie-date parser (the firefox profile)
  libsqlite3-dev           # the persistent store
  libcurl4-openssl-dev     # the libcurl adapter
  nlohmann-json3-dev       # storageState/cookie-editor JSON, the cookiejar command's HAR replay
  libssl-dev               # libcrypto: Chromium's encrypted cookie values (v10, v11)
  libsecret-1-dev          # the Secret Service (desktop keyring): Chromium's v11 key
  libhiredis-dev           # the Redis store (no TLS in Debian 12's hiredis 0.14)
)

# Only the tests, fuzzing and benchmarks.
dev_packages=(
  clang                    # --config=asan / ubsan / tsan / fuzz
  libclang-rt-14-dev
  libgtest-dev
  libgmock-dev
  libbenchmark-dev
  libpsl-dev               # compared against in benchmarks/
  libsoup-3.0-dev          # compared against in benchmarks/
  libcpp-httplib-dev       # clients/httplib: the cpp-httplib example
  libboost-dev             # clients/beast: the Boost.Beast example
  python3-django           # tests/django_e2e_test: a real Django site
  curl                     # tests/cookies_txt_curl_test: round trip with the curl CLI
  python3                  # test servers in tests/
  python3-dev              # python/: the Python module (COOKIEJAR_BUILD_PYTHON)
  pybind11-dev             # python/: the module's C++ binding
  python3-pybind11
  python3-pytest           # python/tests
  python3-requests         # python/: the requests adapter, its tests and benchmark
  python3-httpx            # python/: the httpx transport and its tests
  redis-server             # tests/redis_*: real Redis servers and clusters
  redis-tools              # redis-cli --cluster create in tests/redis_*
  dbus-daemon              # tests/chromium_keyring_test: private D-Bus sessions (dbus-run-session)
  dbus-bin                 # tests/chromium_keyring_test: dbus-send locks the test keyring
  gnome-keyring            # tests/chromium_keyring_test: a real Secret Service
  libsecret-tools          # tests/chromium_keyring_test: secret-tool stores the test keys
)

case "${1:-}" in
  --lib) packages=("${lib_packages[@]}") ;;
  "") packages=("${lib_packages[@]}" "${dev_packages[@]}") ;;
  *) echo "usage: tools/setup.sh [--lib]" >&2; exit 2 ;;
esac

# One dpkg-query for all: this runs before every build.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null |
            awk '$NF == "installed" { print $1 }' || true)
missing=()
for p in "${packages[@]}"; do
  grep -qx "$p" <<<"$installed" || missing+=("$p")
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
