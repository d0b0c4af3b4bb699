#!/usr/bin/env bash
# Fuzzing (issue 9): builds the libFuzzer targets of tests/fuzz with clang++ (ASan + UBSan) into
# build/fuzz and runs each for a bounded time, starting from its committed seed corpus and the
# regression inputs, two targets at a time. Usage: ./scripts/fuzz.sh [seconds per target, default 60] [target ...]
# New interesting inputs go to build/fuzz/corpus/<target>/; crashes to
# build/fuzz/artifacts/<target>/ (add them to tests/fuzz/regressions/<target>/, see
# tests/fuzz/README.md). Exit status 1 if any target found a crash.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(packet_parser scenario_loader crafted_segment)
jobs=$(( $(nproc) < 2 ? $(nproc) : 2 ))

CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPPLAY_FUZZ=ON \
  -DTCPPLAY_TESTS=OFF >/dev/null || exit 2
cmake --build build/fuzz -j"$jobs" --target fuzz_targets >/dev/null || { echo "fuzz: build failed"; exit 2; }

# One target per core at a time (each still runs its full time): CI's 2 cores fuzz the three
# targets in two rounds instead of three.
run_target() {
  local t=$1
  local bin=build/fuzz/tests/fuzz/fuzz_$t
  local work=build/fuzz/corpus/$t
  local artifacts=build/fuzz/artifacts/$t
  mkdir -p "$work" "$artifacts" "tests/fuzz/regressions/$t"
  local dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  local log=build/fuzz/$t.log
  # The first corpus folder receives new inputs; the committed ones are only read.
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
    "$work" "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t" >"$log" 2>&1
  local rc=$?
  local runs rate
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  if [ $rc -eq 0 ]; then
    echo "fuzz $t: ok, ${runs:-?} executions in ${seconds}s (${rate:-?}/s)"
  else
    echo "fuzz $t: FAILED (exit $rc) after ${runs:-?} executions; log $log, inputs in $artifacts/"
    grep -m1 -E "ERROR: |runtime error|fuzz_$t: " "$log" || true
    return 1
  fi
}

status=0
pids=()
for t in "${targets[@]}"; do
  if [ ${#pids[@]} -ge "$jobs" ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
  run_target "$t" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
