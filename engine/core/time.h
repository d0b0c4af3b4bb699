// Virtual time: an integer count of nanoseconds since the start of a run. Never a float, so
// native and WebAssembly runs agree to the nanosecond.
#pragma once
#include <cstdint>

namespace tcpplay {

using SimTime = std::int64_t;  ///< nanoseconds since the start of the simulation

constexpr SimTime kNanosecond = 1;
constexpr SimTime kMicrosecond = 1000;
constexpr SimTime kMillisecond = 1000 * kMicrosecond;
constexpr SimTime kSecond = 1000 * kMillisecond;
constexpr SimTime kMinute = 60 * kSecond;
constexpr SimTime kHour = 60 * kMinute;
constexpr SimTime kNever = INT64_MAX;

}  // namespace tcpplay
