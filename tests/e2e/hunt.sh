#!/usr/bin/env bash
# keytrail hunt on the samples' CloudTrail incident: the leaked key of IAM user legacy-reports,
# used from a VPS for reconnaissance, PutUserPolicy *:* and CreateAccessKey, then the key it
# created. The summary and the report must name the other party's address, its operations in
# order, the created key, and hunt that key too. Tokens given through --key-file or standard
# input never appear in any output. Exit statuses: 1 yes, 16 likely, 0 no evidence, 2 usage.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "jq not installed: skipped"; exit 77; }

LEAKED=AKIARTX3GSDSQOUP4RD6
CREATED=AKIARTX3GSDSWGV5VKLP
GEO=(--geo "$KT_SAMPLES/geo/networks.csv")
CT="$KT_SAMPLES/cloudtrail"

# The command of the issue, on all the samples (some damaged on purpose: bit 4 with bit 1).
run all hunt --key "$LEAKED" "${GEO[@]}" --report "$WORK/all.json" "$KT_SAMPLES"
expect_rc all 5
# The created key makes a second pass over the same inputs; their damage is reported once.
expect_grep all.err "joined the hunt; reading again"
[ "$(grep -c 'truncated at compressed' "$WORK/all.err")" = 1 ] ||
    fail "all: the damaged archive's warning is not shown exactly once"
expect_grep all.out "$LEAKED .*used by someone else: YES"
expect_grep all.out "other party addresses: 203.0.113.220"
expect_grep all.out "AS64511 Example VPS Hosting SRL"
expect_grep all.out "iam:CreateAccessKey  -> created $CREATED"
expect_grep all.out "$CREATED .*used by someone else: YES"
expect_grep all.out "created by kt1-e67af113cf3af606a429d356 with iam:CreateAccessKey"
expect_grep all.out "$LEAKED --iam:CreateAccessKey at 2026-11-04T01:41:18Z from 203.0.113.220--> $CREATED"
expect_grep all.out "Deactivate access key $LEAKED and the key it created, $CREATED"
expect_grep all.out "^keytrail hunt: 2 keys hunted (1 followed in the chain): 2 used by someone else"

# The other party's operations, in order: who am I, enumeration refused, the policy, the key.
line_of() { grep -n -e "$1" "$WORK/all.out" | head -1 | cut -d: -f1; }
a=$(line_of "203.0.113.220   sts:GetCallerIdentity")
b=$(line_of "iam:ListUsers  AccessDenied")
c=$(line_of "iam:PutUserPolicy")
d=$(line_of "iam:CreateAccessKey")
[ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ] && [ -n "$d" ] || fail "operations missing from the summary"
[ "$a" -lt "$b" ] && [ "$b" -lt "$c" ] && [ "$c" -lt "$d" ] || fail "operations out of order: $a $b $c $d"

# The report model: the members of tests/fixtures/hunt_report.json, with this incident's facts.
R="$WORK/all.json"
jq -e '.kind == "hunt" and (.keys | length) == 2 and (.geo | test("networks.csv"))' "$R" >/dev/null || fail "report header"
jq -e --arg k "$LEAKED" '.keys[0] | .hint == $k and .verdict == "yes" and .scan_verdict == "rotate"
    and .found.how == "given" and .account == "111122223333"
    and .other_party.ips == ["203.0.113.220"] and .other_party.countries == ["RO"]
    and (.other_party.networks[0] | startswith("AS64511"))
    and .leak.source == "first use" and .leak.time == "2026-11-04T01:37:16Z"
    and .uses.total == 15 and .uses.failed == 5 and .first_suspicious != null
    and (.reasons | map(select(startswith("privilege_change"))) | length) == 1
    and (.sources[0] | .ip == "203.0.113.220" and .city == "Bucharest" and .hosting == true and .party == "other party")' "$R" >/dev/null ||
    fail "first key in the report: $(jq -c '.keys[0] | {verdict, leak, uses, other_party}' "$R")"
jq -e '[.keys[0].operations[].operation] as $ops
    | ($ops | index("sts:GetCallerIdentity")) < ($ops | index("iam:PutUserPolicy"))
    and ($ops | index("iam:PutUserPolicy")) < ($ops | index("iam:CreateAccessKey"))' "$R" >/dev/null ||
    fail "operations out of order in the report"
jq -e '.keys[0].operations[] | select(.operation == "iam:PutUserPolicy") | .grant | test("\"Action\": \"\\*\"")' "$R" >/dev/null ||
    fail "the grant of PutUserPolicy is not in the report"
jq -e --arg c "$CREATED" '.keys[0].operations[] | select(.operation == "iam:CreateAccessKey")
    | .created_key == "kt1-6f44f7a2096b707a27bf72a7" and .created_hint == $c' "$R" >/dev/null ||
    fail "the CreateAccessKey row does not name the created key"
jq -e --arg c "$CREATED" '.keys[1] | .hint == $c and .verdict == "yes" and .found.how == "created"
    and .found.from == "kt1-e67af113cf3af606a429d356" and .found.operation == "iam:CreateAccessKey"
    and .leak.source == "created" and .uses.total == 8
    and .other_party.ips == ["203.0.113.221"]
    and ([.use_list[].operation] | index("s3:GetObject")) != null' "$R" >/dev/null ||
    fail "the created key was not hunted: $(jq -c '.keys[1] | {hint, verdict, found, uses}' "$R")"
jq -e '.chain | length == 1 and .[0].how == "iam:CreateAccessKey" and .[0].ip == "203.0.113.220"
    and .[0].from == "kt1-e67af113cf3af606a429d356" and .[0].to == "kt1-6f44f7a2096b707a27bf72a7"' "$R" >/dev/null ||
    fail "chain: $(jq -c .chain "$R")"
for m in key family kind hint account actor found verdict reasons scan_verdict risk leak \
    first_suspicious other_party next_steps uses timeline before after only_after sources \
    operations findings changepoints plan after_rotation use_list; do
    jq -e --arg m "$m" '.keys[0] | has($m)' "$R" >/dev/null || fail "report key lacks member $m"
done
jq -e '.keys[0].use_list[0] | .file != null and .line > 0 and .side == "after"' "$R" >/dev/null ||
    fail "use_list rows lack file and line"

# Only CloudTrail: exactly the 'yes' bit. Key ids name keys as well as the AWS key id.
run ct hunt --key kt1-e67af113cf3af606a429d356 "${GEO[@]}" "$CT"
expect_rc ct 1
expect_grep ct.out "$CREATED .*used by someone else: YES"

# A JWT issuer whose tokens were likely used by someone else (16) hunted with the AWS key (1).
run both_bits hunt --key "$LEAKED" --jwt-iss https://auth.acme.example/ "${GEO[@]}" "$CT" "$KT_SAMPLES/kong"
expect_rc both_bits 17
expect_grep both_bits.out "jwt iss=https://auth.acme.example/ .*used by someone else: LIKELY"

# A key used as usual: no evidence, 0. A key id nowhere in the logs: no evidence, 0.
run calm hunt --key AKIARTX3GSDSWPHAS52O "${GEO[@]}" "$CT"
expect_rc calm 0
expect_grep calm.out "used by someone else: NO EVIDENCE"
run absent hunt --key kt1-000000000000000000000001 "$CT"
expect_rc absent 0
expect_grep absent.out "no use of the key in these logs"
# A key id the logs never hold: the prefilter skips every file, which were read all the same
# (not 32, "nothing usable was read").
run absent_akia hunt --key AKIAZZZZZZZZZZZZZZZZ "$CT"
expect_rc absent_akia 0
# A report never overwrites the evidence: a file among the inputs is refused, left as it was.
mkdir -p "$WORK/evidence"
cp -r "$CT/." "$WORK/evidence/"
victim=$(find "$WORK/evidence" -type f -print -quit)
cp "$victim" "$WORK/evidence/report.json"
sum=$(md5sum <"$WORK/evidence/report.json")
run overwrite hunt --key AKIARTX3GSDSQOUP4RD6 --report "$WORK/evidence/report.json" "$WORK/evidence"
expect_rc overwrite 2
expect_grep overwrite.err "never overwrites the evidence"
[ "$(md5sum <"$WORK/evidence/report.json")" = "$sum" ] || fail "overwrite: the input file was changed"
# A scheme before the token names the same key, and every spelling of it is found.
run bearer hunt --key "Bearer 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" "${GEO[@]}" "$KT_SAMPLES"
run bare hunt --key "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" "${GEO[@]}" "$KT_SAMPLES"
jq_bearer=$(grep -o 'uses: [0-9]*' "$WORK/bearer.out" | head -1)
[ -n "$jq_bearer" ] && [ "$jq_bearer" = "$(grep -o 'uses: [0-9]*' "$WORK/bare.out" | head -1)" ] ||
    fail "bearer: '$jq_bearer' uses with the scheme, '$(grep -o 'uses: [0-9]*' "$WORK/bare.out" | head -1)' without"

# --rotated-at flags the uses after it.
run rot hunt --key "$LEAKED" "${GEO[@]}" --rotated-at 2026-11-04T01:40:00Z --report "$WORK/rot.json" "$CT"
expect_rc rot 1
jq -e '.rotated_at == "2026-11-04T01:40:00Z" and (.keys[0].after_rotation | length) == 5' "$WORK/rot.json" >/dev/null ||
    fail "after_rotation: $(jq -c '.keys[0].after_rotation | length' "$WORK/rot.json")"

# Tokens from a file and from standard input: in no output, in no report.
TOKEN=$(known_tokens | grep '^ghp_' | sed -n 1p)
printf '# leaked in ticket 4711\n%s\n' "$TOKEN" >"$WORK/keys.txt"
run file hunt --key-file "$WORK/keys.txt" "${GEO[@]}" --report "$WORK/file.json" "$KT_SAMPLES/github" "$KT_SAMPLES/nginx"
[ $(( $(rc_of file) & 1 )) = 1 ] || fail "the token of --key-file: exit $(rc_of file), want the yes bit"
expect_grep file.out "ghp_…"
printf '%s\n' "$TOKEN" | "$KT_BIN" hunt --key - "${GEO[@]}" --report "$WORK/stdin.json" \
    "$KT_SAMPLES/github" "$KT_SAMPLES/nginx" >"$WORK/stdin.out" 2>"$WORK/stdin.err" || true
cmp -s "$WORK/file.out" "$WORK/stdin.out" || fail "--key - and --key-file differ"
for f in file.out file.err file.json stdin.out stdin.err stdin.json all.out all.err all.json; do
    if known_tokens | grep -F -q -f - "$WORK/$f"; then
        fail "$f holds a planted token"
    fi
    ! grep -q -F "${TOKEN:4:16}" "$WORK/$f" || fail "$f holds part of the hunted token"
done

# Usage errors: 2, nothing read, and the value never echoed.
run nokey hunt "$CT"
expect_rc nokey 2
run both hunt --key - - </dev/null
expect_rc both 2
run badext hunt --key "$LEAKED" --report "$WORK/r.txt" "$CT"
expect_rc badext 2
run nofile hunt --key-file /nonexistent/keys.txt "$CT"
expect_rc nofile 2
printf 'AKIARTX3GSDSQOUP4RD6\n%s\x01\n' "$TOKEN" >"$WORK/bad.txt"
run badline hunt --key-file "$WORK/bad.txt" "$CT"
expect_rc badline 2
expect_grep badline.err "bad.txt:2: not a key"
! grep -q -F "${TOKEN:4:16}" "$WORK/badline.err" || fail "the bad line was echoed"
echo "hunt: ok"
