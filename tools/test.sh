#!/usr/bin/env bash
# Runs the whole test suite, installing what it needs first: once as built
# normally and once under AddressSanitizer + UndefinedBehaviorSanitizer.
# With arguments, runs only `bazel test ARGS... //...` (e.g. --config=tsan).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
if [ $# -gt 0 ]; then
  exec bazel test "$@" //...
fi
bazel test //...
bazel test --config=sanitize //tests/...
