// The packet dissector (engine/wire/dissect.h): every field's bytes, TCP options as values and
// ranges, checksum validity with the right value, ICMP errors with the quoted datagram, and
// dissection of cut-off, malformed and random bytes that never crashes and names the layer.
// tests/engine/tshark_crosscheck_test.cpp compares the same fields with Wireshark's.
#include <doctest/doctest.h>

#include <bit>
#include <string>
#include <vector>

#include "wire/dissect.h"
#include "wire/packet.h"

namespace tcpplay {
namespace {

using Bytes = std::vector<std::uint8_t>;

Packet make_tcp(std::uint16_t flags, std::string_view data = "", TcpOptionBytes opts = {}) {
  Packet p;
  p.ip.src = *parse_ipv4("10.0.0.1");
  p.ip.dst = *parse_ipv4("10.0.0.2");
  p.ip.id = 0x1234;
  p.ip.ttl = 63;
  p.ip.tos = 0xB9;  // DSCP 46, ECN 1
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::tcp);
  p.tcp.src_port = 40000;
  p.tcp.dst_port = 80;
  p.tcp.seq = 0x01020304;
  p.tcp.ack = 0xA0B0C0D0;
  p.tcp.flags = flags;
  p.tcp.window = 65535;
  p.tcp.urgent = 7;
  p.tcp.options = opts;
  p.payload = Payload::from_text(data);
  return p;
}

Packet make_udp(std::string_view data) {
  Packet p = make_tcp(0);
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::udp);
  p.tcp = {};
  p.udp.src_port = 40000;
  p.udp.dst_port = 53;
  p.payload = Payload::from_text(data);
  return p;
}

Packet make_icmp_unreachable(const Packet& offending) {
  Bytes quoted = serialize(offending);
  quoted.resize(28);  // RFC 792: the IP header + 64 bits of the datagram
  Packet p = make_tcp(0);
  std::swap(p.ip.src, p.ip.dst);
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::icmp);
  p.tcp = {};
  p.icmp.type = icmp_type::dest_unreachable;
  p.icmp.code = icmp_code::port_unreachable;
  p.payload = Payload::from_bytes(quoted);
  return p;
}

/// Linux's SYN options: mss, sackOK, TS, nop, wscale (20 bytes).
TcpOptionBytes syn_options() {
  TcpOptions o;
  o.mss = 1460;
  o.sack_permitted = true;
  o.has_timestamp = true;
  o.ts_val = 1000;
  o.ts_ecr = 0;
  o.window_scale = 7;
  return encode_tcp_options(o, true);
}

const DissectField* find_in(const std::vector<DissectField>& fields, std::string_view name) {
  for (const DissectField& f : fields) {
    if (f.name == name) return &f;
    if (const DissectField* c = find_in(f.children, name)) return c;
  }
  return nullptr;
}

const DissectLayer* layer(const Dissection& d, std::string_view name) {
  for (const DissectLayer& l : d.layers)
    if (l.name == name) return &l;
  return nullptr;
}

/// The field `name` of layer `layer_name`; fails the test when missing.
const DissectField& field(const Dissection& d, std::string_view layer_name, std::string_view name) {
  const DissectLayer* l = layer(d, layer_name);
  REQUIRE_MESSAGE(l, "no layer " << layer_name);
  const DissectField* f = find_in(l->fields, name);
  REQUIRE_MESSAGE(f, "no field " << name << " in " << layer_name);
  return *f;
}

std::uint64_t big_endian(const Bytes& b, std::uint32_t offset, std::uint32_t length) {
  std::uint64_t v = 0;
  for (std::uint32_t i = 0; i < length; ++i) v = (v << 8) | b[offset + i];
  return v;
}

/// What every dissection promises: fields inside the bytes and inside their parent, and each
/// field's number equal to its bytes (masked) except the derived window scale multiplier.
void check_fields(const std::vector<DissectField>& fields, const Bytes& b, std::uint32_t lo,
                  std::uint32_t hi) {
  for (const DissectField& f : fields) {
    INFO(f.name << " at " << f.offset << "+" << f.length);
    CHECK(f.offset >= lo);
    CHECK(f.offset + f.length <= hi);
    CHECK(!f.name.empty());
    CHECK(!f.label.empty());
    if (f.number && f.length <= 4 && f.name != "tcp.options.wscale.multiplier") {
      std::uint64_t v = big_endian(b, f.offset, f.length);
      if (f.mask) v = (v & f.mask) >> std::countr_zero(f.mask);
      CHECK(v == *f.number);
    }
    check_fields(f.children, b, f.offset, f.offset + f.length);
  }
}

void check_invariants(const Dissection& d, const Bytes& b) {
  CHECK(d.length == b.size());
  for (const DissectLayer& l : d.layers) {
    CHECK(l.offset + l.length <= b.size());
    check_fields(l.fields, b, 0, static_cast<std::uint32_t>(b.size()));
    for (const DissectLayer& q : l.quoted) {
      CHECK(q.offset + q.length <= b.size());
      check_fields(q.fields, b, 0, static_cast<std::uint32_t>(b.size()));
    }
    for (const DissectTcpOption& o : l.options) CHECK(o.offset + o.length <= b.size());
  }
}

}  // namespace

TEST_CASE("dissect: a SYN's IPv4 and TCP fields, each with its bytes") {
  const Bytes b =
      serialize(make_tcp(tcp_flag::syn | tcp_flag::ece | tcp_flag::cwr, "", syn_options()));
  const Dissection d = dissect(b);
  check_invariants(d, b);
  CHECK_FALSE(d.error);
  REQUIRE(d.layers.size() == 2);
  CHECK(d.layers[0].name == "ipv4");
  CHECK(d.layers[0].offset == 0);
  CHECK(d.layers[0].length == 20);
  CHECK(d.layers[1].name == "tcp");
  CHECK(d.layers[1].offset == 20);
  CHECK(d.layers[1].length == 40);

  const DissectField& version = field(d, "ipv4", "ip.version");
  CHECK(version.mask == 0xF0);
  CHECK(*version.number == 4);
  CHECK(field(d, "ipv4", "ip.hdr_len").value == "20 bytes (5)");
  CHECK(field(d, "ipv4", "ip.dsfield").value == "0xb9");
  CHECK(*field(d, "ipv4", "ip.dsfield.dscp").number == 46);
  CHECK(*field(d, "ipv4", "ip.dsfield.ecn").number == 1);
  CHECK(*field(d, "ipv4", "ip.len").number == 60);
  CHECK(field(d, "ipv4", "ip.id").value == "0x1234 (4660)");
  const DissectField& flags = field(d, "ipv4", "ip.flags");
  CHECK(flags.offset == 6);
  CHECK(flags.length == 1);
  CHECK(flags.mask == 0xE0);
  CHECK(flags.value == "0x2, Don't fragment");
  CHECK(field(d, "ipv4", "ip.flags.df").value == "Set");
  CHECK(field(d, "ipv4", "ip.flags.mf").value == "Not set");
  CHECK(field(d, "ipv4", "ip.frag_offset").mask == 0x1FFF);
  const DissectField& ttl = field(d, "ipv4", "ip.ttl");
  CHECK(ttl.offset == 8);
  CHECK(ttl.value == "63");
  CHECK(field(d, "ipv4", "ip.proto").value == "6 (TCP)");
  const DissectField& ipsum = field(d, "ipv4", "ip.checksum");
  CHECK(ipsum.offset == 10);
  CHECK(ipsum.valid == true);
  CHECK(ipsum.computed == big_endian(b, 10, 2));
  CHECK(field(d, "ipv4", "ip.src").value == "10.0.0.1");
  CHECK(field(d, "ipv4", "ip.dst").value == "10.0.0.2");
  CHECK(field(d, "ipv4", "ip.dst").offset == 16);

  CHECK(*field(d, "tcp", "tcp.srcport").number == 40000);
  CHECK(field(d, "tcp", "tcp.dstport").offset == 22);
  CHECK(*field(d, "tcp", "tcp.seq").number == 0x01020304);
  CHECK(field(d, "tcp", "tcp.seq").offset == 24);
  CHECK(*field(d, "tcp", "tcp.ack").number == 0xA0B0C0D0);
  CHECK(field(d, "tcp", "tcp.hdr_len").value == "40 bytes (10)");
  const DissectField& tflags = field(d, "tcp", "tcp.flags");
  CHECK(tflags.offset == 32);
  CHECK(tflags.length == 2);
  CHECK(tflags.mask == 0x0FFF);
  CHECK(tflags.value == "0x0c2 (SYN, ECE, CWR)");
  struct Bit {
    const char* name;
    std::uint32_t offset, mask;
    bool set;
  };
  for (const Bit& bit :
       {Bit{"tcp.flags.ae", 32, 0x01, false}, Bit{"tcp.flags.cwr", 33, 0x80, true},
        Bit{"tcp.flags.ece", 33, 0x40, true}, Bit{"tcp.flags.urg", 33, 0x20, false},
        Bit{"tcp.flags.ack", 33, 0x10, false}, Bit{"tcp.flags.push", 33, 0x08, false},
        Bit{"tcp.flags.reset", 33, 0x04, false}, Bit{"tcp.flags.syn", 33, 0x02, true},
        Bit{"tcp.flags.fin", 33, 0x01, false}}) {
    INFO(bit.name);
    const DissectField& f = field(d, "tcp", bit.name);
    CHECK(f.offset == bit.offset);
    CHECK(f.length == 1);
    CHECK(f.mask == bit.mask);
    CHECK(*f.number == (bit.set ? 1u : 0u));
  }
  CHECK(*field(d, "tcp", "tcp.window_size_value").number == 65535);
  const DissectField& tsum = field(d, "tcp", "tcp.checksum");
  CHECK(tsum.offset == 36);
  CHECK(tsum.valid == true);
  CHECK(*field(d, "tcp", "tcp.urgent_pointer").number == 7);
}

TEST_CASE("dissect: a SYN's options: each one's offset and length match the bytes") {
  const Bytes b = serialize(make_tcp(tcp_flag::syn, "", syn_options()));
  const Dissection d = dissect(b);
  check_invariants(d, b);
  const DissectLayer& tcp = *layer(d, "tcp");
  // 02 04 05 b4 | 04 02 | 08 0a <TSval> <TSecr> | 01 | 03 03 07, from byte 40.
  REQUIRE(tcp.options.size() == 5);
  const char* names[] = {"mss", "sack_perm", "timestamp", "nop", "wscale"};
  const std::uint32_t offsets[] = {40, 44, 46, 56, 57}, lengths[] = {4, 2, 10, 1, 3};
  for (int i = 0; i < 5; ++i) {
    const DissectTcpOption& o = tcp.options[i];
    INFO(names[i]);
    CHECK(o.name == names[i]);
    CHECK(o.offset == offsets[i]);
    CHECK(o.length == lengths[i]);
    CHECK(o.kind == b[o.offset]);
    if (o.length > 1) CHECK(b[o.offset + 1] == o.length);
  }
  CHECK(tcp.options[0].mss == 1460);
  CHECK(big_endian(b, tcp.options[0].offset + 2, 2) == 1460);
  CHECK(tcp.options[2].tsval == 1000);
  CHECK(tcp.options[2].tsecr == 0);
  CHECK(tcp.options[4].shift == 7);

  const DissectField& options = field(d, "tcp", "tcp.options");
  CHECK(options.offset == 40);
  CHECK(options.length == 20);
  const DissectField& mss = field(d, "tcp", "tcp.options.mss");
  CHECK(mss.offset == 40);
  CHECK(mss.length == 4);
  CHECK(mss.value == "1460 bytes");
  const DissectField& mss_val = field(d, "tcp", "tcp.options.mss_val");
  CHECK(mss_val.offset == 42);
  CHECK(mss_val.length == 2);
  CHECK(*mss_val.number == 1460);
  CHECK(field(d, "tcp", "tcp.options.sack_perm").offset == 44);
  CHECK(field(d, "tcp", "tcp.options.timestamp.tsval").offset == 48);
  CHECK(field(d, "tcp", "tcp.options.timestamp.tsecr").offset == 52);
  CHECK(field(d, "tcp", "tcp.options.nop").offset == 56);
  CHECK(field(d, "tcp", "tcp.options.wscale").value == "7 (multiply by 128)");
  CHECK(*field(d, "tcp", "tcp.options.wscale.shift").number == 7);
  CHECK(*field(d, "tcp", "tcp.options.wscale.multiplier").number == 128);
}

TEST_CASE("dissect: an ACK with SACK blocks, an EOL, an unknown kind, and a payload") {
  TcpOptions o;
  o.has_timestamp = true;
  o.ts_val = 5001;
  o.ts_ecr = 1003;
  o.sack_count = 2;
  o.sack[0] = {401, 501};
  o.sack[1] = {601, 701};
  Bytes b =
      serialize(make_tcp(tcp_flag::ack | tcp_flag::psh, "hello", encode_tcp_options(o, false)));
  Dissection d = dissect(b);
  check_invariants(d, b);
  CHECK_FALSE(d.error);
  const DissectLayer* tcp = layer(d, "tcp");
  REQUIRE(tcp->options.size() == 6);  // nop nop TS nop nop sack
  const DissectTcpOption& sack = tcp->options[5];
  CHECK(sack.name == "sack");
  CHECK(sack.offset == 20 + 20 + 14);  // after nop, nop, TS (12 bytes), nop, nop
  CHECK(sack.length == 18);
  REQUIRE(sack.blocks.size() == 2);
  CHECK(sack.blocks[1] == SackBlock{601, 701});
  CHECK(field(d, "tcp", "tcp.options.sack").value == "401-501 601-701");
  CHECK(field(d, "tcp", "tcp.options.sack_le").offset == sack.offset + 2);
  CHECK(field(d, "tcp", "tcp.options.sack_re").offset == sack.offset + 6);
  CHECK(field(d, "tcp", "tcp.flags").value == "0x018 (PSH, ACK)");
  const DissectLayer* payload = layer(d, "payload");
  REQUIRE(payload);
  CHECK(payload->offset == 20 + 20 + 32);
  CHECK(payload->length == 5);
  CHECK(field(d, "payload", "data.data").value == "5 bytes");

  TcpOptionWriter w;
  const std::uint8_t exp[3] = {0xF9, 0x89, 0x01};
  CHECK(w.add_raw(254, exp, 3));
  CHECK(w.add_eol());
  b = serialize(make_tcp(tcp_flag::ack, "", w.bytes()));  // 5 + 1 + 2 bytes of padding
  d = dissect(b);
  check_invariants(d, b);
  CHECK_FALSE(d.error);
  tcp = layer(d, "tcp");
  REQUIRE(tcp->options.size() == 2);
  CHECK(tcp->options[0].name == "unknown");
  CHECK(tcp->options[0].kind == 254);
  CHECK(tcp->options[0].data == Bytes{0xF9, 0x89, 0x01});
  CHECK(field(d, "tcp", "tcp.options.unknown.payload").value == "f9:89:01");
  CHECK(tcp->options[1].name == "eol");
  CHECK(tcp->options[1].offset == 45);
  const DissectField& padding = field(d, "tcp", "tcp.options.padding");
  CHECK(padding.offset == 46);
  CHECK(padding.length == 2);
}

TEST_CASE("dissect: UDP, and a zero UDP checksum means none") {
  Bytes b = serialize(make_udp("a query"));
  Dissection d = dissect(b);
  check_invariants(d, b);
  CHECK_FALSE(d.error);
  REQUIRE(d.layers.size() == 3);
  CHECK(d.layers[1].name == "udp");
  CHECK(d.layers[1].length == 8);
  CHECK(*field(d, "udp", "udp.srcport").number == 40000);
  CHECK(*field(d, "udp", "udp.dstport").number == 53);
  CHECK(*field(d, "udp", "udp.length").number == 15);
  CHECK(field(d, "udp", "udp.checksum").valid == true);
  CHECK(d.layers[2].name == "payload");
  CHECK(d.layers[2].offset == 28);

  b[26] = b[27] = 0;
  d = dissect(b);
  const DissectField& sum = field(d, "udp", "udp.checksum");
  CHECK_FALSE(sum.valid);
  CHECK(sum.value == "0x0000 [none]");
}

TEST_CASE("dissect: ICMP port unreachable with the quoted IPv4 and UDP headers") {
  const Packet udp = make_udp("hello, world");
  const Bytes quoted = serialize(udp);
  const Bytes b = serialize(make_icmp_unreachable(udp));
  const Dissection d = dissect(b);
  check_invariants(d, b);
  CHECK_FALSE(d.error);
  REQUIRE(d.layers.size() == 2);
  const DissectLayer& icmp = d.layers[1];
  CHECK(icmp.name == "icmp");
  CHECK(field(d, "icmp", "icmp.type").value == "3 (Destination unreachable)");
  CHECK(field(d, "icmp", "icmp.code").value == "3 (Port unreachable)");
  CHECK(field(d, "icmp", "icmp.checksum").valid == true);
  CHECK(field(d, "icmp", "icmp.unused").length == 4);
  REQUIRE(icmp.quoted.size() == 2);
  const DissectLayer& qip = icmp.quoted[0];
  CHECK(qip.name == "quoted ipv4");
  CHECK(qip.offset == 28);
  CHECK(qip.length == 20);
  const DissectField* qlen = find_in(qip.fields, "ip.len");
  REQUIRE(qlen);
  CHECK(*qlen->number == quoted.size());  // the original datagram's length, not the quote's
  const DissectField* qsum = find_in(qip.fields, "ip.checksum");
  CHECK(qsum->valid == true);
  CHECK(qsum->offset == 38);
  CHECK(find_in(qip.fields, "ip.src")->value == "10.0.0.1");
  const DissectLayer& qudp = icmp.quoted[1];
  CHECK(qudp.name == "quoted udp");
  CHECK(qudp.offset == 48);
  CHECK(qudp.length == 8);
  CHECK(*find_in(qudp.fields, "udp.dstport")->number == 53);
  const DissectField* qusum = find_in(qudp.fields, "udp.checksum");
  CHECK_FALSE(qusum->valid);  // its data is not quoted
  CHECK(*qusum->number == big_endian(quoted, 26, 2));
}

TEST_CASE("dissect: wrong IP and TCP checksums are flagged with the right values") {
  const Bytes good = serialize(make_tcp(tcp_flag::ack, "data"));
  Bytes b = good;
  b[10] ^= 0x5A;
  b[37] ^= 0x01;
  const Dissection d = dissect(b);
  CHECK_FALSE(d.error);  // a wrong checksum is a field's state, not a malformed packet
  const DissectField& ip = field(d, "ipv4", "ip.checksum");
  CHECK(ip.valid == false);
  CHECK(ip.computed == big_endian(good, 10, 2));
  CHECK(*ip.number == big_endian(b, 10, 2));
  CHECK(ip.value.find("[incorrect, should be 0x") != std::string::npos);
  const DissectField& tcp = field(d, "tcp", "tcp.checksum");
  CHECK(tcp.valid == false);
  CHECK(tcp.computed == big_endian(good, 36, 2));
  // A corrupted byte elsewhere: the stored checksums are the old ones, computed ones differ.
  Bytes c = good;
  c[42] ^= 0xFF;  // payload
  const Dissection e = dissect(c);
  CHECK(field(e, "ipv4", "ip.checksum").valid == true);
  CHECK(field(e, "tcp", "tcp.checksum").valid == false);
  Packet fixed = *parse(c, ParseOptions{false});
  CHECK(field(e, "tcp", "tcp.checksum").computed == big_endian(serialize(fixed), 36, 2));
}

TEST_CASE("dissect: a packet cut at every length never crashes and names the layer") {
  const Bytes syn = serialize(make_tcp(tcp_flag::syn, "", syn_options()));
  const Bytes udp = serialize(make_udp("abc"));
  const Bytes icmp = serialize(make_icmp_unreachable(make_tcp(tcp_flag::syn, "", syn_options())));
  for (const Bytes* whole : {&syn, &udp, &icmp}) {
    for (std::size_t n = 0; n < whole->size(); ++n) {
      const Bytes b(whole->begin(), whole->begin() + n);
      INFO("length " << n);
      const Dissection d = dissect(b);
      check_invariants(d, b);
      REQUIRE(d.error);
      CHECK(!d.error->field.empty());
      CHECK(d.error->message.rfind(d.error->layer + ": ", 0) == 0);
      if (n < 20) {
        CHECK(d.error->layer == "ipv4");
        continue;
      }
      CHECK(d.error->field == "ip.len");  // the total length promised more
      // The layer whose bytes ran out says so too.
      const DissectLayer& last = d.layers.back();
      if (n == 20) continue;  // no L4 byte at all
      REQUIRE(d.layers.size() >= 2);
      const DissectLayer& l4 = d.layers[1];
      if (whole == &icmp && n >= 28) {
        const DissectLayer& q = l4.quoted.back();
        CHECK((q.error || l4.quoted.size() == 2));
        if (n < 48) CHECK(l4.quoted[0].error);
      } else if (whole == &syn || n < 28) {
        REQUIRE(l4.error);
        CHECK(l4.error->layer == l4.name);
      } else {
        (void)last;
        CHECK(l4.error);  // udp: the datagram ends before its length
      }
    }
  }
  // The cut-off field is named with its offset.
  const Dissection d = dissect(Bytes(syn.begin(), syn.begin() + 30));
  const DissectLayer& tcp = d.layers[1];
  REQUIRE(tcp.error);
  CHECK(tcp.error->field == "tcp.ack");
  CHECK(
      tcp.error->message ==
      "tcp: the segment ends after 10 bytes, before Acknowledgment number (tcp.ack) at offset 28");
  const Dissection e = dissect(Bytes(syn.begin(), syn.begin() + 50));
  CHECK(e.layers[1].error->field == "tcp.options.timestamp");
  CHECK(e.layers[1].options.size() == 2);  // mss and sackOK were whole
}

TEST_CASE("dissect: malformed headers stop at the bad field with parse()'s reason") {
  auto error_of = [](Bytes b) {
    const Dissection d = dissect(b);
    check_invariants(d, b);
    return d.error ? d.error->field + " | " + d.error->message : std::string("none");
  };
  const Bytes syn = serialize(make_tcp(tcp_flag::syn, "", syn_options()));
  Bytes b = syn;
  b[0] = 0x65;
  CHECK(error_of(b) == "ip.version | ipv4: version 6 is not 4");
  b = syn;
  b[0] = 0x44;
  CHECK(error_of(b) == "ip.hdr_len | ipv4: header length 4 is below the minimum of 5");
  b = syn;
  b[32] = 0x40;
  CHECK(error_of(b) == "tcp.hdr_len | tcp: data offset 4 is below the minimum of 5");
  b = syn;
  b[32] = 0xF0;
  CHECK(error_of(b) ==
        "tcp.hdr_len | tcp: data offset 15 (60 bytes) is beyond the segment of 40 bytes");
  b = syn;
  b[41] = 5;  // MSS of length 5
  CHECK(error_of(b) == "tcp.options.mss | tcp: option mss at offset 40: length 5, expected 4");
  b = syn;
  b[58] = 4;  // wscale overruns the option space
  CHECK(error_of(b) ==
        "tcp.options.wscale | tcp: option wscale at offset 57: length 4 overruns the option space "
        "(3 bytes left)");
  b = syn;
  b[41] = 0;
  CHECK(error_of(b) == "tcp.options.mss | tcp: option mss at offset 40: length 0 is below 2");
  b = serialize(make_udp("abc"));
  b[25] = 9;
  CHECK(error_of(b) ==
        "udp.length | udp: length field 9 does not match the IP payload of 11 bytes");
  b = syn;
  b[3] = 70;  // total length past the bytes
  CHECK(error_of(b) == "ip.len | ipv4: total length 70 exceeds the 60 bytes present");
  // IPv4 options are shown as bytes, and the transport header follows them.
  Bytes opt = {0x46, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 1, 1, 1, 0};
  const Bytes udp = serialize(make_udp("x"));
  opt.insert(opt.end(), udp.begin() + 20, udp.end());
  opt[3] = static_cast<std::uint8_t>(opt.size());
  const Dissection d = dissect(opt);
  check_invariants(d, opt);
  CHECK(field(d, "ipv4", "ip.options").length == 4);
  CHECK(field(d, "ipv4", "ip.checksum").valid == false);
  CHECK(field(d, "udp", "udp.srcport").offset == 24);
  // Bytes past the total length are a trailer; another protocol's bytes are its payload.
  b = serialize(make_udp("abc"));
  b.push_back(0xEE);
  const Dissection t = dissect(b);
  CHECK_FALSE(t.error);
  CHECK(t.layers.back().name == "trailer");
  CHECK(t.layers.back().offset == 31);
  b = serialize(make_udp("abc"));
  b[9] = 253;
  const Dissection other = dissect(b);
  CHECK(other.layers.size() == 2);
  CHECK(other.layers[1].name == "payload");
}

TEST_CASE("dissect: random mutations never crash, and what parse() accepts dissects cleanly") {
  std::vector<Bytes> seeds = {serialize(make_tcp(tcp_flag::syn, "", syn_options())),
                              serialize(make_tcp(tcp_flag::psh | tcp_flag::ack, "data!")),
                              serialize(make_udp("a datagram")),
                              serialize(make_icmp_unreachable(make_udp("q")))};
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int accepted = 0;
  for (const Bytes& seed : seeds) {
    for (int i = 0; i < 3000; ++i) {
      Bytes b = seed;
      const int flips = 1 + static_cast<int>(next() % 4);
      for (int f = 0; f < flips; ++f) b[next() % b.size()] = static_cast<std::uint8_t>(next());
      if (next() % 4 == 0) b.resize(next() % (b.size() + 1));
      if (next() % 8 == 0) b.resize(b.size() + next() % 8, 0x55);
      const Dissection d = dissect(b);
      check_invariants(d, b);
      if (d.error) CHECK(!d.error->message.empty());
      if (parse(b)) {  // parse() does not read an ICMP error's quote; the rest must be clean
        ++accepted;
        for (const DissectLayer& l : d.layers) CHECK_FALSE(l.error);
      }
    }
  }
  CHECK(accepted > 0);
}

}  // namespace tcpplay
