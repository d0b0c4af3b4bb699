// libFuzzer target: see tcpplay::fuzz::scenario_load_and_run in entry_points.h for the property checked.
#include <cstdio>
#include <cstdlib>

#include "entry_points.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string failure = tcpplay::fuzz::scenario_load_and_run(data, size);
  if (!failure.empty()) {
    std::fprintf(stderr, "fuzz_scenario_loader: %s\n", failure.c_str());
    std::abort();
  }
  return 0;
}
