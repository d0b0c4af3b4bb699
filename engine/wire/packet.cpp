// Serialization and validating parse of whole IPv4 packets.
// serialize: IPv4 header -> L4 header (TCP options padded with EOL zeros) -> payload, then
// checksums in compute mode. parse: bounds and IPv4 checks -> per-protocol parse -> checksum.
#include "wire/packet.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace tcpplay {

namespace {

constexpr std::uint8_t kProtoIcmp = static_cast<std::uint8_t>(IpProto::icmp);
constexpr std::uint8_t kProtoTcp = static_cast<std::uint8_t>(IpProto::tcp);
constexpr std::uint8_t kProtoUdp = static_cast<std::uint8_t>(IpProto::udp);

void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

void put32(std::uint8_t* p, std::uint32_t v) {
  put16(p, static_cast<std::uint16_t>(v >> 16));
  put16(p + 2, static_cast<std::uint16_t>(v));
}

std::uint16_t get16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::uint32_t get32(const std::uint8_t* p) {
  return (std::uint32_t{get16(p)} << 16) | get16(p + 2);
}

std::string hex16(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", v);
  return buf;
}

// One's-complement sum of 16-bit big-endian words, not yet folded (RFC 1071 §4.1).
std::uint64_t sum_words(std::span<const std::uint8_t> b, std::uint64_t sum = 0) {
  std::size_t i = 0;
  for (; i + 1 < b.size(); i += 2) sum += get16(&b[i]);
  if (i < b.size()) sum += std::uint32_t{b[i]} << 8;  // odd length: pad with a zero byte
  return sum;
}

std::uint16_t fold_complement(std::uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xFFFF);
}

void write_ipv4(const Packet& p, std::uint8_t* o, SerializeMode mode) {
  const Ipv4Header& ip = p.ip;
  o[0] = 0x45;  // version 4, IHL 5: IPv4 options are not supported
  o[1] = ip.tos;
  put16(o + 2, mode == SerializeMode::compute ? static_cast<std::uint16_t>(p.wire_size())
                                              : ip.total_length);
  put16(o + 4, ip.id);
  const std::uint16_t frag =
      static_cast<std::uint16_t>((ip.reserved_flag ? 0x8000 : 0) | (ip.dont_fragment ? 0x4000 : 0) |
                                 (ip.more_fragments ? 0x2000 : 0) | (ip.fragment_offset & 0x1FFF));
  put16(o + 6, frag);
  o[8] = ip.ttl;
  o[9] = ip.protocol;
  put16(o + 10, mode == SerializeMode::compute ? 0 : ip.checksum);
  put32(o + 12, ip.src);
  put32(o + 16, ip.dst);
  if (mode == SerializeMode::compute)
    put16(o + 10, internet_checksum(std::span<const std::uint8_t>(o, Ipv4Header::kSize)));
}

// Header only; the checksum is filled in once the payload is in place.
void write_tcp(const TcpHeader& t, std::uint8_t* o) {
  put16(o, t.src_port);
  put16(o + 2, t.dst_port);
  put32(o + 4, t.seq);
  put32(o + 8, t.ack);
  const std::uint32_t hdr = t.header_size();
  o[12] = static_cast<std::uint8_t>(((hdr / 4) << 4) | ((t.reserved & 0x7) << 1) |
                                    ((t.flags & tcp_flag::ae) ? 1 : 0));
  o[13] = static_cast<std::uint8_t>(t.flags & 0xFF);
  put16(o + 14, t.window);
  put16(o + 16, t.checksum);
  put16(o + 18, t.urgent);
  std::copy_n(t.options.data.begin(), t.options.len, o + TcpHeader::kMinSize);
  // RFC 9293 §3.2: pad to a 32-bit boundary with zeros (EOL).
  std::fill(o + TcpHeader::kMinSize + t.options.len, o + hdr, std::uint8_t{0});
}

void write_l4(const Packet& p, std::uint8_t* o, SerializeMode mode) {
  const bool compute = mode == SerializeMode::compute;
  const std::uint32_t l4_len = p.l4_header_size() + p.payload.size();
  p.payload.copy_to(o + p.l4_header_size());
  const std::span<const std::uint8_t> seg(o, l4_len);
  if (p.is_tcp()) {
    write_tcp(p.tcp, o);
    if (compute) {
      put16(o + 16, 0);
      put16(o + 16, l4_checksum(p.ip.src, p.ip.dst, kProtoTcp, seg));
    }
  } else if (p.is_udp()) {
    put16(o, p.udp.src_port);
    put16(o + 2, p.udp.dst_port);
    put16(o + 4, compute ? static_cast<std::uint16_t>(l4_len) : p.udp.length);
    put16(o + 6, compute ? 0 : p.udp.checksum);
    if (compute) {
      const std::uint16_t c = l4_checksum(p.ip.src, p.ip.dst, kProtoUdp, seg);
      put16(o + 6, c == 0 ? 0xFFFF : c);  // RFC 768: a computed zero is sent as all ones
    }
  } else if (p.is_icmp()) {
    o[0] = p.icmp.type;
    o[1] = p.icmp.code;
    put16(o + 2, compute ? 0 : p.icmp.checksum);
    put32(o + 4, p.icmp.rest);
    if (compute) put16(o + 2, internet_checksum(seg));  // RFC 792: header plus body
  }
}

// --- parse helpers ---------------------------------------------------------------------------

Error fail(const std::string& message) { return make_error(message); }

Status parse_tcp(std::span<const std::uint8_t> seg, Packet& p, const ParseOptions& opt) {
  const std::size_t n = seg.size();
  if (n < TcpHeader::kMinSize)
    return fail("tcp: segment of " + std::to_string(n) +
                " bytes is shorter than the 20-byte header");
  const unsigned doff = seg[12] >> 4;
  if (doff < 5)
    return fail("tcp: data offset " + std::to_string(doff) + " is below the minimum of 5");
  if (doff * 4u > n)
    return fail("tcp: data offset " + std::to_string(doff) + " (" + std::to_string(doff * 4) +
                " bytes) is beyond the segment of " + std::to_string(n) + " bytes");
  TcpHeader& t = p.tcp;
  t.src_port = get16(&seg[0]);
  t.dst_port = get16(&seg[2]);
  t.seq = get32(&seg[4]);
  t.ack = get32(&seg[8]);
  t.reserved = static_cast<std::uint8_t>((seg[12] >> 1) & 0x7);
  t.flags = static_cast<std::uint16_t>(seg[13] | ((seg[12] & 1) ? tcp_flag::ae : 0));
  t.window = get16(&seg[14]);
  t.checksum = get16(&seg[16]);
  t.urgent = get16(&seg[18]);
  t.options.len = static_cast<std::uint8_t>(doff * 4 - TcpHeader::kMinSize);
  std::copy_n(seg.begin() + TcpHeader::kMinSize, t.options.len, t.options.data.begin());
  Result<TcpOptions> decoded = decode_tcp_options(t.options);
  if (!decoded) return fail(decoded.error());
  if (opt.verify_checksums && l4_checksum(p.ip.src, p.ip.dst, kProtoTcp, seg) != 0) {
    // Recompute with the field zeroed to report the expected value.
    std::vector<std::uint8_t> tmp(seg.begin(), seg.end());
    put16(&tmp[16], 0);
    return fail("tcp: checksum " + hex16(t.checksum) + " is wrong (expected " +
                hex16(l4_checksum(p.ip.src, p.ip.dst, kProtoTcp, tmp)) + ")");
  }
  p.payload = Payload::from_bytes(std::vector<std::uint8_t>(seg.begin() + doff * 4, seg.end()));
  return {};
}

Status parse_udp(std::span<const std::uint8_t> seg, Packet& p, const ParseOptions& opt) {
  const std::size_t n = seg.size();
  if (n < UdpHeader::kSize)
    return fail("udp: datagram of " + std::to_string(n) +
                " bytes is shorter than the 8-byte header");
  UdpHeader& u = p.udp;
  u.src_port = get16(&seg[0]);
  u.dst_port = get16(&seg[2]);
  u.length = get16(&seg[4]);
  u.checksum = get16(&seg[6]);
  if (u.length < UdpHeader::kSize)
    return fail("udp: length field " + std::to_string(u.length) + " is below the minimum of 8");
  if (u.length != n)
    return fail("udp: length field " + std::to_string(u.length) +
                " does not match the IP payload of " + std::to_string(n) + " bytes");
  // RFC 768: a zero checksum means the sender computed none.
  if (opt.verify_checksums && u.checksum != 0 &&
      l4_checksum(p.ip.src, p.ip.dst, kProtoUdp, seg) != 0) {
    std::vector<std::uint8_t> tmp(seg.begin(), seg.end());
    put16(&tmp[6], 0);
    std::uint16_t expected = l4_checksum(p.ip.src, p.ip.dst, kProtoUdp, tmp);
    return fail("udp: checksum " + hex16(u.checksum) + " is wrong (expected " +
                hex16(expected == 0 ? 0xFFFF : expected) + ")");
  }
  p.payload =
      Payload::from_bytes(std::vector<std::uint8_t>(seg.begin() + UdpHeader::kSize, seg.end()));
  return {};
}

Status parse_icmp(std::span<const std::uint8_t> seg, Packet& p, const ParseOptions& opt) {
  const std::size_t n = seg.size();
  if (n < IcmpHeader::kSize)
    return fail("icmp: message of " + std::to_string(n) +
                " bytes is shorter than the 8-byte header");
  IcmpHeader& h = p.icmp;
  h.type = seg[0];
  h.code = seg[1];
  h.checksum = get16(&seg[2]);
  h.rest = get32(&seg[4]);
  if (opt.verify_checksums && internet_checksum(seg) != 0) {
    std::vector<std::uint8_t> tmp(seg.begin(), seg.end());
    put16(&tmp[2], 0);
    return fail("icmp: checksum " + hex16(h.checksum) + " is wrong (expected " +
                hex16(internet_checksum(tmp)) + ")");
  }
  p.payload =
      Payload::from_bytes(std::vector<std::uint8_t>(seg.begin() + IcmpHeader::kSize, seg.end()));
  return {};
}

Status parse_ipv4_header(std::span<const std::uint8_t> b, Ipv4Header& ip, const ParseOptions& opt) {
  const std::size_t n = b.size();
  if (n < Ipv4Header::kSize)
    return fail("ipv4: packet of " + std::to_string(n) +
                " bytes is shorter than the 20-byte header");
  const unsigned version = b[0] >> 4, ihl = b[0] & 0xF;
  if (version != 4) return fail("ipv4: version " + std::to_string(version) + " is not 4");
  if (ihl < 5)
    return fail("ipv4: header length " + std::to_string(ihl) + " is below the minimum of 5");
  if (ihl > 5)
    return fail("ipv4: IPv4 options are not supported (header length " + std::to_string(ihl) +
                " words)");
  ip.tos = b[1];
  ip.total_length = get16(&b[2]);
  if (ip.total_length < Ipv4Header::kSize)
    return fail("ipv4: total length " + std::to_string(ip.total_length) +
                " is below the header size of 20");
  if (ip.total_length > n)
    return fail("ipv4: total length " + std::to_string(ip.total_length) + " exceeds the " +
                std::to_string(n) + " bytes received");
  ip.id = get16(&b[4]);
  const std::uint16_t frag = get16(&b[6]);
  ip.reserved_flag = frag & 0x8000;
  ip.dont_fragment = frag & 0x4000;
  ip.more_fragments = frag & 0x2000;
  ip.fragment_offset = frag & 0x1FFF;
  ip.ttl = b[8];
  ip.protocol = b[9];
  ip.checksum = get16(&b[10]);
  ip.src = get32(&b[12]);
  ip.dst = get32(&b[16]);
  if (opt.verify_checksums && internet_checksum(b.first(Ipv4Header::kSize)) != 0) {
    std::uint8_t tmp[Ipv4Header::kSize];
    std::copy_n(b.begin(), Ipv4Header::kSize, tmp);
    put16(tmp + 10, 0);
    return fail("ipv4: header checksum " + hex16(ip.checksum) + " is wrong (expected " +
                hex16(internet_checksum(tmp)) + ")");
  }
  if (ip.more_fragments || ip.fragment_offset != 0)
    return fail("ipv4: fragmented packets are not supported (more fragments " +
                std::string(ip.more_fragments ? "set" : "clear") + ", offset " +
                std::to_string(ip.fragment_offset * 8) + " bytes)");
  return {};
}

}  // namespace

void serialize_into(const Packet& p, std::vector<std::uint8_t>& out, SerializeMode mode) {
  const std::size_t base = out.size();
  out.resize(base + p.wire_size());
  std::uint8_t* o = out.data() + base;
  write_l4(p, o + Ipv4Header::kSize, mode);  // other protocols: just the payload
  write_ipv4(p, o, mode);
}

std::vector<std::uint8_t> serialize(const Packet& p, SerializeMode mode) {
  std::vector<std::uint8_t> out;
  out.reserve(p.wire_size());
  serialize_into(p, out, mode);
  return out;
}

Result<Packet> parse(std::span<const std::uint8_t> bytes, ParseOptions options) {
  Packet p;
  if (Status s = parse_ipv4_header(bytes, p.ip, options); !s) return make_error(s.error());
  // Bytes past the total length (link-layer padding) are not part of the packet.
  const auto seg = bytes.subspan(Ipv4Header::kSize, p.ip.total_length - Ipv4Header::kSize);
  Status s;
  switch (p.ip.protocol) {
    case kProtoTcp: s = parse_tcp(seg, p, options); break;
    case kProtoUdp: s = parse_udp(seg, p, options); break;
    case kProtoIcmp: s = parse_icmp(seg, p, options); break;
    default:
      return make_error("ipv4: protocol " + std::to_string(p.ip.protocol) + " is not supported");
  }
  if (!s) return make_error(s.error());
  return p;
}

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes) {
  return fold_complement(sum_words(bytes));
}

std::uint16_t l4_checksum(Ipv4Addr src, Ipv4Addr dst, std::uint8_t proto,
                          std::span<const std::uint8_t> segment) {
  // Pseudo-header: src, dst, zero, protocol, L4 length (RFC 9293 §3.1, RFC 768).
  std::uint64_t sum = (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) + proto +
                      static_cast<std::uint64_t>(segment.size() & 0xFFFF);
  return fold_complement(sum_words(segment, sum));
}

}  // namespace tcpplay
