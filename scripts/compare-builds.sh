#!/usr/bin/env bash
# Before/after check of a change that must not change output (issue 13): builds the same corpus
# with two helpsite binaries, interleaved, and prints the medians of CPU time and peak memory of
# each, then compares the two outputs byte for byte.
#
#   scripts/compare-builds.sh OLD_BINARY NEW_BINARY SITE [RUNS]
#
# SITE is a site folder (the sample site `.`, or a kept scale corpus:
#   cargo bench --bench scale -- --articles 10000 --locales 2 --no-hugo --keep --out /dev/shm/scale
# leaves one at /dev/shm/scale/site). Each run is a `--no-cache` build into a fresh folder on the
# same file system, measured by GNU time. Nothing here asserts on time: it prints figures.
set -euo pipefail
old=$(readlink -f "$1"); new=$(readlink -f "$2"); site=$(readlink -f "$3"); runs=${4:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/compare-builds.XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }

run() { # label binary n
  local out="$work/$1-$3"
  /usr/bin/time -f "%U %S %M %e" -o "$work/$1-$3.time" \
    "$2" build --site "$site" --out "$out" --no-cache --force >/dev/null 2>&1 || true
  read -r u s m e < "$work/$1-$3.time"
  echo "$1 run $3: cpu $(echo "$u + $s" | bc) s, wall $e s, peak $((m / 1024)) MB" >&2
  echo "$(echo "$u + $s" | bc) $m $e" >> "$work/$1.all"
}
for i in $(seq 1 "$runs"); do
  run old "$old" "$i"
  run new "$new" "$i"
  [ "$i" -lt "$runs" ] && rm -rf "$work/old-$i" "$work/new-$i"
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
for l in old new; do
  cpu=$(cut -d' ' -f1 "$work/$l.all" | median)
  mem=$(cut -d' ' -f2 "$work/$l.all" | median)
  wall=$(cut -d' ' -f3 "$work/$l.all" | median)
  echo "$l: median CPU ${cpu} s, median wall ${wall} s, median peak $((${mem%.*} / 1024)) MB ($runs runs)"
done
if diff -r -q "$work/old-$runs" "$work/new-$runs" >/dev/null; then
  echo "outputs: identical ($(find "$work/new-$runs" -type f | wc -l) files)"
else
  echo "outputs: DIFFER"; diff -r -q "$work/old-$runs" "$work/new-$runs" | head -20; exit 1
fi
