// Replays the fuzzing inputs natively through the same entry points as the libFuzzer targets
// (tests/fuzz/entry_points.h): every seed of the committed corpora and every regression input
// (a crash the fuzzer once found, kept in tests/fuzz/regressions/<target>/) must pass.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../fuzz/entry_points.h"

namespace {

namespace fs = std::filesystem;
using EntryPoint = std::string (*)(const std::uint8_t*, std::size_t);

/// Files of tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/, sorted.
std::vector<fs::path> inputs(const std::string& target) {
  std::vector<fs::path> out;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = fs::path(TCPPLAY_SOURCE_DIR) / "tests" / "fuzz" / kind / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && e.path().filename().string()[0] != '.') out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::uint8_t> read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void replay(const std::string& target, EntryPoint entry) {
  const auto files = inputs(target);
  CHECK(!files.empty());  // the seed corpus is committed
  for (const fs::path& p : files) {
    const std::vector<std::uint8_t> bytes = read_bytes(p);
    const std::string file = p.lexically_relative(TCPPLAY_SOURCE_DIR).string();
    CAPTURE(file);
    CHECK(entry(bytes.data(), bytes.size()) == "");
  }
}

std::string crafted(const std::uint8_t* data, std::size_t size) {
  return tcpplay::fuzz::crafted_segments(data, size);
}

}  // namespace

TEST_CASE("fuzz inputs: the packet parser round-trips every seed and regression") {
  replay("packet_parser", tcpplay::fuzz::packet_round_trip);
}

TEST_CASE("fuzz inputs: the scenario loader survives every seed and regression") {
  replay("scenario_loader", tcpplay::fuzz::scenario_load_and_run);
}

TEST_CASE("fuzz inputs: crafted segments never crash the two-host world") {
  replay("crafted_segment", crafted);
}

// Found by fuzz_scenario_loader (regressions/scenario_loader/trace-max-bytes-below-one-event.json):
// with a retention smaller than one event, Trace::add dropped the event it had just appended and
// then read events_.back() of the empty deque (heap-use-after-free under clang's ASan).
TEST_CASE("fuzz regression: Trace::add returns the new index even when retention drops the event") {
  tcpplay::Trace trace;
  trace.set_retention({1'000'000, 5});  // 5 bytes: less than any event
  for (std::uint64_t i = 0; i < 12; ++i) {
    tcpplay::TraceEvent ev;
    ev.detail = "an event larger than the whole retention";
    CHECK(trace.add(std::move(ev)) == i);
    CHECK(trace.first_index() == i + 1);  // every event dropped, and counted as dropped
    CHECK(trace.end_index() == i + 1);
  }
}
