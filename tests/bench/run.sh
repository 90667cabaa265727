#!/usr/bin/env bash
# keytrail throughput benchmark: builds keytrail (Release) and gen_corpus, generates the corpus
# once, then times `zcat` and `keytrail keys` over each format and over everything, best of N,
# pinned to one core, and prints MB/s computed from the corpus manifest (never from keytrail's
# output, whose format may change). See tests/bench/README.md.
#
# Environment:
#   KT_BENCH_DIR    corpus directory              (default /tmp/keytrail-bench)
#   KT_BENCH_MB     corpus size, MB uncompressed  (default 1200; used only when generating)
#   KT_BENCH_JOBS   gen_corpus writer processes   (default 2)
#   KT_BENCH_N      runs per measurement, best is kept (default 3)
#   KT_BENCH_BUILD  build directory               (default <repo>/build-bench)
#   KT_BIN          use this keytrail binary instead of building one
#   KT_BENCH_ARGS   extra arguments for `keytrail keys` (e.g. "--threads 1")
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIR=${KT_BENCH_DIR:-/tmp/keytrail-bench}
MB=${KT_BENCH_MB:-1200}
JOBS=${KT_BENCH_JOBS:-2}
N=${KT_BENCH_N:-3}
BUILD=${KT_BENCH_BUILD:-$ROOT/build-bench}
EXTRA=${KT_BENCH_ARGS:-}

say() { printf '%s\n' "$*" >&2; }

# --- build -----------------------------------------------------------------------------------
mkdir -p "$BUILD"
GEN=$BUILD/gen_corpus
if [[ ! -x $GEN || $HERE/gen_corpus.c -nt $GEN ]]; then
    say "building gen_corpus"
    ${CC:-cc} -O2 -std=c11 -Wall -Wextra -o "$GEN" "$HERE/gen_corpus.c" -lz
fi

KT=${KT_BIN:-}
if [[ -z $KT ]]; then
    say "building keytrail (Release) in $BUILD"
    if cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DKT_TESTS=OFF \
        >"$BUILD/cmake.log" 2>&1 && make -C "$BUILD" -j2 keytrail sample_geo >"$BUILD/make.log" 2>&1; then
        KT=$BUILD/keytrail
    else
        say "keytrail did not build (see $BUILD/cmake.log, $BUILD/make.log): timing zcat only"
    fi
fi

# --- corpus ----------------------------------------------------------------------------------
if [[ ! -f $DIR/manifest.tsv ]]; then
    say "generating ${MB} MB corpus in $DIR"
    mkdir -p "$DIR"
    "$GEN" --mb "$MB" --jobs "$JOBS" "$DIR" >&2
fi
MANIFEST=$DIR/manifest.tsv

PIN=()
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
    PIN=(taskset -c 0)
fi

# --- timing ----------------------------------------------------------------------------------
# best_of CMD...: prints the best wall time in seconds over N runs; the exit status bits of
# keytrail (rotate, damaged input, investigate, nothing read: 1, 4, 16, 32) are normal here;
# bits 2 and 8 mean the run is not comparable.
best_of() {
    local best="" t0 t1 rc
    for ((i = 0; i < N; i++)); do
        t0=$(date +%s%N)
        rc=0
        "${PIN[@]}" "$@" >/dev/null 2>"$BUILD/last.err" || rc=$?
        t1=$(date +%s%N)
        if (((rc & 2) || (rc & 8))); then
            echo "fail"
            return
        fi
        local t=$(((t1 - t0) / 1000))
        if [[ -z $best ]] || ((t < best)); then
            best=$t
        fi
    done
    awk -v us="$best" 'BEGIN { printf "%.3f", us / 1e6 }'
}

# files_of FORMAT (or "all"): corpus paths of that format, one per line
files_of() {
    awk -F'\t' -v f="$1" -v d="$DIR" 'NR > 1 && (f == "all" || $1 == f) { print d "/" $2 }' \
        "$MANIFEST"
}
sum_of() {
    awk -F'\t' -v f="$1" -v c="$2" 'NR > 1 && (f == "all" || $1 == f) { s += $c }
        END { printf "%.0f", s }' "$MANIFEST"
}

rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s == "fail" || s <= 0) print "n/a";
                                           else printf "%.1f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b <= 0) print "n/a";
                                            else printf "%.2f", a / b }'; }

# What is timed, for each format and for everything together:
#   zcat        zcat FILES > /dev/null, pinned to one core: the reference
#   keys/1      keytrail keys --threads 1, pinned to one core
#   scan/1      keytrail scan --threads 1 (all detectors, sample geolocation), pinned
#   keys/2      keytrail keys --threads 2 (decompression on a second thread), two cores
#   scan/2      keytrail scan --threads 2, two cores
GEO=()
if [[ -n $KT && -f $BUILD/geo/samples-city.mmdb ]]; then
    GEO=(--geoip "$BUILD/geo/samples-city.mmdb" --asn "$BUILD/geo/samples-asn.mmdb")
fi
say "timing: best of $N, one-core runs ${PIN[*]:-unpinned}, corpus $DIR"
printf '%-11s %8s %9s %9s %9s %9s %9s %11s %8s\n' format MB "zcat" "keys/1" "scan/1" "keys/2" \
    "scan/2" "records/s" "x zcat"
printf '%-11s %8s %9s %9s %9s %9s %9s %11s %8s\n' "" "" "MB/s" "MB/s" "MB/s" "MB/s" "MB/s" \
    "(scan/1)" "(keys/1)"

unpinned() { "$@"; }

for fmt in jsonl cloudtrail combined github all; do
    mapfile -t files < <(files_of "$fmt")
    ((${#files[@]})) || continue
    bytes=$(sum_of "$fmt" 3)
    recs=$(sum_of "$fmt" 4)
    mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
    tz=$(best_of zcat "${files[@]}")
    zr=$(rate "$mb" "$tz")
    k1="n/a" s1="n/a" k2="n/a" s2="n/a" rr="n/a"
    if [[ -n $KT ]]; then
        # shellcheck disable=SC2086
        t=$(best_of "$KT" keys -q --threads 1 $EXTRA "${files[@]}")
        k1=$(rate "$mb" "$t")
        # shellcheck disable=SC2086
        t=$(best_of "$KT" scan -q --threads 1 "${GEO[@]}" --alerts /dev/null $EXTRA "${files[@]}")
        s1=$(rate "$mb" "$t")
        rr=$(rate "$recs" "$t")
        saved=("${PIN[@]}")
        PIN=(unpinned)
        # shellcheck disable=SC2086
        t=$(best_of "$KT" keys -q --threads 2 $EXTRA "${files[@]}")
        k2=$(rate "$mb" "$t")
        # shellcheck disable=SC2086
        t=$(best_of "$KT" scan -q --threads 2 "${GEO[@]}" --alerts /dev/null $EXTRA "${files[@]}")
        s2=$(rate "$mb" "$t")
        PIN=("${saved[@]}")
    fi
    printf '%-11s %8s %9s %9s %9s %9s %9s %11s %8s\n' "$fmt" "$mb" "$zr" "$k1" "$s1" "$k2" "$s2" \
        "$rr" "$(ratio "$k1" "$zr")"
done
