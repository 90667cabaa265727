#!/usr/bin/env bash
# `keytrail watch` (issue 8 §6): latency, rotation styles, pipes, SIGHUP, checkpoints, --max-keys
# (tests/e2e/watch_live.py), with inotify and with the polling fallback; usage errors.
source "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || fail "python3 is required"
python3 "$KT_TESTS/e2e/watch_live.py" "$KT_BIN" "$WORK"
python3 "$KT_TESTS/e2e/watch_live.py" "$KT_BIN" "$WORK" --poll

run dir watch "$KT_SAMPLES"
expect_rc dir 2
expect_grep dir.err "a directory: watch follows files"
run badck watch --checkpoint soon "$WORK/x.log"
expect_rc badck 2
run badout watch --alerts /nonexistent/a.jsonl "$WORK/x.log"
expect_rc badout 2
# Every record of the samples' nginx day through a pipe gives what scan gives.
zcat "$KT_SAMPLES/nginx/access.log-20261014.gz" >"$WORK/day.log"
run scanned scan -q --alerts "$WORK/scan.jsonl" "$WORK/day.log"
"$KT_BIN" watch -q --alerts "$WORK/watch.jsonl" - <"$WORK/day.log" 2>/dev/null || true
cmp -s "$WORK/scan.jsonl" "$WORK/watch.jsonl" || fail "watch over a pipe alerts differently from scan"
echo ok
