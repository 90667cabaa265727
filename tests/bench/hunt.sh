#!/usr/bin/env bash
# Hunt benchmark (issue 9 §4): how fast the prefiltered pipeline looks for a few keys in gzip
# logs, next to `igzip -dc | grep -F`, `zgrep -F` and `zcat` over the same files, in one run.
#
# Builds keytrail and bench_hunt (Release) and gen_corpus, generates a corpus once (large JSON
# line and access log files, and a CloudTrail tree of many small 5-minute-like files), picks
# keys from it (written to key files, never printed), then times each tool, best of N, and
# prints MB/s of uncompressed input from the corpus manifest. The hunt is `keytrail hunt
# --key-file F PATH` when the binary has that command, else bench_hunt (the same pipeline with
# the same prefilter). All runs may use every core (the grep pipelines use two processes).
#
# Environment:
#   KT_BENCH_DIR    corpus directory              (default /tmp/keytrail-hunt-bench)
#   KT_BENCH_MB     corpus size, MB uncompressed  (default 300; used only when generating)
#   KT_BENCH_CT_KB  CloudTrail file size, kB      (default 100: thousands of files per GB)
#   KT_BENCH_N      runs per measurement, best is kept (default 3)
#   KT_BENCH_BUILD  build directory               (default <repo>/build-bench-hunt)
#   KT_BIN          keytrail binary to use instead of building one
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIR=${KT_BENCH_DIR:-/tmp/keytrail-hunt-bench}
MB=${KT_BENCH_MB:-300}
CT_KB=${KT_BENCH_CT_KB:-100}
N=${KT_BENCH_N:-3}
BUILD=${KT_BENCH_BUILD:-$ROOT/build-bench-hunt}

say() { printf '%s\n' "$*" >&2; }

# --- build -----------------------------------------------------------------------------------
mkdir -p "$BUILD"
GEN=$BUILD/gen_corpus
if [[ ! -x $GEN || $HERE/gen_corpus.c -nt $GEN ]]; then
    say "building gen_corpus"
    ${CC:-cc} -O2 -std=c11 -Wall -Wextra -o "$GEN" "$HERE/gen_corpus.c" -lz
fi
KT=${KT_BIN:-}
say "building keytrail and bench_hunt (Release) in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$BUILD/cmake.log" 2>&1
cmake --build "$BUILD" -j2 --target keytrail bench_hunt >"$BUILD/make.log" 2>&1
KT=${KT:-$BUILD/keytrail}
if "$KT" hunt --help >/dev/null 2>&1; then
    HUNT=("$KT" hunt --key-file)
    HUNT_NAME="keytrail hunt"
    HUNT_FAIL=10 # keytrail's status bits 2 and 8 (usage, stopped); the others are verdicts
else
    HUNT=("$BUILD/tests/bench_hunt" --key-file)
    HUNT_NAME="bench_hunt (keytrail has no hunt command yet)"
    HUNT_FAIL=255
fi
GREP_FAIL=254 # grep and zgrep: 1 is "no match"

# --- corpus ----------------------------------------------------------------------------------
if [[ ! -f $DIR/manifest.tsv ]]; then
    say "generating a ${MB} MB corpus (CloudTrail files of ${CT_KB} kB) in $DIR"
    mkdir -p "$DIR"
    "$GEN" --mb "$MB" --ct-file-kb "$CT_KB" --jobs 2 "$DIR" >&2
fi
MANIFEST=$DIR/manifest.tsv

files_of() { # FORMAT...: corpus paths of those formats
    awk -F'\t' -v f=" $* " -v d="$DIR" 'NR > 1 && index(f, " " $1 " ") { print d "/" $2 }' \
        "$MANIFEST"
}
mb_of() {
    awk -F'\t' -v f=" $* " 'NR > 1 && index(f, " " $1 " ") { s += $3 }
        END { printf "%.1f", s / 1e6 }' "$MANIFEST"
}

# --- keys (files only: a token is never printed) ---------------------------------------------
KEYS=$DIR/keys
mkdir -p "$KEYS"
chmod 700 "$KEYS"
if [[ ! -s $KEYS/rare ]]; then
    say "picking keys from the corpus"
    set +o pipefail # the pickers stop reading early
    first_kong=$(files_of jsonl | head -n 1)
    # A rare API key (5-30 uses in one file), the busiest one, and an AWS key id of CloudTrail.
    zcat "$first_kong" | grep -o '"apikey":"[^"]*"' | sort | uniq -c | sort -n |
        awk '$1 >= 5 && $1 <= 30 { print $2; exit }' | sed 's/^"apikey":"//; s/"$//' >"$KEYS/rare"
    zcat "$first_kong" | grep -o '"apikey":"[^"]*"' | sort | uniq -c | sort -n | tail -n 1 |
        awk '{ print $2 }' | sed 's/^"apikey":"//; s/"$//' >"$KEYS/busy"
    files_of cloudtrail | head -n 50 | xargs zcat | grep -o '"accessKeyId":"AKIA[A-Z0-9]*"' |
        sort | uniq -c | sort -n | awk '{ print $2; exit }' |
        sed 's/^"accessKeyId":"//; s/"$//' >"$KEYS/akia"
    echo "ghp_$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 36)" >"$KEYS/absent"
    set -o pipefail
    cat "$KEYS/rare" "$KEYS/akia" "$KEYS/absent" >"$KEYS/three"
    chmod 600 "$KEYS"/*
fi

# --- timing ----------------------------------------------------------------------------------
best_of() { # FAIL-MASK CMD...: best wall time in seconds over N runs ("fail" when a run's exit
    # status has a bit of FAIL-MASK)
    local mask=$1 best="" t0 t1
    shift
    for ((i = 0; i < N; i++)); do
        local rc=0
        t0=$(date +%s%N)
        "$@" >/dev/null 2>"$BUILD/last.err" || rc=$?
        t1=$(date +%s%N)
        if ((rc & mask)); then
            echo fail
            return
        fi
        local t=$(((t1 - t0) / 1000))
        if [[ -z $best ]] || ((t < best)); then
            best=$t
        fi
    done
    awk -v us="$best" 'BEGIN { printf "%.3f", us / 1e6 }'
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s == "fail" || s == "n/a" || s <= 0) print "n/a";
                                           else printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b <= 0) print "n/a";
                                            else printf "%.2f", a / b }'; }

have_igzip=1
command -v igzip >/dev/null 2>&1 || have_igzip=0
igzip_grep() { # KEYFILE FILE...
    local k=$1
    shift
    igzip -dc "$@" | grep -F -f "$k"
}
zcat_files() { zcat "$@"; }

say "timing: best of $N; hunt = $HUNT_NAME"
((have_igzip)) || say "igzip not installed (Debian package isal): its column shows n/a"
printf '%-22s %-7s %7s %9s %11s %9s %9s %10s\n' "input" "keys" "MB" "hunt" "igzip|grep" \
    "zgrep -F" "zcat" "hunt /"
printf '%-22s %-7s %7s %9s %11s %9s %9s %10s\n' "" "" "" "MB/s" "MB/s" "MB/s" "MB/s" \
    "igzip|grep"

bench_set() { # LABEL PATH-FOR-HUNT "KEYS..." FORMAT...
    local label=$1 hunt_path=$2 key_sets=$3
    shift 3
    local mb
    mb=$(mb_of "$@")
    mapfile -t files < <(files_of "$@")
    local tz
    tz=$(best_of 255 zcat_files "${files[@]}")
    for keys in $key_sets; do
        local th ti tg
        if [[ $hunt_path == "-" ]]; then
            th=$(best_of "$HUNT_FAIL" "${HUNT[@]}" "$KEYS/$keys" "${files[@]}")
        else
            th=$(best_of "$HUNT_FAIL" "${HUNT[@]}" "$KEYS/$keys" "$hunt_path")
        fi
        ti=n/a
        ((have_igzip)) && ti=$(best_of "$GREP_FAIL" igzip_grep "$KEYS/$keys" "${files[@]}")
        tg=$(best_of "$GREP_FAIL" zgrep -F -f "$KEYS/$keys" "${files[@]}")
        local rh ri
        rh=$(rate "$mb" "$th")
        ri=$(rate "$mb" "$ti")
        printf '%-22s %-7s %7s %9s %11s %9s %9s %10s\n' "$label" "$keys" "$mb" "$rh" "$ri" \
            "$(rate "$mb" "$tg")" "$(rate "$mb" "$tz")" "$(ratio "$rh" "$ri")"
    done
}

nct=$(files_of cloudtrail | wc -l)
bench_set "lines (3 formats)" - "rare busy absent three" jsonl combined github
bench_set "cloudtrail ($nct files)" "$DIR/cloudtrail" "akia absent three" cloudtrail
say "keys: rare = an API key used a few times, busy = the most used one, akia = a rarely used"
say "AWS key id of CloudTrail, absent = none in the corpus (the filter's own cost), three ="
say "rare + akia + absent. CloudTrail files end without a newline: decompressed one after the"
say "other they are one line for grep."
