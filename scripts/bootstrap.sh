#!/usr/bin/env bash
# Installs what the build and the tests need on Debian 12, when it is missing (as root,
# non-interactive). Safe to run again: it does nothing when everything is there.
set -euo pipefail
need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in cmake g++ make nlohmann-json3-dev doctest-dev emscripten nodejs tcpdump tshark clang libclang-rt-14-dev python3; do
  have_pkg "$p" || need+=("$p")
done
# node may come from elsewhere than Debian's nodejs package.
if command -v node >/dev/null; then
  need=("${need[@]/nodejs}")
fi
pkgs=$(printf '%s ' "${need[@]}" | xargs echo)
if [ -n "$pkgs" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "bootstrap: missing Debian packages: $pkgs (run as root to install them)" >&2
    exit 2
  fi
  echo "bootstrap: installing $pkgs"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq $pkgs >/dev/null
fi
