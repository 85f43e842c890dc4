#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs. Idempotent and quiet;
# returns at once when everything is installed.
#
#   tools/setup.sh          everything: the library, its tests, fuzzing,
#                           benchmarks, packaging and the consumer examples
#   tools/setup.sh --lib    what building and using the library needs with
#                           either build (CMake or Bazel; the README's
#                           ./cookiejar uses Bazel)
#   tools/setup.sh --cmake  the same without Bazel and its JDK: the CMake
#                           build of the library and the cookiejar command
#   tools/setup.sh --pip    --cmake plus what `pip install
#                           --no-build-isolation ./python` and
#                           `python3 -m build --no-isolation` need
#   tools/setup.sh --deb    --pip plus what `dpkg-buildpackage -b` of
#                           debian/ needs (tools/build_debs.sh)
set -euo pipefail

# Every build: the compiler and the build tools.
build_packages=(
  build-essential
  cmake                    # the CMake build (CMakeLists.txt)
  pkg-config               # cookiejar.pc; Bazel wraps the libraries from their .pc files
)

# The Bazel build (Bazel 4.2.3; brings OpenJDK).
bazel_packages=(
  bazel-bootstrap
)

# The libraries the library links.
lib_packages=(
  libabsl-dev
  libicu-dev               # IDNA (UTS #46)
  libboost-date-time-dev   # cookie-date calendar (header-only part)
  libnspr4-dev             # Firefox's cookie-date parser (the firefox rules)
  libsqlite3-dev           # the persistent store
  libcurl4-openssl-dev     # the libcurl adapter
  nlohmann-json3-dev       # storageState/cookie-editor JSON, the cookiejar command's HAR replay
  libssl-dev               # libcrypto: Chromium's encrypted cookie values (v10, v11)
  libsecret-1-dev          # the Secret Service (desktop keyring): Chromium's v11 key
  libhiredis-dev           # the Redis store (no TLS in Debian 12's hiredis 0.14)
)

# The Python module, built by CMake or by pip (python/setup.py).
python_packages=(
  python3-dev              # python/: the module's headers (COOKIEJAR_BUILD_PYTHON)
  pybind11-dev             # python/: the module's C++ binding
  python3-pybind11
  python3-setuptools       # python/setup.py: the build backend pip and build use
  python3-wheel            # setuptools builds wheels with it
  python3-pip              # pip install ./python
  python3-venv             # a venv to install into
)

# Building the Debian packages (debian/).
deb_packages=(
  debhelper                # debian/rules (compat 13)
  dh-python                # python3-cookiejar's dependencies
  lintian                  # tools/build_debs.sh checks the packages
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
  tinyproxy-bin            # tests/curl_sessions_test: per-session proxies; python/tests/test_proxies (Debian's tinyproxy, without its system service)
  openssl                  # tests/curl_sessions_test: a throwaway CA for TLS client certificates
  python3                  # test servers in tests/
  python3-pytest           # python/tests
  python3-requests         # python/: the requests adapter, its tests and benchmark
  python3-httpx            # python/: the httpx transport and its tests
  redis-server             # tests/redis_*: real Redis servers and clusters
  redis-tools              # redis-cli --cluster create in tests/redis_*
  redis-sentinel           # tests/redis_replication_test, redis_failover_test: Sentinel failover
  stunnel4                 # tests/redis_fleet_test over TLS: a tunnel beside each worker
  openssl                  # tests/redis_*: the test CA and server certificate for TLS
  dbus-daemon              # tests/chromium_keyring_test: private D-Bus sessions (dbus-run-session)
  dbus-bin                 # tests/chromium_keyring_test: dbus-send locks the test keyring
  gnome-keyring            # tests/chromium_keyring_test: a real Secret Service
  libsecret-tools          # tests/chromium_keyring_test: secret-tool stores the test keys
  python3-build            # tools/test_packages.sh: python3 -m build --no-isolation
  abigail-tools            # tools/abi_check.sh: abidw, abidiff
)

case "${1:-}" in
  --lib) packages=("${build_packages[@]}" "${bazel_packages[@]}" "${lib_packages[@]}") ;;
  --cmake) packages=("${build_packages[@]}" "${lib_packages[@]}") ;;
  --pip) packages=("${build_packages[@]}" "${lib_packages[@]}" "${python_packages[@]}") ;;
  --deb) packages=("${build_packages[@]}" "${lib_packages[@]}" "${python_packages[@]}"
                   "${deb_packages[@]}") ;;
  "") packages=("${build_packages[@]}" "${bazel_packages[@]}" "${lib_packages[@]}"
                "${python_packages[@]}" "${deb_packages[@]}" "${dev_packages[@]}") ;;
  *) echo "usage: tools/setup.sh [--lib | --cmake | --pip | --deb]" >&2; exit 2 ;;
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
