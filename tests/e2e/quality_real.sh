#!/usr/bin/env bash
# Detection quality on real geography (tests/quality/realgen.py), on the small DB-IP lite and
# ASN extract shipped in samples/geo/.dbip-lite: the generator's self-check (its promises, key
# ids against the binary), then a 200-key corpus (held-out seed 101) through `keytrail mkgeo`
# and `keytrail scan`, scored by score.py. The test asserts that the scorer ran and gave figures
# for every scenario (recall, false rotates, latency, detectors) and that no token leaked; it
# prints the figures but does not hold the scan to the issue's targets, which it misses today
# (see tests/quality/README.md for the measured numbers).
source "$(dirname "$0")/lib.bash"
Q="$KT_TESTS/quality"

if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 is not installed"
    exit 77
fi
python3 "$Q/realgen.py" --self-check --keytrail "$KT_BIN" || fail "realgen.py --self-check"

start=$(date +%s)
rc=0
bash "$Q/run-real.sh" --bin "$KT_BIN" --geo "$KT_SAMPLES/geo/.dbip-lite" --keys 200 \
    --seed 101 --out "$WORK/q" >"$WORK/run.out" 2>"$WORK/run.err" || rc=$?
cat "$WORK/run.out"
case $rc in
    0|1) ;;
    *) fail "run-real.sh exited with $rc: $(tail -c 800 "$WORK/run.err")" ;;
esac
echo "generate + scan + score of the real-geography corpus took $(($(date +%s) - start)) s"

python3 - "$WORK/q" "$Q" <<'PY' || fail "the scorer's figures are incomplete (see above)"
import gzip, json, os, re, sys
d, q = sys.argv[1], sys.argv[2]
sys.path.insert(0, q)
import realgen
res = json.load(open(os.path.join(d, "score.json")))
scen = res["scenarios"]
want = {name: label for name, label, _, _ in realgen.SCENARIOS}
want["ct_minted"] = "misuse"
bad = []
for name, label in want.items():
    s = scen.get(name)
    if s is None or s["keys"] == 0:
        bad.append("no keys scored for scenario %s" % name)
        continue
    if s["label"] != label:
        bad.append("%s scored as %s" % (name, s["label"]))
    if s["absent"]:
        bad.append("%s: %d keys absent from the report" % (name, s["absent"]))
    for f in ("rotate_share", "detectors_rotate", "detectors_investigate"):
        if f not in s:
            bad.append("%s lacks %s" % (name, f))
    if label == "misuse" and ("missed" not in s or "latency_median_s" not in s or
                              "detectors_not_rotated" not in s):
        bad.append("%s lacks its latency or missed figures" % name)
t = res["totals"]
if not (0 <= t["recall"] <= 1 and 0 <= t["false_rotate_rate"] <= 1):
    bad.append("totals out of range")
if t["report_keys_unlabelled"]:
    bad.append("%d report keys have no label" % t["report_keys_unlabelled"])
# Whatever the verdicts, no token of the corpus may appear in the report or the alerts.
toks = set()
pat = re.compile(r'"(?:authorization|x-api-key)":"(?:(?:Bearer|token) )?([^"]+)"')
for name in sorted(os.listdir(os.path.join(d, "corpus"))):
    with gzip.open(os.path.join(d, "corpus", name), "rt") as f:
        for line in f:
            m = pat.search(line)
            if m:
                toks.add(m.group(1))
text = open(os.path.join(d, "report.json")).read() + open(os.path.join(d, "alerts.jsonl")).read()
leaks = [x for x in toks if x in text]
if leaks:
    bad.append("%d corpus tokens appear in the report or the alerts" % len(leaks))
if len(toks) < 50:
    bad.append("only %d tokens found in the corpus" % len(toks))
for b in bad:
    print("FAIL: " + b)
sys.exit(1 if bad else 0)
PY
echo "ok: the scorer reported recall, false rotates, latency and detectors for every scenario"
