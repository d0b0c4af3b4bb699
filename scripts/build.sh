#!/usr/bin/env bash
# Native build: engine library, the tcpplay CLI and the doctest suite, in build/native.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$(nproc)"
