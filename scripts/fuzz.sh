#!/usr/bin/env bash
# Fuzzing (issue 9): builds the libFuzzer targets of tests/fuzz with clang++ (ASan + UBSan) into
# build/fuzz and runs each for a bounded time, starting from its committed seed corpus and the
# regression inputs. Usage: ./scripts/fuzz.sh [seconds per target, default 60] [target ...]
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

status=0
for t in "${targets[@]}"; do
  bin=build/fuzz/tests/fuzz/fuzz_$t
  work=build/fuzz/corpus/$t
  artifacts=build/fuzz/artifacts/$t
  mkdir -p "$work" "$artifacts" "tests/fuzz/regressions/$t"
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  log=build/fuzz/$t.log
  # The first corpus folder receives new inputs; the committed ones are only read.
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
    "$work" "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  if [ $rc -eq 0 ]; then
    echo "fuzz $t: ok, ${runs:-?} executions in ${seconds}s (${rate:-?}/s)"
  else
    status=1
    echo "fuzz $t: FAILED (exit $rc) after ${runs:-?} executions; log $log, inputs in $artifacts/"
    grep -m1 -E "ERROR: |runtime error|fuzz_$t: " "$log" || true
  fi
done
exit $status
