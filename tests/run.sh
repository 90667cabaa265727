#!/usr/bin/env bash
# The whole test suite: a normal build and an ASan+UBSan build, each running every unit,
# fuzz-replay and end-to-end test through ctest. Usage: tests/run.sh [-j N]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
if [ "${1:-}" = "-j" ] && [ -n "${2:-}" ]; then jobs=$2; fi

run_suite() {
    local dir=$1; shift
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    cmake --build "$dir" -j "$jobs"
    ctest --test-dir "$dir" --output-on-failure -j "$jobs"
}

echo "== release build"
run_suite build
echo "== sanitizer build (ASan + UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite build-asan -DKT_SANITIZE=ON
echo "all tests passed"
