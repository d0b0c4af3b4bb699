// UDP header (RFC 768) and ICMP message header (RFC 792).
#pragma once
#include <cstdint>

namespace tcpplay {

struct UdpHeader {
  static constexpr std::uint32_t kSize = 8;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint16_t length = 0;    // header + data; filled in by serialize() in compute mode
  std::uint16_t checksum = 0;  // filled in by serialize() in compute mode (0 becomes 0xFFFF)
  bool operator==(const UdpHeader&) const = default;
};

namespace icmp_type {
constexpr std::uint8_t echo_reply = 0;
constexpr std::uint8_t dest_unreachable = 3;
constexpr std::uint8_t echo_request = 8;
constexpr std::uint8_t time_exceeded = 11;
}  // namespace icmp_type
namespace icmp_code {
constexpr std::uint8_t port_unreachable = 3;
constexpr std::uint8_t fragmentation_needed = 4;
}  // namespace icmp_code

/// The 8-byte ICMP header. The body (for errors: the offending IP header plus at least 8 bytes
/// of its data, RFC 792) is the packet's payload.
struct IcmpHeader {
  static constexpr std::uint32_t kSize = 8;
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t checksum = 0;  // filled in by serialize() in compute mode
  std::uint32_t rest = 0;  // "unused" for unreachables, next-hop MTU in its low 16 bits for code 4
  bool operator==(const IcmpHeader&) const = default;
};

}  // namespace tcpplay
