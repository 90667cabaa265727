#!/usr/bin/env bash
# `keytrail scan` over samples/: the planted leak is caught, the verdicts match the golden file,
# runs are deterministic, and the detection inputs (geo databases in both layouts, --leaked,
# --ip-list, --config allowlists) work end to end.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || fail "jq is required"
: "${KT_GEO:?KT_GEO must point at the built sample geolocation databases}"
GEO=(--geoip "$KT_GEO/samples-city.mmdb" --asn "$KT_GEO/samples-asn.mmdb")
golden="$KT_TESTS/fixtures/golden/samples-verdicts.tsv"

pat=$(awk '!/^#/ && /^ghp_/ { print; exit }' "$KT_TESTS/fixtures/known_tokens.txt")
pat_id=$("$KT_BIN" fingerprint "$pat" | awk '{print $1}')
aws_id=$("$KT_BIN" fingerprint AKIARTX3GSDS5CZLCV7N | awk '{print $1}')
# legacy-reports: a key seen only in the thief's hands, and the key it minted
esc_id=$("$KT_BIN" fingerprint AKIARTX3GSDSQOUP4RD6 | awk '{print $1}')
minted_id=$("$KT_BIN" fingerprint AKIARTX3GSDSWGV5VKLP | awk '{print $1}')

run s1 scan "${GEO[@]}" --alerts "$WORK/a1.jsonl" --report "$WORK/r1.json" "$KT_SAMPLES"
# 1 (a key to rotate) + 4 (samples/ holds a truncated archive on purpose) + 16 (keys to
# investigate)
expect_rc s1 21
expect_grep s1.err "keys seen: 4 to rotate"
expect_grep s1.err "rotate .*ghp_…"
expect_grep s1.err "rotate .*AKIARTX3GSDS5CZLCV7N"
expect_grep s1.err "rotate .*AKIARTX3GSDSQOUP4RD6"
expect_grep s1.err "rotate .*AKIARTX3GSDSWGV5VKLP"

# Deterministic: a second run gives the same bytes.
run s2 scan "${GEO[@]}" --alerts "$WORK/a2.jsonl" --report "$WORK/r2.json" "$KT_SAMPLES"
cmp -s "$WORK/a1.jsonl" "$WORK/a2.jsonl" || fail "alerts differ between two runs"
cmp -s "$WORK/r1.json" "$WORK/r2.json" || fail "reports differ between two runs"

# The verdicts match the golden file (regenerate deliberately with KT_UPDATE_GOLDEN=1).
jq -r '.keys[] | select(.verdict != "ok") | [.key, .family, .verdict, .risk] | @tsv' \
    "$WORK/r1.json" >"$WORK/verdicts.tsv"
jq -r '"ok\t\(.totals.ok)"' "$WORK/r1.json" >>"$WORK/verdicts.tsv"
if [ "${KT_UPDATE_GOLDEN:-}" = 1 ]; then
    mkdir -p "$(dirname "$golden")"
    cp "$WORK/verdicts.tsv" "$golden"
fi
diff -u "$golden" "$WORK/verdicts.tsv" || fail "verdicts differ from $golden"

# The leaked PAT: rotate, with the story told by several detectors, and a high alert within
# ten minutes of the first malicious request (2026-11-04T02:14:09Z).
jq -e --arg k "$pat_id" '.keys[] | select(.key == $k) | .verdict == "rotate" and .risk >= 90
        and ([.findings[].detector] | index("new_user_agent") and index("sensitive_op")
             and index("new_asn"))' "$WORK/r1.json" >/dev/null || fail "the PAT's findings"
first_high=$(jq -r --arg k "$pat_id" 'select(.key == $k and .time >= "2026-11-04T02:14" and
        (.severity == "high" or .severity == "critical")) | .time' "$WORK/a1.jsonl" | sort | head -1)
[[ "$first_high" > "2026-11-04T02:14" && "$first_high" < "2026-11-04T02:24:10" ]] ||
    fail "first high alert for the PAT at '$first_high'"
jq -e --arg k "$aws_id" '.keys[] | select(.key == $k) | .verdict == "rotate" and
        ([.findings[].detector] | index("impossible_travel") and index("sensitive_op"))' \
    "$WORK/r1.json" >/dev/null || fail "the AWS key's findings"
# Without any baseline: the forgotten key is caught by what it does (enumeration, an
# administrator grant, a second key), and the key it minted is rotated with it.
jq -e --arg k "$esc_id" '.keys[] | select(.key == $k) | .verdict == "rotate" and
        ([.findings[].detector] | index("recon_burst") and index("privilege_change")
         and index("credential_chain"))' "$WORK/r1.json" >/dev/null ||
    fail "the legacy-reports key's findings"
jq -e --arg k "$minted_id" '.keys[] | select(.key == $k) | .verdict == "rotate" and
        ([.findings[].detector] | index("credential_chain"))' "$WORK/r1.json" >/dev/null ||
    fail "the minted key's findings"
# Alerts are well-formed and explain themselves.
jq -e -s 'length > 10 and all(.[]; has("time") and has("key") and has("detector") and
        (.severity | test("^(low|medium|high|critical)$")) and (.reason | length > 20))' \
    "$WORK/a1.jsonl" >/dev/null || fail "malformed alerts"

# The flat (ip-location-db) city layout gives the same verdicts.
run flat scan --geoip "$KT_GEO/samples-city-flat.mmdb" --asn "$KT_GEO/samples-asn.mmdb" \
    --alerts /dev/null --report "$WORK/flat.json" "$KT_SAMPLES"
expect_rc flat 21
diff <(jq -c '[.keys[] | {key, verdict}]' "$WORK/r1.json") \
    <(jq -c '[.keys[] | {key, verdict}]' "$WORK/flat.json") >/dev/null ||
    fail "the flat geolocation layout changes verdicts"

# Without a database the geographic detectors are off, said once, and the run still works.
run nogeo env KEYTRAIL_GEOIP=/nonexistent-keytrail-dir "$KT_BIN" scan --alerts /dev/null "$KT_SAMPLES" || true
run nogeo2 scan --geoip "" --alerts /dev/null "$KT_SAMPLES"
KEYTRAIL_GEOIP="$WORK" "$KT_BIN" scan --alerts /dev/null "$KT_SAMPLES" >/dev/null 2>"$WORK/nogeo.err" || true
[ "$(grep -c 'geographic detectors are off' "$WORK/nogeo.err")" = 1 ] || fail "no-geo notice"

# --leaked: every use of the PAT after the declared leak is critical.
printf '# leaked in a public gist\n%s 2026-11-04T02:00:00Z\n' "$pat" >"$WORK/leaked.txt"
run leak scan "${GEO[@]}" --leaked "$WORK/leaked.txt" --alerts "$WORK/leak.jsonl" "$KT_SAMPLES"
jq -e -s --arg k "$pat_id" '[.[] | select(.key == $k and .detector == "leaked_key"
        and .severity == "critical")] | length == 1' "$WORK/leak.jsonl" >/dev/null ||
    fail "--leaked did not raise one critical finding"

# --ip-list: the attacker's block is on a list.
printf '203.0.113.208/28 vps-abuse\n' >"$WORK/ips.txt"
run listed scan "${GEO[@]}" --ip-list "$WORK/ips.txt" --alerts "$WORK/listed.jsonl" "$KT_SAMPLES"
jq -e -s '[.[] | select(.detector == "ip_list" and (.reason | test("vps-abuse")))] | length >= 2' \
    "$WORK/listed.jsonl" >/dev/null || fail "--ip-list"

# --config: allowlisting the attacker's network silences the leak (and shows the knob works).
printf '{ "allow": { "networks": ["203.0.113.208/28"] } }\n' >"$WORK/allow.json"
run allowed scan "${GEO[@]}" --config "$WORK/allow.json" --alerts /dev/null \
    --report "$WORK/allowed.json" "$KT_SAMPLES"
expect_rc allowed 20 # damaged samples (4) and keys to investigate (16), nothing to rotate
jq -e '.totals.rotate == 0' "$WORK/allowed.json" >/dev/null || fail "allowlist ignored"
printf '{ "detectors": { "new_countri": {} } }\n' >"$WORK/typo.json"
run typo scan --config "$WORK/typo.json" "$KT_SAMPLES"
expect_rc typo 2
expect_grep typo.err "typo.json:1: detectors.new_countri: unknown detector"

# --config risk and move settings: the documented defaults written out change no byte of the
# report; without the agreement bonus no key scores higher and some lower; a value out of range
# is refused with its file and line.
printf '{ "risk": { "window_hours": 24, "refused_weight": 0.5, "agree_at": 25,
  "bonus_two_aspects": 15, "bonus_three_aspects": 25, "critical": 95 },
  "move": { "overlap_days": 7, "silent_days": 2, "min_days": 3, "volume_factor": 3 } }\n' \
    >"$WORK/risk.json"
run risk scan "${GEO[@]}" --config "$WORK/risk.json" --alerts "$WORK/risk.jsonl" \
    --report "$WORK/risk-report.json" "$KT_SAMPLES"
expect_rc risk 21
cmp -s "$WORK/r1.json" "$WORK/risk-report.json" || fail "the default risk settings change the report"
cmp -s "$WORK/a1.jsonl" "$WORK/risk.jsonl" || fail "the default risk settings change the alerts"
printf '{ "risk": { "bonus_two_aspects": 0, "bonus_three_aspects": 0 } }\n' >"$WORK/nobonus.json"
run nobonus scan "${GEO[@]}" --config "$WORK/nobonus.json" --alerts /dev/null \
    --report "$WORK/nobonus-report.json" "$KT_SAMPLES"
expect_rc nobonus 21
jq -e -n --slurpfile a "$WORK/r1.json" --slurpfile b "$WORK/nobonus-report.json" '
    ($a[0].keys | map({(.key): .risk}) | add) as $ra
    | ($b[0].keys | map({(.key): .risk}) | add) as $rb
    | ([$rb | to_entries[] | select(.value > $ra[.key])] | length == 0)
      and ([$rb | to_entries[] | select(.value < $ra[.key])] | length > 0)' >/dev/null ||
    fail "risk.bonus_*_aspects did not lower the risk of multi-aspect keys"
printf '{\n  "risk": { "refused_weight": 2 }\n}\n' >"$WORK/badrisk.json"
run badrisk scan --config "$WORK/badrisk.json" "$KT_SAMPLES"
expect_rc badrisk 2
expect_grep badrisk.err "badrisk.json:2: risk.refused_weight: must be between 0 and 1"

# --list-detectors lists every detector with its knobs.
run ld scan --list-detectors
expect_rc ld 0
for d in new_country new_asn impossible_travel unusual_hour rate_spike error_burst \
    new_user_agent sensitive_op dormant_revived jwt_validity ip_list leaked_key; do
    expect_grep ld.out "^$d "
done
echo "ok: leak caught, first high alert at $first_high"
