#!/usr/bin/env bash
# Builds the playground page into build/web/ (index.html, playground.js with the engine, .css):
# the WebAssembly module when it is missing or older than its sources, then the TypeScript
# API, a type check of web/, and the esbuild bundle. No native build is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs  # Debian's acorn for emcc (toolchain.md, pitfall 1)
if [ ! -f build/wasm/tcpplay.js ] || [ -n "$(find engine wasm_bindings CMakeLists.txt cmake -newer build/wasm/tcpplay.js -print -quit 2>/dev/null)" ]; then
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node >/dev/null
  cmake --build build/wasm -j2
fi
(cd web && npm run --silent build:api && npm run --silent build)
