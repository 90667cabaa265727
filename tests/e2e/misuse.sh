#!/usr/bin/env bash
# Misuse with no baseline, end to end: a CloudTrail file where a key seen for minutes grants
# itself admin and mints another key is `rotate`, the minted key is `rotate` with the link to
# its creator, and a quiet young key is `ok` with the learning flag in JSON, Markdown and on
# stderr. The records are written here (made-up key ids), not taken from a real dataset.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || fail "jq is required"

thief=AKIAQWERTYUIOPASDFGH
minted=AKIAZXCVBNMQWERTYUIA
quiet=AKIAMNBVCXZLKJHGFDSA

rec() { # rec KEY TIME SOURCE NAME [REQUEST_PARAMETERS] [RESPONSE_ELEMENTS]
    printf '{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","accessKeyId":"%s"},' "$1"
    printf '"eventTime":"%s","eventSource":"%s","eventName":"%s",' "$2" "$3" "$4"
    printf '"sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.30 Python/3.11.8",'
    printf '"requestParameters":%s,"responseElements":%s}' "${5:-null}" "${6:-null}"
}

{
    printf '{"Records":['
    rec "$quiet" 2026-11-01T09:00:00Z s3.amazonaws.com PutObject
    printf ','
    rec "$quiet" 2026-11-03T09:00:00Z s3.amazonaws.com PutObject
    printf ','
    rec "$thief" 2026-11-03T02:10:00Z sts.amazonaws.com GetCallerIdentity
    printf ','
    rec "$thief" 2026-11-03T02:11:00Z iam.amazonaws.com CreateUser '{"userName":"backup"}'
    printf ','
    rec "$thief" 2026-11-03T02:12:00Z iam.amazonaws.com AttachUserPolicy \
        '{"userName":"backup","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}'
    printf ','
    created="{\"accessKey\":{\"userName\":\"backup\",\"accessKeyId\":\"$minted\"}}"
    rec "$thief" 2026-11-03T02:13:00Z iam.amazonaws.com CreateAccessKey '{"userName":"backup"}' \
        "$created"
    printf ']}\n'
} >"$WORK/trail.json"

thief_id=$("$KT_BIN" fingerprint "$thief" | awk '{print $1}')
minted_id=$("$KT_BIN" fingerprint "$minted" | awk '{print $1}')
quiet_id=$("$KT_BIN" fingerprint "$quiet" | awk '{print $1}')

run m scan --alerts "$WORK/alerts.jsonl" --report "$WORK/r.json" --report "$WORK/r.md" \
    "$WORK/trail.json"
expect_rc m 1
expect_grep m.err "keys seen: 2 to rotate, 0 to investigate, 1 ok"
expect_grep m.err "1 of the ok keys are still learning"

verdict() { jq -r --arg k "$1" '.keys[] | select(.key == $k) | .verdict' "$WORK/r.json"; }
[ "$(verdict "$thief_id")" = rotate ] || fail "the thief's key is not rotate"
[ "$(verdict "$minted_id")" = rotate ] || fail "the minted key is not rotate"
[ "$(verdict "$quiet_id")" = ok ] || fail "the quiet key is not ok"

jq -e --arg k "$thief_id" '.keys[] | select(.key == $k) | .findings[]
    | select(.detector == "privilege_change" and .severity == "critical")' "$WORK/r.json" \
    >/dev/null || fail "no critical privilege_change on the thief's key"
jq -e --arg k "$minted_id" --arg p "$thief_id" '.keys[] | select(.key == $k) | .findings[]
    | select(.detector == "credential_chain" and .value == "created by \($p)")' "$WORK/r.json" \
    >/dev/null || fail "the minted key does not name its creator"
jq -e --arg k "$thief_id" --arg c "$minted_id" '.keys[] | select(.key == $k) | .findings[]
    | select(.detector == "credential_chain" and .value == "created \($c)")' "$WORK/r.json" \
    >/dev/null || fail "the thief's key does not name the key it minted"

jq -e --arg k "$quiet_id" '.keys[] | select(.key == $k)
    | .learning == true and .history_days == 2' "$WORK/r.json" >/dev/null ||
    fail "the quiet key lacks learning/history_days"
jq -e --arg k "$thief_id" '.keys[] | select(.key == $k) | has("learning") | not' \
    "$WORK/r.json" >/dev/null || fail "a key to rotate is marked learning"
grep -q "$quiet_id | 0 (learning: 2 days) | 2 |" "$WORK/r.md" ||
    fail "the Markdown ok row lacks the learning flag"
echo "ok"
