#!/usr/bin/env bash
# Runs every test: the engine's doctest suite (through ctest). Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh || exit 2
./scripts/build.sh || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
passed=0; failed=0
log=$(mktemp)
( cd build/native && ctest --output-on-failure -j"$(nproc)" ) | tee "$log"
line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
if [ -n "$line" ]; then
  total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
  f=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
  passed=$((passed + total - f)); failed=$((failed + f))
else
  failed=$((failed + 1))
fi
rm -f "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
