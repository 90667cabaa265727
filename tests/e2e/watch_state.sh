#!/usr/bin/env bash
# watch --state: the state is loaded at start, saved at every checkpoint and on SIGTERM, and
# locked while watch runs; a finding alerted before a restart is never alerted again, and a
# restarted watch reads on from the end of its files instead of judging their lines twice; no
# piece of a token reaches its alerts, messages or state files.
source "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || fail "python3 is required"

# gen FILE TOKEN FIRST COUNT: COUNT JSON lines using TOKEN, one a second from FIRST.
gen() {
    python3 - "$@" <<'PY'
import sys
path, token, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
line = ('{"started_at":%d,"client_ip":"198.51.100.%d","request":{"method":"GET","uri":"/v1/x",'
        '"headers":{"authorization":"Bearer %s"}},"response":{"status":200}}\n')
with open(path, "a") as out:
    for i in range(count):
        out.write(line % ((first + i) * 1000, 7 + i % 3, token))
PY
}
tok1=kt5Xv9QmL2rT8wZp4nB7cY1dF6gH3jK0
tok2=Qw8Er5Ty2Ui9Op3As6Df1Gh4Jk7Lz0Xc
printf '%s\n%s\n' "$tok1" "$tok2" >"$WORK/leaked.txt"

# A pipe, twice, through one state: the second run alerts nothing new.
gen "$WORK/a.log" "$tok1" 1790000000 40
st="$WORK/s/state"
mkdir "$WORK/s"
"$KT_BIN" watch -q --state "$st" --leaked "$WORK/leaked.txt" --alerts "$WORK/a1.jsonl" - \
    <"$WORK/a.log" 2>"$WORK/w1.err" || true
[ -s "$WORK/a1.jsonl" ] || fail "first watch raised no alert: $(cat "$WORK/w1.err")"
[ -f "$st" ] || fail "watch did not save its state"
"$KT_BIN" watch -q --state "$st" --leaked "$WORK/leaked.txt" --alerts "$WORK/a2.jsonl" - \
    <"$WORK/a.log" 2>"$WORK/w2.err" || true
[ -s "$WORK/a2.jsonl" ] && fail "a finding alerted before the restart was alerted again"
run show state show --json "$st"
expect_rc show 0
[ "$(jq .keys "$WORK/show.out")" -ge 1 ] || fail "the state holds no key: $(cat "$WORK/show.out")"

# A followed file: a checkpoint saves the state while watch runs, the lock keeps scan out,
# SIGTERM saves it, and a restart reads only what is appended after it.
st2="$WORK/s/live"
log="$WORK/live.log"
gen "$log" "$tok1" 1790000000 20
"$KT_BIN" watch -q --state "$st2" --checkpoint 1s --leaked "$WORK/leaked.txt" \
    --alerts "$WORK/b1.jsonl" "$log" 2>"$WORK/b1.err" &
pid=$!
for _ in $(seq 50); do [ -f "$st2" ] && break; sleep 0.1; done
[ -f "$st2" ] || fail "no checkpoint saved the state within 5 s: $(cat "$WORK/b1.err")"
run locked scan -q --state "$st2" "$WORK/a.log"
expect_rc locked 2
expect_grep locked.err "in use by another keytrail run"
kill -TERM "$pid"
wait "$pid" || true
[ -s "$WORK/b1.jsonl" ] || fail "the followed file raised no alert: $(cat "$WORK/b1.err")"
run show2 state show --json "$st2"
expect_rc show2 0

"$KT_BIN" watch --state "$st2" --checkpoint 1s --leaked "$WORK/leaked.txt" \
    --alerts "$WORK/b2.jsonl" "$log" 2>"$WORK/b2.err" &
pid=$!
sleep 1
gen "$log" "$tok2" 1790000100 5
for _ in $(seq 50); do [ -s "$WORK/b2.jsonl" ] && break; sleep 0.1; done
kill -TERM "$pid"
wait "$pid" || true
expect_grep b2.err "loaded; following from the end of each file"
[ "$(wc -l <"$WORK/b2.jsonl")" -eq 1 ] ||
    fail "after the restart, want one alert (the new key's), got: $(cat "$WORK/b2.jsonl")"
key2=$(printf '%s' "$tok2" | "$KT_BIN" fingerprint | cut -d' ' -f1)
grep -q "$key2" "$WORK/b2.jsonl" || fail "the restart's alert is not the new key's"

# No piece of either token in anything watch wrote: alerts, messages, state files.
python3 - "$WORK" "$tok1" "$tok2" <<'PY' || fail "a token leaked into watch's outputs"
import os, sys
work, tokens = sys.argv[1], sys.argv[2:]
inputs = {"a.log", "live.log", "leaked.txt"}
pieces = {t[i:i + 12].encode() for t in tokens for i in range(len(t) - 11)}
bad = 0
for root, _, files in os.walk(work):
    for name in files:
        if name in inputs:
            continue
        data = open(os.path.join(root, name), "rb").read()
        for p in pieces:
            if p in data:
                print("leak in", name, file=sys.stderr)
                bad += 1
                break
sys.exit(1 if bad else 0)
PY
echo ok
