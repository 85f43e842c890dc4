#!/usr/bin/env bash
# Builds the library with CMake, runs its test suite under ctest, installs it
# into a temporary prefix, builds and runs the consumers against that install
# (tools/consumers.sh: the headers, the command, the Python package, a CMake
# project through find_package, a C program and the Redis store through
# pkg-config), checks the installed shared libraries' ABI against the last
# release (tools/abi_check.sh), and builds a separate Bazel workspace against
# the source tree. Each copy lives in a clean temporary directory, so a broken
# install or export fails here.
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

step "CMake build of the library and its tests"
cmake -S "$root" -B "$work/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOOKIEJAR_BUILD_TESTS=ON \
  >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j "$jobs" >"$work/build.log" 2>&1 || { tail -50 "$work/build.log"; exit 1; }
step "ctest"
ctest --test-dir "$work/build" -j "$jobs" --output-on-failure
prefix=$work/prefix
cmake --install "$work/build" --prefix "$prefix" >/dev/null

# The headers, the command, the Python package and the example consumers.
pydir=$(sed -n 's/^COOKIEJAR_PYTHON_INSTALL_DIR:STRING=//p' "$work/build/CMakeCache.txt")
python=$(sed -n 's/^Python_EXECUTABLE:FILEPATH=//p' "$work/build/CMakeCache.txt")
tools/consumers.sh --prefix "$prefix" "$pydir" "$python"

step "ABI of the installed shared libraries against the last release (tools/abi_check.sh)"
tools/abi_check.sh "$prefix/lib"

step "Bazel consumer (another workspace, local_repository + cookiejar_dependencies())"
cp -r "$root/examples/bazel_consumer" "$work/bazel_consumer"
sed -i "s|path = \"../..\"|path = \"$root\"|" "$work/bazel_consumer/WORKSPACE"
(cd "$work/bazel_consumer" &&
  bazel --output_user_root="$work/bazel_root" run --noshow_progress --ui_event_filters=-info \
    //:bank_session >"$work/bazel.out" 2>"$work/bazel.log") || { tail -30 "$work/bazel.log"; exit 1; }
if [ "$(cat "$work/bazel.out")" != "Cookie: sessionid=abc" ]; then
  echo "!! the Bazel consumer printed \"$(cat "$work/bazel.out")\"" >&2
  exit 1
fi
(cd "$work/bazel_consumer" && bazel --output_user_root="$work/bazel_root" shutdown)
step "all consumers built and ran"
