#!/usr/bin/env bash
# Builds the Debian packages of debian/ (dpkg-buildpackage -b -us -uc) from
# a copy of the source tree, so the checkout gets no build files, and checks
# them with lintian (any error fails). The .debs land in OUTDIR.
#
#   tools/build_debs.sh [--no-lintian] [OUTDIR]     # default OUTDIR: build/debs
#
# Then, as root: apt-get install ./build/debs/*.deb
# Needs the packages of tools/setup.sh --deb (installed first).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
lintian=1
if [ "${1:-}" = --no-lintian ]; then
  lintian=0
  shift
fi
out=${1:-build/debs}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tools/setup.sh --deb

# The package's version is the library's (sources.bzl): one number.
version=$(sed -n 's/^VERSION = "\(.*\)"$/\1/p' sources.bzl)
deb_version=$(dpkg-parsechangelog -S Version)
if [ "$deb_version" != "$version" ]; then
  echo "build_debs: debian/changelog says $deb_version, sources.bzl VERSION $version:" \
       "add a debian/changelog entry (dch -v $version)" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cookiejar-debs.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The files git knows (committed or not, minus the ignored), without the
# browser recordings: nothing in the packages is built from tests/.
mkdir "$work/cookiejar-$version"
git ls-files -z --cached --others --exclude-standard -- . ':!tests/data/browsers' |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar -cf - --null -T - | tar -xf - -C "$work/cookiejar-$version"

jobs=$(nproc 2>/dev/null || echo 2)
echo "== build_debs: dpkg-buildpackage -b -us -uc (cookiejar $version)"
started=$(date +%s)
if ! (cd "$work/cookiejar-$version" &&
      DEB_BUILD_OPTIONS="parallel=$jobs ${DEB_BUILD_OPTIONS:-}" \
        dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1; then
  tail -60 "$work/build.log"
  echo "build_debs: dpkg-buildpackage failed (log above)" >&2
  exit 1
fi
grep -h "^smoke test:" "$work/build.log" || true
echo "== build_debs: built in $(( $(date +%s) - started )) s"

rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out"/
changes=$(ls "$out"/*.changes)
(cd "$out" && ls -1 *.deb)

if [ "$lintian" = 1 ]; then
  echo "== build_debs: lintian"
  # Errors fail; warnings and the rest are shown for whoever wants them.
  if ! lintian --fail-on error --info --display-info --no-tag-display-limit \
       "$changes" >"$work/lintian.log" 2>&1; then
    cat "$work/lintian.log"
    echo "build_debs: lintian found errors" >&2
    exit 1
  fi
  sed -n 's/^\([EWI]\): .*/\1/p' "$work/lintian.log" | sort | uniq -c |
    awk '{ printf "lintian: %s %s\n", $1, ($2 == "E" ? "errors" : $2 == "W" ? "warnings" : "notes") }'
  grep '^[EW]: ' "$work/lintian.log" || true
fi
echo "== build_debs: packages in $out"
