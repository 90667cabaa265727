# Shared helpers for the end-to-end tests. Each test script sources this file; ctest sets
# KT_BIN (the built binary), KT_SAMPLES (samples/) and KT_TESTS (tests/).
set -euo pipefail
: "${KT_BIN:?KT_BIN must point at the keytrail binary}"
: "${KT_SAMPLES:?KT_SAMPLES must point at samples/}"
: "${KT_TESTS:?KT_TESTS must point at tests/}"

WORK=$(mktemp -d /tmp/keytrail-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# run NAME ARGS...: runs keytrail, keeping stdout in $WORK/NAME.out, stderr in $WORK/NAME.err
# and the exit status in $WORK/NAME.rc (never aborts the script on a non-zero status).
run() {
    local name=$1
    shift
    local rc=0
    "$KT_BIN" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
    echo "$rc" >"$WORK/$name.rc"
}

rc_of() { cat "$WORK/$1.rc"; }

expect_rc() {
    local got
    got=$(rc_of "$1")
    [ "$got" = "$2" ] || fail "$1: exit status $got, want $2 (stderr: $(head -c 600 "$WORK/$1.err"))"
}

expect_grep() { # expect_grep NAME.{out,err} PATTERN
    grep -q -e "$2" "$WORK/$1" || fail "$1 lacks /$2/"
}

# The raw tokens planted in samples/ (one per line, comments stripped).
known_tokens() {
    grep -v '^#' "$KT_TESTS/fixtures/known_tokens.txt" | grep -v '^$'
}
