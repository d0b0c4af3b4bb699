#!/usr/bin/env bash
# Builds the playground and opens it. Until the web UI exists (next wave, which will serve it on
# 127.0.0.1 and print the URL), this runs a lesson through the native CLI and prints its trace.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
./scripts/build.sh
example=${1:-examples/01-handshake.json}
./build/native/tcpplay run "$example"
