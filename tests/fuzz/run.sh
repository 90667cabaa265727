#!/usr/bin/env bash
# Fuzzes every harness (tests/fuzz/fuzz_*.c) with libFuzzer for a time budget each, seeded from
# tests/fuzz/seeds/<harness>/, tests/fixtures and samples, and fails on any crash, leak, UB or
# timeout. Builds the clang tree first when needed.
#
#   tests/fuzz/run.sh [--build DIR] [SECONDS] [HARNESS...]
#
# SECONDS per harness (default 30); HARNESS names (fuzz_cred ...) limit the run; DIR is the
# clang build tree (default build-fuzz). New corpus inputs are kept in DIR/fuzz-corpus/<harness>
# (so later runs start further), crashes in DIR/fuzz-crashes/. Per harness, optional files next
# to its source: <harness>.dict (a libFuzzer dictionary) and <harness>.options (extra libFuzzer
# flags, one per line). KT_FUZZ_CC picks another clang. Exit status: 0 clean, 1 a harness
# failed, 77 clang or libFuzzer missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
fuzz_dir=$root/tests/fuzz
build=$root/build-fuzz
secs=30
names=()
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift 2 ;;
    --help | -h) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) secs=$1; shift ;;
    *) names+=("$1"); shift ;;
    esac
done
mkdir -p "$build"
build=$(cd "$build" && pwd)
if [ ${#names[@]} -eq 0 ]; then
    for src in "$fuzz_dir"/fuzz_*.c; do names+=("$(basename "$src" .c)"); done
fi

cc=${KT_FUZZ_CC:-clang} # not $CC: a CI that exports CC=gcc must still fuzz with clang
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "fuzz: $cc not installed (apt-get install clang libclang-rt-14-dev); skipped"
    exit 77
fi
probe=$(mktemp -d /tmp/keytrail-fuzz-probe.XXXXXX)
trap 'rm -rf "$probe"' EXIT
cat >"$probe/p.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
EOF
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
    echo "fuzz: $cc cannot link libFuzzer (apt-get install libclang-rt-14-dev); skipped"
    exit 77
fi

# Configured every time (cheap), so a harness added since the last run has a target.
if [ ! -f "$build/CMakeCache.txt" ]; then
    # Warnings are gcc's job (-Werror there); here they would only stop the fuzzing.
    CC=$cc cmake -S "$root" -B "$build" -DKT_FUZZ=ON -DKT_WERROR=OFF \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
else
    cmake -S "$root" -B "$build" >/dev/null
fi
started=$(date +%s)
cmake --build "$build" -j "${KT_FUZZ_JOBS:-2}" --target "${names[@]}" >"$probe/build.log" 2>&1 ||
    { tail -40 "$probe/build.log"; echo "fuzz: build failed"; exit 1; }
echo "fuzz: built ${#names[@]} harnesses in $(($(date +%s) - started)) s; ${secs} s each"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/fuzz-crashes"
failed=0
printf '%-16s %12s %10s %8s %8s  %s\n' harness execs exec/s cov corpus result
for name in "${names[@]}"; do
    bin=$build/tests/$name
    corpus=$build/fuzz-corpus/$name
    mkdir -p "$corpus"
    seeds=()
    [ -d "$fuzz_dir/seeds/$name" ] && seeds+=("$fuzz_dir/seeds/$name")
    seeds+=("$root/tests/fixtures" "$root/samples")
    flags=(-max_total_time="$secs" -timeout=30 -rss_limit_mb=2560 -max_len=65536
        -print_final_stats=1 -artifact_prefix="$build/fuzz-crashes/$name-")
    [ -f "$fuzz_dir/$name.dict" ] && flags+=(-dict="$fuzz_dir/$name.dict")
    if [ -f "$fuzz_dir/$name.options" ]; then
        while read -r opt; do
            case $opt in '' | '#'*) ;; *) flags+=("$opt") ;; esac
        done <"$fuzz_dir/$name.options"
    fi
    log=$build/fuzz-crashes/$name.log
    rc=0
    "$bin" "${flags[@]}" "$corpus" "${seeds[@]}" >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    files=$(find "$corpus" -type f | wc -l)
    result=ok
    if [ "$rc" -ne 0 ]; then
        result="FAILED (exit $rc; log $log)"
        failed=1
    fi
    printf '%-16s %12s %10s %8s %8s  %s\n' "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
        "$files" "$result"
    if [ "$rc" -ne 0 ]; then
        grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -12 | sed 's/^/    /'
        echo "    reproduce: $bin <the artifact above>"
    fi
done
exit $failed
