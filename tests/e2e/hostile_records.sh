#!/usr/bin/env bash
# Hostile input through the CLI: a bad record costs only itself and says where it is, damage is
# never hidden behind "format not recognised", each file is read once however many links lead
# to it, and a huge --max-line costs no memory until a record needs it.
source "$(dirname "$0")/lib.bash"

# malformed COUNT in a run's stderr ("keytrail: N malformed records skipped: ...").
malformed() { sed -n 's/^keytrail: \([0-9]*\) malformed records skipped.*/\1/p' "$WORK/$1.err"; }

# ct_record I [BAD]: one CloudTrail record; BAD makes its eventName an unquoted word.
ct_record() {
    local name='"ListBuckets"'
    [ -n "${2:-}" ] && name='ListBuckets'
    printf '{"eventVersion":"1.08","eventTime":"2026-11-02T14:%02d:%02dZ","eventSource":"s3.amazonaws.com","eventName":%s,"sourceIPAddress":"198.51.100.1","userIdentity":{"accessKeyId":"AKIAY34FZKBOKMUTVV7A","arn":"arn:aws:iam::1:user/a,b]}"}}' \
        $((I / 60 % 60)) $((I % 60)) "$name"
}

# trail N BAD SEP: a delivery file of N records, record BAD (1-based) malformed, records joined
# by SEP ("," compact, ",\n" one per line).
trail() {
    local n=$1 bad=$2 sep=$3
    printf '{"Records":['
    for ((I = 1; I <= n; I++)); do
        [ "$I" -gt 1 ] && printf '%b' "$sep"
        if [ "$I" = "$bad" ]; then ct_record "$I" bad; else ct_record "$I"; fi
    done
    printf ']}\n'
}

# --- 2. a bad record loses only itself, and is located -------------------------------------
for sep in ',' ',\n'; do
    for bad in 1 10 1000; do
        trail 1000 "$bad" "$sep" >"$WORK/trail.json"
        run trail events "$WORK/trail.json"
        expect_rc trail 0
        n=$(wc -l <"$WORK/trail.out")
        [ "$n" = 999 ] || fail "record $bad of 1000 bad (sep '$sep'): $n events, want 999"
        [ "$(malformed trail)" = 1 ] || fail "record $bad bad: $(malformed trail) malformed, want 1"
        expect_grep trail.err "trail.json:[0-9]* (record $bad, byte [0-9]*): malformed record skipped (json)"
    done
done
# The byte offset is the record's own: bytes before it are 12 + 9 records and their commas.
trail 1000 10 ',' >"$WORK/trail.json"
off=$(grep -bo '"eventName":ListBuckets' "$WORK/trail.json" | cut -d: -f1)
start=$(head -c "$off" "$WORK/trail.json" | grep -bo '{"eventVersion"' | tail -1 | cut -d: -f1)
run at events "$WORK/trail.json"
expect_grep at.err "trail.json:1 (record 10, byte $start)"
# A missing comma between records is one malformed record, not silently accepted.
trail 20 0 ',' | sed 's/},{"eventVersion":"1.08","eventTime":"2026-11-02T14:00:05Z"/}{"eventVersion":"1.08","eventTime":"2026-11-02T14:00:05Z"/' >"$WORK/nocomma.json"
run nocomma events "$WORK/nocomma.json"
[ "$(wc -l <"$WORK/nocomma.out")" = 19 ] || fail "missing comma: $(wc -l <"$WORK/nocomma.out") events"
[ "$(malformed nocomma)" = 1 ] || fail "missing comma: not reported"
expect_grep nocomma.err "(record 5, byte [0-9]*)"

# --- 3. damage is never hidden -----------------------------------------------------------------
printf '203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] "GET /v1/x HTTP/1.1" 200 5 "-" "curl/8"\n%.0s' 1 2 3 |
    gzip -9n >"$WORK/full.gz"
len=$(stat -c %s "$WORK/full.gz")
mkdir "$WORK/cut"
# From 2 bytes on: a lone 0x1f byte cannot be told from a one-byte plain file.
for ((k = 2; k < len; k++)); do
    head -c "$k" "$WORK/full.gz" >"$WORK/cut/c.log.gz"
    run cutfile events "$WORK/cut/c.log.gz"
    run cutdir events "$WORK/cut"
    "$KT_BIN" events - <"$WORK/cut/c.log.gz" >"$WORK/cutpipe.out" 2>"$WORK/cutpipe.err" && rc=0 || rc=$?
    # 4 (damage), plus 32 when the cut came before the first whole line (nothing usable read).
    for name in cutfile cutdir cutpipe; do
        want=4
        [ -s "$WORK/$name.out" ] || want=36
        got=$rc
        [ "$name" = cutpipe ] || got=$(rc_of $name)
        [ "$got" = "$want" ] || fail "gzip cut at $k of $len ($name): exit $got, want $want"
        grep -q -e 'format not recognised' -e 'not a known format' "$WORK/$name.err" && fail "gzip cut at $k: damage shown as unknown format"
    done
    grep -q 'truncated' "$WORK/cutpipe.err" || fail "gzip cut at $k (stdin): damage not reported"
done

# --- 4. each file is read once -----------------------------------------------------------------
# A 22-level diamond of symbolic links: 4 194 304 paths to one line.
mkdir -p "$WORK/dia/top"
prev=$WORK/dia/top
for ((i = 1; i <= 22; i++)); do
    mkdir "$WORK/dia/d$i"
    ln -s "$WORK/dia/d$i" "$prev/a"
    ln -s "$WORK/dia/d$i" "$prev/b"
    prev=$WORK/dia/d$i
done
printf '203.0.113.9 - - [02/Nov/2026:14:00:05 +0000] "GET /v1/x HTTP/1.1" 200 5 "-" "curl/8"\n' >"$prev/x.log"
timeout 60 "$KT_BIN" events "$WORK/dia/top" "$WORK/dia/top" "$prev/x.log" >"$WORK/dia.out" 2>"$WORK/dia.err" ||
    fail "diamond: exit $? ($(head -c 300 "$WORK/dia.err"))"
[ "$(wc -l <"$WORK/dia.out")" = 1 ] || fail "diamond: $(wc -l <"$WORK/dia.out") events, want 1"
grep -q '^keytrail: 24 inputs skipped: already read through another path' "$WORK/dia.err" ||
    fail "diamond: duplicates not counted ($(head -c 300 "$WORK/dia.err"))"

# --- 5. line buffers grow on demand --------------------------------------------------------
# Peak RSS of a child, in KiB, through python3 or GNU time; skipped when neither is there.
peak_kib() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
    elif [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1
    fi
}
small=$WORK/dia/d22/x.log
base=$(peak_kib "$KT_BIN" events --max-line 1M "$small")
huge=$(peak_kib "$KT_BIN" events --max-line 1024M "$small")
# Under AddressSanitizer a large malloc costs shadow memory even untouched: not measured there.
sanitized=no
grep -qs '^KT_SANITIZE:BOOL=ON' "${KT_BUILD_DIR:-/nonexistent}/CMakeCache.txt" && sanitized=yes
if [ -n "$base" ] && [ -n "$huge" ] && [ "$sanitized" = no ]; then
    [ "$huge" -lt $((base + 16384)) ] ||
        fail "--max-line 1024M on a 1-line file: peak RSS ${huge} KiB, with 1M: ${base} KiB"
fi
# A 3 MB record (over the initial buffer, under the cap) still parses, in both modes.
{
    printf '{"time":"2026-11-02T14:00:05Z","ip":"203.0.113.1","path":"/x","pad":"'
    head -c 3000000 /dev/zero | tr '\0' y
    printf '"}\n{"time":"2026-11-02T14:00:06Z","ip":"203.0.113.1","path":"/y"}\n'
} >"$WORK/long.jsonl"
run long events --max-line 8M "$WORK/long.jsonl"
expect_rc long 0
[ "$(wc -l <"$WORK/long.out")" = 2 ] || fail "a 3 MB JSON line under an 8M cap was not parsed"
{
    printf '[{"time":"2026-11-02T14:00:05Z","ip":"203.0.113.1","path":"/x","pad":"'
    head -c 3000000 /dev/zero | tr '\0' y
    printf '"},{"time":"2026-11-02T14:00:06Z","ip":"203.0.113.1","path":"/y"}]'
} >"$WORK/long.json"
run longarr events --max-line 8M "$WORK/long.json"
expect_rc longarr 0
[ "$(wc -l <"$WORK/longarr.out")" = 2 ] || fail "a 3 MB array element under an 8M cap was not parsed"
echo "ok"
