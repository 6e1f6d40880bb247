#!/usr/bin/env bash
# The suite under load (issue 12): runs `cargo test` N times in a row while `stress-ng` keeps
# both cores busy, and counts the passes. A flaky test shows up here before it shows up in CI.
#
#   scripts/stress-suite.sh [N]          # default 10; needs stress-ng (apt-get install stress-ng)
#
# Each run's output is kept in target/stress-suite/run-K.log.
set -u
cd "$(dirname "$0")/.."
n=${1:-10}
command -v stress-ng >/dev/null || { echo "needs stress-ng (apt-get install stress-ng)" >&2; exit 2; }
cargo test --locked --no-run -q || exit 1
mkdir -p target/stress-suite
stress-ng --cpu 2 --timeout 7200s >/dev/null 2>&1 &
load=$!
trap 'kill $load 2>/dev/null' EXIT
pass=0
for i in $(seq 1 "$n"); do
  start=$(date +%s)
  if cargo test --locked -q >"target/stress-suite/run-$i.log" 2>&1; then pass=$((pass + 1)); r=ok; else r=FAILED; fi
  echo "run $i: $r, $(($(date +%s) - start)) s, load $(cut -d' ' -f1 /proc/loadavg)"
done
echo "$pass of $n passed"
[ "$pass" -eq "$n" ]
