#!/usr/bin/env bash
# One key id per credential: fingerprint is stable and agrees with what events and keys print,
# and a GitHub token and its audit-log hashed_token are the same key.
source "$(dirname "$0")/lib.bash"

pat=$(awk '!/^#/ && /^ghp_/ { print; exit }' "$KT_TESTS/fixtures/known_tokens.txt")
[ -n "$pat" ] || fail "no ghp_ token among the known tokens"

id1=$(printf '%s\n' "$pat" | "$KT_BIN" fingerprint | awk '{print $1}')
id2=$("$KT_BIN" fingerprint "$pat" | awk '{print $1}')
id3=$(printf 'token %s' "$pat" | "$KT_BIN" fingerprint | awk '{print $1}')
[[ "$id1" =~ ^kt1-[0-9a-f]{24}$ ]] || fail "fingerprint printed '$id1'"
[ "$id1" = "$id2" ] || fail "stdin and argv give different ids"
[ "$id1" = "$id3" ] || fail "a whole Authorization value gives a different id"
"$KT_BIN" fingerprint "$pat" | grep -q ' github  ghp_…' || fail "hint is not ghp_…"

# The key shows up under that id both in the nginx access log and in the GitHub audit log.
run ev events --key "$id1" "$KT_SAMPLES"
expect_rc ev 4 # samples/ holds a truncated archive on purpose
n_nginx=$(grep -c '"file":"[^"]*nginx/' "$WORK/ev.out" || true)
n_audit=$(grep -c '"file":"[^"]*github/' "$WORK/ev.out" || true)
[ "$n_nginx" -gt 10 ] || fail "PAT seen only $n_nginx times in nginx logs"
[ "$n_audit" -gt 10 ] || fail "PAT seen only $n_audit times in the GitHub audit log"
if grep -v "\"key\":\"$id1\"" "$WORK/ev.out" | grep -v "\"also\"" | grep -q .; then
    fail "--key let other keys through"
fi
first_audit=$(grep -m1 '"file":"[^"]*github/' "$WORK/ev.out")
echo "$first_audit" | grep -q '"flags":\["from_hash"' ||
    fail "audit events of the PAT are not marked as coming from its hash"

# keys agrees with events on the count.
run keys keys --json "$KT_SAMPLES"
line=$(grep "\"key\":\"$id1\"" "$WORK/keys.out") || fail "keys does not list $id1"
events=$(echo "$line" | sed 's/.*"events":\([0-9]*\).*/\1/')
[ "$events" = "$(wc -l <"$WORK/ev.out")" ] || fail "keys says $events events, events printed $(wc -l <"$WORK/ev.out")"
echo "$line" | grep -q '"hint":"ghp_…' || fail "keys prefers the hashed_token hint over the token's"

# Same answer on every run (and machine): the id is a pure function of the token.
[ "$("$KT_BIN" fingerprint "$pat" | awk '{print $1}')" = "$id1" ] || fail "unstable id"

# --hashed-token and garbage
run bad_hash fingerprint --hashed-token "not base64!"
expect_rc bad_hash 2
run empty fingerprint ""
expect_rc empty 2
echo "ok: $id1 in $n_nginx access-log and $n_audit audit-log events"
