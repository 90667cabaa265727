#!/usr/bin/env bash
# The whole test suite. First the README's quick start as written (its Release build, -O3, here
# with -Werror, and its scan of samples/, which must end with status 21 and the keys to rotate
# the README shows), then every unit, fuzz-replay and end-to-end test through ctest in that build
# and in an ASan+UBSan build (-O2). Usage: tests/run.sh [-j N]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
if [ "${1:-}" = "-j" ] && [ -n "${2:-}" ]; then jobs=$2; fi

# The README's first command, run without its install step (.ci/run installs the packages):
# "sudo apt-get install ... && cmake -S . -B build ... && cmake --build build ... && ./build/
# keytrail scan ...", each step taken from the README so that the two cannot drift apart.
quick_start() {
    local cmd
    cmd=$(awk '/^## Quick start/ { q = 1 } q && /^```sh$/ { getline; print; exit }' README.md)
    local -a steps
    mapfile -t steps < <(printf '%s\n' "$cmd" | sed 's/ && /\n/g')
    if [ "${#steps[@]}" -ne 4 ] || [[ ${steps[0]} != "sudo apt-get install -y "* ]] ||
        [[ ${steps[1]} != "cmake -S . -B build "* ]] ||
        [[ ${steps[2]} != "cmake --build build "* ]] ||
        [[ ${steps[3]} != "./build/keytrail scan "* ]]; then
        echo "README: the quick start is not 'install && configure && build && scan'" >&2
        return 1
    fi
    echo "+ ${steps[1]} -DKT_WERROR=ON"
    eval "${steps[1]} -DKT_WERROR=ON" >/dev/null
    echo "+ ${steps[2]}"
    eval "${steps[2]}"
    echo "+ ${steps[3]}"
    local rc=0
    eval "${steps[3]}" >build/quick-start.out 2>build/quick-start.err || rc=$?
    if [ "$rc" -ne 21 ]; then
        echo "quick start: the scan exited with $rc, the README says 21" >&2
        cat build/quick-start.err >&2
        return 1
    fi
    # The summary as the README shows it, line for line: the counts, the keys to rotate and
    # their reasons (the block ends with an elided "  investigate …").
    local want got
    want=$(awk '/^The scan ends with a summary/ { q = 1 } q && /^```$/ { n++; next }
                q && n == 1 && !/^  investigate …$/
                q && n == 2 { exit }' README.md)
    got=$(sed -n '/^keytrail: [0-9]* keys seen/,$p' build/quick-start.err |
          head -n "$(printf '%s\n' "$want" | wc -l)")
    if [ -z "$want" ] || [ "$got" != "$want" ]; then
        echo "quick start: the summary differs from the README's" >&2
        diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") >&2 || true
        return 1
    fi
    echo "quick start: exit status 21 and the $(grep -c '^  rotate ' <<<"$got") keys to rotate" \
        "of the README"
}

run_suite() {
    local dir=$1; shift
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKT_WERROR=ON "$@" >/dev/null
    cmake --build "$dir" -j "$jobs"
    ctest --test-dir "$dir" --output-on-failure -j "$jobs"
}

echo "== the README's quick start (Release build with -Werror, scan of samples/)"
quick_start
echo "== release build: the tests"
ctest --test-dir build --output-on-failure -j "$jobs"
echo "== sanitizer build (ASan + UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite build-asan -DKT_SANITIZE=ON
echo "all tests passed"
