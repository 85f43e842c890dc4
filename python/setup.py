"""Builds the cookiejar Python package: setuptools runs the project's CMake
build (the repository above this folder) for the extension module
cookiejar._cookiejar and packages it with the pure-Python part.

Offline on Debian 12 (tools/setup.sh --pip installs what it needs):

    pip install --no-build-isolation ./python
    python3 -m build --no-isolation --wheel python

The version is the library's, read from ../sources.bzl. CMake, a C++17
compiler and the libraries of tools/setup.sh --cmake must be installed;
pybind11 comes from the pybind11 package (pip's, or Debian's
python3-pybind11 with pybind11-dev). CMAKE_BUILD_PARALLEL_LEVEL sets the
build's jobs (default: every core). Only wheels are built: the source is the
whole repository, so there is no sdist of this folder.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def library_version():
    text = (ROOT / "sources.bzl").read_text(encoding="utf-8")
    match = re.search(r'^VERSION = "([^"]+)"$', text, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no VERSION in {ROOT / 'sources.bzl'}")
    return match.group(1)


class CMakeBuild(build_ext):
    """Configures the project's CMake build once (in build_temp) and builds
    only the module's target; the libraries it needs are linked in
    statically, so the wheel needs only Debian's shared libraries."""

    def build_extension(self, ext):
        build_dir = Path(self.build_temp).resolve() / "cmake"
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            "-DCMAKE_BUILD_TYPE=Release",
            f"-DPython_EXECUTABLE={sys.executable}",
            "-DCOOKIEJAR_BUILD_PYTHON=ON",
            "-DCOOKIEJAR_BUILD_TESTS=OFF",
            # Parts the module does not link: fewer packages to install.
            "-DCOOKIEJAR_BUILD_CLI=OFF",
            "-DCOOKIEJAR_WITH_CURL=OFF",
            "-DCOOKIEJAR_WITH_REDIS=OFF",
        ]
        try:  # pip's pybind11 (an isolated build) or Debian's python3-pybind11.
            import pybind11
            configure.append(f"-Dpybind11_DIR={pybind11.get_cmake_dir()}")
        except ImportError:
            pass  # CMake looks for pybind11-dev's config itself.
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        try:
            subprocess.run(configure, check=True)
            subprocess.run(["cmake", "--build", str(build_dir), "--target", "cookiejar_python",
                            "--parallel", jobs], check=True)
        except FileNotFoundError:
            sys.exit("building cookiejar needs cmake (Debian: tools/setup.sh --pip)")
        except subprocess.CalledProcessError as error:
            sys.exit(f"building cookiejar failed: {' '.join(error.cmd[:3])}... "
                     f"exited {error.returncode} (output above)")
        built = sorted((build_dir / "python" / "cookiejar").glob("_cookiejar*.so"))
        if len(built) != 1:
            sys.exit(f"building cookiejar: expected one _cookiejar*.so, found {built}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], target)


class NoSdist(sdist):
    def run(self):
        sys.exit("cookiejar's Python package is built from the whole repository: "
                 "build a wheel (python3 -m build --wheel python), not an sdist")


setup(
    version=library_version(),
    ext_modules=[Extension("cookiejar._cookiejar", sources=[])],
    cmdclass={"build_ext": CMakeBuild, "sdist": NoSdist},
)
