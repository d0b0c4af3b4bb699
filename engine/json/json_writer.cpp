#include "json/json_writer.h"

#include <cmath>
#include <cstdio>

#include "json/json.h"

namespace tcpplay {

JsonWriter& JsonWriter::value(double v) {
  if (!std::isfinite(v)) return null();  // JSON has no NaN or infinity
  // The shortest of 15, 16 or 17 significant digits that reads back as the same double (the C
  // library's printf rounds correctly both natively and in the WebAssembly build); 17 digits
  // always read back exactly.
  char buf[32];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (parse_decimal(buf) == v) break;
  }
  std::string_view text(buf);
  raw(text);
  if (text.find_first_of(".eEn") == std::string_view::npos) out_ += ".0";  // stays a float
  return *this;
}

}  // namespace tcpplay
