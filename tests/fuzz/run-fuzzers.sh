#!/bin/sh
# Runs every libFuzzer target of a fuzz build for a bounded time each, over a copy of its seed
# corpus, and fails if any of them finds a crash, a leak, a timeout or runs out of memory.
#
#   tests/fuzz/run-fuzzers.sh BUILD-DIR SECONDS [TARGET...]
#
# BUILD-DIR is a build of the fuzz preset (cmake --preset fuzz && cmake --build --preset fuzz),
# SECONDS the time per target (libFuzzer's -max_total_time). TARGETs are names such as runjson;
# the default is every target. New inputs libFuzzer finds go to the copy, never into
# tests/fuzz/corpus; a crashing input is kept as BUILD-DIR/fuzz-runs/crashes/<target>/crash-*:
# copy it into tests/fuzz/corpus/<target>/ once fixed, as its regression test. One summary line
# per target (seconds, executions, executions per second) goes to standard output.
set -eu

if [ $# -lt 2 ]; then
    echo "usage: $0 BUILD-DIR SECONDS [TARGET...]" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
seconds=$2
shift 2
source=$(cd "$(dirname "$0")" && pwd)
targets=${*:-workerprotocol durationspec workloadflags preset runjson jsonescape}

runs="$build/fuzz-runs"
mkdir -p "$runs/corpus" "$runs/crashes" "$runs/logs"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=""
for target in $targets; do
    binary="$build/bin/fuzz_$target"
    if [ ! -x "$binary" ]; then
        echo "$target: no $binary (build the fuzz preset first)" >&2
        failed="$failed $target"
        continue
    fi
    corpus="$runs/corpus/$target"
    # Only this target's folders: the fuzz preset's ctest runs one target per test, in parallel.
    rm -rf "$corpus"
    mkdir -p "$corpus" "$runs/crashes/$target"
    cp "$source/corpus/$target"/* "$corpus/"
    log="$runs/logs/$target.log"
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb: 2 GB is a runaway allocation.
    # Inputs up to 64 KB: large enough for run files with many events, deep nesting.
    # The words of the target's input (JSON keys, protocol verbs, flags), when it has them.
    dict=""
    if [ -f "$source/dict/$target.dict" ]; then
        dict="-dict=$source/dict/$target.dict"
    fi
    status=0
    "$binary" "$corpus" $dict \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$runs/crashes/$target/" -print_final_stats=1 \
        >"$log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    if [ "$status" -ne 0 ]; then
        echo "$target: FAILED (exit $status) after ${executions:-?} executions; see $log" \
            "and $runs/crashes/$target/"
        grep -E "ERROR: |FUZZ_CHECK|SUMMARY" "$log" | head -n 5 >&2 || true
        failed="$failed $target"
    else
        echo "$target: ${seconds} s, ${executions:-?} executions (${speed:-?}/s), no crash"
    fi
done

if [ -n "$failed" ]; then
    echo "fuzzing found problems in:$failed" >&2
    exit 1
fi
