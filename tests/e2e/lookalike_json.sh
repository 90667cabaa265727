#!/usr/bin/env bash
# JSON lines that are not what they seem: GCP audit, Azure activity and Okta system logs carry a
# time but no client address or credential under any name jsonl knows, so they are refused as
# of unknown format, naming the closest format and what its records lack, instead of being
# read as events with every field null. EventBridge-wrapped CloudTrail is read as CloudTrail.
source "$(dirname "$0")/lib.bash"

F=$KT_TESTS/fixtures/lookalike
no_subject="closest is jsonl, but its records have no client address or credential field"

for name in gcp_audit azure_activity okta_system; do
    run "$name" events "$F/$name.jsonl"
    expect_rc "$name" 32 # an unknown format is not damage, but nothing usable was read
    [ ! -s "$WORK/$name.out" ] || fail "$name: records were read as events"
    expect_grep "$name.err" "$name.jsonl: not a known format: closest is jsonl, but"
    expect_grep "$name.err" "1 of unknown format"
done
expect_grep gcp_audit.err "$no_subject"
expect_grep azure_activity.err "$no_subject"
expect_grep okta_system.err \
    "closest is jsonl, but its records have no time and no client address or credential field"

# The same records as a JSON array are refused with the same words.
jq -s . "$F/gcp_audit.jsonl" >"$WORK/gcp_array.json"
run gcp_array events "$WORK/gcp_array.json"
expect_grep gcp_array.err "gcp_array.json: not a known format: $no_subject"

# Naming the fields is the way to read them anyway.
run azure_field events --field ip=callerIpAddress "$F/azure_activity.jsonl"
expect_rc azure_field 0
[ "$(jq -r .ip "$WORK/azure_field.out" | paste -sd,)" = "203.0.113.7,198.51.100.23,203.0.113.7" ] ||
    fail "--field ip=callerIpAddress did not read the Azure records"

# A directory holding one of each: the real logs are read, the look-alike named and skipped.
mkdir -p "$WORK/mixed"
cp "$F/gcp_audit.jsonl" "$WORK/mixed/"
zcat "$KT_SAMPLES/kong/kong-2026-10-12.json.gz" >"$WORK/kong-all.jsonl"
head -n 50 "$WORK/kong-all.jsonl" >"$WORK/mixed/kong.jsonl"
run mixed events "$WORK/mixed"
[ "$(wc -l <"$WORK/mixed.out")" -eq 50 ] || fail "mixed: the Kong records were not all read"
expect_grep mixed.err "gcp_audit.jsonl: not a known format: $no_subject"

# EventBridge: the detail object is the CloudTrail record (the wrapper's own time is not used).
run eb events -q "$F/eventbridge_cloudtrail.jsonl"
expect_rc eb 0
[ ! -s "$WORK/eb.err" ] || fail "eventbridge: unexpected warnings: $(head -c 400 "$WORK/eb.err")"
got=$(jq -c '[.time, .ip, .method, .service, .error, .user_agent, .actor, .host, .family,
              .hint]' "$WORK/eb.out")
want=$(cat "$F/eventbridge_cloudtrail.want")
[ "$got" = "$want" ] || fail "eventbridge events differ:
$got"
run ebkeys keys -j "$F/eventbridge_cloudtrail.jsonl"
jq -e -s 'length == 1 and .[0].family == "aws" and .[0].events == 2' "$WORK/ebkeys.out" \
    >/dev/null || fail "eventbridge: the access key's two uses were not counted"
echo "ok"
