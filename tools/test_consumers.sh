#!/usr/bin/env bash
# Builds the library with CMake, runs its test suite under ctest, installs it
# into a temporary prefix, and builds and runs the example consumers
# (examples/): a CMake project (find_package), a Makefile project
# (pkg-config, the C API), a program linking the Redis store through
# pkg-config, and a separate Bazel workspace. Each copy lives in a
# clean temporary directory, so a broken install or export fails here.
#   tools/test_consumers.sh [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cookiejar-consumers.XXXXXX")
if [ "${1:-}" = --keep ]; then
  echo "consumers: keeping $work"
else
  trap 'rm -rf "$work"' EXIT
fi
jobs=$(nproc 2>/dev/null || echo 2)
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

step "CMake build of the library and its tests"
cmake -S "$root" -B "$work/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j "$jobs" >"$work/build.log" 2>&1 || { tail -50 "$work/build.log"; exit 1; }
step "ctest"
ctest --test-dir "$work/build" -j "$jobs" --output-on-failure
prefix=$work/prefix
cmake --install "$work/build" --prefix "$prefix" >/dev/null

step "installed headers compile on their own, with only the documented dependencies"
absl=$(sed -n 's/^Requires: //p' "$prefix/lib/pkgconfig/cookiejar.pc")
for header in "$prefix"/include/cookiejar/*.h; do
  name=$(basename "$header")
  flags=$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags cookiejar)
  [ "$name" = curl_cookie_client.h ] && flags="$flags $(pkg-config --cflags libcurl)"
  echo "#include \"cookiejar/$name\"" |
    g++ -std=c++17 -fsyntax-only -x c++ $flags - || { echo "!! $name"; exit 1; }
done
echo '#include "cookiejar/cookiejar_c.h"' | gcc -std=c99 -fsyntax-only -x c -I"$prefix/include" -

step "Python module from the install prefix"
pydir=$(sed -n 's/^COOKIEJAR_PYTHON_INSTALL_DIR:STRING=//p' "$work/build/CMakeCache.txt")
python=$(sed -n 's/^Python_EXECUTABLE:FILEPATH=//p' "$work/build/CMakeCache.txt")
expect "sessionid=abc $prefix/$pydir/cookiejar/__init__.py" \
  env -C "$work" PYTHONPATH="$prefix/$pydir" PYTHONDONTWRITEBYTECODE=1 "$python" -c '
import cookiejar
jar = cookiejar.Jar("chromium")
jar.set_cookie("https://bank.example/login", "sessionid=abc; Secure; HttpOnly")
print(jar.cookie_header("https://bank.example/transfer"), cookiejar.__file__)'

step "CMake consumer (find_package(cookiejar))"
cp -r "$root/examples/cmake_consumer" "$work/cmake_consumer"
cmake -S "$work/cmake_consumer" -B "$work/cmake_consumer/build" -DCMAKE_PREFIX_PATH="$prefix" \
  >"$work/consumer.log" 2>&1 || { cat "$work/consumer.log"; exit 1; }
cmake --build "$work/cmake_consumer/build" >>"$work/consumer.log" 2>&1 ||
  { cat "$work/consumer.log"; exit 1; }
expect "$want" "$work/cmake_consumer/build/bank_session" "$work/bank.db"
"$prefix/bin/cookiejar" --jar "$work/cli.txt" set https://bank.example/ 'a=1' >/dev/null
expect "a=1" "$prefix/bin/cookiejar" --jar "$work/cli.txt" get https://bank.example/

step "Makefile consumer (pkg-config, the C API)"
cp -r "$root/examples/pkgconfig_consumer" "$work/pkgconfig_consumer"
PKG_CONFIG_PATH=$prefix/lib/pkgconfig make -s -C "$work/pkgconfig_consumer"
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
redis_flags=$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs cookiejar-redis)
g++ -std=c++17 "$work/redis_consumer.cc" -o "$work/redis_consumer" $redis_flags \
  -Wl,-rpath,"$prefix/lib"
expect "UNAVAILABLE 0" "$work/redis_consumer"

step "Bazel consumer (another workspace, local_repository + cookiejar_dependencies())"
cp -r "$root/examples/bazel_consumer" "$work/bazel_consumer"
sed -i "s|path = \"../..\"|path = \"$root\"|" "$work/bazel_consumer/WORKSPACE"
(cd "$work/bazel_consumer" &&
  bazel --output_user_root="$work/bazel_root" run --noshow_progress --ui_event_filters=-info \
    //:bank_session >"$work/bazel.out" 2>"$work/bazel.log") || { tail -30 "$work/bazel.log"; exit 1; }
expect "$want" cat "$work/bazel.out"
(cd "$work/bazel_consumer" && bazel --output_user_root="$work/bazel_root" shutdown)
step "all consumers built and ran"
