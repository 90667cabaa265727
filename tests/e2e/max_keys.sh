#!/usr/bin/env bash
# --max-keys: `scan` and `keys` hold at most N keys; past it the least recently used are
# evicted, a key with findings (here a declared leak) is kept, the stderr summary and every
# report say how many went, capped runs are deterministic, and the cap bounds memory.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || fail "jq is required"
command -v python3 >/dev/null || fail "python3 is required"

# gen COUNT FILE: the leaked token's one use first (so it is the least recently used key), then
# COUNT records with a distinct random bearer token each.
leaked_tok=Zq8vR2mX4kL9pT6wB3nY7cF1hJ5dG0sA
gen() {
    python3 - "$1" "$2" "$leaked_tok" <<'EOF'
import random, sys
n, path, leaked = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = random.Random(7)
alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
line = ('{"started_at":%d,"client_ip":"10.0.%d.%d","request":{"method":"GET","uri":"/v1/x",'
        '"headers":{"authorization":"Bearer %s"}},"response":{"status":200}}\n')
with open(path, "w") as out:
    out.write(line % (1790000000000, 0, 1, leaked))
    for i in range(n):
        tok = "".join(rng.choices(alpha, k=32))
        out.write(line % (1790000000000 + (i + 1) * 1000, (i >> 8) & 255, i & 255, tok))
EOF
}
gen 3000 "$WORK/k3000.jsonl"
printf '%s\n' "$leaked_tok" >"$WORK/leaked.txt"
leaked_id=$(printf '%s' "$leaked_tok" | "$KT_BIN" fingerprint | cut -d' ' -f1)

# Uncapped (the default cap is far above 3 001 keys): nothing is evicted.
run full scan --leaked "$WORK/leaked.txt" --alerts /dev/null -r "$WORK/full.json" "$WORK/k3000.jsonl"
expect_rc full 1
jq -e '.totals.keys == 3001 and .totals.evicted == 0 and .totals.max_keys == 1000000' \
    "$WORK/full.json" >/dev/null || fail "uncapped totals: $(jq -c .totals "$WORK/full.json")"
grep -q "evicted" "$WORK/full.err" && fail "an uncapped run reports evictions"

# Capped at 100: 2 901 keys go, the leaked key (the oldest, but at rotate) stays.
cap=(--max-keys 100 --leaked "$WORK/leaked.txt" --alerts "$WORK/c1.alerts")
run c1 scan "${cap[@]}" -r "$WORK/c1.json" -r "$WORK/c1.md" -r "$WORK/c1.html" "$WORK/k3000.jsonl"
expect_rc c1 1
jq -e '.totals.keys == 100 and .totals.evicted == 2901 and .totals.max_keys == 100 and
       .totals.evicted_rotate == 0 and .totals.rotate == 1 and (.keys | length) == 100' \
    "$WORK/c1.json" >/dev/null || fail "capped totals: $(jq -c .totals "$WORK/c1.json")"
jq -e --arg k "$leaked_id" '.keys[0].key == $k and .keys[0].verdict == "rotate"' \
    "$WORK/c1.json" >/dev/null || fail "the leaked key was evicted or lost its verdict"
# The keys kept are the 99 most recently used random ones: the last 99 lines of the log.
last=$(tail -n 99 "$WORK/k3000.jsonl" | "$KT_BIN" events -q - | jq -r .key | sort)
kept=$(jq -r --arg k "$leaked_id" '.keys[] | select(.key != $k) | .key' "$WORK/c1.json" | sort)
[ "$last" = "$kept" ] || fail "the keys kept are not the most recently used"
expect_grep c1.err "keys seen: 1 to rotate"
expect_grep c1.err "--max-keys 100 reached: 2 901 keys evicted, least recently used first (0 at rotate"
expect_grep c1.md "| keys evicted at the cap of 100 (least recently used first) | 2901 |"
expect_grep c1.html "<tr><th>keys evicted at the cap of 100 (least recently used first)</th><td class=\"n\">2901</td></tr>"

# Deterministic: the same input evicts the same keys.
run c2 scan "${cap[@]/c1.alerts/c2.alerts}" -r "$WORK/c2.json" "$WORK/k3000.jsonl"
cmp -s "$WORK/c1.json" "$WORK/c2.json" || fail "capped reports differ between runs"
cmp -s "$WORK/c1.alerts" "$WORK/c2.alerts" || fail "capped alerts differ between runs"

# A cap of 1 still keeps the leaked key's verdict: evicting it is counted and sets status 1.
run one scan --max-keys 1 --leaked "$WORK/leaked.txt" --alerts /dev/null -r "$WORK/one.json" \
    "$WORK/k3000.jsonl"
expect_rc one 1
jq -e '.totals.keys == 1 and .totals.evicted == 3000 and .totals.evicted_rotate == 1 and
       .totals.rotate == 0' "$WORK/one.json" >/dev/null ||
    fail "cap 1 totals: $(jq -c .totals "$WORK/one.json")"
expect_grep one.err "(1 at rotate, 0 at investigate when evicted"

# keys: the inventory is capped the same way.
run k keys --max-keys 100 -j "$WORK/k3000.jsonl"
expect_rc k 0
[ "$(wc -l <"$WORK/k.out")" = 100 ] || fail "keys --max-keys 100 printed $(wc -l <"$WORK/k.out") keys"
expect_grep k.err "--max-keys 100 reached: 2 901 keys evicted, least recently used first; the 100 kept"
run kt keys --max-keys 100 "$WORK/k3000.jsonl"
[ "$(wc -l <"$WORK/kt.out")" = 101 ] || fail "the keys table is not capped"

# Bad values are usage errors; commands without per-key state do not take the option.
for bad in 0 -5 abc 12x 1000000001; do
    run bad scan --max-keys "$bad" "$WORK/k3000.jsonl"
    expect_rc bad 2
    expect_grep bad.err "--max-keys: expected a number from 1 to 1000000000"
done
run ev events --max-keys 10 "$WORK/k3000.jsonl"
expect_rc ev 2

# Memory: 30 000 keys at a cap of 100 must save at least 1 KiB per key over the default cap
# (a key costs about 2.5 KiB in scan).
gen 30000 "$WORK/k30000.jsonl"
peak_kb() {
    python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
big=$(peak_kb "$KT_BIN" scan -q --alerts /dev/null -r "$WORK/m.json" "$WORK/k30000.jsonl")
small=$(peak_kb "$KT_BIN" scan -q --max-keys 100 --alerts /dev/null -r "$WORK/m.json" \
    "$WORK/k30000.jsonl")
((big - small > 29900)) || fail "--max-keys 100 used ${small} KiB, the default cap ${big} KiB"
kbig=$(peak_kb "$KT_BIN" keys -q "$WORK/k30000.jsonl")
ksmall=$(peak_kb "$KT_BIN" keys -q --max-keys 100 "$WORK/k30000.jsonl")
((kbig - ksmall > 14950)) || fail "keys --max-keys 100 used ${ksmall} KiB, uncapped ${kbig} KiB"
echo "max_keys: ok (scan ${big} -> ${small} KiB, keys ${kbig} -> ${ksmall} KiB for 30 001 keys)"
