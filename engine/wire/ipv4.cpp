#include "wire/ipv4.h"

namespace tcpplay {

std::string format_ipv4(Ipv4Addr addr) {
  std::string s;
  s.reserve(15);
  for (int shift = 24; shift >= 0; shift -= 8) {
    s += std::to_string((addr >> shift) & 0xFF);
    if (shift) s += '.';
  }
  return s;
}

// Strict dotted quad: exactly four decimal parts 0..255, nothing before or after. Leading zeros
// are refused ("010" is octal to inet_aton, so accepting it would silently disagree).
std::optional<Ipv4Addr> parse_ipv4(std::string_view text) {
  Ipv4Addr addr = 0;
  std::size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
    std::size_t start = i;
    unsigned value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 3) {
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
      ++i;
    }
    std::size_t digits = i - start;
    if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0')) return std::nullopt;
    addr = (addr << 8) | value;
  }
  if (i != text.size()) return std::nullopt;
  return addr;
}

}  // namespace tcpplay
