#!/usr/bin/env bash
# Generates the three traces, replays them through cookiejar and libsoup with
# repetitions, and draws docs/replay.svg from the JSON results.
#   benchmarks/run_replay.sh [REPETITIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
repetitions=${1:-5}
tools/setup.sh
bazel build -c opt --config=opt //benchmarks:trace_gen //benchmarks:trace_replay
bin=bazel-out/k8-opt/bin/benchmarks
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin/trace_gen" "$work" >/dev/null
"$bin/trace_replay" "$work/crawler.trace" "$work/single_site.trace" "$work/ingest.trace" \
  --benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true \
  --benchmark_out="$work/replay.json" --benchmark_out_format=json
mkdir -p docs
python3 benchmarks/plot_replay.py "$work/replay.json" docs/replay.svg
cp "$work/replay.json" docs/replay.json
echo "wrote docs/replay.svg and docs/replay.json"
