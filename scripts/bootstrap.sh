#!/usr/bin/env bash
# Installs what the build and the tests need on Debian 12, when it is missing (as root,
# non-interactive). Safe to run again: it does nothing when everything is there.
set -euo pipefail
need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# chromium: the WASM module's browser tests (tests/wasm/browser.test.mjs, through playwright-core).
# clang-format, clang-tidy: scripts/lint.sh (formatting and lint, run by .ci/run).
for p in cmake g++ make nlohmann-json3-dev doctest-dev emscripten nodejs tcpdump tshark zopfli clang libclang-rt-14-dev clang-format clang-tidy python3 chromium; do
  have_pkg "$p" || need+=("$p")
done
# fonts-nanum: a Korean font, so that the lessons' Korean terms (from the seed note) show in the
# browser tests' screenshots instead of empty boxes.
have_pkg fonts-nanum || need+=(fonts-nanum)
# node may come from elsewhere than Debian's nodejs package.
if command -v node >/dev/null; then
  need=("${need[@]/nodejs}")
fi
command -v npm >/dev/null || need+=(npm)
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

# The web side's npm packages (TypeScript, playwright-core), from web/package-lock.json. The
# stamp is the lock file that was installed: a changed lock installs again.
stamp=web/node_modules/.installed-package-lock.json
if [ -f web/package-lock.json ] && ! cmp -s web/package-lock.json "$stamp"; then
  echo "bootstrap: npm ci in web/"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
  cp web/package-lock.json "$stamp"
fi
