// IPv4 header (RFC 791) as a parsed representation. Addresses are host-order integers.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tcpplay {

using Ipv4Addr = std::uint32_t;

std::string format_ipv4(Ipv4Addr addr);
std::optional<Ipv4Addr> parse_ipv4(std::string_view text);

enum class IpProto : std::uint8_t { icmp = 1, tcp = 6, udp = 17 };

struct Ipv4Header {
  static constexpr std::uint32_t kSize = 20;  // IPv4 options are not supported (rejected)
  std::uint8_t tos = 0;
  std::uint16_t total_length = 0;  // filled in by serialize() in compute mode
  std::uint16_t id = 0;
  bool reserved_flag = false;
  bool dont_fragment = true;
  bool more_fragments = false;
  std::uint16_t fragment_offset = 0;  // in units of 8 bytes
  std::uint8_t ttl = 64;
  std::uint8_t protocol = 6;
  std::uint16_t checksum = 0;  // filled in by serialize() in compute mode
  Ipv4Addr src = 0;
  Ipv4Addr dst = 0;
  bool operator==(const Ipv4Header&) const = default;
};

}  // namespace tcpplay
