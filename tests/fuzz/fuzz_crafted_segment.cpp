// libFuzzer target: see tcpplay::fuzz::crafted_segments in entry_points.h for the property checked.
#include <cstdio>
#include <cstdlib>

#include "entry_points.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string failure = tcpplay::fuzz::crafted_segments(data, size);
  if (!failure.empty()) {
    std::fprintf(stderr, "fuzz_crafted_segment: %s\n", failure.c_str());
    std::abort();
  }
  return 0;
}
