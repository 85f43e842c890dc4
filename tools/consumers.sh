#!/usr/bin/env bash
# Builds and runs what a user of an installed cookiejar builds and runs: the
# installed headers compiled on their own with only the documented flags, the
# cookiejar command, the Python package, the example consumers of examples/
# (a CMake project through find_package, a C program through pkg-config) and
# a program linking the Redis store through pkg-config. Each copy lives in a
# clean temporary directory, so a broken install or export fails here.
#
#   tools/consumers.sh --prefix PREFIX PYTHONDIR PYTHON
#       an install made by `cmake --install --prefix PREFIX`, whose Python
#       package is under PREFIX/PYTHONDIR, built for PYTHON
#   tools/consumers.sh --system
#       the installed Debian packages (libcookiejar-dev, cookiejar,
#       python3-cookiejar), found where any user finds them: no paths given
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cookiejar-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT
step() { echo "== consumers: $*"; }
expect() {  # expect EXPECTED COMMAND...
  local expected=$1 got
  shift
  got=$("$@")
  if [ "$got" != "$expected" ]; then
    echo "!! $*: printed \"$got\", expected \"$expected\"" >&2
    exit 1
  fi
}
want="Cookie: sessionid=abc"

case "${1:-}" in
  --prefix)
    [ $# -eq 4 ] || { echo "usage: tools/consumers.sh --prefix PREFIX PYTHONDIR PYTHON" >&2; exit 2; }
    prefix=$2
    export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
    cmake_args=(-DCMAKE_PREFIX_PATH="$prefix")
    includedir=$prefix/include
    command=$prefix/bin/cookiejar
    python=$4
    pythonpath=$prefix/$3
    package_dir=$pythonpath/cookiejar
    ;;
  --system)
    [ $# -eq 1 ] || { echo "usage: tools/consumers.sh --system" >&2; exit 2; }
    cmake_args=()
    includedir=/usr/include
    command=$(command -v cookiejar) || { echo "!! cookiejar is not on PATH" >&2; exit 1; }
    [ "$command" = /usr/bin/cookiejar ] || { echo "!! cookiejar on PATH is $command" >&2; exit 1; }
    python=/usr/bin/python3
    pythonpath=
    package_dir=/usr/lib/python3/dist-packages/cookiejar
    ;;
  *) echo "usage: tools/consumers.sh --prefix PREFIX PYTHONDIR PYTHON | --system" >&2; exit 2 ;;
esac

step "installed headers compile on their own, with only the documented dependencies"
flags=$(pkg-config --cflags cookiejar)
while IFS= read -r header; do
  name=${header#"$includedir"/}
  extra=
  case $name in *curl*) extra=$(pkg-config --cflags libcurl) ;; esac
  echo "#include \"$name\"" |
    g++ -std=c++17 -fsyntax-only -x c++ $flags $extra - || { echo "!! $name"; exit 1; }
done < <(find "$includedir/cookiejar" -name '*.h' | sort)
echo '#include "cookiejar/cookiejar_c.h"' | gcc -std=c99 -fsyntax-only -x c $flags -

step "the cookiejar command ($command)"
"$command" --jar "$work/cli.txt" set https://bank.example/ 'a=1' >/dev/null
expect "a=1" "$command" --jar "$work/cli.txt" get https://bank.example/

step "the Python package ($python)"
version=$(sed -n 's/^VERSION = "\(.*\)"$/\1/p' sources.bzl)
expect "sessionid=abc $package_dir/__init__.py $version $version" \
  env -C "$work" PYTHONPATH="$pythonpath" PYTHONDONTWRITEBYTECODE=1 "$python" -c '
import importlib.metadata, cookiejar
jar = cookiejar.NativeJar("chromium")
jar.set_cookie("https://bank.example/login", "sessionid=abc; Secure; HttpOnly")
print(jar.cookie_header("https://bank.example/transfer"), cookiejar.__file__,
      cookiejar.__version__, importlib.metadata.version("browser-grade-cookiejar"))'

step "CMake consumer (find_package(cookiejar))"
cp -r "$root/examples/cmake_consumer" "$work/cmake_consumer"
cmake -S "$work/cmake_consumer" -B "$work/cmake_consumer/build" "${cmake_args[@]}" \
  >"$work/consumer.log" 2>&1 || { cat "$work/consumer.log"; exit 1; }
cmake --build "$work/cmake_consumer/build" >>"$work/consumer.log" 2>&1 ||
  { cat "$work/consumer.log"; exit 1; }
expect "$want" "$work/cmake_consumer/build/bank_session" "$work/bank.db"

step "Makefile consumer (pkg-config, the C API)"
cp -r "$root/examples/pkgconfig_consumer" "$work/pkgconfig_consumer"
make -s -C "$work/pkgconfig_consumer"
expect "$want" "$work/pkgconfig_consumer/bank_session"

step "the Redis store through pkg-config (cookiejar-redis)"
cat >"$work/redis_consumer.cc" <<'END'
#include <cstdio>

#include "cookiejar/redis/redis_cookie_store.h"

// Nothing listens on port 1 of the loopback: Connect says Unavailable.
int main() {
  cookiejar::CookieJar jar;
  cookiejar::RedisStoreOptions options;
  options.endpoints = {{"127.0.0.1", 1}};
  auto store = cookiejar::RedisCookieStore::Connect(options);
  std::printf("%s %zu\n", absl::StatusCodeToString(store.status().code()).c_str(), jar.size());
}
END
g++ -std=c++17 "$work/redis_consumer.cc" -o "$work/redis_consumer" \
  $(pkg-config --cflags --libs cookiejar-redis) \
  -Wl,-rpath,"$(pkg-config --variable=libdir cookiejar-redis)"
expect "UNAVAILABLE 0" "$work/redis_consumer"
