#!/usr/bin/env bash
# Crash safety of --state: a scan killed with SIGKILL at random moments, 50 times (many of them
# while the state is being written), always leaves a state that loads — the previous one or
# the new one, never a mix — and the runs that finish carry on from it.
source "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || fail "python3 is required"

python3 - "$WORK/keys.jsonl" <<'PY'
import random, sys
rng = random.Random(11)
alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
line = ('{"started_at":%d,"client_ip":"10.%d.%d.9","request":{"method":"GET","uri":"/v1/x",'
        '"headers":{"authorization":"Bearer %s"}},"response":{"status":200}}\n')
with open(sys.argv[1], "w") as out:
    for i in range(8000):
        out.write(line % (1790000000000 + i * 1000, (i >> 8) & 255, i & 255,
                          "".join(rng.choices(alpha, k=32))))
PY
st="$WORK/s/state"
mkdir "$WORK/s"
# A first complete run: the state exists from here on.
run first scan -q --state "$st" --reprocess --alerts /dev/null "$WORK/keys.jsonl"
[ "$(rc_of first)" -le 1 ] || fail "first run: $(cat "$WORK/first.err")"
run show0 state show --json "$st"
expect_rc show0 0
# How long a run takes here, to spread the kills over it (the save is at its end).
start=$(date +%s%N)
"$KT_BIN" scan -q --state "$st" --reprocess --alerts /dev/null "$WORK/keys.jsonl" || true
span_ms=$(( ($(date +%s%N) - start) / 1000000 ))
changed=0
prev=$(sha256sum "$st" | cut -d' ' -f1)
for i in $(seq 1 50); do
    # Kill in the last 40 % of the run, where the save happens.
    delay=$(python3 -c "import random; print(random.Random($i).uniform(0.6, 1.05) * $span_ms / 1000)")
    "$KT_BIN" scan -q --state "$st" --reprocess --alerts /dev/null "$WORK/keys.jsonl" &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    run show state show --json "$st"
    [ "$(rc_of show)" = 0 ] || fail "kill $i (after ${delay}s): the state does not load: $(cat "$WORK/show.err")"
    grep -q '"keys":8000' "$WORK/show.out" || fail "kill $i: the state lost keys: $(head -c 200 "$WORK/show.out")"
    now=$(sha256sum "$st" | cut -d' ' -f1)
    [ "$now" != "$prev" ] && changed=$((changed + 1))
    prev=$now
done
# Runs after the kills carry on from the state.
run last scan -q --state "$st" --alerts /dev/null "$WORK/keys.jsonl"
[ "$(rc_of last)" -le 1 ] || fail "run after the kills: $(cat "$WORK/last.err")"
echo "state_crash: ok (50 kills over a ${span_ms} ms run, $changed of them after a new state was in place)"
