#!/usr/bin/env bash
# scan --state: cron runs over a growing, rotating archive give the alerts and the report of one
# run over everything, count no event twice and repeat no alert; a re-run adds nothing; a
# corrupt or foreign state is refused and left alone; the lock keeps a second run out (or makes
# it wait); --since/--until filter by event time; `keytrail state` shows, merges key-disjoint
# shards into the state of the whole, and forgets keys.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || fail "jq is required"
command -v python3 >/dev/null || fail "python3 is required"

# All nginx sample lines in time order (the walk's order), one damaged archive read as far as
# it goes.
all="$WORK/all.log"
for f in "$KT_SAMPLES"/nginx/access.log-*.gz; do zcat "$f" 2>/dev/null || true; done >"$all"
cat "$KT_SAMPLES/nginx/access.log" >>"$all"
total=$(wc -l <"$all")
[ "$total" -gt 1000 ] || fail "corpus too small: $total lines"
cut_at() { echo $(( total * $1 / 100 )); }
lines() { sed -n "$(( $1 + 1 )),$2p" "$all"; } # lines (FROM, TO]

common=(--geoip "$KT_GEO/samples-city.mmdb" --asn "$KT_GEO/samples-asn.mmdb" --format nginx)

# One run over everything.
mkdir "$WORK/whole"
cp "$all" "$WORK/whole/access.log"
run whole scan "${common[@]}" --alerts "$WORK/whole.alerts" -r "$WORK/whole.json" "$WORK/whole/access.log"
[ "$(rc_of whole)" -le 1 ] || fail "whole run: $(cat "$WORK/whole.err")"
[ -s "$WORK/whole.alerts" ] || fail "the whole run raised no alert: nothing to compare"

# The same lines, arriving over four cron runs, with logrotate between them.
arch="$WORK/arch"
mkdir "$arch"
st="$WORK/state/keytrail.state"
mkdir "$WORK/state"
a=$(cut_at 40) b=$(cut_at 70) c=$(cut_at 85)
lines 0 "$a" >"$arch/access.log"
half=$(sed -n "$(( a + 1 ))p" "$all")
printf '%s' "${half:0:20}" >>"$arch/access.log"  # a line still being written
run r1 scan "${common[@]}" --state "$st" --alerts "$WORK/r1.alerts" -r "$WORK/r1.json" "$arch"
[ "$(rc_of r1)" -le 1 ] || fail "run 1: $(cat "$WORK/r1.err")"
expect_grep r1.err "state $st: new, starting afresh"
expect_grep r1.err "state saved to $st"

printf '%s\n' "${half:20}" >>"$arch/access.log"
lines $(( a + 1 )) "$b" >>"$arch/access.log"
mv "$arch/access.log" "$arch/access.log.1"
lines "$b" "$c" >"$arch/access.log"
run r2 scan "${common[@]}" --state "$st" --alerts "$WORK/r2.alerts" -r "$WORK/r2.json" "$arch"
[ "$(rc_of r2)" -le 1 ] || fail "run 2: $(cat "$WORK/r2.err")"
expect_grep r2.err "bytes skipped in inputs read on from where the last run stopped"

gzip "$arch/access.log.1"
mv "$arch/access.log.1.gz" "$arch/access.log.2.gz"
mv "$arch/access.log" "$arch/access.log.1"
lines "$c" "$total" >"$arch/access.log"
run r3 scan "${common[@]}" --state "$st" --alerts "$WORK/r3.alerts" -r "$WORK/r3.json" "$arch"
[ "$(rc_of r3)" = "$(rc_of whole)" ] || fail "run 3 exit $(rc_of r3), whole $(rc_of whole)"
expect_grep r3.err "1 input skipped as already read"

cat "$WORK/r1.alerts" "$WORK/r2.alerts" "$WORK/r3.alerts" >"$WORK/cron.alerts"
cmp -s "$WORK/cron.alerts" "$WORK/whole.alerts" ||
    fail "cron alerts differ from one run's: $(diff "$WORK/cron.alerts" "$WORK/whole.alerts" | head -5)"
# Every event counted once: the runs' events add up to the whole's.
events=$(jq -s 'map(.totals.events) | add' "$WORK/r1.json" "$WORK/r2.json" "$WORK/r3.json")
[ "$events" = "$(jq .totals.events "$WORK/whole.json")" ] ||
    fail "cron runs read $events events, the whole run $(jq .totals.events "$WORK/whole.json")"
jq -e --slurpfile w "$WORK/whole.json" '.keys == $w[0].keys' "$WORK/r3.json" >/dev/null ||
    fail "the final report's keys differ from one run's"
jq -e --slurpfile w "$WORK/whole.json" \
    '.totals.findings == $w[0].totals.findings and .totals.alerts == $w[0].totals.alerts and
     .totals.rotate == $w[0].totals.rotate and .totals.keys == $w[0].totals.keys' \
    "$WORK/r3.json" >/dev/null || fail "the final totals differ: $(jq -c .totals "$WORK/r3.json")"

# A re-run over the same archive reads nothing and alerts nothing.
run r4 scan "${common[@]}" --state "$st" --alerts "$WORK/r4.alerts" -r "$WORK/r4.json" "$arch"
[ -s "$WORK/r4.alerts" ] && fail "a re-run alerted again"
expect_grep r4.err "3 inputs skipped as already read"
jq -e '.totals.events == 0' "$WORK/r4.json" >/dev/null || fail "a re-run counted events"
jq -e --slurpfile w "$WORK/whole.json" '.keys == $w[0].keys' "$WORK/r4.json" >/dev/null ||
    fail "a re-run changed the verdicts"
# --reprocess reads it all again, but what was alerted stays alerted.
# (Only the archive: a copy of the same lines elsewhere is the same input to the ledger, which
# keeps one entry for it, under the name read last.)
run r5 scan "${common[@]}" --state "$st" --reprocess --alerts "$WORK/r5.alerts" "$arch"
[ -s "$WORK/r5.alerts" ] && fail "--reprocess repeated alerts"
grep -q "skipped as already read" "$WORK/r5.err" && fail "--reprocess skipped inputs"

# show
run show state show "$st"
expect_rc show 0
expect_grep show.out "^keys "
expect_grep show.out "access.log.2.gz"
run showj state show --json "$st"
expect_rc showj 0
keys=$(jq -r '.keys' "$WORK/showj.out")
jq -e --argjson k "$keys" '.totals.keys == $k' "$WORK/whole.json" >/dev/null ||
    fail "state show counts $keys keys"
jq -e '(.inputs | length) >= 3 and .runs == 5 and .from != "" and .bytes > 0' \
    "$WORK/showj.out" >/dev/null || fail "state show --json: $(head -c 300 "$WORK/showj.out")"
for sub in show merge forget; do
    run help_$sub state $sub --help
    expect_rc help_$sub 0
    expect_grep help_$sub.out "usage: keytrail state $sub"
done

# forget: the key to rotate leaves the state, and with it the exit status.
rot=$(jq -r '[.keys[] | select(.verdict == "rotate") | .key][0] // empty' "$WORK/whole.json")
if [ -n "$rot" ]; then
    cp "$st" "$WORK/forget.state"
    run forget state forget "$WORK/forget.state" "$rot"
    expect_rc forget 0
    expect_grep forget.err "1 key forgotten"
    run after scan "${common[@]}" --state "$WORK/forget.state" -r "$WORK/after.json" --alerts /dev/null "$arch"
    jq -e --arg k "$rot" '[.keys[] | select(.key == $k)] | length == 0' "$WORK/after.json" >/dev/null ||
        fail "forgotten key still reported"
fi
run forget_bad state forget "$st" not-a-key
expect_rc forget_bad 2

# Corrupt, foreign, truncated and future states are refused and left as they are.
cp "$st" "$WORK/bad.state"
python3 - "$WORK/bad.state" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x40
open(p, "wb").write(b)
PY
sum_before=$(sha256sum "$WORK/bad.state")
run corrupt scan "${common[@]}" --state "$WORK/bad.state" --alerts /dev/null "$arch"
expect_rc corrupt 2
expect_grep corrupt.err "$WORK/bad.state: not a usable state file: section KEYS fails its checksum"
[ "$(sha256sum "$WORK/bad.state")" = "$sum_before" ] || fail "a corrupt state was replaced"
head -c 100 "$st" >"$WORK/short.state"
run short scan "${common[@]}" --state "$WORK/short.state" --alerts /dev/null "$arch"
expect_rc short 2
expect_grep short.err "short.state: not a usable state file: truncated"
cp "$all" "$WORK/log.state"
run foreign scan "${common[@]}" --state "$WORK/log.state" --alerts /dev/null "$arch"
expect_rc foreign 2
expect_grep foreign.err "another program's file"
: >"$WORK/empty.state"
run empty state show "$WORK/empty.state"
expect_rc empty 2
expect_grep empty.err "empty"
# --state-reset starts afresh on purpose and replaces it.
run reset scan "${common[@]}" --state "$WORK/bad.state" --state-reset --alerts "$WORK/reset.alerts" "$WORK/whole/access.log"
[ "$(rc_of reset)" -le 1 ] || fail "--state-reset: $(cat "$WORK/reset.err")"
cmp -s "$WORK/reset.alerts" "$WORK/whole.alerts" || fail "--state-reset did not start afresh"
run reset_show state show "$WORK/bad.state"
expect_rc reset_show 0
# A state whose directory does not exist is refused before reading.
run nodir scan "${common[@]}" --state "$WORK/no/such/dir/st" --alerts /dev/null "$arch"
expect_rc nodir 2
expect_grep nodir.err "does not exist"
run noflag scan --wait "$arch"
expect_rc noflag 2

# The lock: a second run fails at once, or waits with --wait.
flock "$st.lock" sleep 2 &
locker=$!
sleep 0.3
run locked scan "${common[@]}" --state "$st" --alerts /dev/null "$arch"
expect_rc locked 2
expect_grep locked.err "in use by another keytrail run"
expect_grep locked.err "--wait"
run waited scan "${common[@]}" --state "$st" --wait --alerts /dev/null "$arch"
[ "$(rc_of waited)" -le 1 ] || fail "--wait: $(cat "$WORK/waited.err")"
wait "$locker"

# --since / --until keep the events of one window.
run since scan "${common[@]}" --since 2026-10-20 --until 2026-10-21 -r "$WORK/since.json" --alerts /dev/null "$WORK/whole/access.log"
jq -e '.span.from >= "2026-10-20" and .span.to < "2026-10-21"' "$WORK/since.json" >/dev/null ||
    fail "--since/--until: $(jq -c '.span' "$WORK/since.json")"
run since_bad scan --since yesterday "$arch"
expect_rc since_bad 2

# merge: two key-disjoint shards give the state of the whole.
"$KT_BIN" events -q --format nginx "$all" | jq -r '[.line, (.key // "none")] | @tsv' >"$WORK/line_keys"
python3 - "$all" "$WORK/line_keys" "$WORK/shard1.log" "$WORK/shard2.log" <<'PY'
import sys, zlib
lines = open(sys.argv[1], "rb").read().split(b"\n")
keys = dict(l.split("\t") for l in open(sys.argv[2]).read().split("\n") if l)
out = [open(sys.argv[3], "wb"), open(sys.argv[4], "wb")]
for i, line in enumerate(lines, 1):
    if line:
        out[zlib.crc32(keys.get(str(i), "none").encode()) % 2].write(line + b"\n")
PY
run s1 scan "${common[@]}" --state "$WORK/s1.state" --alerts /dev/null "$WORK/shard1.log"
run s2 scan "${common[@]}" --state "$WORK/s2.state" --alerts /dev/null "$WORK/shard2.log"
run sw scan "${common[@]}" --state "$WORK/sw.state" --alerts /dev/null "$all"
run merge state merge "$WORK/merged.state" "$WORK/s1.state" "$WORK/s2.state"
expect_rc merge 0
: >"$WORK/empty.log"
run m_rep scan "${common[@]}" --state "$WORK/merged.state" -r "$WORK/m.json" --alerts /dev/null "$WORK/empty.log"
run w_rep scan "${common[@]}" --state "$WORK/sw.state" -r "$WORK/w.json" --alerts /dev/null "$WORK/empty.log"
jq -e --slurpfile w "$WORK/w.json" '.keys == $w[0].keys and .totals.findings == $w[0].totals.findings' \
    "$WORK/m.json" >/dev/null || fail "merged shards differ from the whole"
jq -e '.totals.keys > 10' "$WORK/m.json" >/dev/null || fail "merged state nearly empty"

echo "state: ok ($total lines, $(wc -l <"$WORK/whole.alerts") alerts)"
