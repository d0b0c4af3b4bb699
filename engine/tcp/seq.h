// Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): comparisons are made on the signed
// difference, so they stay right across wraparound.
#pragma once
#include <cstdint>

namespace tcpplay::seq {

inline bool lt(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) < 0; }
inline bool le(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) <= 0; }
inline bool gt(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) > 0; }
inline bool ge(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) >= 0; }
inline std::uint32_t max(std::uint32_t a, std::uint32_t b) { return gt(a, b) ? a : b; }
inline std::uint32_t min(std::uint32_t a, std::uint32_t b) { return lt(a, b) ? a : b; }
/// lo <= x < hi, modulo 2^32.
inline bool in_window(std::uint32_t x, std::uint32_t lo, std::uint32_t hi) {
  return le(lo, x) && lt(x, hi);
}

}  // namespace tcpplay::seq
