#include "json/json_writer.h"

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace tcpplay {

namespace json_writer_detail {

// The writer's round-trip check (value(double) below): the double nearest to the decimal text
// that printf just wrote ("%.*g": digits, an optional point, an optional exponent). Exact
// (correctly rounded) when the digits fit in 2^53 and the decimal exponent is within ±22, which
// covers every probability or rate a trace holds; otherwise within a few units in the last
// place. The same on every platform: only IEEE double arithmetic, never the C library. It reads
// no JSON (nlohmann_json does, json_parse.cpp); it stays because it decides how many digits
// each double of a trace gets, and a different reader would change traces byte for byte.
double parse_decimal(std::string_view text) {
  std::size_t i = 0;
  const bool negative = i < text.size() && text[i] == '-';
  if (negative) ++i;
  // Up to 19 significant digits in m; further ones only move the decimal exponent.
  std::uint64_t m = 0;
  int digits = 0, exp10 = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    if (m == 0 && c == '0') {
      if (seen_point) --exp10;  // leading zeros of a fraction
      continue;
    }
    if (digits < 19) {
      m = m * 10 + static_cast<std::uint64_t>(c - '0');
      ++digits;
      if (seen_point) --exp10;
    } else if (!seen_point) {
      ++exp10;
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const bool neg_exp = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    int e = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
      if (e < 100000) e = e * 10 + (text[i] - '0');
    exp10 += neg_exp ? -e : e;
  }
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  double v = static_cast<double>(m);
  if (m == 0) {
    v = 0;
  } else if (m < (1ULL << 53) && exp10 >= -22 && exp10 <= 22) {
    // Clinger's fast path: both operands exact, so one correctly rounded operation.
    v = exp10 < 0 ? v / kPow10[-exp10] : v * kPow10[exp10];
  } else {
    for (int e = exp10; e > 0 && v <= DBL_MAX; e -= 22) v *= kPow10[e > 22 ? 22 : e];
    for (int e = exp10; e < 0 && v > 0; e += 22) v /= kPow10[-e > 22 ? 22 : -e];
  }
  return negative ? -v : v;
}

}  // namespace json_writer_detail

JsonWriter& JsonWriter::value(double v) {
  if (!std::isfinite(v)) return null();  // JSON has no NaN or infinity
  // The shortest of 15, 16 or 17 significant digits that reads back as the same double (the C
  // library's printf rounds correctly both natively and in the WebAssembly build); 17 digits
  // always read back exactly.
  char buf[32];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (json_writer_detail::parse_decimal(buf) == v) break;
  }
  std::string_view text(buf);
  raw(text);
  if (text.find_first_of(".eEn") == std::string_view::npos) out_ += ".0";  // stays a float
  return *this;
}

}  // namespace tcpplay
