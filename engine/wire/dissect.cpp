// dissect(): the IPv4 header, then the transport layer (dissect_tcp.cpp, dissect_udp_icmp.cpp),
// then the payload and any bytes past the IPv4 total length.
#include "wire/dissect.h"

#include <algorithm>

#include "wire/dissect_builder.h"

namespace tcpplay {

namespace dissect_detail {

namespace {

// RFC 791 §3.1, Figure 4.
namespace field {
constexpr Range VER_IHL{0, 1};
constexpr Range TOS{1, 1};
constexpr Range LENGTH{2, 2};
constexpr Range IDENT{4, 2};
constexpr Range FLAGS{6, 1};
constexpr Range FRAG_OFFSET{6, 2};
constexpr Range TTL{8, 1};
constexpr Range PROTOCOL{9, 1};
constexpr Range CHECKSUM{10, 2};
constexpr Range SRC{12, 4};
constexpr Range DST{16, 4};
constexpr std::uint32_t kMinHeader = 20;
}  // namespace field

const char* protocol_name(std::uint32_t p) {
  switch (p) {
    case 1: return "ICMP";
    case 6: return "TCP";
    case 17: return "UDP";
    default: return nullptr;
  }
}

std::string ip_flags_text(std::uint32_t flags) {
  std::string s = hex_text(flags, 1);
  if (flags & 4) s += ", Reserved";
  if (flags & 2) s += ", Don't fragment";
  if (flags & 1) s += ", More fragments";
  return s;
}

}  // namespace

Ipv4Info dissect_ipv4(std::span<const std::uint8_t> bytes, std::uint32_t base, bool quoted,
                      DissectLayer& layer) {
  Ipv4Info info;
  layer.name = quoted ? "quoted ipv4" : "ipv4";
  layer.label = quoted ? "Quoted IPv4 header" : "Internet Protocol version 4";
  LayerBuilder b(layer, bytes, base, quoted ? "the quote" : "the packet");
  if (!b.add(field::VER_IHL, "ip.version", "Version", Show::dec, 0xF0)) return info;
  if (const std::uint32_t v = b.get(field::VER_IHL, 0xF0); v != 4) {
    b.fail("ip.version", layer.name + ": version " + std::to_string(v) + " is not 4");
    return info;
  }
  DissectField* ihl = b.add(field::VER_IHL, "ip.hdr_len", "Header length", Show::dec, 0x0F);
  info.header_len = 4 * b.get(field::VER_IHL, 0x0F);
  ihl->value = std::to_string(info.header_len) + " bytes (" + ihl->value + ")";
  if (info.header_len < field::kMinHeader) {
    b.fail("ip.hdr_len", layer.name + ": header length " + std::to_string(info.header_len / 4) +
                             " is below the minimum of 5");
    return info;
  }
  if (DissectField* tos =
          b.add(field::TOS, "ip.dsfield", "Differentiated services (TOS)", Show::hex)) {
    b.add(tos->children, field::TOS, "ip.dsfield.dscp", "Differentiated services codepoint",
          Show::dec, 0xFC);
    b.add(tos->children, field::TOS, "ip.dsfield.ecn", "Explicit congestion notification",
          Show::dec, 0x03);
  }
  b.add(field::LENGTH, "ip.len", "Total length", Show::dec);
  if (DissectField* id = b.add(field::IDENT, "ip.id", "Identification", Show::hex))
    id->value += " (" + std::to_string(*id->number) + ")";
  if (DissectField* flags = b.add(field::FLAGS, "ip.flags", "Flags", Show::hex, 0xE0)) {
    flags->value = ip_flags_text(*flags->number);
    b.flag(*flags, field::FLAGS, "ip.flags.rb", "Reserved bit", 0x80);
    b.flag(*flags, field::FLAGS, "ip.flags.df", "Don't fragment", 0x40);
    b.flag(*flags, field::FLAGS, "ip.flags.mf", "More fragments", 0x20);
  }
  if (DissectField* frag =
          b.add(field::FRAG_OFFSET, "ip.frag_offset", "Fragment offset", Show::dec, 0x1FFF);
      frag && *frag->number)
    frag->value += " (" + std::to_string(*frag->number * 8) + " bytes)";
  b.add(field::TTL, "ip.ttl", "Time to live", Show::dec);
  if (DissectField* proto = b.add(field::PROTOCOL, "ip.proto", "Protocol", Show::dec))
    if (const char* name = protocol_name(*proto->number))
      proto->value += std::string(" (") + name + ")";
  DissectField* checksum = b.add(field::CHECKSUM, "ip.checksum", "Header checksum", Show::hex);
  b.add(field::SRC, "ip.src", "Source address", Show::ipv4);
  b.add(field::DST, "ip.dst", "Destination address", Show::ipv4);
  if (b.failed()) return info;
  if (info.header_len > bytes.size()) {
    b.fail("ip.hdr_len", layer.name + ": header length " + std::to_string(info.header_len) +
                             " bytes is beyond the " + std::to_string(bytes.size()) +
                             " bytes present");
    set_checksum(*checksum, std::nullopt);
    return info;
  }
  if (info.header_len > field::kMinHeader)  // RFC 791 §3.1 "Options": shown as bytes, not decoded
    b.add(Range{field::kMinHeader, info.header_len - field::kMinHeader}, "ip.options", "Options",
          Show::bytes);
  set_checksum(*checksum, checksum_without(bytes.first(info.header_len), field::CHECKSUM.start));

  info.total_length = b.get(field::LENGTH);
  info.protocol = static_cast<std::uint8_t>(b.get(field::PROTOCOL));
  info.fragment_offset = b.get(field::FRAG_OFFSET, 0x1FFF);
  info.fragment = b.get(field::FRAG_OFFSET) & 0x3FFF;  // MF or an offset
  info.src = b.get(field::SRC);
  info.dst = b.get(field::DST);
  if (!quoted) {
    if (info.total_length < info.header_len) {
      b.fail("ip.len", "ipv4: total length " + std::to_string(info.total_length) +
                           " is below the header length of " + std::to_string(info.header_len));
      return info;
    }
    if (info.total_length > bytes.size())  // a capture cut short: the rest is still dissected
      b.fail("ip.len", "ipv4: total length " + std::to_string(info.total_length) + " exceeds the " +
                           std::to_string(bytes.size()) + " bytes present");
  }
  info.ok = true;
  return info;
}

namespace {

const DissectError* first_error(const std::vector<DissectLayer>& layers) {
  for (const DissectLayer& l : layers) {
    if (l.error) return &*l.error;
    if (const DissectError* e = first_error(l.quoted)) return e;
  }
  return nullptr;
}

}  // namespace

}  // namespace dissect_detail

Dissection dissect(std::span<const std::uint8_t> bytes) {
  using namespace dissect_detail;
  Dissection d;
  d.length = static_cast<std::uint32_t>(bytes.size());
  d.layers.emplace_back();
  const Ipv4Info ip = dissect_ipv4(bytes, 0, false, d.layers.back());
  if (ip.ok) {
    const std::uint32_t end = std::min<std::uint32_t>(ip.total_length, d.length);
    const auto seg = bytes.subspan(ip.header_len, end - ip.header_len);
    const bool complete = ip.total_length <= d.length;
    std::optional<std::uint32_t> header;
    if (!ip.fragment) {
      DissectLayer l4;
      switch (ip.protocol) {
        case 6: header = dissect_tcp(seg, ip.header_len, ip, complete, l4); break;
        case 17: header = dissect_udp(seg, ip.header_len, ip, complete, l4); break;
        case 1: header = dissect_icmp(seg, ip.header_len, complete, l4); break;
        default: header = 0; break;  // another protocol: its bytes are the payload
      }
      if (!l4.name.empty()) d.layers.push_back(std::move(l4));
    } else {
      header = 0;  // a fragment's data is part of an L4 message, not a header (RFC 791 §2.3)
    }
    if (header && *header < seg.size())
      d.layers.push_back(data_layer("payload", "Payload", "data.data", "Data", seg.subspan(*header),
                                    ip.header_len + *header));
    if (complete && ip.total_length < d.length)
      d.layers.push_back(data_layer("trailer", "Bytes after the IPv4 total length", "trailer",
                                    "Trailer", bytes.subspan(ip.total_length), ip.total_length));
  }
  if (const DissectError* e = first_error(d.layers)) d.error = *e;
  return d;
}

}  // namespace tcpplay
