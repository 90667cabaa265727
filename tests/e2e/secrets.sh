#!/usr/bin/env bash
# Secrets never leave the process: run every command over samples/ holding known tokens and
# search everything it printed (stdout and stderr, every format) for each raw token.
source "$(dirname "$0")/lib.bash"

known_tokens >"$WORK/tokens.txt"
[ "$(wc -l <"$WORK/tokens.txt")" -gt 100 ] || fail "too few known tokens"

run events events "$KT_SAMPLES"
run events_keyed events --keyed "$KT_SAMPLES"
run keys keys "$KT_SAMPLES"
run keys_json keys --json "$KT_SAMPLES"
run keys_forced keys --format jsonl "$KT_SAMPLES"
run events_forced events --format combined "$KT_SAMPLES"
run help events --help
GEO=()
if [ -n "${KT_GEO:-}" ] && [ -f "$KT_GEO/samples-city.mmdb" ]; then
    GEO=(--geoip "$KT_GEO/samples-city.mmdb" --asn "$KT_GEO/samples-asn.mmdb")
fi
# scan: alerts on stdout and in a file, every report format, --leaked given raw tokens.
known_tokens | awk 'NR <= 20' >"$WORK/leaked.list"
run scan scan "${GEO[@]}" --leaked "$WORK/leaked.list" --report "$WORK/report.json" \
    --report "$WORK/report.md" --report "$WORK/report.html" "$KT_SAMPLES"
run scan_file scan "${GEO[@]}" --alerts "$WORK/alerts.jsonl" "$KT_SAMPLES"
# A state file, written, loaded and rewritten, and what `state` prints of it.
run scan_state scan "${GEO[@]}" --leaked "$WORK/leaked.list" --state "$WORK/keytrail.state" \
    --alerts /dev/null "$KT_SAMPLES"
run scan_state2 scan "${GEO[@]}" --state "$WORK/keytrail.state" --reprocess --alerts /dev/null \
    "$KT_SAMPLES"
run state_show state show "$WORK/keytrail.state"
run state_show_json state show --json "$WORK/keytrail.state"

# fingerprint every token, from stdin and from the command line
i=0
while IFS= read -r tok; do
    i=$((i + 1))
    printf '%s' "$tok" | "$KT_BIN" fingerprint >>"$WORK/fp_stdin.out" 2>>"$WORK/fp_stdin.err" || true
    "$KT_BIN" fingerprint --json -- "$tok" >>"$WORK/fp_argv.out" 2>>"$WORK/fp_argv.err" || true
    [ $i -lt 400 ] || break
done <"$WORK/tokens.txt"

# Something was actually produced: the check below must not pass on empty output.
[ "$(wc -l <"$WORK/events.out")" -gt 10000 ] || fail "events printed too little"
[ "$(wc -l <"$WORK/keys_json.out")" -gt 50 ] || fail "keys printed too little"
[ "$(wc -l <"$WORK/fp_stdin.out")" -ge 400 ] || fail "fingerprint printed too little"
[ "$(wc -l <"$WORK/scan.out")" -gt 20 ] || fail "scan printed too few alerts"
[ "$(wc -l <"$WORK/alerts.jsonl")" -gt 20 ] || fail "scan wrote too few alerts"
for f in report.json report.md report.html; do
    [ "$(wc -c <"$WORK/$f")" -gt 10000 ] || fail "$f is too small"
done
grep -q 'malformed record skipped' "$WORK/events.err" || fail "no warnings were exercised"

[ "$(wc -c <"$WORK/keytrail.state")" -gt 50000 ] || fail "the state file is too small"
outputs=("$WORK"/*.out "$WORK"/*.err "$WORK"/report.* "$WORK"/alerts.jsonl "$WORK"/keytrail.state)
leaks=$(cat "${outputs[@]}" | grep -a -F -o -f "$WORK/tokens.txt" | sort -u | head -5 || true)
if [ -n "$leaks" ]; then
    # Show where, without printing the tokens themselves.
    echo "$leaks" | while IFS= read -r t; do
        echo "leaked token of length ${#t} (prefix ${t:0:4}…) in:" >&2
        grep -a -l -F -- "$t" "${outputs[@]}" >&2 || true
    done
    fail "raw tokens found in keytrail output"
fi
echo "ok: no raw token in $(cat "${outputs[@]}" | wc -c) bytes of output"
