#include "core/duration.h"

#include <cstdio>

namespace tcpplay {

std::optional<SimTime> parse_duration(std::string_view text) {
  size_t i = 0;
  __int128 whole = 0;
  __int128 frac = 0, frac_div = 1;
  bool any_digit = false;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    whole = whole * 10 + (text[i] - '0');
    if (whole > INT64_MAX) return std::nullopt;
    any_digit = true;
    ++i;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (frac_div < 1000000000000LL) {
        frac = frac * 10 + (text[i] - '0');
        frac_div *= 10;
      }
      any_digit = true;
      ++i;
    }
  }
  if (!any_digit) return std::nullopt;
  std::string_view unit = text.substr(i);
  SimTime scale;
  if (unit == "ns") scale = kNanosecond;
  else if (unit == "us") scale = kMicrosecond;
  else if (unit == "ms") scale = kMillisecond;
  else if (unit == "s") scale = kSecond;
  else if (unit == "min") scale = kMinute;
  else if (unit == "h") scale = kHour;
  else return std::nullopt;
  __int128 value = whole * scale + frac * scale / frac_div;
  if (value > INT64_MAX / 2) return std::nullopt;  // leave headroom for deadline arithmetic
  return static_cast<SimTime>(value);
}

std::string format_duration(SimTime t) {
  struct Unit {
    SimTime scale;
    const char* name;
  };
  static const Unit units[] = {{kHour, "h"},         {kMinute, "min"},     {kSecond, "s"},
                               {kMillisecond, "ms"}, {kMicrosecond, "us"}, {kNanosecond, "ns"}};
  if (t == 0) return "0s";
  std::string sign = t < 0 ? "-" : "";
  if (t < 0) t = -t;
  for (const Unit& u : units) {
    if (t % u.scale == 0) return sign + std::to_string(t / u.scale) + u.name;
  }
  return sign + std::to_string(t) + "ns";
}

std::string format_seconds(SimTime t) {
  char buf[48];
  const char* sign = t < 0 ? "-" : "";
  if (t < 0) t = -t;
  std::snprintf(buf, sizeof buf, "%s%lld.%06lld", sign, static_cast<long long>(t / kSecond),
                static_cast<long long>((t % kSecond) / kMicrosecond));
  return buf;
}

}  // namespace tcpplay
