#!/usr/bin/env bash
# `keytrail events` over samples/: valid JSON lines, one per good record, with the fields each
# format provides, and a summary that adds up.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || fail "jq is required"

run all events "$KT_SAMPLES"
expect_rc all 4 # one archive is truncated on purpose
jq -c . "$WORK/all.out" >/dev/null || fail "events output is not valid JSON lines"
lines=$(wc -l <"$WORK/all.out")
events=$(sed -n 's/.* records, \([0-9]*\) events.*/\1/p' "$WORK/all.err")
[ "$lines" = "$events" ] || fail "printed $lines lines but the summary says $events events"
[ "$lines" -gt 10000 ] || fail "only $lines events"

# Every line has the common fields; times are RFC 3339 UTC.
jq -e -s 'all(.[]; has("time") and has("ip") and has("method") and has("resource")
              and has("status") and has("user_agent") and has("key"))' "$WORK/all.out" >/dev/null ||
    fail "a line lacks a common field"
jq -e -s 'all(.[]; .time | test("^2026-1[01]-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{3})?Z$"))' \
    "$WORK/all.out" >/dev/null || fail "a time is not RFC 3339 UTC within the sample span"

# Query strings never appear, and no resource keeps a '?'.
if jq -r '.resource // empty' "$WORK/all.out" | grep -q '?'; then
    fail "a resource kept its query string"
fi

# Per-format checks.
jq -e -s '[.[] | select(.file | test("cloudtrail/")) | select(.ip == "AWS Internal")] | length > 0' \
    "$WORK/all.out" >/dev/null || fail "CloudTrail service sources are not kept as logged"
jq -e -s '[.[] | select(.file | test("cloudtrail/")) | select(.family == "aws" and .account == "111122223333")] | length > 100' \
    "$WORK/all.out" >/dev/null || fail "AWS keys lack the decoded account id"
jq -e -s '[.[] | select(.service == "iam.amazonaws.com" and .method == "ListUsers")] | length > 0' \
    "$WORK/all.out" >/dev/null || fail "no iam:ListUsers event"
jq -e -s '[.[] | select(.family == "jwt" and .claims.iss != null and .claims.sub != null
                         and .claims.exp != null and .token != null)] | length > 100' \
    "$WORK/all.out" >/dev/null || fail "JWT claims are missing"
jq -e -s '[.[] | select(.family == "jwt" and (.flags // [] | index("alg_none")))] | length > 0' \
    "$WORK/all.out" >/dev/null || fail "alg:none tokens are not flagged"
jq -e -s '[.[] | select(.family == "jwt")] | group_by(.key) | map(map(.token) | unique | length) | max > 10' \
    "$WORK/all.out" >/dev/null || fail "short-lived JWTs of one client do not share a key id"
jq -e -s '[.[] | select(.family == "stripe" and (.flags // [] | index("test")))] | length > 0' \
    "$WORK/all.out" >/dev/null || fail "Stripe test keys are not marked as test"
jq -e -s '[.[] | select(.file | test("github/")) | select(.method | test("^[a-z_]+\\."))] | length > 100' \
    "$WORK/all.out" >/dev/null || fail "GitHub audit actions missing"
jq -e -s '[.[] | select(.file | test("traefik/access.log-20261026.zst"))] | length > 0' \
    "$WORK/all.out" >/dev/null || fail "zstd file not read"
for fam in jwt aws github gitlab stripe slack google openai npm sendgrid twilio basic generic; do
    jq -e -s --arg f "$fam" '[.[] | select(.family == $f)] | length > 0' "$WORK/all.out" >/dev/null ||
        fail "no $fam credential found in samples"
done

# The bad-checksum look-alike among the planted ghp_ tokens is not a GitHub key.
non_github=0
while IFS= read -r tok; do
    fam=$(printf '%s' "$tok" | "$KT_BIN" fingerprint --json | jq -r .family)
    if [ "$fam" != "github" ]; then
        non_github=$((non_github + 1))
        id=$(printf '%s' "$tok" | "$KT_BIN" fingerprint | awk '{print $1}')
        if jq -e -s --arg k "$id" '[.[] | select(.key == $k and .family == "github")] | length > 0' \
            "$WORK/all.out" >/dev/null; then
            fail "a ghp_ look-alike was taken for a GitHub token"
        fi
    fi
done < <(known_tokens | grep '^ghp_')
[ "$non_github" = 1 ] || fail "$non_github ghp_ tokens failed the checksum, want exactly the look-alike"

# --keyed keeps only records with a credential.
run keyed events --keyed "$KT_SAMPLES"
jq -e -s 'all(.[]; .key != null)' "$WORK/keyed.out" >/dev/null || fail "--keyed let keyless records through"
echo "ok: $lines events"
