// Parsing and printing durations such as "250us", "10ms", "2s", "5min".
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace tcpplay {

/// Parses "<number><unit>" with unit ns, us, ms, s, min or h; the number may have a fraction
/// ("1.5s"). Returns nullopt for anything else, including negative values and overflow.
std::optional<SimTime> parse_duration(std::string_view text);

/// Shortest exact form: 1500000000 -> "1500ms", 2000000000 -> "2s", 0 -> "0s".
std::string format_duration(SimTime t);

/// Fixed form used in text output: seconds with 6 decimals, "12.000250".
std::string format_seconds(SimTime t);

}  // namespace tcpplay
