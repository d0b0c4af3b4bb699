#!/usr/bin/env bash
# Benchmarks (issue 9): builds the engine's benchmark programs and our ns-3 3.37 counterpart,
# then runs every case paired and interleaved. Table on stdout, JSON in build/bench/results.json.
#   BENCH_RUNS=5        runs per case
#   BENCH_ONLY=b1,b3    only these cases (b1 b2 b2-loss b2-10flows b3 b4)
# Details and the profile: bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(( $(nproc) < 2 ? $(nproc) : 2 ))
cmake -S bench -B build/bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/bench -j"$jobs" >/dev/null

# ns-3: Debian's pkg-config files list a broken include flag ("-I/usr;") and libgsl paths that
# exist only with libgsl-dev, so only -l/-L flags and existing files are kept; the headers are
# in /usr/include/ns3 already.
if pkg-config --exists ns3-core ns3-network ns3-internet ns3-point-to-point ns3-applications \
    ns3-traffic-control 2>/dev/null; then
  libs=()
  for t in $(pkg-config --libs ns3-core ns3-network ns3-internet ns3-point-to-point \
      ns3-applications ns3-traffic-control); do
    case $t in
      /*) [ -e "$t" ] && libs+=("$t") ;;
      *) libs+=("$t") ;;
    esac
  done
  if [ ! build/bench/bulk_ns3 -nt bench/ns3/bulk_ns3.cc ]; then
    g++ -std=c++17 -O2 bench/ns3/bulk_ns3.cc -o build/bench/bulk_ns3 "${libs[@]}"
  fi
else
  echo "ns-3: libns3-dev is not installed (apt-get install libns3-dev); ns-3 columns skipped"
  rm -f build/bench/bulk_ns3
fi

python3 bench/run_bench.py

# Benchmark 4: the same bulk scenario natively and through the WASM module in Node (needs the
# WASM build from ./scripts/test.sh; it says so and skips otherwise).
node bench/wasm/run.mjs "${BENCH_RUNS:-5}"
