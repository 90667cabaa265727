#!/usr/bin/env bash
# Detection quality on a small labelled corpus (tests/quality): checks the generator's and the
# scorer's own invariants, then generates 240 keys (seed fixed), builds the geolocation
# databases, runs `keytrail scan` and fails unless >= 95 % of misused keys get `rotate`,
# <= 2 % of benign keys do, and the median time to the first high alert is <= 10 minutes.
# Exits 77 (skipped; the ctest property SKIP_RETURN_CODE 77 maps it) while `keytrail scan` or
# `keytrail mkgeo` does not exist yet.
source "$(dirname "$0")/lib.bash"
Q="$KT_TESTS/quality"

if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 is not installed"
    exit 77
fi
python3 "$Q/gen.py" --self-check --keys 120 --keytrail "$KT_BIN" ||
    fail "tests/quality/gen.py --self-check"
python3 "$Q/score.py" --self-test || fail "tests/quality/score.py --self-test"

if ! "$KT_BIN" scan --help >/dev/null 2>&1; then
    echo "SKIP: \`keytrail scan --help\` fails: the scan command does not exist yet, so" \
         "detection quality cannot be measured (generator and scorer checks passed)"
    exit 77
fi

python3 "$Q/gen.py" --keys 240 --seed 20261005 --out "$WORK/q" --quiet ||
    fail "generating the corpus"
mkdir -p "$WORK/q/geo"
run mkgeo mkgeo "$WORK/q/networks.csv" "$WORK/q/geo/city.mmdb" "$WORK/q/geo/asn.mmdb"
if [ "$(rc_of mkgeo)" != 0 ]; then
    run mkgeo_samples mkgeo "$KT_SAMPLES/geo/networks.csv" "$WORK/s-city.mmdb" "$WORK/s-asn.mmdb"
    if [ "$(rc_of mkgeo_samples)" != 0 ]; then
        echo "SKIP: \`keytrail mkgeo\` does not work yet ($(head -c 200 "$WORK/mkgeo.err"))"
        exit 77
    fi
    fail "mkgeo builds samples/geo but not the corpus networks:" \
        "$(head -c 600 "$WORK/mkgeo.err")"
fi

start=$(date +%s)
run scan scan --geoip "$WORK/q/geo/city.mmdb" --asn "$WORK/q/geo/asn.mmdb" \
    --report "$WORK/q/report.json" --alerts "$WORK/q/alerts.jsonl" "$WORK/q/corpus"
case $(rc_of scan) in
    0|1|16|17) ;; # rotate (1) and investigate (16) are both normal here
    *) fail "scan exited with $(rc_of scan): $(head -c 600 "$WORK/scan.err")" ;;
esac
echo "scan of $(wc -l <"$WORK/q/labels.tsv") keys took $(($(date +%s) - start)) s"

# Whatever the verdicts, no token may leak into the report or the alerts.
python3 - "$WORK/q" <<'PY' || fail "a token from the corpus appears in the report or the alerts"
import gzip, json, os, re, sys
d = sys.argv[1]
toks = set()
pat = re.compile(r'"(?:authorization|x-api-key)":"(?:(?:Bearer|token) )?([^"]+)"')
for name in sorted(os.listdir(os.path.join(d, "corpus")))[:3]:
    with gzip.open(os.path.join(d, "corpus", name), "rt") as f:
        for line in f:
            m = pat.search(line)
            if m:
                toks.add(m.group(1))
text = open(os.path.join(d, "report.json")).read() + open(os.path.join(d, "alerts.jsonl")).read()
leaks = [t for t in toks if t in text]
sys.exit(1 if leaks else 0)
PY

python3 "$Q/score.py" --labels "$WORK/q/labels.tsv" --report "$WORK/q/report.json" \
    --alerts "$WORK/q/alerts.jsonl" ||
    fail "detection quality targets missed on the 240-key corpus (table above)"
echo "ok: detection quality targets met"
