// UDP (RFC 768) and ICMP (RFC 792) headers field by field, and the datagram an ICMP error
// quotes: its IPv4 header and the first 8 bytes of its transport header.
#include <algorithm>

#include "wire/dissect_builder.h"

namespace tcpplay::dissect_detail {

namespace {

// RFC 768.
namespace udp_field {
constexpr Range SRC_PORT{0, 2};
constexpr Range DST_PORT{2, 2};
constexpr Range LENGTH{4, 2};
constexpr Range CHECKSUM{6, 2};
constexpr std::uint32_t kHeader = 8;
}  // namespace udp_field

// RFC 792: type, code, checksum, then 4 bytes whose meaning depends on the type.
namespace icmp_field {
constexpr Range TYPE{0, 1};
constexpr Range CODE{1, 1};
constexpr Range CHECKSUM{2, 2};
constexpr Range REST{4, 4};
constexpr Range IDENT{4, 2};  // echo, timestamp, information
constexpr Range SEQ_NUM{6, 2};
constexpr Range POINTER{4, 1};  // parameter problem
constexpr Range UNUSED_3{5, 3};
constexpr Range UNUSED_2{4, 2};  // fragmentation needed (RFC 1191 §4)
constexpr Range NEXT_MTU{6, 2};
constexpr std::uint32_t kHeader = 8;
}  // namespace icmp_field

constexpr std::uint8_t kProtoUdp = 17;

const char* icmp_type_name(std::uint32_t type) {
  switch (type) {
    case 0: return "Echo reply";
    case 3: return "Destination unreachable";
    case 4: return "Source quench";
    case 5: return "Redirect";
    case 8: return "Echo request";
    case 11: return "Time exceeded";
    case 12: return "Parameter problem";
    case 13: return "Timestamp";
    case 14: return "Timestamp reply";
    default: return nullptr;
  }
}

const char* icmp_code_name(std::uint32_t type, std::uint32_t code) {
  if (type == 3) {
    static const char* const kUnreachable[] = {"Network unreachable",  "Host unreachable",
                                               "Protocol unreachable", "Port unreachable",
                                               "Fragmentation needed", "Source route failed"};
    return code < 6 ? kUnreachable[code] : nullptr;
  }
  if (type == 11)
    return code == 0   ? "TTL exceeded in transit"
           : code == 1 ? "Fragment reassembly time exceeded"
                       : nullptr;
  return nullptr;
}

/// RFC 792: these types carry the IP header and first 8 data bytes of the offending datagram.
bool is_error(std::uint32_t type) {
  return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/// Bytes 4-7 of an ICMP header, by type.
void icmp_rest(LayerBuilder& b, std::uint32_t type, std::uint32_t code) {
  switch (type) {
    case 0:
    case 8:
    case 13:
    case 14:
    case 15:
    case 16:
    case 17:
    case 18:
      b.add(icmp_field::IDENT, "icmp.ident", "Identifier", Show::dec);
      b.add(icmp_field::SEQ_NUM, "icmp.seq", "Sequence number", Show::dec);
      break;
    case 3:
      if (code == 4) {
        b.add(icmp_field::UNUSED_2, "icmp.unused", "Unused", Show::bytes);
        b.add(icmp_field::NEXT_MTU, "icmp.mtu", "MTU of next hop", Show::dec);
        break;
      }
      [[fallthrough]];
    case 4:
    case 11: b.add(icmp_field::REST, "icmp.unused", "Unused", Show::bytes); break;
    case 5: b.add(icmp_field::REST, "icmp.redir_gw", "Gateway address", Show::ipv4); break;
    case 12:
      b.add(icmp_field::POINTER, "icmp.pointer", "Pointer", Show::dec);
      b.add(icmp_field::UNUSED_3, "icmp.unused", "Unused", Show::bytes);
      break;
    default: b.add(icmp_field::REST, "icmp.rest_of_header", "Rest of header", Show::bytes); break;
  }
}

/// Type, code and checksum; the checksum's field, or nullptr when cut off.
DissectField* icmp_head(LayerBuilder& b) {
  if (DissectField* type = b.add(icmp_field::TYPE, "icmp.type", "Type", Show::dec))
    if (const char* name = icmp_type_name(*type->number))
      type->value += std::string(" (") + name + ")";
  if (DissectField* code = b.add(icmp_field::CODE, "icmp.code", "Code", Show::dec))
    if (const char* name = icmp_code_name(b.get(icmp_field::TYPE), *code->number))
      code->value += std::string(" (") + name + ")";
  return b.add(icmp_field::CHECKSUM, "icmp.checksum", "Checksum", Show::hex);
}

/// The datagram quoted by an ICMP error: `bytes` is the message body.
void dissect_quote(std::span<const std::uint8_t> bytes, std::uint32_t base, DissectLayer& icmp) {
  icmp.quoted.emplace_back();
  const Ipv4Info ip = dissect_ipv4(bytes, base, true, icmp.quoted.back());
  if (!ip.ok) return;
  auto rest = bytes.subspan(ip.header_len);
  std::uint32_t at = base + ip.header_len;
  const bool header_follows =
      ip.fragment_offset == 0 && (ip.protocol == 1 || ip.protocol == 6 || ip.protocol == 17);
  if (header_follows) {
    icmp.quoted.emplace_back();
    const std::size_t n = std::min<std::size_t>(rest.size(), 8);
    dissect_quoted_l4(rest.first(n), at, ip.protocol, icmp.quoted.back());
    rest = rest.subspan(n);
    at += static_cast<std::uint32_t>(n);
  }
  if (!rest.empty())
    icmp.quoted.push_back(
        data_layer("quoted payload", "Rest of the quoted datagram", "data.data", "Data", rest, at));
}

}  // namespace

std::optional<std::uint32_t> dissect_udp(std::span<const std::uint8_t> seg, std::uint32_t base,
                                         const Ipv4Info& ip, bool complete, DissectLayer& layer) {
  layer.name = "udp";
  layer.label = "User Datagram Protocol";
  LayerBuilder b(layer, seg, base, "the datagram");
  b.add(udp_field::SRC_PORT, "udp.srcport", "Source port", Show::dec);
  b.add(udp_field::DST_PORT, "udp.dstport", "Destination port", Show::dec);
  b.add(udp_field::LENGTH, "udp.length", "Length", Show::dec);
  DissectField* checksum = b.add(udp_field::CHECKSUM, "udp.checksum", "Checksum", Show::hex);
  if (b.failed()) return std::nullopt;
  const std::uint32_t length = b.get(udp_field::LENGTH);
  const auto n = static_cast<std::uint32_t>(seg.size());
  if (b.get(udp_field::CHECKSUM) == 0) {
    checksum->value += " [none]";  // RFC 768: zero means the sender computed no checksum
  } else if (complete && length == n) {
    const std::uint16_t c =
        l4_checksum_without(ip.src, ip.dst, kProtoUdp, seg, udp_field::CHECKSUM.start);
    set_checksum(*checksum, c == 0 ? 0xFFFF : c);  // RFC 768: a computed zero is sent as all ones
  } else {
    set_checksum(*checksum, std::nullopt);
  }
  if (length < udp_field::kHeader) {
    b.fail("udp.length",
           "udp: length field " + std::to_string(length) + " is below the minimum of 8");
    return std::nullopt;
  }
  if (complete && length != n)
    b.fail("udp.length", "udp: length field " + std::to_string(length) +
                             " does not match the IP payload of " + std::to_string(n) + " bytes");
  else if (!complete && length > n)
    b.fail("udp.length", "udp: the datagram ends after " + std::to_string(n) + " of its " +
                             std::to_string(length) + " bytes");
  return udp_field::kHeader;
}

std::optional<std::uint32_t> dissect_icmp(std::span<const std::uint8_t> seg, std::uint32_t base,
                                          bool complete, DissectLayer& layer) {
  layer.name = "icmp";
  layer.label = "Internet Control Message Protocol";
  LayerBuilder b(layer, seg, base, "the message");
  DissectField* checksum = icmp_head(b);
  if (b.failed()) return std::nullopt;
  const std::uint32_t type = b.get(icmp_field::TYPE);
  icmp_rest(b, type, b.get(icmp_field::CODE));
  // RFC 792: the checksum covers the whole message.
  set_checksum(*checksum, complete
                              ? std::optional(checksum_without(seg, icmp_field::CHECKSUM.start))
                              : std::nullopt);
  if (b.failed()) return std::nullopt;
  if (!is_error(type)) return icmp_field::kHeader;
  dissect_quote(seg.subspan(icmp_field::kHeader), base + icmp_field::kHeader, layer);
  return static_cast<std::uint32_t>(seg.size());
}

void dissect_quoted_l4(std::span<const std::uint8_t> bytes, std::uint32_t base,
                       std::uint8_t protocol, DissectLayer& layer) {
  LayerBuilder b(layer, bytes, base, "the quote");
  switch (protocol) {
    case 6:  // the first 8 bytes of a TCP header: ports and sequence number
      layer.name = "quoted tcp";
      layer.label = "Quoted TCP header (first 8 bytes)";
      b.add(Range{0, 2}, "tcp.srcport", "Source port", Show::dec);
      b.add(Range{2, 2}, "tcp.dstport", "Destination port", Show::dec);
      b.add(Range{4, 4}, "tcp.seq", "Sequence number", Show::dec);
      break;
    case 17: {
      layer.name = "quoted udp";
      layer.label = "Quoted UDP header";
      b.add(udp_field::SRC_PORT, "udp.srcport", "Source port", Show::dec);
      b.add(udp_field::DST_PORT, "udp.dstport", "Destination port", Show::dec);
      b.add(udp_field::LENGTH, "udp.length", "Length", Show::dec);
      // Its data is not quoted, so the checksum cannot be verified.
      if (DissectField* c = b.add(udp_field::CHECKSUM, "udp.checksum", "Checksum", Show::hex))
        set_checksum(*c, std::nullopt);
      break;
    }
    default: {
      layer.name = "quoted icmp";
      layer.label = "Quoted ICMP header";
      if (DissectField* c = icmp_head(b)) set_checksum(*c, std::nullopt);
      if (!b.failed()) icmp_rest(b, b.get(icmp_field::TYPE), b.get(icmp_field::CODE));
      break;
    }
  }
}

}  // namespace tcpplay::dissect_detail
