#!/usr/bin/env bash
# The library installed the ways its users install it, each checked as they
# would check it (the end of tools/test.sh):
#
#   1. the Debian packages: dpkg-buildpackage -b and lintian
#      (tools/build_debs.sh);
#   2. the Python package, offline with Debian's setuptools: a wheel by
#      `python3 -m build --no-isolation --wheel` (its metadata and files
#      checked), then `pip install --no-build-isolation ./python` into a fresh
#      venv, whose tests then run against that install;
#   3. the .debs installed with apt, and the consumers run against them
#      (tools/consumers.sh --system: the command on PATH, find_package,
#      pkg-config, `import cookiejar`) and the Python tests against the
#      installed module. Packages installed here are removed at the end.
#
# Needs root (or sudo) for step 3, as tools/setup.sh does.
#   tools/test_packages.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cookiejar-packages.XXXXXX")
packages=(libcookiejar2 libcookiejar-dev cookiejar python3-cookiejar)
installed_here=()
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
cleanup() {
  local status=$?
  if [ ${#installed_here[@]} -gt 0 ]; then
    echo "== packages: removing ${installed_here[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${installed_here[@]}" \
      >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; status=1; }
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
step() { echo "== packages: $*"; }
version=$(sed -n 's/^VERSION = "\(.*\)"$/\1/p' sources.bzl)
# CI machines may put another python3 first on PATH: the packages and
# Debian's setuptools are the system Python's.
python=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
pytest_args=(-q -p no:cacheprovider "$root/python/tests")

step "Debian packages (tools/build_debs.sh)"
tools/build_debs.sh "$work/debs"

step "Python wheel: python3 -m build --no-isolation --wheel python"
tools/setup.sh --pip
"$python" -m build --no-isolation --wheel --outdir "$work/dist" python >"$work/wheel.log" 2>&1 ||
  { tail -40 "$work/wheel.log"; exit 1; }
wheel=$(ls "$work"/dist/*.whl)
echo "built $(basename "$wheel")"
"$python" - "$wheel" "$version" <<'END'
import sys, zipfile
from email.parser import Parser
wheel, version = sys.argv[1], sys.argv[2]
names = zipfile.ZipFile(wheel).namelist()
info = f"browser_grade_cookiejar-{version}.dist-info"
meta = Parser().parsestr(zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode())
problems = []
if meta["Name"] != "browser-grade-cookiejar" or meta["Version"] != version:
    problems.append(f"Name/Version {meta['Name']} {meta['Version']}")
if meta["License"] != "Apache-2.0 AND MPL-2.0":
    problems.append(f"License {meta['License']!r}")
for wanted in ("cookiejar/__init__.py", "cookiejar/py.typed", "cookiejar/_cookiejar.pyi",
               f"{info}/LICENSE", f"{info}/NOTICE"):
    if wanted not in names:
        problems.append(f"no {wanted}")
if not any(n.startswith("cookiejar/_cookiejar.") and n.endswith(".so") for n in names):
    problems.append("no extension module")
if problems:
    sys.exit("wheel: " + "; ".join(problems))
print("wheel: metadata, licence files, stubs and the extension module are there")
END

step "pip install --no-build-isolation ./python into a fresh venv"
# --system-site-packages: the build backend (setuptools, wheel), pybind11 and
# the tests' requests, httpx, pytest and Django come from Debian, offline.
"$python" -m venv --system-site-packages "$work/venv"
"$work/venv/bin/pip" install --no-build-isolation --no-index --quiet ./python \
  >"$work/pip.log" 2>&1 || { tail -40 "$work/pip.log"; exit 1; }
(cd "$work" && "$work/venv/bin/python" -c '
import importlib.metadata, sys, cookiejar
assert cookiejar.__file__.startswith(sys.prefix), cookiejar.__file__
assert importlib.metadata.version("browser-grade-cookiejar") == cookiejar.__version__
print("venv: cookiejar", cookiejar.__version__, "from", cookiejar.__file__)')
(cd "$work" && "$work/venv/bin/python" -m pytest "${pytest_args[@]}")

step "installing the Debian packages"
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || installed_here+=("$p")
done
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "$work"/debs/*.deb >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
dpkg-query -W -f='${Package} ${Version}\n' "${packages[@]}"
tools/consumers.sh --system
step "Python tests against the installed python3-cookiejar"
(cd "$work" && env -u PYTHONPATH "$python" -m pytest "${pytest_args[@]}")
step "all packages built, installed and used"
