// Wire format: addresses, checksums (RFC 1071), TCP options, serialize/parse round trips, and a
// parser that rejects every malformed input with a precise message and never reads out of bounds.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "wire/packet.h"

namespace tcpplay {
namespace {

using Bytes = std::vector<std::uint8_t>;

Packet make_tcp(std::uint16_t flags, std::string_view data = "", TcpOptionBytes opts = {}) {
  Packet p;
  p.ip.src = *parse_ipv4("10.0.0.1");
  p.ip.dst = *parse_ipv4("10.0.0.2");
  p.ip.id = 4242;
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::tcp);
  p.tcp.src_port = 40000;
  p.tcp.dst_port = 80;
  p.tcp.seq = 0x01020304;
  p.tcp.ack = 0xA0B0C0D0;
  p.tcp.flags = flags;
  p.tcp.window = 65535;
  p.tcp.options = opts;
  p.payload = Payload::from_text(data);
  return p;
}

Packet make_udp(std::string_view data) {
  Packet p = make_tcp(0);
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::udp);
  p.tcp = {};
  p.udp.src_port = 40000;
  p.udp.dst_port = 9000;
  p.payload = Payload::from_text(data);
  return p;
}

Packet make_icmp_unreachable() {
  Bytes quoted = serialize(make_udp("hello, world"));
  quoted.resize(28);  // RFC 792: IP header + 64 bits of the datagram
  Packet p = make_tcp(0);
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::icmp);
  p.tcp = {};
  p.icmp.type = icmp_type::dest_unreachable;
  p.icmp.code = icmp_code::port_unreachable;
  p.payload = Payload::from_bytes(quoted);
  return p;
}

/// Every option kind the engine knows, plus NOPs, an unknown kind and a final EOL (36 bytes).
TcpOptionBytes every_option() {
  TcpOptionWriter w;
  const SackBlock blocks[2] = {{100, 200}, {300, 400}};
  const std::uint8_t unknown[2] = {0xAB, 0xCD};
  CHECK(w.add_mss(1460));
  CHECK(w.add_nop());
  CHECK(w.add_window_scale(7));
  CHECK(w.add_sack_permitted());
  CHECK(w.add_timestamp(11, 22));
  CHECK(w.add_raw(99, unknown, 2));
  CHECK(w.add_sack(blocks, 1));
  CHECK(w.add_nop());
  CHECK(w.add_eol());
  CHECK(w.bytes().len == 4 + 1 + 3 + 2 + 10 + 4 + 10 + 1 + 1);
  return w.bytes();
}

/// Sets the field at `off` (big-endian) and fixes the IPv4 header checksum.
void patch16(Bytes& b, std::size_t off, std::uint16_t v) {
  b[off] = static_cast<std::uint8_t>(v >> 8);
  b[off + 1] = static_cast<std::uint8_t>(v);
}

void fix_ip_checksum(Bytes& b) {
  patch16(b, 10, 0);
  patch16(b, 10, internet_checksum(std::span<const std::uint8_t>(b.data(), 20)));
}

/// A packet carrying `l4` (already formed) with a consistent IPv4 header.
Bytes with_ip(std::uint8_t proto, const Bytes& l4) {
  Packet p = make_tcp(0);
  p.ip.protocol = 253;
  p.tcp = {};
  p.payload = Payload::from_bytes(l4);
  Bytes b = serialize(p);
  b[9] = proto;
  fix_ip_checksum(b);
  return b;
}

std::string parse_error(const Bytes& b, ParseOptions o = {}) {
  Result<Packet> r = parse(b, o);
  return r ? "(parsed)" : r.error();
}

/// Deterministic xorshift64*, so every run mutates the same way.
struct Xorshift {
  std::uint64_t s;
  std::uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1DULL;
  }
};

}  // namespace

TEST_CASE("wire: ipv4 addresses format and parse strictly") {
  CHECK(format_ipv4(0x0A000001) == "10.0.0.1");
  CHECK(format_ipv4(0xFFFFFFFF) == "255.255.255.255");
  CHECK(parse_ipv4("10.0.0.1") == 0x0A000001u);
  CHECK(parse_ipv4("0.0.0.0") == 0u);
  CHECK(parse_ipv4("255.255.255.255") == 0xFFFFFFFFu);
  CHECK(parse_ipv4("192.168.0.199") == 0xC0A800C7u);
  for (const char* bad : {"1.2.3", "256.0.0.1", " 1.2.3.4", "x1.2.3.4", "1.2.3.4 ", "1.2.3.4.5", "",
                          "1..3.4", "1.2.3.-4", "1234.1.1.1", "01.2.3.4", "1.2.3.4/24", "+1.2.3.4",
                          "1.2.3.", ".1.2.3", "1,2,3,4"})
    CHECK_MESSAGE(!parse_ipv4(bad), bad);
}

TEST_CASE("wire: RFC 1071 checksums on hand-computed vectors") {
  // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2, whose complement is 220d.
  const Bytes rfc = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  CHECK(internet_checksum(rfc) == 0x220d);
  // Odd length: the last byte is padded with a zero (0x0100 + 0x0200 = 0x0300 -> 0xfcff).
  CHECK(internet_checksum(Bytes{0x01, 0x00, 0x02}) == 0xfcff);
  CHECK(internet_checksum(Bytes{}) == 0xffff);
  // A real IPv4 header with checksum b861: the sum over the whole header verifies to 0.
  Bytes ip = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
              0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  CHECK(internet_checksum(ip) == 0);
  ip[10] = ip[11] = 0;
  CHECK(internet_checksum(ip) == 0xb861);
  // Pseudo-header sum by hand for a bare 8-byte UDP header 1.2.3.4:1 -> 5.6.7.8:2, length 8:
  // 0102+0304+0506+0708+0011+0008 + 0001+0002+0008 = 0x1038 -> complement 0xefc7.
  const Bytes udp = {0x00, 0x01, 0x00, 0x02, 0x00, 0x08, 0x00, 0x00};
  CHECK(l4_checksum(0x01020304, 0x05060708, 17, udp) == 0xefc7);
}

TEST_CASE("wire: tcp options encode in Linux's layouts") {
  TcpOptions o;
  o.mss = 1460;
  o.sack_permitted = true;
  o.has_timestamp = true;
  o.ts_val = 0x01020304;
  o.ts_ecr = 0;
  o.window_scale = 7;
  const TcpOptionBytes syn = encode_tcp_options(o, true);
  const Bytes want_syn = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7};
  CHECK(Bytes(syn.data.begin(), syn.data.begin() + syn.len) == want_syn);

  o.has_timestamp = false;
  const TcpOptionBytes no_ts = encode_tcp_options(o, true);
  CHECK(Bytes(no_ts.data.begin(), no_ts.data.begin() + no_ts.len) ==
        Bytes{2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7});

  // Non-SYN: no MSS/WS/SACK-permitted; TS then SACK, at most 3 blocks beside TS.
  o.has_timestamp = true;
  o.sack_count = 4;
  o.sack = {SackBlock{1, 2}, SackBlock{3, 4}, SackBlock{5, 6}, SackBlock{7, 8}};
  const TcpOptionBytes ack = encode_tcp_options(o, false);
  CHECK(ack.len == 40);
  CHECK(Bytes(ack.data.begin(), ack.data.begin() + 4) == Bytes{1, 1, 8, 10});
  CHECK(Bytes(ack.data.begin() + 12, ack.data.begin() + 16) == Bytes{1, 1, 5, 26});
  Result<TcpOptions> back = decode_tcp_options(ack);
  REQUIRE(back);
  CHECK(back->sack_count == 3);
  CHECK(back->sack[2] == SackBlock{5, 6});
  CHECK(back->ts_val == 0x01020304);
  CHECK(!back->mss);

  o.has_timestamp = false;
  const TcpOptionBytes sack_only = encode_tcp_options(o, false);
  CHECK(sack_only.len == 36);  // nop, nop, sack with 4 blocks

  // A SYN with every option decodes to what was encoded.
  o = {};
  o.mss = 536;
  o.window_scale = 14;
  o.sack_permitted = true;
  o.has_timestamp = true;
  o.ts_val = 7;
  o.ts_ecr = 9;
  Result<TcpOptions> syn_back = decode_tcp_options(encode_tcp_options(o, true));
  REQUIRE(syn_back);
  CHECK(*syn_back == o);
}

TEST_CASE("wire: tcp option decoding validates kinds, lengths and offsets") {
  auto raw = [](Bytes b) {
    TcpOptionBytes o;
    for (std::uint8_t x : b) o.data[o.len++] = x;
    return o;
  };
  auto err = [](const TcpOptionBytes& o) {
    Result<TcpOptions> r = decode_tcp_options(o);
    return r ? std::string("(ok)") : r.error();
  };
  CHECK(err(raw({2, 5, 5, 0xb4, 0, 0, 0, 0})) ==
        "tcp option mss at offset 0: length 5, expected 4");
  CHECK(err(raw({1, 3, 4, 0, 0, 0, 0, 0})) ==
        "tcp option wscale at offset 1: length 4, expected 3");
  CHECK(err(raw({4, 3, 0, 0})) == "tcp option sackOK at offset 0: length 3, expected 2");
  CHECK(err(raw({1, 1, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0})) ==
        "tcp option TS at offset 2: length 8, expected 10");
  CHECK(err(raw({5, 2, 1, 1})) ==
        "tcp option sack at offset 0: length 2, expected 2+8n (n = 1..4)");
  CHECK(err(raw({5, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})) ==
        "tcp option sack at offset 0: length 11, expected 2+8n (n = 1..4)");
  CHECK(err(raw({1, 5, 0, 0})) == "tcp option sack at offset 1: length 0 is below 2");
  CHECK(err(raw({99, 1, 0, 0})) == "tcp option kind 99 at offset 0: length 1 is below 2");
  CHECK(err(raw({8, 10, 0, 0})) ==
        "tcp option TS at offset 0: length 10 overruns the option space (4 bytes left)");
  CHECK(err(raw({1, 1, 1, 2})) == "tcp option mss at offset 3: missing length byte");
  // EOL ends the list: what follows is padding, even if it looks malformed.
  Result<TcpOptions> eol = decode_tcp_options(raw({2, 4, 1, 0, 0, 9, 0, 0}));
  REQUIRE(eol);
  CHECK(eol->mss == 256);
  // Unknown kinds are skipped by their length.
  Result<TcpOptions> unknown = decode_tcp_options(raw({99, 4, 0xab, 0xcd, 3, 3, 9, 1}));
  REQUIRE(unknown);
  CHECK(unknown->window_scale == 9);
  Result<TcpOptions> all = decode_tcp_options(every_option());
  REQUIRE(all);
  CHECK(all->mss == 1460);
  CHECK(all->window_scale == 7);
  CHECK(all->sack_permitted);
  CHECK(all->ts_val == 11);
  CHECK(all->ts_ecr == 22);
  CHECK(all->sack_count == 1);
  CHECK(all->sack[0] == SackBlock{100, 200});
}

TEST_CASE("wire: tcp option writer refuses to overflow the 40-byte option space") {
  TcpOptionWriter w;
  for (int i = 0; i < 4; ++i) CHECK(w.add_timestamp(1, 2));
  CHECK(w.bytes().len == 40);
  const Status s = w.add_nop();
  CHECK(!s);
  CHECK(s.error() == "tcp options: adding 1 bytes to 40 would exceed the 40-byte option space");
  CHECK(w.bytes().len == 40);
  TcpOptionWriter w2;
  const SackBlock blocks[5] = {};
  CHECK(!w2.add_sack(blocks, 5));
  CHECK(w2.add_sack(blocks, 4));
  CHECK(w2.bytes().len == 34);
  CHECK(!w2.add_timestamp(1, 2));
  CHECK(w2.add_mss(1));
  CHECK(w2.add_nop());
  CHECK(w2.add_eol());
  CHECK(!w2.add_eol());
}

TEST_CASE("wire: tcp flag strings follow tcpdump") {
  using namespace tcp_flag;
  CHECK(tcp_flags_string(syn) == "S");
  CHECK(tcp_flags_string(syn | ack) == "S.");
  CHECK(tcp_flags_string(psh | ack) == "P.");
  CHECK(tcp_flags_string(fin | ack) == "F.");
  CHECK(tcp_flags_string(rst) == "R");
  CHECK(tcp_flags_string(rst | ack) == "R.");
  CHECK(tcp_flags_string(ack) == ".");
  CHECK(tcp_flags_string(0) == "none");
  CHECK(tcp_flags_string(0xFF) == "FSRP.UEW");
  CHECK(tcp_flags_string(syn | ece | cwr) == "SEW");
  // tcpdump 4.99.3 prints "[S]" for SYN|AE and "[none]" for AE alone (checked by experiment).
  CHECK(tcp_flags_string(syn | ae) == "S");
  CHECK(tcp_flags_string(ae) == "none");
}

TEST_CASE("wire: tcp packet with every option kind round-trips both ways") {
  const Packet p =
      make_tcp(tcp_flag::psh | tcp_flag::ack | tcp_flag::ae, "payload bytes", every_option());
  const Bytes b = serialize(p);
  REQUIRE(b.size() == 20 + 20 + 36 + 13);
  CHECK(b[32] == ((56 / 4) << 4 | 1));  // data offset 14, AE
  Result<Packet> q = parse(b);
  INFO((q ? std::string() : q.error()));
  REQUIRE(q.ok());
  CHECK(q->ip.total_length == b.size());
  CHECK(q->tcp.options == p.tcp.options);
  CHECK(q->payload == p.payload);
  CHECK(q->tcp.flags == p.tcp.flags);
  Packet expected = p;
  expected.ip.total_length = q->ip.total_length;
  expected.ip.checksum = q->ip.checksum;
  expected.tcp.checksum = q->tcp.checksum;
  CHECK(q->ip == expected.ip);
  CHECK(q->tcp == expected.tcp);
  CHECK(serialize(*q, SerializeMode::exact) == b);
  CHECK(serialize(*q, SerializeMode::compute) == b);
}

TEST_CASE("wire: crafted bytes round-trip exactly through parse and serialize(exact)") {
  Bytes b = serialize(make_tcp(tcp_flag::syn, "", every_option()));
  b[1] = 0xB8;    // TOS with ECN bits
  b[6] = 0x80;    // reserved flag, DF clear
  b[8] = 1;       // TTL
  b[32] |= 0x0E;  // the three reserved TCP bits
  b[36] = 0x12;   // bogus TCP checksum, kept when not verifying
  fix_ip_checksum(b);
  Result<Packet> q = parse(b, ParseOptions{false});
  REQUIRE(q);
  CHECK(q->ip.tos == 0xB8);
  CHECK(q->ip.reserved_flag);
  CHECK(!q->ip.dont_fragment);
  CHECK(q->tcp.reserved == 7);
  CHECK(serialize(*q, SerializeMode::exact) == b);
  CHECK(parse_error(b).find("tcp: checksum 0x12") == 0);
  // Odd-length options are padded with EOL on the wire and come back padded.
  TcpOptionBytes odd;
  odd.len = 5;
  odd.data[0] = 1;
  odd.data[1] = 2;
  odd.data[2] = 4;
  odd.data[3] = 0x05;
  odd.data[4] = 0xb4;
  const Bytes ob = serialize(make_tcp(tcp_flag::ack, "x", odd));
  CHECK(ob.size() == 20 + 28 + 1);
  CHECK(ob[45] == 0);
  Result<Packet> oq = parse(ob);
  REQUIRE(oq);
  CHECK(oq->tcp.options.len == 8);
  CHECK(serialize(*oq, SerializeMode::exact) == ob);
}

TEST_CASE("wire: udp and icmp round-trip; a computed zero UDP checksum is sent as 0xffff") {
  const Packet u = make_udp("datagram");
  const Bytes ub = serialize(u);
  Result<Packet> uq = parse(ub);
  REQUIRE(uq);
  CHECK(uq->udp.length == 16);
  CHECK(uq->payload.to_string() == "datagram");
  CHECK(serialize(*uq, SerializeMode::exact) == ub);

  const Packet ic = make_icmp_unreachable();
  const Bytes ib = serialize(ic);
  CHECK(ib.size() == 20 + 8 + 28);
  Result<Packet> iq = parse(ib);
  REQUIRE(iq);
  CHECK(iq->icmp.type == 3);
  CHECK(iq->icmp.code == 3);
  CHECK(iq->payload == ic.payload);
  CHECK(serialize(*iq, SerializeMode::exact) == ib);

  // Find a two-byte payload whose checksum computes to 0 (one exists among the 65536).
  bool found = false;
  for (std::uint32_t v = 0; v < 0x10000 && !found; ++v) {
    Packet z = make_udp("");
    z.payload =
        Payload::from_bytes({static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)});
    Bytes zb = serialize(z);
    Bytes zero = zb;
    patch16(zero, 26, 0);
    if (l4_checksum(z.ip.src, z.ip.dst, 17, std::span(zero).subspan(20)) != 0) continue;
    found = true;
    CHECK(zb[26] == 0xFF);
    CHECK(zb[27] == 0xFF);
    CHECK(parse(zb));
  }
  CHECK(found);
  // Checksum 0 means "none" (RFC 768) and is accepted whatever the data.
  Bytes none = ub;
  patch16(none, 26, 0);
  CHECK(parse(none));
}

TEST_CASE("wire: truncated packets at every length are rejected with the layer named") {
  const Bytes b = serialize(make_tcp(tcp_flag::ack, "abc", every_option()));
  for (std::size_t n = 0; n < b.size(); ++n) {
    const std::string e = parse_error(Bytes(b.begin(), b.begin() + n));
    if (n < 20)
      CHECK(e ==
            "ipv4: packet of " + std::to_string(n) + " bytes is shorter than the 20-byte header");
    else
      CHECK(e == "ipv4: total length " + std::to_string(b.size()) + " exceeds the " +
                     std::to_string(n) + " bytes received");
  }
  // Consistent IPv4 lengths around a too-short L4 header.
  for (std::uint8_t k = 0; k < 20; ++k) {
    const Bytes l4(k, 0);
    CHECK(parse_error(with_ip(6, l4)) ==
          "tcp: segment of " + std::to_string(k) + " bytes is shorter than the 20-byte header");
    if (k < 8) {
      CHECK(parse_error(with_ip(17, l4)) ==
            "udp: datagram of " + std::to_string(k) + " bytes is shorter than the 8-byte header");
      CHECK(parse_error(with_ip(1, l4)) ==
            "icmp: message of " + std::to_string(k) + " bytes is shorter than the 8-byte header");
    }
  }
}

TEST_CASE("wire: malformed headers produce precise errors") {
  const Bytes good = serialize(make_tcp(tcp_flag::ack, "abc"));
  auto mutate = [&](auto&& f, bool fix = true) {
    Bytes b = good;
    f(b);
    if (fix) fix_ip_checksum(b);
    return parse_error(b);
  };
  CHECK(mutate([](Bytes& b) { b[0] = 0x65; }) == "ipv4: version 6 is not 4");
  CHECK(mutate([](Bytes& b) { b[0] = 0x44; }) == "ipv4: header length 4 is below the minimum of 5");
  CHECK(mutate([](Bytes& b) { b[0] = 0x46; }) ==
        "ipv4: IPv4 options are not supported (header length 6 words)");
  CHECK(mutate([](Bytes& b) { patch16(b, 2, 19); }) ==
        "ipv4: total length 19 is below the header size of 20");
  CHECK(mutate([](Bytes& b) { patch16(b, 2, static_cast<std::uint16_t>(b.size() + 1)); }) ==
        "ipv4: total length 44 exceeds the 43 bytes received");
  CHECK(mutate([](Bytes& b) { b[10] ^= 0xFF; }, false).find("ipv4: header checksum 0x") == 0);
  CHECK(mutate([](Bytes& b) { b[6] |= 0x20; }) ==
        "ipv4: fragmented packets are not supported (more fragments set, offset 0 bytes)");
  CHECK(mutate([](Bytes& b) { patch16(b, 6, 0x4003); }) ==
        "ipv4: fragmented packets are not supported (more fragments clear, offset 24 bytes)");
  CHECK(mutate([](Bytes& b) { b[9] = 47; }) == "ipv4: protocol 47 is not supported");
  CHECK(mutate([](Bytes& b) { b[32] = 0x40; }) == "tcp: data offset 4 is below the minimum of 5");
  CHECK(mutate([](Bytes& b) { b[32] = 0xF0; }) ==
        "tcp: data offset 15 (60 bytes) is beyond the segment of 23 bytes");
  CHECK(mutate([](Bytes& b) { b[36] ^= 1; }).find("tcp: checksum 0x") == 0);
  // Trailing bytes beyond the total length (link padding) are ignored.
  Bytes padded = good;
  padded.push_back(0);
  CHECK(parse(padded));

  // Options that overrun or have length zero are rejected through decode_tcp_options.
  auto with_opts = [](Bytes opts) {
    TcpOptionBytes o;
    for (std::uint8_t x : opts) o.data[o.len++] = x;
    return parse_error(serialize(make_tcp(tcp_flag::ack, "", o)));
  };
  CHECK(with_opts({8, 10, 0, 0}) ==
        "tcp option TS at offset 0: length 10 overruns the option space (4 bytes left)");
  CHECK(with_opts({1, 2, 0, 0}) == "tcp option mss at offset 1: length 0 is below 2");

  // UDP: length field below 8, or not the IP payload length.
  const Bytes u = serialize(make_udp("xy"));
  Bytes u7 = u, u9 = u;
  patch16(u7, 24, 7);
  patch16(u9, 24, 9);
  CHECK(parse_error(u7) == "udp: length field 7 is below the minimum of 8");
  CHECK(parse_error(u9) == "udp: length field 9 does not match the IP payload of 10 bytes");
  Bytes ubad = u;
  ubad[29] ^= 0x40;
  CHECK(parse_error(ubad).find("udp: checksum 0x") == 0);
  CHECK(parse(ubad, ParseOptions{false}));

  Bytes ibad = serialize(make_icmp_unreachable());
  ibad[30] ^= 1;
  CHECK(parse_error(ibad).find("icmp: checksum 0x") == 0);
}

TEST_CASE("wire: parsing truncations and random mutations never crashes") {
  std::vector<Bytes> seeds = {serialize(make_tcp(tcp_flag::syn, "", every_option())),
                              serialize(make_tcp(tcp_flag::psh | tcp_flag::ack, "data!")),
                              serialize(make_udp("a datagram")),
                              serialize(make_icmp_unreachable())};
  Xorshift rng{0x9E3779B97F4A7C15ULL};
  int parsed = 0;
  for (const Bytes& seed : seeds) {
    for (std::size_t n = 0; n <= seed.size(); ++n)
      (void)parse(Bytes(seed.begin(), seed.begin() + n));
    for (int i = 0; i < 5000; ++i) {
      Bytes b = seed;
      const int flips = 1 + static_cast<int>(rng.next() % 4);
      for (int f = 0; f < flips; ++f)
        b[rng.next() % b.size()] = static_cast<std::uint8_t>(rng.next());
      if (rng.next() % 4 == 0) b.resize(rng.next() % (b.size() + 1));
      if (b.size() >= 20 && rng.next() % 2) fix_ip_checksum(b);
      const ParseOptions opts{rng.next() % 2 == 0};
      Result<Packet> r = parse(b, opts);
      if (!r) {
        CHECK(!r.error().empty());
        continue;
      }
      ++parsed;
      // Whatever parses serializes back to the same bytes, up to the IPv4 total length.
      const Bytes again = serialize(*r, SerializeMode::exact);
      CHECK(again == Bytes(b.begin(), b.begin() + r->ip.total_length));
    }
  }
  CHECK(parsed > 0);
}

}  // namespace tcpplay
