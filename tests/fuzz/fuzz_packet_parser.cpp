// libFuzzer target: see tcpplay::fuzz::packet_round_trip in entry_points.h for the properties
// checked (parse/serialize round trips, and the dissector's on the same bytes).
#include <cstdio>
#include <cstdlib>

#include "entry_points.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string failure = tcpplay::fuzz::packet_round_trip(data, size);
  if (!failure.empty()) {
    std::fprintf(stderr, "fuzz_packet_parser: %s\n", failure.c_str());
    std::abort();
  }
  return 0;
}
