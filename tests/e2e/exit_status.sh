#!/usr/bin/env bash
# Exit statuses a scheduler can trust (issue 8 §7): "nothing usable was read" (32) and keys to
# investigate (16) have their own bits; outputs are checked before any input is read and no
# empty file is left behind; databases of the wrong kind are refused; a path named twice is
# read once.
source "$(dirname "$0")/lib.bash"
: "${KT_GEO:?KT_GEO must point at the built sample geolocation databases}"
GEO=(--geoip "$KT_GEO/samples-city.mmdb" --asn "$KT_GEO/samples-asn.mmdb")
good="$KT_SAMPLES/nginx/access.log-20261014.gz"

# --- nothing usable was read: 32 ---------------------------------------------------------------
mkdir "$WORK/empty"
run emptydir scan -q --alerts /dev/null "$WORK/empty"
expect_rc emptydir 32
tar czf "$WORK/logs.tgz" -C "$KT_SAMPLES" nginx
run tarball scan --alerts /dev/null "$WORK/logs.tgz"
expect_rc tarball 32
expect_grep tarball.err "nothing usable was read: no file of a known format"
# Every record malformed (JSON read as combined lines).
zcat "$KT_SAMPLES/kong/kong-2026-10-12.json.gz" >"$WORK/kong.jsonl"
run malformed events --format combined "$WORK/kong.jsonl"
expect_rc malformed 32
expect_grep malformed.err "nothing usable was read: every record was malformed"
# Some usable records next to the junk: not 32.
run mixed events "$WORK/logs.tgz" "$good"
expect_rc mixed 0
# A missing path and nothing else: unreadable (4) and nothing read (32).
run missing events /nonexistent/keytrail.log
expect_rc missing 36

# --- investigate has its own bit -----------------------------------------------------------------
run samples scan -q "${GEO[@]}" --alerts /dev/null --report "$WORK/r.json" "$KT_SAMPLES"
rot=$(jq .totals.rotate "$WORK/r.json")
inv=$(jq .totals.investigate "$WORK/r.json")
[ "$rot" -gt 0 ] && [ "$inv" -gt 0 ] || fail "the samples should have keys to rotate and to investigate"
expect_rc samples 21
# Investigate only: the config allowlists the attacker's network (no key to rotate).
printf '{ "allow": { "networks": ["203.0.113.208/28"] } }\n' >"$WORK/allow.json"
run inv scan -q "${GEO[@]}" --config "$WORK/allow.json" --alerts /dev/null --report "$WORK/i.json" \
    "$KT_SAMPLES"
[ "$(jq .totals.rotate "$WORK/i.json")" = 0 ] || fail "allowlist: keys to rotate remain"
[ "$(jq .totals.investigate "$WORK/i.json")" -gt 0 ] || fail "allowlist: no key to investigate"
expect_rc inv 20

# --- outputs checked before reading, nothing left behind -----------------------------------------
for bad in /nonexistent/dir/a.jsonl "$WORK/empty" "$good/a.jsonl"; do
    start=$(date +%s%N)
    run badalerts scan "${GEO[@]}" --alerts "$bad" "$KT_SAMPLES"
    expect_rc badalerts 2
    expect_grep badalerts.err "cannot write alerts"
    grep -q "files, .* bytes read" "$WORK/badalerts.err" && fail "--alerts $bad: input was read"
done
run badreport scan "${GEO[@]}" --alerts "$WORK/kept.jsonl" --report "$WORK/ok.json" \
    --report /nonexistent/dir/r.html "$KT_SAMPLES"
expect_rc badreport 2
expect_grep badreport.err "/nonexistent/dir/r.html: cannot write the report"
[ ! -e "$WORK/kept.jsonl" ] || fail "a usage error left an alerts file behind"
[ ! -e "$WORK/ok.json" ] || fail "a usage error left a report behind"
mkdir "$WORK/ro"
chmod 500 "$WORK/ro"
if [ "$(id -u)" != 0 ]; then
    run roreport scan "${GEO[@]}" --alerts /dev/null --report "$WORK/ro/r.json" "$KT_SAMPLES"
    expect_rc roreport 2
    expect_grep roreport.err "ro/r.json: cannot write the report: Permission denied"
fi
# A usage error found later (a bad config) leaves no alerts file either.
printf '{ "detectors": { "new_contry": {} } }\n' >"$WORK/typo.json"
run typo scan --config "$WORK/typo.json" --alerts "$WORK/typo.jsonl" "$KT_SAMPLES"
expect_rc typo 2
[ ! -e "$WORK/typo.jsonl" ] || fail "a config error left an alerts file behind"

# --- databases of the wrong kind ---------------------------------------------------------------
F=$KT_TESTS/fixtures/geo
run asn_as_city scan --geoip "$F/GeoLite2-ASN-Test.mmdb" --alerts /dev/null "$good"
expect_rc asn_as_city 2
expect_grep asn_as_city.err "GeoLite2-ASN-Test.mmdb: an ASN database .* --geoip takes a City/Country database: database refused; pass it as --asn"
run city_as_asn scan --asn "$F/GeoLite2-City-Test.mmdb" --alerts /dev/null "$good"
expect_rc city_as_asn 2
expect_grep city_as_asn.err "GeoLite2-City-Test.mmdb: a City/Country database .* --asn takes an ASN database"
run flat_as_asn scan --asn "$F/good-flat.mmdb" --alerts /dev/null "$good"
expect_rc flat_as_asn 2
run right scan -q --geoip "$F/GeoLite2-City-Test.mmdb" --asn "$F/GeoLite2-ASN-Test.mmdb" \
    --alerts /dev/null "$good"
expect_rc right 0
# The real databases of the machine, when there: City as --geoip works, as --asn is refused.
for db in /work/geo-dl/*/package/*city*.mmdb /work/geo-dl/*/package/GeoLite2-*.mmdb; do
    [ -f "$db" ] || continue
    run real_city scan -q --geoip "$db" --alerts /dev/null "$good"
    expect_rc real_city 0
    run real_asn scan -q --asn "$db" --alerts /dev/null "$good"
    expect_rc real_asn 2
done

# --- the same path twice is read once ----------------------------------------------------------
run once events "$good"
run twice events "$good" "$good" "$KT_SAMPLES/nginx/../nginx/access.log-20261014.gz"
expect_rc twice 0
cmp -s "$WORK/once.out" "$WORK/twice.out" || fail "a path named twice was read twice"
expect_grep twice.err "2 inputs skipped: already read through another path"
"$KT_BIN" events - - <"$good" >"$WORK/stdin2.out" 2>"$WORK/stdin2.err" || fail "- - failed"
[ "$(wc -l <"$WORK/stdin2.out")" = "$(wc -l <"$WORK/once.out")" ] || fail "- named twice"
echo "ok"
