#!/usr/bin/env bash
# Runs the whole test suite (installing what it needs first). Extra arguments
# go to `bazel test`, e.g. tools/test.sh --config=asan
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
exec bazel test "$@" //...
