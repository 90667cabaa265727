#!/usr/bin/env bash
# keytrail memory per key: generates a JSON-lines log in which every record carries a new random
# bearer token (N distinct keys, one use each: the worst case for per-key state), then runs
# `keytrail scan` without a report, with -r report.json, with all three reports, `keytrail keys`,
# and scan capped at --max-keys N/10, each under /usr/bin/time -v, and prints the maximum
# resident set size, RSS / N, and the cost per key above a 1 000-key run of the same command
# (which is the fixed part: binary, buffers, caches). See tests/bench/README.md.
#
# Environment:
#   KT_MEM_N      distinct keys                 (default 1000000)
#   KT_MEM_DIR    where the logs are generated  (default /tmp/keytrail-mem)
#   KT_BIN        keytrail binary (default: build Release in KT_BENCH_BUILD, like run.sh)
#   KT_BENCH_BUILD build directory              (default <repo>/build-bench)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
N=${KT_MEM_N:-1000000}
DIR=${KT_MEM_DIR:-/tmp/keytrail-mem}
BUILD=${KT_BENCH_BUILD:-$ROOT/build-bench}
TIME=/usr/bin/time

say() { printf '%s\n' "$*" >&2; }

[[ -x $TIME ]] || { say "$TIME is required (apt-get install time)"; exit 2; }
command -v python3 >/dev/null || { say "python3 is required"; exit 2; }

KT=${KT_BIN:-}
if [[ -z $KT ]]; then
    say "building keytrail (Release) in $BUILD"
    mkdir -p "$BUILD"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DKT_TESTS=OFF >"$BUILD/cmake.log"
    make -C "$BUILD" -j2 keytrail >"$BUILD/make.log"
    KT=$BUILD/keytrail
fi

# gen COUNT FILE: COUNT records, each with its own 32-character random token (seeded, so the
# same COUNT always gives the same file), one second apart.
gen() {
    python3 - "$1" "$2" <<'EOF'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(1)
alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
t0 = 1790000000
with open(path, "w") as out:
    for i in range(n):
        tok = "".join(rng.choices(alpha, k=32))
        out.write('{"started_at":%d,"client_ip":"10.%d.%d.%d","request":{"method":"GET",'
                  '"uri":"/v1/items","headers":{"authorization":"Bearer %s",'
                  '"user-agent":"bench/1.0"}},"response":{"status":200}}\n'
                  % ((t0 + i) * 1000, (i >> 16) & 255, (i >> 8) & 255, i & 255, tok))
EOF
}

mkdir -p "$DIR"
for n in 1000 "$N"; do
    if [[ ! -s $DIR/keys-$n.jsonl ]]; then
        say "generating $n keys into $DIR/keys-$n.jsonl"
        gen "$n" "$DIR/keys-$n.jsonl"
    fi
done

# rss_kb ARGS...: maximum resident set size of one keytrail run, in KiB. Exit statuses 0, 1 and
# 4 are normal runs; anything else is reported and the row is marked failed.
rss_kb() {
    local rc=0
    "$TIME" -v "$KT" "$@" >/dev/null 2>"$DIR/time.err" || rc=$?
    if ((rc != 0 && rc != 1 && rc != 4)); then
        say "keytrail $* exited with $rc (see $DIR/time.err)"
        echo fail
        return
    fi
    awk -F': ' '/Maximum resident set size/ { print $2 }' "$DIR/time.err"
}

R=$DIR/report
declare -a names=(
    "scan"
    "scan -r report.json"
    "scan -r .json .md .html"
    "keys"
    "scan --max-keys $((N / 10))"
)
cmd_of() { # cmd_of ROW FILE: the keytrail arguments of a row
    case $1 in
    0) echo "scan -q --alerts /dev/null $2" ;;
    1) echo "scan -q --alerts /dev/null -r $R.json $2" ;;
    2) echo "scan -q --alerts /dev/null -r $R.json -r $R.md -r $R.html $2" ;;
    3) echo "keys -q $2" ;;
    4) echo "scan -q --alerts /dev/null --max-keys $((N / 10)) $2" ;;
    esac
}

say "keytrail: $KT; $N distinct bearer keys, one use each"
printf '%-26s %12s %14s %16s\n' "command" "max RSS MiB" "RSS / N bytes" "per key bytes"
for i in "${!names[@]}"; do
    # shellcheck disable=SC2046
    small=$(rss_kb $(cmd_of "$i" "$DIR/keys-1000.jsonl"))
    # shellcheck disable=SC2046
    big=$(rss_kb $(cmd_of "$i" "$DIR/keys-$N.jsonl"))
    awk -v name="${names[$i]}" -v s="$small" -v b="$big" -v n="$N" 'BEGIN {
        if (s == "fail" || b == "fail") { printf "%-26s %12s\n", name, "fail"; exit }
        printf "%-26s %12.0f %14.0f %16.0f\n", name, b / 1024, b * 1024 / n,
               (b - s) * 1024 / (n - 1000) }'
done
rm -f "$R.json" "$R.md" "$R.html"
