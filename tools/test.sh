#!/usr/bin/env bash
# Runs the whole test suite, installing what it needs first: the Bazel tests
# as built normally, under AddressSanitizer + UndefinedBehaviorSanitizer, the
# concurrency tests under ThreadSanitizer, every fuzz target for about a
# minute (tools/fuzz.sh --ci: a fixed seed and input count, so the run is the
# same every time), a one-minute chaos soak of the Redis store
# (benchmarks/fleet_soak.cc), then the CMake build with ctest, the example
# consumers built against its install and the ABI check
# (tools/test_consumers.sh), and last the packages: the .debs built and
# checked by lintian, the Python package built by python3 -m build and pip
# into a fresh venv and tested, and the .debs installed with the consumers run
# against them (tools/test_packages.sh).
# With arguments, runs only `bazel test ARGS... //...` (e.g. --config=tsan).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
if [ $# -gt 0 ]; then
  exec bazel test "$@" //...
fi
bazel test //...
bazel test --config=sanitize //tests/... //fuzz/...
bazel test --config=tsan //tests:cookie_jar_threads_test //tests:distributed_shared_mutex_test //tests:sqlite_cookie_store_test \
  //tests:redis_cookie_store_test //tests:redis_fleet_test //tests:cookie_store_conformance_test \
  //tests:redis_store_regression_test //tests:redis_replication_test //tests:redis_sealed_store_test
# The Redis store's chaos soak, briefly (docs/fleet.md: its figures; default 10 minutes).
bazel run //benchmarks:fleet_soak -- --seconds=60
tools/fuzz.sh --ci
tools/test_consumers.sh
tools/test_packages.sh
