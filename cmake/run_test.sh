#!/bin/sh
# Runs one test the way Bazel runs it: TEST_SRCDIR names the runfiles tree
# (the test's data and helper programs, under cookiejar/), TEST_TMPDIR a fresh
# directory of its own, removed afterwards.
#   run_test.sh RUNFILES_DIR TEST [ARGS...]
runfiles=$1
shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cookiejar-test.XXXXXX") || exit 1
TEST_SRCDIR=$runfiles TEST_TMPDIR=$tmp "$@"
status=$?
rm -rf "$tmp"
exit $status
