#!/usr/bin/env bash
# The held-out measurement: run-real.sh for each seed (default the held-out seeds 101-105 of
# tests/quality/README.md), then one score over all of them together (the labels, reports and
# alerts merged: key ids never repeat across seeds), per scenario. Exit status is the merged
# score's: 0 all targets met, 1 a target missed.
#
# usage: tests/quality/heldout.sh [--seeds "101 102 103 104 105"] [--out DIR]
#            [RUN-REAL OPTIONS: --geo DIR, --city, --asn-csv, --scan-city, --keys, --bin ...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seeds="101 102 103 104 105"
out=quality-heldout
args=()
while [ $# -gt 0 ]; do
    case $1 in
        --seeds) seeds=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) args+=("$1"); shift ;;
    esac
done
mkdir -p "$out"
t0=$(date +%s)
for s in $seeds; do
    rc=0
    "$here/run-real.sh" "${args[@]}" --seed "$s" --out "$out/seed-$s" >"$out/seed-$s.log" 2>&1 ||
        rc=$?
    [ "$rc" -le 1 ] || { tail -n 20 "$out/seed-$s.log" >&2; exit "$rc"; }
    grep -E '^(PASS|FAIL) ' "$out/seed-$s.log" | sed "s/^/seed $s: /"
done
python3 - "$out" $seeds <<'PY'
import json, os, sys
out, seeds = sys.argv[1], sys.argv[2:]
labels, keys = [], []
with open(os.path.join(out, "alerts.jsonl"), "w") as al:
    for s in seeds:
        d = os.path.join(out, "seed-" + s)
        with open(os.path.join(d, "labels.tsv")) as f:
            lines = f.read().splitlines()
        if not labels:
            labels.append(lines[0])
        labels += lines[1:]
        keys += json.load(open(os.path.join(d, "report.json")))["keys"]
        with open(os.path.join(d, "alerts.jsonl")) as f:
            al.write(f.read())
with open(os.path.join(out, "labels.tsv"), "w") as f:
    f.write("\n".join(labels) + "\n")
with open(os.path.join(out, "report.json"), "w") as f:
    json.dump({"keys": keys}, f)
PY
echo "== all seeds ($seeds) together, $(($(date +%s) - t0)) s"
targets=$(printf '%s\n' "${args[@]}" | awk 'p { print; exit } /^--targets$/ { p = 1 }')
read -r r f m <<<"${targets:-0.98 0.01 5}"
python3 "$here/score.py" --labels "$out/labels.tsv" --report "$out/report.json" \
    --alerts "$out/alerts.jsonl" --json-out "$out/score.json" --min-recall "$r" \
    --max-false-rotate "$f" --max-median-minutes "$m"
