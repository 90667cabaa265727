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
# best_of FAIL-MASK CMD...: "WALL CPU", the best wall-clock and the best CPU (user + system,
# every process and thread of the command) seconds over N runs; "fail fail" when a run's exit
# status has a bit of FAIL-MASK. CPU time is the figure that holds on a busy machine.
best_of() {
    local mask=$1 best_wall="" best_cpu=""
    shift
    for ((i = 0; i < N; i++)); do
        local rc=0 wall cpu
        local TIMEFORMAT='%R %U %S'
        { time "$@" >/dev/null 2>"$BUILD/last.err" || rc=$?; } 2>"$BUILD/last.time"
        if ((rc & mask)); then
            echo "fail fail"
            return
        fi
        read -r wall u s <"$BUILD/last.time"
        cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')
        if [[ -z $best_wall ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
            best_wall=$wall
        fi
        if [[ -z $best_cpu ]] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then
            best_cpu=$cpu
        fi
    done
    echo "$best_wall $best_cpu"
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
FMT='%-22s %-7s %6s %7s %10s %8s %7s %8s | %7s %10s %8s\n'
printf "$FMT" "" "" "" "wall:" "" "" "" "" "CPU:" "" ""
printf "$FMT" "input" "keys" "MB" "hunt" "igzip|grep" "zgrep -F" "zcat" "hunt /" "hunt" \
    "igzip|grep" "hunt /"
printf "$FMT" "" "" "" "MB/s" "MB/s" "MB/s" "MB/s" "ig|grep" "MB/cpu-s" "MB/cpu-s" "ig|grep"

bench_set() { # LABEL PATH-FOR-HUNT "KEYS..." FORMAT...
    local label=$1 hunt_path=$2 key_sets=$3
    shift 3
    local mb
    mb=$(mb_of "$@")
    mapfile -t files < <(files_of "$@")
    local tz
    read -r tz _ < <(best_of 255 zcat_files "${files[@]}")
    for keys in $key_sets; do
        local th ch ti=n/a ci=n/a tg
        if [[ $hunt_path == "-" ]]; then
            read -r th ch < <(best_of "$HUNT_FAIL" "${HUNT[@]}" "$KEYS/$keys" "${files[@]}")
        else
            read -r th ch < <(best_of "$HUNT_FAIL" "${HUNT[@]}" "$KEYS/$keys" "$hunt_path")
        fi
        if ((have_igzip)); then
            read -r ti ci < <(best_of "$GREP_FAIL" igzip_grep "$KEYS/$keys" "${files[@]}")
        fi
        read -r tg _ < <(best_of "$GREP_FAIL" zgrep -F -f "$KEYS/$keys" "${files[@]}")
        local rh ri rch rci
        rh=$(rate "$mb" "$th")
        ri=$(rate "$mb" "$ti")
        rch=$(rate "$mb" "$ch")
        rci=$(rate "$mb" "$ci")
        printf "$FMT" "$label" "$keys" "$mb" "$rh" "$ri" "$(rate "$mb" "$tg")" "$(rate "$mb" "$tz")" \
            "$(ratio "$rh" "$ri")" "$rch" "$rci" "$(ratio "$rch" "$rci")"
    done
}

nct=$(files_of cloudtrail | wc -l)
bench_set "lines (3 formats)" - "rare busy absent three" jsonl combined github
bench_set "cloudtrail ($nct files)" "$DIR/cloudtrail" "akia absent three" cloudtrail
say "keys: rare = an API key used a few times, busy = the most used one, akia = a rarely used"
say "AWS key id of CloudTrail, absent = none in the corpus (the filter's own cost), three ="
say "rare + akia + absent. CloudTrail files end without a newline: decompressed one after the"
say "other they are one line for grep."
