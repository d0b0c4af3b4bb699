#include "json/json_writer.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace tcpplay {

JsonWriter& JsonWriter::value(double v) {
  if (!std::isfinite(v)) return null();  // JSON has no NaN or infinity
  // The shortest of 15, 16 or 17 significant digits that reads back as the same double; the C
  // library's printf and strtod round correctly both natively and in the WebAssembly build.
  char buf[32];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string_view text(buf);
  raw(text);
  if (text.find_first_of(".eEn") == std::string_view::npos) out_ += ".0";  // stays a float
  return *this;
}

}  // namespace tcpplay
