// A whole IPv4 packet as the engine moves it: parsed headers plus payload. Wire bytes are a pure
// function of this (serialize), and parse() is its exact inverse for valid input.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "core/result.h"
#include "wire/ipv4.h"
#include "wire/payload.h"
#include "wire/tcp_header.h"
#include "wire/udp_icmp.h"

namespace tcpplay {

struct Packet {
  Ipv4Header ip;
  TcpHeader tcp;    // meaningful when ip.protocol == 6
  UdpHeader udp;    // meaningful when ip.protocol == 17
  IcmpHeader icmp;  // meaningful when ip.protocol == 1
  Payload payload;  // L4 payload (for ICMP: the message body)

  bool is_tcp() const { return ip.protocol == static_cast<std::uint8_t>(IpProto::tcp); }
  bool is_udp() const { return ip.protocol == static_cast<std::uint8_t>(IpProto::udp); }
  bool is_icmp() const { return ip.protocol == static_cast<std::uint8_t>(IpProto::icmp); }
  /// Size of the L4 header as serialized (inline: a link asks for every packet it carries).
  std::uint32_t l4_header_size() const {
    if (is_tcp()) return tcp.header_size();
    if (is_udp()) return UdpHeader::kSize;
    if (is_icmp()) return IcmpHeader::kSize;
    return 0;
  }
  /// Total IPv4 length as serialized (what a link serializes and an MTU limits).
  std::uint32_t wire_size() const { return Ipv4Header::kSize + l4_header_size() + payload.size(); }
  /// Field by field; payloads compare by their bytes.
  bool operator==(const Packet&) const = default;
};

enum class SerializeMode {
  compute,  ///< fill in lengths, data offset and checksums (what the engine sends)
  exact,    ///< write every field as stored (round trip of parsed bytes)
};

std::vector<std::uint8_t> serialize(const Packet& p, SerializeMode mode = SerializeMode::compute);
/// Appends to `out`, for writers that reuse one buffer.
void serialize_into(const Packet& p, std::vector<std::uint8_t>& out,
                    SerializeMode mode = SerializeMode::compute);

struct ParseOptions {
  bool verify_checksums = true;
};
/// Validates every length, offset and checksum; never reads out of bounds. The error names the
/// layer, the field and the problem ("tcp: data offset 4 is below the minimum of 5").
Result<Packet> parse(std::span<const std::uint8_t> bytes, ParseOptions options = {});

/// RFC 1071 one's-complement sum helpers.
std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes);
/// Checksum of a TCP or UDP segment (header with checksum field as given, plus data) over the
/// IPv4 pseudo-header (RFC 9293 §3.1, RFC 768).
std::uint16_t l4_checksum(Ipv4Addr src, Ipv4Addr dst, std::uint8_t proto,
                          std::span<const std::uint8_t> segment);

}  // namespace tcpplay
