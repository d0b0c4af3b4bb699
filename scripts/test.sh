#!/usr/bin/env bash
# Runs every test: the engine's doctest suite (through ctest), then the WebAssembly module and its
# JavaScript API with Node's test runner (tests/wasm), then the playground page in headless
# Chromium (tests/web, after building build/web). Ends with "N passed, N failed".
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

# The WebAssembly module (build/wasm/tcpplay.js), the TypeScript API (build/api), node tests.
wasm_build() {
  export NODE_PATH=/usr/share/nodejs  # Debian's acorn for emcc (toolchain.md, pitfall 1)
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node >/dev/null &&
    cmake --build build/wasm -j2 &&
    (cd web && npm run --silent build:api)
}
# Runs `node --test DIR` and adds its TAP counts to the totals (a run that prints none is a failure).
node_tests() {
  node --test "$1" | tee "$log"
  local p f
  p=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$log" | tail -1)
  f=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$log" | tail -1)
  if [ -n "$p" ] && [ -n "$f" ]; then
    passed=$((passed + p)); failed=$((failed + f))
  else
    failed=$((failed + 1))
  fi
}
if wasm_build; then
  node_tests tests/wasm/
else
  echo "wasm build failed"
  failed=$((failed + 1))
fi

# The playground page (build/web): type check, bundle, then the browser tests.
if (cd web && npm run --silent build); then
  node_tests tests/web/
else
  echo "web build failed"
  failed=$((failed + 1))
fi
rm -f "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
