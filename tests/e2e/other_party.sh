#!/usr/bin/env bash
# The other party in scan's reports (issue 9 §3) and `--rotated` (issue 9 §2), over samples/:
# a stolen key's report shows the thief's addresses, network, agents, operations and errors in
# its other-party block (JSON, Markdown, HTML), the block survives a state file, uses after a
# rotation are told apart (a consumer not updated: medium; the other party: high) in scan and
# in watch, a bad --rotated line is refused with its file and line, and no token is printed.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || fail "jq is required"
: "${KT_GEO:?KT_GEO must point at the built sample geolocation databases}"
GEO=(--geoip "$KT_GEO/samples-city.mmdb" --asn "$KT_GEO/samples-asn.mmdb")

pat=$(awk '!/^#/ && /^ghp_/ { print; exit }' "$KT_TESTS/fixtures/known_tokens.txt")
pat_id=$("$KT_BIN" fingerprint "$pat" | awk '{print $1}')
aws_id=$("$KT_BIN" fingerprint AKIARTX3GSDS5CZLCV7N | awk '{print $1}')
esc_id=$("$KT_BIN" fingerprint AKIARTX3GSDSQOUP4RD6 | awk '{print $1}')

# --- the other-party block, without --rotated ---
run plain scan "${GEO[@]}" --alerts "$WORK/plain.jsonl" --report "$WORK/r.json" \
    --report "$WORK/r.md" --report "$WORK/r.html" --state "$WORK/s.state" "$KT_SAMPLES"
expect_rc plain 21
# The backup job's key: the thief's address, network, client and calls, in order, with errors.
jq -e --arg k "$aws_id" '.keys[] | select(.key == $k) | .other_party as $o
    | $o.events > 0 and $o.errors > 0 and .errors >= $o.errors
    and $o.addresses[0].name == "203.0.113.217"
    and ($o.networks[0].name | startswith("AS64511"))
    and $o.countries[0].code == "RO"
    and $o.user_agents[0].name == "aws-cli/2.15.30"
    and $o.operations[0].name == "sts.amazonaws.com:GetCallerIdentity"
    and ([$o.operations[].name] | index("iam.amazonaws.com:ListUsers") != null)
    and ([.user_agents[].name] | index("aws-cli/2.15.30") == null)' "$WORK/r.json" >/dev/null ||
    fail "r.json: the AWS key's other_party block lacks the thief"
# legacy-reports: the administrator policy and the second key are the other party's.
jq -e --arg k "$esc_id" '.keys[] | select(.key == $k) | [.other_party.operations[].name]
    | index("iam.amazonaws.com:PutUserPolicy") != null
      and index("iam.amazonaws.com:CreateAccessKey") != null' "$WORK/r.json" >/dev/null ||
    fail "r.json: legacy-reports' other_party lacks PutUserPolicy and CreateAccessKey"
# The developer's GitHub token: the VPS in Bucharest and python-requests.
jq -e --arg k "$pat_id" '.keys[] | select(.key == $k) | .other_party
    | (.addresses[0].name == "203.0.113.213") and ([.user_agents[].name]
      | index("python-requests/2.32.3") != null)' "$WORK/r.json" >/dev/null ||
    fail "r.json: the GitHub token's other_party lacks 203.0.113.213 / python-requests"
# Keys nobody else used have no block.
n_other=$(jq '[.keys[] | select(.other_party)] | length' "$WORK/r.json")
n_keys=$(jq '.keys | length' "$WORK/r.json")
[ "$n_other" -ge 3 ] && [ "$n_other" -lt 20 ] && [ "$n_keys" -gt 400 ] ||
    fail "r.json: $n_other of $n_keys keys have an other_party block"

# Markdown: the block in the AWS key's section.
awk '/^### .*AKIARTX3GSDS5CZLCV7N/ { p = 1; next } /^### / { p = 0 } p' "$WORK/r.md" \
    >"$WORK/aws.md"
grep -q '^- \*\*Other party:\*\* [0-9]* uses kept out of the baseline (errors: [1-9]' \
    "$WORK/aws.md" || fail "r.md: no other-party line in the AWS key's section"
grep -q '^  - \*\*Addresses:\*\* 203.0.113.217 (' "$WORK/aws.md" ||
    fail "r.md: the thief's address is not in the block"
grep -q '^  - \*\*Agents:\*\* aws-cli/2.15.30' "$WORK/aws.md" ||
    fail "r.md: the thief's agent is not in the block"
grep -q '^  - \*\*Operations\*\* (in order of first use): sts.amazonaws.com:GetCallerIdentity' \
    "$WORK/aws.md" || fail "r.md: the operations do not start with GetCallerIdentity"

# HTML: one block per key that has one, with the thief's address in the AWS key's section.
awk -v id="id=\"k-$aws_id\"" 'index($0, id) { p = 1 } p { print } p && /<\/section>/ { exit }' \
    "$WORK/r.html" >"$WORK/aws.html"
grep -q '<div class="other"><h3>Other party</h3>' "$WORK/aws.html" ||
    fail "r.html: no other-party block in the AWS key's section"
grep -q '<dt>Addresses</dt><dd>203.0.113.217 (' "$WORK/aws.html" ||
    fail "r.html: the thief's address is not in the block"
[ "$(grep -o '<div class="other">' "$WORK/r.html" | wc -l)" -ge 3 ] ||
    fail "r.html: fewer than 3 other-party blocks"

# The block survives the state file: a second run reads nothing new and reports the same.
run again scan "${GEO[@]}" --alerts /dev/null --report "$WORK/r2.json" --state "$WORK/s.state" \
    "$KT_SAMPLES"
jq -c '[.keys[] | select(.other_party) | {key, other_party}]' "$WORK/r.json" >"$WORK/o1.json"
jq -c '[.keys[] | select(.other_party) | {key, other_party}]' "$WORK/r2.json" >"$WORK/o2.json"
cmp -s "$WORK/o1.json" "$WORK/o2.json" || fail "the other-party blocks changed across the state"

# --- --rotated ---
# The GitHub token as pasted (a raw token), the AWS key by its key id, legacy-reports by kt1-.
printf '# rotated keys\n%s 2026-11-03\nAKIARTX3GSDS5CZLCV7N 2026-11-04T02:00Z\n%s\t2026-11-04\n' \
    "$pat" "$esc_id" >"$WORK/rotated.txt"
run rot scan "${GEO[@]}" --rotated "$WORK/rotated.txt" --alerts "$WORK/rot.jsonl" \
    --report "$WORK/rot.json" --report "$WORK/rot.md" --report "$WORK/rot.html" "$KT_SAMPLES"
expect_rc rot 21
# The backup job after its rotation: the thief (high) and the job nobody updated (medium).
jq -e -s --arg k "$aws_id" '[.[] | select(.key == $k and .detector == "used_after_rotation")]
    | (map(select(.value == "other-party" and .ip == "203.0.113.217")) | length) == 1
      and (map(select(.value == "consumer" and .ip == "192.0.2.100")) | length) == 1' \
    "$WORK/rot.jsonl" >/dev/null || fail "rot.jsonl: the AWS key's uses after rotation"
jq -e --arg k "$aws_id" '.keys[] | select(.key == $k) | [.findings[]
    | select(.detector == "used_after_rotation") | {value, severity}]
    | index({"value":"other-party","severity":"high"}) != null
      and index({"value":"consumer","severity":"medium"}) != null' "$WORK/rot.json" >/dev/null ||
    fail "rot.json: the AWS key lacks its two used_after_rotation findings"
jq -e -s --arg k "$pat_id" 'map(select(.key == $k and .detector == "used_after_rotation"
    and .value == "other-party" and .ip == "203.0.113.213")) | length == 1' "$WORK/rot.jsonl" \
    >/dev/null || fail "rot.jsonl: the GitHub token's thief after rotation"
grep -q -F 'used\_after\_rotation' "$WORK/rot.md" || fail "rot.md lacks used_after_rotation"
grep -q 'used_after_rotation' "$WORK/rot.html" || fail "rot.html lacks used_after_rotation"
expect_grep rot.err "used_after_rotation: used .* minutes after its rotation"
# Without --rotated, nothing of it.
grep -q used_after_rotation "$WORK/plain.jsonl" && fail "used_after_rotation without --rotated"

# watch takes it too: the nginx log through a pipe, the token rotated on 3 November.
"$KT_BIN" watch -q "${GEO[@]}" --rotated "$WORK/rotated.txt" --alerts "$WORK/watch.jsonl" - \
    <"$KT_SAMPLES/nginx/access.log" 2>"$WORK/watch.err" || true
jq -e -s --arg k "$pat_id" 'map(select(.key == $k and .detector == "used_after_rotation"
    and .value == "other-party")) | length == 1' "$WORK/watch.jsonl" >/dev/null ||
    fail "watch --rotated: no other-party alert for the GitHub token"

# A bad line is refused, naming the file and line, never the token.
printf '%s 2026-11-03\n%s\n' "$esc_id" "$pat" >"$WORK/bad.txt"
run bad scan --rotated "$WORK/bad.txt" "$KT_SAMPLES/nginx/access.log"
expect_rc bad 2
expect_grep bad.err "bad.txt:2: .*no rotation time"
printf '%s tomorrow\n' "$pat" >"$WORK/bad2.txt"
run bad2 watch --rotated "$WORK/bad2.txt" -
expect_rc bad2 2
expect_grep bad2.err "bad2.txt:1: .*not a rotation time"

# No token anywhere in what was printed or written.
known_tokens >"$WORK/tokens.txt"
outputs=("$WORK"/*.out "$WORK"/*.err "$WORK"/*.json "$WORK"/*.md "$WORK"/*.html "$WORK"/*.jsonl
    "$WORK"/s.state)
if cat "${outputs[@]}" | grep -a -q -F -f "$WORK/tokens.txt"; then
    fail "a raw token appears in the output: $(grep -a -l -F -f "$WORK/tokens.txt" "${outputs[@]}" |
        tr '\n' ' ')"
fi
echo ok
