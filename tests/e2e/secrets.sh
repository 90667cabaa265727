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
grep -q 'malformed record skipped' "$WORK/events.err" || fail "no warnings were exercised"

leaks=$(cat "$WORK"/*.out "$WORK"/*.err | grep -F -o -f "$WORK/tokens.txt" | sort -u | head -5 || true)
if [ -n "$leaks" ]; then
    # Show where, without printing the tokens themselves.
    echo "$leaks" | while IFS= read -r t; do
        echo "leaked token of length ${#t} (prefix ${t:0:4}…) in:" >&2
        grep -l -F -- "$t" "$WORK"/*.out "$WORK"/*.err >&2 || true
    done
    fail "raw tokens found in keytrail output"
fi
echo "ok: no raw token in $(cat "$WORK"/*.out "$WORK"/*.err | wc -c) bytes of output"
