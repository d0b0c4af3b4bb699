#!/usr/bin/env bash
# Builds the playground page and serves it: http://127.0.0.1:PORT/ (the first free port from
# 8000). build/web/index.html also works opened straight from disk. Ctrl+C stops the server.
# Running a lesson in the terminal instead: build/native/tcpplay run examples/01-handshake.json
# (after ./scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
./scripts/build-web.sh
port=${PORT:-8000}
while python3 - "$port" <<'PY' 2>/dev/null; do port=$((port + 1)); done
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)  # taken: try the next one
sys.exit(1)
PY
lesson=""
if [ -n "${1:-}" ]; then
  # An example file or id: examples/12-nlb-idle-rst.json -> #lesson=nlb-idle-rst
  id=$(basename "$1" .json | sed -E 's/^[0-9]+-//')
  lesson="#lesson=$id"
fi
echo "The playground: http://127.0.0.1:$port/$lesson"
echo "(or open $(pwd)/build/web/index.html from disk; Ctrl+C stops the server)"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory build/web
