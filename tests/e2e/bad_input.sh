#!/usr/bin/env bash
# Bad input never crashes and never stops the run; the exit status tells what happened.
source "$(dirname "$0")/lib.bash"

nginx="$KT_SAMPLES/nginx"
good="$nginx/access.log-20261014.gz"

# Clean input: 0. Usage errors: 2. Damaged or unreadable input: 4, and the run goes on.
run clean events "$good"
expect_rc clean 0
run usage events --no-such-option "$good"
expect_rc usage 2
run noargs events
expect_rc noargs 2
run badfmt events --format syslog "$good"
expect_rc badfmt 2
run missing events /nonexistent/keytrail.log "$good"
expect_rc missing 4
expect_grep missing.err "/nonexistent/keytrail.log"
[ "$(wc -l <"$WORK/missing.out")" = "$(wc -l <"$WORK/clean.out")" ] || fail "a missing path stopped the run"

# The truncated archive: report how far it got, keep what was read, go on.
trunc=$(ls "$nginx"/access.log-20261021.gz)
run trunc events "$trunc" "$good"
expect_rc trunc 4
expect_grep trunc.err "truncated"
expect_grep trunc.err "access.log-20261021.gz"
n_trunc=$(grep -c 'access.log-20261021.gz' "$WORK/trunc.out" || true)
[ "$n_trunc" -gt 0 ] || fail "nothing kept from the truncated archive"
n_good=$(grep -c 'access.log-20261014.gz' "$WORK/trunc.out" || true)
[ "$n_good" = "$(wc -l <"$WORK/clean.out")" ] || fail "the file after the damaged one was not read fully"

# Malformed records: counted per reason, reported with file and line, never with content.
run junk events "$nginx/access.log-20261016.gz" "$nginx/access.log-20261019.gz" "$nginx/access.log-20261023.gz"
expect_rc junk 0
expect_grep junk.err "malformed records skipped:.*binary"
expect_grep junk.err "too_long"
expect_grep junk.err "access.log-2026101[69].gz:[0-9]*: malformed record skipped"

# Pipes: compression is detected from content on standard input.
cat "$good" | "$KT_BIN" events - >"$WORK/pipe.out" 2>"$WORK/pipe.err"
cmp -s "$WORK/pipe.out" <(sed 's#"file":"[^"]*"#"file":"(stdin)"#' "$WORK/clean.out") ||
    fail "gzip through a pipe differs from the file"
zst=$(ls "$KT_SAMPLES"/traefik/*.zst)
"$KT_BIN" events - <"$zst" >"$WORK/zpipe.out" 2>/dev/null
[ "$(wc -l <"$WORK/zpipe.out")" -gt 10 ] || fail "zstd through a pipe"

# Concatenated gzip members (as logrotate and CloudTrail write them) are read whole.
cat "$good" "$good" >"$WORK/twice.gz"
run twice events "$WORK/twice.gz"
expect_rc twice 0
[ "$(wc -l <"$WORK/twice.out")" = "$(( 2 * $(wc -l <"$WORK/clean.out") ))" ] || fail "multi-member gzip"

# Hostile files: random bytes, a gzip bomb guard is not tested here (see unit tests), an empty
# file, a directory of README files, a huge line.
head -c 200000 /dev/urandom >"$WORK/random.bin"
: >"$WORK/empty.log"
printf 'just prose\nabout logs\n' >"$WORK/README"
run hostile events "$WORK/random.bin" "$WORK/empty.log" "$WORK/README" "$good"
case "$(rc_of hostile)" in 0 | 4) ;; *) fail "hostile input: exit $(rc_of hostile)" ;; esac
[ "$(grep -c 'access.log-20261014.gz' "$WORK/hostile.out")" = "$(wc -l <"$WORK/clean.out")" ] ||
    fail "hostile files stopped the run"
{ head -c 3000000 /dev/zero | tr "\\0" a; echo; { zcat "$good" || true; } | head -3; } >"$WORK/long.log"
run long events --max-line 64K "$WORK/long.log"
expect_grep long.err "too_long 1"
[ "$(wc -l <"$WORK/long.out")" = 3 ] || fail "lines after a huge line were lost"

# Output closed early (| head) must not hang or print a storm.
{ "$KT_BIN" events "$KT_SAMPLES" 2>/dev/null || true; } | head -1 >/dev/null
echo "ok"
