#!/usr/bin/env bash
# The hunt incident report (HTML) in a real browser: headless Chromium loads it from disk with
# networking disabled; we check the DOM it built (the verdict box first in each key, the SVG
# timeline with its marks, the sources table with geolocation and ASN, the other party's
# operations in order, the chain, the plan, the guidance, hostile strings as text), that it
# logged nothing (no script errors, no blocked loads) and that the screenshot is a real PNG.
#
#   hunt_browser.sh [MODEL.json]
#
# Without an argument it renders tests/fixtures/hunt_report.json and a hostile variant of it
# (`test_hunt_render --render OUT [MODEL|hostile]`) and checks their known content; with one,
# it renders that model (from `keytrail hunt --report x.json`, say) and checks the structure.
# Then it hunts the samples' CloudTrail incident with keytrail hunt and checks that report too.
# Exits 77 (skipped) when no Chromium is installed.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/browser.bash"

helper="${KT_BUILD_DIR:?KT_BUILD_DIR must point at the build directory}/tests/test_hunt_render"
[ -x "$helper" ] || fail "test helper $helper not built"

# check_hunt_page NAME MODEL: renders MODEL, loads the page twice (DOM, screenshot), and makes
# the checks that hold for every model.
check_hunt_page() {
    local name=$1 model=$2 html="$WORK/$1.html"
    "$helper" --render "$html" "$model" || fail "$name: test_hunt_render --render failed"
    browse "${name}_dom" "file://$html" --dump-dom
    browse "${name}_shot" "file://$html" --screenshot="$WORK/$name.png"
    local msgs
    msgs=$(console_messages "${name}_dom"; console_messages "${name}_shot")
    [ -z "$msgs" ] || fail "$name: the browser logged console messages: $msgs"
    inert_dom "$name" 40
    local dom="$WORK/${name}_dom.out"
    grep -q '<title>keytrail hunt report</title>' "$dom" || fail "$name: title missing"
    grep -q '<section id="summary">' "$dom" || fail "$name: no summary of the keys"
    grep -q '<section id="chain">' "$dom" || fail "$name: no credential chain section"
    # Every key section the file has is in the DOM, each opening with its verdict box.
    local in_file in_dom boxes
    in_file=$(grep -o '<section class="key ' "$html" | wc -l)
    in_dom=$(grep -o '<section class="key ' "$dom" | wc -l)
    [ "$in_file" = "$in_dom" ] || fail "$name: $in_file key sections in the file, $in_dom in the DOM"
    boxes=$(grep -o '<div class="verdict v-[a-z]*">' "$dom" | wc -l)
    [ "$boxes" = "$in_dom" ] || fail "$name: $boxes verdict boxes for $in_dom keys"
    # The box comes right after the key's heading.
    [ "$(grep -A1 '^<h2>[0-9]*\. <span class="badge' "$dom" | grep -c '^<div class="verdict')" = "$in_dom" ] ||
        fail "$name: a key section does not open with its verdict box"
    real_png "$name"
}

if [ $# -ge 1 ]; then
    check_hunt_page model "$1"
    echo "hunt_browser: ok ($1)"
    exit 0
fi

# 1. The fixture: known keys, addresses, operations.
check_hunt_page fixture "$KT_TESTS/fixtures/hunt_report.json"
dom="$WORK/fixture_dom.out"
[ "$(grep -o '<section class="key ' "$dom" | wc -l)" = 3 ] || fail "fixture: want 3 key sections"
grep -q '<div class="verdict v-yes">' "$dom" || fail "fixture: no verdict box for the yes key"
grep -q '<div class="verdict v-likely">' "$dom" || fail "fixture: no verdict box for the likely key"
grep -qF "<dt>Other party's addresses</dt><dd>203.0.113.220</dd>" "$dom" ||
    fail "fixture: the other party's address is not in the verdict box"
# Timelines: two keys have one, with bars after the leak and the three marks.
[ "$(grep -o '<svg class="tl"' "$dom" | wc -l)" = 2 ] || fail "fixture: want 2 SVG timelines"
for cls in '<path class="b"' '<path class="a"' '<path class="s"' 'mk mk-leak' 'mk mk-sus' \
    'mk mk-rot'; do
    grep -qF "$cls" "$dom" || fail "fixture: timeline lacks $cls"
done
# Sources with geolocation and ASN.
grep -q '<table class="sources">' "$dom" || fail "fixture: no sources table"
grep -qF '<td class="w">RO, Bucharest</td><td class="t">AS64511</td>' "$dom" ||
    fail "fixture: the source's place and ASN are not in the table"
# The other party's operations in order, with the refused one.
tr -d '\n' <"$dom" | grep -o '<table class="ops">.*' | sed 's|</table>.*||' |
    grep -oE 'sts:GetCallerIdentity|iam:ListUsers|AccessDenied|iam:PutUserPolicy|iam:CreateAccessKey' |
    head -5 | tr '\n' ' ' >"$WORK/ops.txt"
[ "$(cat "$WORK/ops.txt")" = "sts:GetCallerIdentity iam:ListUsers AccessDenied iam:PutUserPolicy iam:CreateAccessKey " ] ||
    fail "fixture: operations out of order: $(cat "$WORK/ops.txt")"
grep -qF '<td class="w">AKIARTX3GSDSQOUP4RD6 (kt1-e67af113cf3af606a429d356)</td><td class="w">iam:CreateAccessKey</td>' "$dom" ||
    fail "fixture: the credential chain link is missing"
grep -q '<table class="clients">' "$dom" || fail "fixture: no rotation plan table"
grep -q '<table class="late">' "$dom" || fail "fixture: no uses after rotation"
[ "$(grep -o '<h3>Rotation guidance</h3>' "$dom" | wc -l)" = 3 ] || fail "fixture: want guidance for 3 keys"

# 2. A hostile model: its markup stays text in the browser too.
check_hunt_page hostile hostile
dom="$WORK/hostile_dom.out"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$dom" || fail "hostile: hint not shown as text"
grep -qF '"&gt;&lt;img src=x onerror=alert(1)&gt;' "$dom" || fail "hostile: agent not shown as text"
# 3. A real hunt's report: the samples' CloudTrail incident through keytrail hunt itself.
"$KT_BIN" hunt --key AKIARTX3GSDSQOUP4RD6 --geo "$KT_SAMPLES/geo/networks.csv" \
    --report "$WORK/real.json" "$KT_SAMPLES/cloudtrail" >"$WORK/real_hunt.out" 2>&1 || [ $? -eq 1 ] ||
    fail "real: keytrail hunt did not end with status 1: $(cat "$WORK/real_hunt.out")"
check_hunt_page real "$WORK/real.json"
dom="$WORK/real_dom.out"
[ "$(grep -o '<section class="key ' "$dom" | wc -l)" = 2 ] || fail "real: want the key and the one it created"
[ "$(grep -o '<div class="verdict v-yes">' "$dom" | wc -l)" = 2 ] || fail "real: want two yes boxes"
grep -qF "<dd>203.0.113.220</dd>" "$dom" || fail "real: the other party's address is not in a box"
grep -q '<svg class="tl"' "$dom" || fail "real: no SVG timeline"
tr -d '\n' <"$dom" | grep -o '<table class="ops">.*' | sed 's|</table>.*||' |
    grep -oE 'GetCallerIdentity|PutUserPolicy|CreateAccessKey' | uniq | head -3 | tr '\n' ' ' >"$WORK/real_ops.txt"
[ "$(cat "$WORK/real_ops.txt")" = "GetCallerIdentity PutUserPolicy CreateAccessKey " ] ||
    fail "real: operations out of order: $(cat "$WORK/real_ops.txt")"
grep -qF 'AKIARTX3GSDSWGV5VKLP' "$dom" || fail "real: the created key is not named"
echo "hunt_browser: ok"
