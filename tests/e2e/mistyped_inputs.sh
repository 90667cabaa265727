#!/usr/bin/env bash
# Inputs a user mistypes (--leaked, --ip-list, --config, --max-line) are refused with exit 2
# and a message naming the file and line, never the token; a binary input (/dev/zero) is
# skipped with a warning instead of being read forever; a numeric CloudTrail eventTime before
# CloudTrail existed is a malformed time, not a 1970 event.
source "$(dirname "$0")/lib.bash"

GEO=(--geoip "$KT_GEO/samples-city.mmdb" --asn "$KT_GEO/samples-asn.mmdb")
pat=$(awk '!/^#/ && /^ghp_/ { print; exit }' "$KT_TESTS/fixtures/known_tokens.txt")
pat_id=$("$KT_BIN" fingerprint "$pat" | awk '{print $1}')
small=$KT_SAMPLES/nginx/access.log-20261014.gz

no_token() { # no_token NAME: the run's outputs never hold the token or a piece of it
    if grep -qF -e "$pat" -e "${pat:4:12}" "$WORK/$1.err" "$WORK/$1.out"; then
        fail "$1: the token was echoed"
    fi
}

# --leaked: each mistake on line 3 is refused, naming leaked.txt:3.
n=0
for bad in "$pat 2026/10/01" "$pat 2026-13-45" "$pat yesterday" "$pat,2026-11-04" \
    "$pat 2026-11-04 02:00 CET" "\"$pat\"" "Authorization: Bearer $pat" "kt1-0123"; do
    n=$((n + 1))
    printf '# leaked\nkt1-0123456789abcdef01234567\n%s\n' "$bad" >"$WORK/leaked.txt"
    run "leaked$n" scan --leaked "$WORK/leaked.txt" "$small"
    expect_rc "leaked$n" 2
    expect_grep "leaked$n.err" "leaked.txt:3: "
    no_token "leaked$n"
done
expect_grep leaked1.err "not a leak time; write 2026-11-02, 2026-11-02T14:00Z or 2026-11-02 14:00"
expect_grep leaked4.err "comma or semicolon"

# A leak time as "date clock" (UTC) is read, not dropped: every later use is critical.
printf '%s\t2026-11-04 02:00\n' "$pat" >"$WORK/leaked-ok.txt"
run leakok scan "${GEO[@]}" --leaked "$WORK/leaked-ok.txt" --alerts "$WORK/leakok.jsonl" \
    "$KT_SAMPLES"
[ "$(rc_of leakok)" != 2 ] || fail "a date and a clock time were refused"
jq -e -s --arg k "$pat_id" '[.[] | select(.key == $k and .detector == "leaked_key"
        and .severity == "critical")] | length == 1' "$WORK/leakok.jsonl" >/dev/null ||
    fail "--leaked with '2026-11-04 02:00' raised no critical finding"
no_token leakok

# --ip-list: a bad network names its line.
printf '# scanners\n185.220.101.0/24 tor\n185.220.101.0/33 typo\n' >"$WORK/ips.txt"
run ips scan --ip-list "$WORK/ips.txt" "$small"
expect_rc ips 2
expect_grep ips.err "ips.txt:3: not an address or network"

# --config: empty, cut short, a setting twice, an unknown setting; never "continue".
: >"$WORK/empty.json"
printf '{\n  "maturity": {\n    "min_days": 3\n' >"$WORK/cut.json"
printf '{\n  "maturity": {"min_days": 3},\n  "maturity": {"min_events": 9}\n}\n' >"$WORK/dup.json"
printf '{\n  "verdict": {\n    "rotate": 80,\n    "rotate": 90\n  }\n}\n' >"$WORK/dup2.json"
printf '{\n  "detectors": {\n    "new_contry": {}\n  }\n}\n' >"$WORK/typo.json"
run cfg_empty scan --config "$WORK/empty.json" "$small"
run cfg_cut scan --config "$WORK/cut.json" "$small"
run cfg_dup scan --config "$WORK/dup.json" "$small"
run cfg_dup2 scan --config "$WORK/dup2.json" "$small"
run cfg_typo scan --config "$WORK/typo.json" "$small"
for c in cfg_empty cfg_cut cfg_dup cfg_dup2 cfg_typo; do
    expect_rc "$c" 2
    if grep -q continue "$WORK/$c.err"; then fail "$c: json-c's 'continue' leaked out"; fi
done
expect_grep cfg_empty.err "empty.json: empty: expected a JSON object"
expect_grep cfg_cut.err "cut.json:3: the file ends inside the JSON"
expect_grep cfg_dup.err "dup.json:3: maturity: set twice"
expect_grep cfg_dup2.err "dup2.json:4: verdict.rotate: set twice"
expect_grep cfg_typo.err "typo.json:3: detectors.new_contry: unknown detector"

# --max-line: 1G is in range, and the message tells the real range. (--list-formats: the option
# is parsed, and no 1 GiB buffer is touched on a shared CI machine.)
run max1g events --max-line 1G --list-formats
expect_rc max1g 0
run max1k events --max-line 64k "$small"
expect_rc max1k 0
run max2g events --max-line 2G "$small"
expect_rc max2g 2
expect_grep max2g.err "from 256 to 1G bytes"

# /dev/zero (an endless run of NUL bytes): skipped at once, with a warning naming it.
rc=0
timeout 60 "$KT_BIN" events /dev/zero "$small" >"$WORK/zero.out" 2>"$WORK/zero.err" || rc=$?
[ "$rc" != 124 ] || fail "/dev/zero is read forever"
[ "$rc" = 0 ] || fail "/dev/zero: exit $rc"
expect_grep zero.err \
    "/dev/zero: binary data (NUL bytes, no line break in the first 1048576 bytes): file skipped"
[ "$(wc -l <"$WORK/zero.out")" -gt 100 ] || fail "the file after /dev/zero was not read"
rc=0
timeout 60 "$KT_BIN" events --format combined - </dev/zero >/dev/null 2>"$WORK/zpipe.err" || rc=$?
[ "$rc" = 32 ] || fail "/dev/zero on standard input with a forced format: exit $rc, want 32 (nothing usable read)"
expect_grep zpipe.err "(stdin): binary data"

# CloudTrail eventTime as a number: seconds and milliseconds read; 0 is a malformed time.
for t in 1793628000 1793628000123 0; do
    printf '{"eventVersion":"1.08","eventTime":%s,"eventSource":"s3.amazonaws.com",' "$t"
    printf '"eventName":"ListBuckets","sourceIPAddress":"198.51.100.7",'
    printf '"userIdentity":{"accessKeyId":"AKIARTX3GSDS5CZLCV7N"}}\n'
done >"$WORK/ct.json"
run ct events "$WORK/ct.json"
expect_rc ct 0
times=$(jq -r .time "$WORK/ct.out" | tr '\n' ' ')
[ "$times" = "2026-11-02T14:00:00Z 2026-11-02T14:00:00.123Z " ] ||
    fail "numeric eventTime: $times"
expect_grep ct.err "ct.json:3: malformed record skipped (time)"
echo "ok"
