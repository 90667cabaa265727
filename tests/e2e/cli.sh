#!/usr/bin/env bash
# The command line: help on every command, formats listed, unknown things refused clearly.
source "$(dirname "$0")/lib.bash"

run top --help
expect_rc top 0
for cmd in events keys fingerprint; do
    expect_grep top.out "$cmd"
    run "h_$cmd" "$cmd" --help
    expect_rc "h_$cmd" 0
    expect_grep "h_$cmd.out" "usage: keytrail $cmd"
done
expect_grep h_events.out -- "--format"
expect_grep h_events.out -- "--field"
expect_grep h_keys.out -- "--json"
run lf events --list-formats
expect_rc lf 0
for f in combined jsonl cloudtrail github; do expect_grep lf.out "^$f"; done
run nocmd frobnicate
expect_rc nocmd 2
expect_grep nocmd.err "unknown command"
run badfield events --field colour=x "$KT_SAMPLES/nginx"
expect_rc badfield 2
expect_grep badfield.err "unknown role"
run badinflate keys --inflate lzma "$KT_SAMPLES/nginx"
expect_rc badinflate 2
run version --version
expect_grep version.out "^keytrail "

# --field really maps a member.
printf '{"when":"2026-11-02T14:00:05Z","peer":"192.0.2.9","req":{"target":"/v1/x?api_key=Zx81mQv72LpA0sKe93NdRt5W"}}\n' >"$WORK/custom.jsonl"
run custom events --format jsonl --field time=when --field ip=peer --field uri=req.target "$WORK/custom.jsonl"
expect_rc custom 0
expect_grep custom.out '"ip":"192.0.2.9"'
expect_grep custom.out '"resource":"/v1/x"'
expect_grep custom.out '"family":"generic"'

# zlib and ISA-L give the same events.
run z events --inflate zlib "$KT_SAMPLES/nginx/access.log-20261014.gz"
run a events "$KT_SAMPLES/nginx/access.log-20261014.gz"
cmp -s "$WORK/z.out" "$WORK/a.out" || fail "zlib and auto inflate differ"
echo ok
