// Dissection: wire bytes -> every header field with its byte range, for a packet inspector that
// highlights the bytes of a field (and the field of a byte). A pure function of the bytes: it
// works on packets the engine did not make (crafted, corrupted, cut short), never reads out of
// bounds, and reports the first problem of each layer instead of giving up on the packet.
//
// Field names are Wireshark's display-filter names ("ip.ttl", "tcp.flags.syn",
// "tcp.options.mss_val"), so they mean what users already know; "tcp.seq" and "tcp.ack" are the
// absolute numbers on the wire (Wireshark shows them so with tcp.relative_sequence_numbers off).
// Relative sequence numbers need the connection, so they are the caller's job.
//
// Layers, in packet order: "ipv4", then "tcp", "udp" or "icmp", then "payload" (the L4 data),
// and "trailer" for bytes past the IPv4 total length. An ICMP error (RFC 792: destination
// unreachable, source quench, redirect, time exceeded, parameter problem) has the datagram it
// quotes as nested layers: its IPv4 header and the first 8 bytes of its transport header.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wire/tcp_header.h"

namespace tcpplay {

/// One header field (or group of fields) and the bytes it occupies.
struct DissectField {
  std::string name;   ///< stable machine name, Wireshark's ("ip.ttl")
  std::string label;  ///< short English ("Time to live")
  std::string value;  ///< the value as shown ("64", "0x4000", "10.0.0.1", "20 bytes (5)")
  std::optional<std::uint64_t> number;  ///< the field's value on the wire (masked, shifted)
  std::uint32_t offset = 0;             ///< first byte, from the start of the packet
  std::uint32_t length = 0;             ///< bytes
  /// For bit fields: which bits of the `length` bytes (read big-endian) belong to the field;
  /// 0 = all of them.
  std::uint32_t mask = 0;
  /// Checksums: whether the stored value is right (absent when it cannot be checked: the bytes
  /// it covers are cut off, or a UDP checksum of zero, which means "none"), and the right one.
  std::optional<bool> valid;
  std::optional<std::uint16_t> computed;
  std::vector<DissectField> children;  ///< the parts of a group (flag bits, an option's fields)
};

/// One TCP option as a structured value (RFC 9293 §3.2, RFC 7323, RFC 2018).
struct DissectTcpOption {
  std::uint8_t kind = 0;
  std::string name;  ///< "eol", "nop", "mss", "wscale", "sack_perm", "sack", "timestamp", "unknown"
  std::uint32_t offset = 0;  ///< from the start of the packet
  std::uint32_t length = 0;  ///< bytes, kind and length bytes included (1 for EOL and NOP)
  std::optional<std::uint16_t> mss;
  std::optional<std::uint8_t> shift;  ///< window scale; the multiplier is 1 << min(shift, 14)
  std::vector<SackBlock> blocks;      ///< SACK
  std::optional<std::uint32_t> tsval, tsecr;
  std::vector<std::uint8_t> data;  ///< an unknown kind's bytes after kind and length
};

struct DissectError {
  std::string layer;  ///< "ipv4", "tcp", "quoted ipv4"...
  std::string field;  ///< the field that is wrong or cut off ("tcp.hdr_len")
  std::string message;
};

struct DissectLayer {
  std::string name;                      ///< "ipv4", "tcp", "udp", "icmp", "payload", "trailer"
  std::string label;                     ///< "Internet Protocol version 4"
  std::uint32_t offset = 0, length = 0;  ///< the layer's bytes (as far as they are present)
  std::vector<DissectField> fields;
  std::vector<DissectTcpOption> options;  ///< tcp: its options, in wire order
  std::vector<DissectLayer> quoted;       ///< icmp errors: the quoted IPv4 header and transport
  std::optional<DissectError> error;      ///< the layer's first problem; fields stop there
};

struct Dissection {
  std::uint32_t length = 0;  ///< bytes given
  std::vector<DissectLayer> layers;
  std::optional<DissectError> error;  ///< the first layer error, in packet order (quoted included)
};

/// Dissects an IPv4 packet's bytes. Never fails: problems are in `error`.
Dissection dissect(std::span<const std::uint8_t> bytes);

}  // namespace tcpplay
