#!/usr/bin/env bash
# The ABI guard: compares the ABI of the shared libraries just built with the
# dump of the last release committed under abi/ (abidw and abidiff, Debian's
# abigail-tools), and fails when it changed incompatibly while the SONAME
# stayed the same. An incompatible change with a new SONAME (a new major
# VERSION in sources.bzl) passes, and the report says what made the new
# SONAME necessary. docs/abi.md explains what counts and how to release.
#
#   tools/abi_check.sh [LIBDIR]          check the libraries in LIBDIR
#   tools/abi_check.sh --dump [LIBDIR]   write abi/VERSION/ (at a release)
#
# LIBDIR holds libcookiejar*.so.* built with debug information (-g; CMake's
# RelWithDebInfo, as tools/test_consumers.sh installs them). Without it, the
# script builds them (the library alone, RelWithDebInfo) under build/abi.
# ABI_BASELINE=DIR compares with another dump than the newest release's;
# ABI_HEADERS=DIR names the public headers of LIBDIR's version (default:
# include/, to dump an older release built elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dump=0
if [ "${1:-}" = --dump ]; then
  dump=1
  shift
fi
libdir=${1:-}
libs=(libcookiejar libcookiejar_sqlite libcookiejar_redis libcookiejar_curl libcookiejar_formats)
suppressions=$root/abi/suppressions.abignore
headers=$(cd "${ABI_HEADERS:-include}" && pwd)
version=${ABI_VERSION:-$(sed -n 's/^VERSION = "\(.*\)"$/\1/p' sources.bzl)}
[ -n "$version" ] || { echo "abi_check: no VERSION in sources.bzl" >&2; exit 2; }
command -v abidiff >/dev/null || tools/setup.sh

if [ -z "$libdir" ]; then
  echo "== abi_check: building the shared libraries (build/abi)"
  cmake -S . -B build/abi -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOOKIEJAR_BUILD_TESTS=OFF \
    -DCOOKIEJAR_BUILD_PYTHON=OFF -DCOOKIEJAR_BUILD_CLI=OFF >build/abi.log 2>&1 ||
    { cat build/abi.log; exit 1; }
  cmake --build build/abi -j "$(nproc 2>/dev/null || echo 2)" \
    --target "${libs[@]/#lib/}" >>build/abi.log 2>&1 || { tail -40 build/abi.log; exit 1; }
  libdir=build/abi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cookiejar-abi.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The ABI of a library as abidw sees it: only what the installed headers
# declare (--headers-dir with --drop-private-types), only what the exported
# symbols reach, less what abi/suppressions.abignore leaves out.
dump_abi() {  # dump_abi LIBRARY_FILE OUT
  abidw --no-corpus-path --no-show-locs --exported-interfaces-only \
    --headers-dir "$headers" --drop-private-types --suppressions "$suppressions" \
    --out-file "$2" "$1"
}

library_file() {  # The real file of LIBDIR/NAME.so.MAJOR.
  local f
  f=$(ls "$libdir/$1".so.*.*.* 2>/dev/null | head -1)
  [ -n "$f" ] || { echo "abi_check: no $libdir/$1.so.*" >&2; exit 2; }
  if ! readelf -S "$f" | grep -c '\.debug_info' >/dev/null; then
    echo "abi_check: $f has no debug information (build with -g)" >&2
    exit 2
  fi
  echo "$f"
}

soname_of() {  # The SONAME an abidw dump records.
  sed -n "s/.*<abi-corpus [^>]*soname='\([^']*\)'.*/\1/p" "$1" | head -1
}

if [ "$dump" = 1 ]; then
  out=abi/$version
  mkdir -p "$out"
  for lib in "${libs[@]}"; do
    dump_abi "$(library_file "$lib")" "$out/$lib.abi"
    echo "abi_check: wrote $out/$lib.abi ($(soname_of "$out/$lib.abi"))"
  done
  {
    echo "ABI of cookiejar $version, written by tools/abi_check.sh --dump"
    echo "from commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "built with $(gcc --version | head -1), $(dpkg-query -W -f='libabsl-dev ${Version}' libabsl-dev 2>/dev/null),"
    echo "abidw $(abidw --version | awk '{print $NF}'), $(. /etc/os-release && echo "$PRETTY_NAME")"
  } >"$out/README"
  exit 0
fi

# The baseline: ABI_BASELINE, or the newest release dumped under abi/.
baseline=${ABI_BASELINE:-}
if [ -z "$baseline" ]; then
  baseline=$(ls -d abi/[0-9]*/ 2>/dev/null | sed 's|abi/||; s|/$||' | sort -V | tail -1)
  [ -n "$baseline" ] || { echo "abi_check: no release dump under abi/" >&2; exit 2; }
  baseline=abi/$baseline
fi
echo "== abi_check: $libdir (VERSION $version) against $baseline"

failed=0
for lib in "${libs[@]}"; do
  old=$baseline/$lib.abi
  [ -f "$old" ] || { echo "abi_check: $old is missing" >&2; exit 2; }
  file=$(library_file "$lib")
  new=$work/$lib.abi
  dump_abi "$file" "$new"
  old_soname=$(soname_of "$old")
  new_soname=$(soname_of "$new")
  # A new SONAME is itself an incompatible change to abidiff; to see whether
  # the interfaces changed, compare them as if the SONAME had stayed.
  sed "0,/<abi-corpus /s/\(<abi-corpus [^>]*soname='\)[^']*'/\1$old_soname'/" "$new" \
    >"$work/$lib.same-soname.abi"
  status=0
  abidiff --no-show-locs --no-unreferenced-symbols --suppressions "$suppressions" \
    "$old" "$work/$lib.same-soname.abi" \
    >"$work/$lib.diff" 2>&1 || status=$?
  # abidiff's exit status is a bit field: 1 error, 2 usage error, 4 the ABI
  # changed, 8 the change is known to be incompatible. A change of bit 4
  # alone (a type's layout, a parameter's type...) breaks callers just as
  # well, so any change counts; additions alone leave the status 0.
  if [ $((status & 3)) -ne 0 ]; then
    cat "$work/$lib.diff"
    echo "abi_check: abidiff failed on $lib (status $status)" >&2
    exit 2
  fi
  summary=$(grep -E '^(Functions|Variables) changes summary' "$work/$lib.diff" |
            sed 's/ changes summary: /: /' | paste -sd';' | sed 's/;/; /g' || true)
  if [ "$status" -eq 0 ]; then
    if [ "$old_soname" = "$new_soname" ]; then
      echo "abi_check: $lib: compatible with $old_soname (${summary:-no change})"
    else
      echo "abi_check: $lib: compatible with $old_soname, yet the SONAME is now" \
           "$new_soname: dependents are rebuilt for nothing (${summary:-no change})"
    fi
  elif [ "$old_soname" != "$new_soname" ]; then
    kind=$([ $((status & 8)) -ne 0 ] && echo "incompatibly" || echo "in its types")
    echo "abi_check: $lib: the ABI changed $kind (${summary}), and the SONAME moved" \
         "$old_soname -> $new_soname: OK"
    grep -E '^  \[[DC]\] ' "$work/$lib.diff" | head -5 | sed 's/^/    /' || true
  else
    cat "$work/$lib.diff"
    echo "abi_check: $lib: the ABI changed (${summary}) but the SONAME is still" \
         "$new_soname. Either keep the old ABI, or raise the major VERSION in" \
         "sources.bzl (and debian/, docs/abi.md); a change known to be harmless" \
         "may be suppressed in abi/suppressions.abignore with the reason." >&2
    failed=1
  fi
done
exit "$failed"
