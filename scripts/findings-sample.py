#!/usr/bin/env python3
"""Findings of `helpsite check` on a real repository, by kind, with a fixed-seed sample to judge.

    scripts/findings-sample.py SITE [--seed 14] [--per-kind 30] [--verdicts FILE] [--binary B]

Runs `helpsite check --site SITE --format json`, prints the count of findings per kind, and a
random sample of at most --per-kind findings of each kind (all of them where there are fewer),
chosen with --seed so the same repository gives the same sample. With --verdicts FILE (a TSV of
`kind<TAB>location<TAB>message<TAB>verdict<TAB>reason`, verdict `true` or `false`), it writes the
sample there when the file does not exist (verdicts empty, to fill in by hand), and otherwise
reports, per kind, how many judged findings are true problems of the source. Issue 14's
acceptance: at least 28 of 30 per kind.
"""
import argparse
import collections
import csv
import json
import os
import random
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--per-kind", type=int, default=30)
    ap.add_argument("--verdicts")
    ap.add_argument("--binary", default=os.environ.get("HELPSITE", "target/release/helpsite"))
    a = ap.parse_args()

    run = subprocess.run(
        [a.binary, "check", "--site", a.site, "--format", "json"],
        capture_output=True, text=True,
    )
    if run.returncode not in (0, 1):
        sys.exit(f"helpsite check exited {run.returncode}:\n{run.stderr}")
    findings = json.loads(run.stdout)["findings"]
    by_kind = collections.defaultdict(list)
    for f in findings:
        by_kind[f["kind"]].append(f)
    print("findings by kind:")
    for kind in sorted(by_kind):
        print(f"  {kind:24} {len(by_kind[kind]):6}")

    rng = random.Random(a.seed)
    sample = []
    for kind in sorted(by_kind):
        items = sorted(by_kind[kind], key=lambda f: (f.get("file") or "", f.get("line") or 0, f["message"]))
        picked = items if len(items) <= a.per_kind else rng.sample(items, a.per_kind)
        for f in picked:
            loc = f"{f.get('file') or ''}:{f.get('line') or ''}:{f.get('column') or ''}"
            sample.append((kind, loc, f["message"].replace("\t", " ").replace("\n", " ")))

    if not a.verdicts:
        for row in sample:
            print("\t".join(row))
        return
    if not os.path.exists(a.verdicts):
        with open(a.verdicts, "w", newline="") as out:
            w = csv.writer(out, delimiter="\t", lineterminator="\n")
            w.writerow(["kind", "location", "message", "verdict", "reason"])
            for row in sample:
                w.writerow(list(row) + ["", ""])
        print(f"wrote {len(sample)} findings to judge into {a.verdicts}")
        return
    judged = collections.defaultdict(lambda: [0, 0, 0])  # true, false, unjudged
    with open(a.verdicts, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            v = (row.get("verdict") or "").strip().lower()
            slot = 0 if v == "true" else 1 if v == "false" else 2
            judged[row["kind"]][slot] += 1
    print("verdicts (true problems of the source / judged):")
    ok = True
    for kind in sorted(judged):
        t, fl, u = judged[kind]
        n = t + fl
        need = min(28, n) if n >= 30 else n - (2 * n) // 30
        flag = "ok" if t >= need and u == 0 else "BELOW" if u == 0 else "UNJUDGED"
        ok &= flag == "ok"
        print(f"  {kind:24} {t:3} / {n:3}  ({u} unjudged)  {flag}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
