#!/usr/bin/env bash
# Before/after cost of `keytrail scan`, two binaries in one run (tests/bench/README.md):
#   1. instructions (valgrind --tool=callgrind) of `scan --threads 1` over a fixed slice of the
#      bench corpus: 9 500 records of each format, 38 000 in all, as plain files;
#   2. wall clock, best of N pinned to one core, of `scan --threads 1` over the whole 200 MB
#      corpus next to `zcat` of the same files: MB/s (uncompressed) and events/s.
# Instructions are exact and repeatable, so they show a per-event change of a few per cent that
# the shared machine's wall clock cannot.
#
# usage: tests/bench/compare.sh BEFORE_BIN AFTER_BIN
# Environment:
#   KT_CMP_DIR   corpus and slice directory (default /tmp/keytrail-bench-200)
#   KT_BENCH_N   wall-clock runs per measurement, best is kept (default 3)
#   KT_GEO_DIR   directory with samples-city.mmdb and samples-asn.mmdb (default <repo>/build/geo)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIR=${KT_CMP_DIR:-/tmp/keytrail-bench-200}
N=${KT_BENCH_N:-3}
GEODIR=${KT_GEO_DIR:-$ROOT/build/geo}
SLICE_PER_FORMAT=9500

if [[ $# -ne 2 || ! -x $1 || ! -x $2 ]]; then
    echo "usage: $0 BEFORE_BIN AFTER_BIN (two keytrail executables)" >&2
    exit 2
fi
BINS=("$1" "$2")
NAMES=(before after)
for tool in valgrind jq zcat; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is required" >&2; exit 2; }
done

say() { printf '%s\n' "$*" >&2; }

# --- corpus and slice ------------------------------------------------------------------------
mkdir -p "$DIR"
GEN=$DIR/gen_corpus
if [[ ! -x $GEN || $HERE/gen_corpus.c -nt $GEN ]]; then
    ${CC:-cc} -O2 -std=c11 -Wall -Wextra -o "$GEN" "$HERE/gen_corpus.c" -lz
fi
if [[ ! -f $DIR/corpus/manifest.tsv ]]; then
    say "generating the 200 MB corpus in $DIR/corpus"
    "$GEN" --mb 200 --jobs 1 "$DIR/corpus" >&2
fi
MANIFEST=$DIR/corpus/manifest.tsv
first_of() { awk -F'\t' -v f="$1" -v d="$DIR/corpus" 'NR > 1 && $1 == f { print d "/" $2; exit }' "$MANIFEST"; }
SLICE=$DIR/slice
if [[ ! -f $SLICE/done ]]; then
    mkdir -p "$SLICE"
    # zcat ends early under head: its SIGPIPE is expected.
    (zcat "$(first_of jsonl)" || true) | head -n "$SLICE_PER_FORMAT" >"$SLICE/kong.json"
    (zcat "$(first_of combined)" || true) | head -n "$SLICE_PER_FORMAT" >"$SLICE/access.log"
    (zcat "$(first_of github)" || true) | head -n "$SLICE_PER_FORMAT" >"$SLICE/audit.json.log"
    zcat "$(first_of cloudtrail)" | jq -c --argjson n "$SLICE_PER_FORMAT" '{Records: .Records[:$n]}' \
        >"$SLICE/111122223333_CloudTrail_us-east-1_20261012T0000Z_slice.json"
    touch "$SLICE/done"
fi
SLICE_FILES=("$SLICE/kong.json" "$SLICE/access.log" "$SLICE/audit.json.log"
             "$SLICE/111122223333_CloudTrail_us-east-1_20261012T0000Z_slice.json")
SLICE_RECORDS=$((4 * SLICE_PER_FORMAT))

GEO=()
if [[ -f $GEODIR/samples-city.mmdb && -f $GEODIR/samples-asn.mmdb ]]; then
    GEO=(--geoip "$GEODIR/samples-city.mmdb" --asn "$GEODIR/samples-asn.mmdb")
fi

# --- instructions ----------------------------------------------------------------------------
instructions() {
    local log=$DIR/callgrind.log rc=0
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" >/dev/null 2>"$log" || rc=$?
    if ((rc & 2 || rc & 8)); then # usage or fatal; 1, 4, 16 and 32 are verdicts and input notes
        echo "n/a"
        return
    fi
    awk '/Collected :/ { print $NF }' "$log"
}

say "instructions: callgrind, scan --threads 1 over $SLICE_RECORDS records"
IR=()
for i in 0 1; do
    IR[i]=$(instructions "${BINS[i]}" scan -q --threads 1 "${GEO[@]}" --alerts /dev/null \
        "${SLICE_FILES[@]}")
done

# --- wall clock ------------------------------------------------------------------------------
PIN=()
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
    PIN=(taskset -c 0)
fi
# One timed run: seconds, or "fail" (exit statuses 1 and 4, findings and damaged input, are
# normal runs; 2 or 8 and above are not).
time_once() {
    local t0 t1 rc=0
    t0=$(date +%s%N)
    "${PIN[@]}" "$@" >/dev/null 2>/dev/null || rc=$?
    t1=$(date +%s%N)
    if ((rc & 2 || rc & 8)); then # usage or fatal; 1, 4, 16 and 32 are verdicts and input notes
        echo fail
    else
        echo $(((t1 - t0) / 1000))
    fi
}
best() { # best of the microsecond times given, in seconds
    printf '%s\n' "$@" | awk '$1 != "fail" && (b == "" || $1 < b) { b = $1 }
        END { if (b == "") print "fail"; else printf "%.3f", b / 1e6 }'
}
mapfile -t FILES < <(awk -F'\t' -v d="$DIR/corpus" 'NR > 1 { print d "/" $2 }' "$MANIFEST")
MB=$(awk -F'\t' 'NR > 1 { s += $3 } END { printf "%.1f", s / 1e6 }' "$MANIFEST")
RECS=$(awk -F'\t' 'NR > 1 { s += $4 } END { printf "%.0f", s }' "$MANIFEST")
say "wall clock: best of $N, ${PIN[*]:-unpinned}, $MB MB ($RECS records), runs interleaved"
# Interleaved (zcat, before, after, zcat, ...) so that load from elsewhere on a shared machine
# falls on all three alike.
TZS=() T0S=() T1S=()
for ((k = 0; k < N; k++)); do
    TZS+=("$(time_once zcat "${FILES[@]}")")
    T0S+=("$(time_once "${BINS[0]}" scan -q --threads 1 "${GEO[@]}" --alerts /dev/null "${FILES[@]}")")
    T1S+=("$(time_once "${BINS[1]}" scan -q --threads 1 "${GEO[@]}" --alerts /dev/null "${FILES[@]}")")
done
TZ=$(best "${TZS[@]}")
T=("$(best "${T0S[@]}")" "$(best "${T1S[@]}")")

# --- table -----------------------------------------------------------------------------------
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s == "fail" || s <= 0) print "n/a"; else printf "%.0f", n / s }'; }
printf '%-7s %14s %10s %9s %9s %11s\n' "" "instructions" "per event" "seconds" "MB/s" "events/s"
printf '%-7s %14s %10s %9s %9s %11s\n' zcat "" "" "$TZ" "$(rate "$MB" "$TZ")" ""
for i in 0 1; do
    per=$(awk -v n="${IR[i]}" -v r="$SLICE_RECORDS" 'BEGIN { if (n == "n/a") print "n/a"; else printf "%.0f", n / r }')
    printf '%-7s %14s %10s %9s %9s %11s\n' "${NAMES[i]}" "${IR[i]}" "$per" "${T[i]}" \
        "$(rate "$MB" "${T[i]}")" "$(rate "$RECS" "${T[i]}")"
done
awk -v a="${IR[0]}" -v b="${IR[1]}" 'BEGIN { if (a > 0 && b > 0) printf "instructions after/before: %.3f\n", b / a }'
