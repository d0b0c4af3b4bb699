#!/usr/bin/env bash
# Sanitizers (issue 9): builds the whole doctest suite with TCPPLAY_SANITIZE=ON (AddressSanitizer
# + UndefinedBehaviorSanitizer, every report fatal) into build/asan and runs it through ctest.
# Ends with "N passed, N failed" like scripts/test.sh; each failing test prints its report.
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(( $(nproc) < 2 ? $(nproc) : 2 ))
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPPLAY_SANITIZE=ON >/dev/null &&
  cmake --build build/asan -j"$jobs" --target engine_tests tcpplay >/dev/null ||
  { echo "asan build failed"; echo "0 passed, 1 failed"; exit 1; }
# Leaks count as failures too (LeakSanitizer runs at exit); stack traces for UBSan reports.
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
log=$(mktemp)
( cd build/asan && ctest --output-on-failure -j"$jobs" ) | tee "$log"
line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
rm -f "$log"
if [ -z "$line" ]; then echo "0 passed, 1 failed"; exit 1; fi
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
failed=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
echo "asan+ubsan: $((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
