"""What a workspace needs to build cookiejar, offline.

In another workspace (see examples/bazel_consumer):

    local_repository(name = "cookiejar", path = "/path/to/cookiejar")
    load("@cookiejar//:deps.bzl", "cookiejar_dependencies")
    cookiejar_dependencies()

then depend on @cookiejar//:cookiejar (and //:sqlite_store, //:redis_store,
//:curl_client, //:c_api). Nothing is downloaded:

  - @rules_cc, @rules_java and @remote_coverage_tools, which Bazel 4 would
    download on first use, become the small stand-ins under
    third_party/bazel/ (unless the workspace defines them already);
  - the C and C++ libraries come from Debian packages (tools/setup.sh --lib),
    wrapped from their pkg-config data as @cookiejar_system;
  - the workspace's C++ toolchain (@local_config_cc, detected as Bazel does)
    compiles C++ as C++17 instead of Bazel 4's default C++0x, because the
    library's headers use C++17. Pass cxx17_toolchain = False to keep a
    toolchain of your own; compile with -std=c++17 (or later) then.
"""

load("@bazel_tools//tools/cpp:cc_configure.bzl", "cc_autoconf_impl")
load("//third_party:system_libs.bzl", "system_libs")

def _stand_in_impl(rctx):
    # The stand-in's files, linked from this repository into the new one.
    marker = rctx.path(rctx.attr.marker)
    for child in marker.dirname.readdir():
        rctx.symlink(child, child.basename)

_stand_in = repository_rule(
    implementation = _stand_in_impl,
    attrs = {"marker": attr.label(doc = "the WORKSPACE file of the stand-in")},
)

def _cxx17_autoconf_impl(rctx):
    cc_autoconf_impl(rctx)
    build = rctx.read("BUILD")
    rctx.file("BUILD", build.replace('"-std=c++0x"', '"-std=c++17"'))

# Bazel's own C++ toolchain detection (cc_autoconf), with C++17 by default.
_cxx17_autoconf = repository_rule(
    implementation = _cxx17_autoconf_impl,
    environ = [
        "ABI_LIBC_VERSION",
        "ABI_VERSION",
        "BAZEL_COMPILER",
        "BAZEL_CXXOPTS",
        "BAZEL_HOST_SYSTEM",
        "BAZEL_LINKLIBS",
        "BAZEL_LINKOPTS",
        "BAZEL_PYTHON",
        "BAZEL_SH",
        "BAZEL_TARGET_CPU",
        "BAZEL_TARGET_LIBC",
        "BAZEL_TARGET_SYSTEM",
        "BAZEL_USE_CPP_ONLY_TOOLCHAIN",
        "BAZEL_DO_NOT_DETECT_CPP_TOOLCHAIN",
        "BAZEL_USE_LLVM_NATIVE_COVERAGE",
        "BAZEL_LLVM",
        "CC",
        "CC_CONFIGURE_DEBUG",
        "CC_TOOLCHAIN_NAME",
        "CPLUS_INCLUDE_PATH",
        "GCOV",
        "PATH",
    ],
    configure = True,
    local = True,
)

def _maybe(rule, name, **kwargs):
    if not native.existing_rule(name):
        rule(name = name, **kwargs)

# The Debian libraries, by the name our BUILD files use for them.
SYSTEM_LIBRARIES = {
    "absl": [
        "absl_base",
        "absl_flat_hash_map",
        "absl_flat_hash_set",
        "absl_hash",
        "absl_inlined_vector",
        "absl_optional",
        "absl_span",
        "absl_status",
        "absl_statusor",
        "absl_str_format",
        "absl_strings",
        "absl_synchronization",
        "absl_time",
    ],
    "hiredis": ["hiredis"],
    "icu": ["icu-uc"],
    "libcrypto": ["libcrypto"],
    "libcurl": ["libcurl"],
    # The Secret Service (desktop keyring): Chromium's v11 key.
    "libsecret": ["libsecret-1"],
    "nlohmann_json": ["nlohmann_json"],
    # NSPR's date parser, the one Firefox uses (the firefox profile's dates).
    "nspr": ["nspr"],
    "sqlite3": ["sqlite3"],
}

# What only the tests, benchmarks and tools of this repository use, in a
# repository of their own (@cookiejar_dev): Bazel fetches a repository only
# when a target being built needs it, so building the library or the
# cookiejar command needs only the library's packages (tools/setup.sh --lib).
DEVELOPMENT_LIBRARIES = {
    "benchmark": ["benchmark"],
    "gtest": ["gtest", "gmock"],
    "gtest_main": ["gmock_main"],
    "httplib": ["cpp-httplib"],
    "libpsl": ["libpsl"],
    "libsoup": ["libsoup-3.0"],
    # The TLS peer of benchmarks/curl_cookie_engine.
    "openssl": ["libssl", "libcrypto"],
}

def cookiejar_dependencies(cxx17_toolchain = True, development = False):
    """Defines the repositories cookiejar needs (see the file's comment).

    Args:
      cxx17_toolchain: make the detected C++ toolchain default to C++17.
      development: also wrap the libraries only the tests, benchmarks and
        tools need, as @cookiejar_dev (this repository's own WORKSPACE).
    """
    _maybe(_stand_in, "rules_cc", marker = Label("//third_party/bazel/rules_cc:WORKSPACE"))
    _maybe(_stand_in, "rules_java", marker = Label("//third_party/bazel/rules_java:WORKSPACE"))
    _maybe(
        _stand_in,
        "remote_coverage_tools",
        marker = Label("//third_party/bazel/remote_coverage_tools:WORKSPACE"),
    )
    if cxx17_toolchain:
        _maybe(_cxx17_autoconf, "local_config_cc")
    if development:
        _maybe(system_libs, "cookiejar_dev", pkg_config = DEVELOPMENT_LIBRARIES)
    _maybe(
        system_libs,
        "cookiejar_system",
        pkg_config = SYSTEM_LIBRARIES,
        plain = {
            # Boost.Date_Time's Gregorian calendar is header-only in Boost 1.74.
            "boost_date_time": ["/usr/include/boost/date_time/gregorian/gregorian.hpp"],
            # Beast and Asio are header-only; only the examples use them.
            "boost_beast": ["/usr/include/boost/beast.hpp", "-lpthread"],
        },
    )
