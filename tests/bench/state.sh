#!/usr/bin/env bash
# State file benchmark: times saving and loading a state of N keys (default 100 000; issue 8
# asks for under a second each) with tests/bench/bench_state.c, built in Release, and the same
# through the CLI (`keytrail state show` loads, `keytrail state merge OUT IN` loads and saves).
#
#   tests/bench/state.sh [N]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${KT_BENCH_BUILD:-$ROOT/build-bench}
N=${1:-100000}
TMP=$(mktemp -d /tmp/keytrail-bench-state.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$TMP/cmake.log" 2>&1
cmake --build "$BUILD" -j2 --target bench_state keytrail >"$TMP/make.log" 2>&1 ||
    { cat "$TMP/make.log" >&2; exit 1; }
"$BUILD/tests/bench_state" "$N" "$TMP"

# The same through the command line: a scan over N keys writes the state, then show and merge.
python3 - "$N" "$TMP/keys.jsonl" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
toks = ["".join(rng.choices(alpha, k=32)) for _ in range(n)]
line = ('{"started_at":%d,"client_ip":"10.%d.%d.9","request":{"method":"GET","uri":"/v1/x",'
        '"headers":{"authorization":"Bearer %s"}},"response":{"status":200}}\n')
with open(path, "w") as out:
    for day in range(3):
        for i in range(n):
            out.write(line % (1790000000000 + day * 86400000 + i, (i >> 8) & 255, i & 255, toks[i]))
PY
"$BUILD/keytrail" scan -q --state "$TMP/cli.state" --alerts /dev/null "$TMP/keys.jsonl" || true
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); printf '%.3f' "$(echo "$e - $s" | bc)"; }
echo "cli: state $(stat -c %s "$TMP/cli.state") bytes;" \
    "state show $(t "$BUILD/keytrail" state show "$TMP/cli.state") s;" \
    "state merge $(t "$BUILD/keytrail" state merge -q "$TMP/out.state" "$TMP/cli.state") s"
