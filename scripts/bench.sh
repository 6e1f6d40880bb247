#!/usr/bin/env bash
# Scale benchmark (README, "Performance"): generates a deterministic DocFX-flavored corpus and
# builds it with helpsite, with Hugo (when `hugo` is installed) and with a pulldown-cmark floor,
# then prints wall time, CPU time, peak memory and pages per second as a Markdown table.
#
#   scripts/bench.sh                               # 10,000 articles x 2 locales
#   scripts/bench.sh --articles 200 --locales 2    # CI size, a few seconds
#   scripts/bench.sh --scaling                     # helpsite memory at 2,500 ... 20,000 articles
#   scripts/bench.sh --keep --out /tmp/bench       # keep the corpora and outputs to inspect them
#   scripts/bench.sh --search --runs 3             # the search index: builds with and without it
#
# The report is also written to target/bench-scale/report.md (or DIR/report.md with --out).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release
exec cargo bench --bench scale -- "$@"
