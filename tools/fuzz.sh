#!/usr/bin/env bash
# Runs the libFuzzer targets (fuzz/) with ASan and UBSan.
#   tools/fuzz.sh [SECONDS] [TARGET...]     (default: 60 seconds, every target)
#   tools/fuzz.sh --ci [TARGET...]          fixed seed and input counts: about a
#                                           minute a target, the same inputs every
#                                           run, so CI cannot fail at random
# Each target starts from a copy of its seed corpus (fuzz/corpus/TARGET) with
# its dictionary; a crash is saved in fuzz/regressions/TARGET/ (commit it: it
# then runs in //fuzz:corpus_test) and makes the script fail. The last line
# of each run is libFuzzer's summary (executions, coverage, corpus).
# Every run is bounded in memory (issue 25): an input that makes the process
# grow past RSS_LIMIT_MB, or asks for one allocation past MALLOC_LIMIT_MB, is a
# failure saved like a crash, so that a new unbounded path (a reader that
# builds before it counts) is found. Inputs are at most 64 KiB, so a bounded
# reader needs a few MB; the limits leave room for ASan's quarantine.
set -euo pipefail
cd "$(dirname "$0")/.."
ci=0
if [ "${1:-}" = --ci ]; then
  ci=1
  shift
  seconds=0
else
  seconds=${1:-60}
  shift || true
fi
targets=("$@")
# Inputs per target in --ci mode: about a minute each on a 2-core machine.
declare -A ci_runs=([set_cookie_fuzzer]=6000000 [cookie_date_fuzzer]=5000000
                    [host_fuzzer]=10000000 [public_suffix_fuzzer]=1000000 [jar_fuzzer]=80000
                    [cookies_txt_fuzzer]=500000 [sqlite_store_fuzzer]=60000
                    [har_replay_fuzzer]=150000 [browser_store_fuzzer]=20000
                    [storage_state_fuzzer]=1000000 [url_parser_fuzzer]=3000000
                    [sealed_record_fuzzer]=2000000)
if [ ${#targets[@]} -eq 0 ]; then
  targets=(set_cookie_fuzzer cookie_date_fuzzer host_fuzzer public_suffix_fuzzer jar_fuzzer
           cookies_txt_fuzzer sqlite_store_fuzzer har_replay_fuzzer browser_store_fuzzer
           storage_state_fuzzer url_parser_fuzzer sealed_record_fuzzer)
fi
declare -A dicts=([set_cookie_fuzzer]=set_cookie [cookie_date_fuzzer]=cookie_date
                  [host_fuzzer]=host [public_suffix_fuzzer]=host [jar_fuzzer]=
                  [cookies_txt_fuzzer]=cookies_txt [sqlite_store_fuzzer]= [har_replay_fuzzer]=har
                  [browser_store_fuzzer]= [storage_state_fuzzer]=storage_state
                  [url_parser_fuzzer]=url [sealed_record_fuzzer]=)
tools/setup.sh
labels=()
for t in "${targets[@]}"; do labels+=("//fuzz:$t"); done
bazel build --config=fuzz "${labels[@]}" >/dev/null 2>&1 || bazel build --config=fuzz "${labels[@]}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A copy, so that builds started meanwhile cannot swap the binaries.
mkdir -p "$work/bin"
for t in "${targets[@]}"; do cp "$(bazel info --config=fuzz bazel-bin 2>/dev/null)/fuzz/$t" "$work/bin/"; done
bin=$work/bin
failed=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t" "fuzz/regressions/$t"
  cp -r "fuzz/corpus/$t/." "$work/$t/" 2>/dev/null || true
  dict=()
  [ -n "${dicts[$t]}" ] && dict=(-dict="fuzz/dicts/${dicts[$t]}.dict")
  max_len=4096
  [ "$t" = sqlite_store_fuzzer ] && max_len=65536  # Database pages are 4 KiB.
  [ "$t" = browser_store_fuzzer ] && max_len=65536
  [ "$t" = har_replay_fuzzer ] && max_len=16384
  if [ $ci = 1 ]; then
    budget=(-seed=1 -runs="${ci_runs[$t]}")
    echo "== $t: ${ci_runs[$t]} inputs from seed 1"
  else
    budget=(-max_total_time="$seconds")
    echo "== $t: ${seconds}s"
  fi
  if ! TMPDIR="$work" ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "$bin/$t" "$work/$t" "${dict[@]}" "${budget[@]}" -timeout=10 \
      -rss_limit_mb="${RSS_LIMIT_MB:-1536}" -malloc_limit_mb="${MALLOC_LIMIT_MB:-128}" \
      -max_len="$max_len" -print_final_stats=1 \
      -artifact_prefix="fuzz/regressions/$t/" >"$work/$t.log" 2>&1; then
    echo "!! $t failed; see the input saved in fuzz/regressions/$t/:"
    grep -E "ERROR|invariant|SUMMARY|abort|out-of-memory|malloc\(|Test unit written" "$work/$t.log" | head -20
    failed=1
  fi
  grep -E "^#[0-9]+.*(DONE|pulse)" "$work/$t.log" | tail -1 || true
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/$t.log" || true
done
exit $failed
