// Compares TcpdumpFormatter with the real tcpdump: a varied packet sequence is written as a pcap,
// read back with `tcpdump -n -r`, and every line must be identical (timestamps included: TZ=UTC
// makes tcpdump print the same HH:MM:SS.uuuuuu for times below 24 h). Skipped without tcpdump.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "trace/pcap.h"
#include "trace/tcpdump_text.h"

namespace tcpplay {
namespace {

constexpr const char* kTcpdump = "/usr/bin/tcpdump";

Ipv4Addr addr(const char* s) { return *parse_ipv4(s); }

Packet tcp(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
           std::uint32_t seq, std::uint32_t ack, std::uint16_t flags, std::string_view data = "",
           TcpOptionBytes opts = {}) {
  Packet p;
  p.ip.src = addr(src);
  p.ip.dst = addr(dst);
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::tcp);
  p.tcp.src_port = sport;
  p.tcp.dst_port = dport;
  p.tcp.seq = seq;
  p.tcp.ack = ack;
  p.tcp.flags = flags;
  p.tcp.window = 502;
  p.tcp.options = opts;
  p.payload = Payload::from_text(data);
  return p;
}

Packet udp(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
           std::string_view data) {
  Packet p;
  p.ip.src = addr(src);
  p.ip.dst = addr(dst);
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::udp);
  p.udp.src_port = sport;
  p.udp.dst_port = dport;
  p.payload = Payload::from_text(data);
  return p;
}

Packet icmp(const char* src, const char* dst, std::uint8_t type, std::uint8_t code,
            std::uint32_t rest, std::vector<std::uint8_t> body) {
  Packet p;
  p.ip.src = addr(src);
  p.ip.dst = addr(dst);
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::icmp);
  p.icmp.type = type;
  p.icmp.code = code;
  p.icmp.rest = rest;
  p.payload = Payload::from_bytes(std::move(body));
  return p;
}

/// RFC 792: an ICMP error quotes the IP header and the first 8 bytes of the datagram.
std::vector<std::uint8_t> quote(const Packet& p, std::size_t n = 28) {
  std::vector<std::uint8_t> b = serialize(p);
  b.resize(std::min(n, b.size()));
  return b;
}

TcpOptionBytes syn_options(std::uint16_t mss, std::uint32_t tsval, std::uint32_t tsecr,
                           std::uint8_t ws) {
  TcpOptions o;
  o.mss = mss;
  o.sack_permitted = true;
  o.has_timestamp = true;
  o.ts_val = tsval;
  o.ts_ecr = tsecr;
  o.window_scale = ws;
  return encode_tcp_options(o, true);
}

TcpOptionBytes ts_options(std::uint32_t tsval, std::uint32_t tsecr,
                          std::vector<SackBlock> sack = {}) {
  TcpOptions o;
  o.has_timestamp = tsval != 0;
  o.ts_val = tsval;
  o.ts_ecr = tsecr;
  o.sack_count = static_cast<std::uint8_t>(sack.size());
  for (std::size_t i = 0; i < sack.size() && i < 4; ++i) o.sack[i] = sack[i];
  return encode_tcp_options(o, false);
}

TcpOptionBytes raw_options(std::vector<std::uint8_t> bytes) {
  TcpOptionBytes o;
  for (std::uint8_t b : bytes) o.data[o.len++] = b;
  return o;
}

using namespace tcp_flag;

void add_handshake_and_data(std::vector<Packet>& v) {
  const char *c = "10.0.0.1", *s = "10.0.0.2";
  const std::uint32_t ic = 0xFFFFFF00u, is = 12345;  // the client's numbers wrap past 2^32
  v.push_back(tcp(c, 40000, s, 9000, ic, 0, syn, "", syn_options(1460, 1000, 0, 7)));
  v.push_back(tcp(s, 9000, c, 40000, is, ic + 1, syn | ack, "", syn_options(1400, 5000, 1000, 6)));
  v.push_back(tcp(c, 40000, s, 9000, ic + 1, is + 1, ack, "", ts_options(1001, 5000)));
  v.push_back(tcp(c, 40000, s, 9000, ic + 1, is + 1, psh | ack, std::string(200, 'a'),
                  ts_options(1002, 5000)));
  v.push_back(tcp(c, 40000, s, 9000, ic + 401, is + 1, psh | ack, std::string(100, 'b'),
                  ts_options(1003, 5000)));
  v.push_back(tcp(s, 9000, c, 40000, is + 1, ic + 201, ack, "",
                  ts_options(5001, 1003, {{ic + 401, ic + 501}})));
  v.push_back(tcp(s, 9000, c, 40000, is + 1, ic + 201, ack, "",
                  ts_options(0, 0,
                             {{ic + 401, ic + 501},
                              {ic + 601, ic + 701},
                              {ic + 801, ic + 901},
                              {ic + 1001, ic + 1101}})));
  v.push_back(tcp(c, 40000, s, 9000, ic + 201, is + 1, urg | psh | ack, std::string(200, 'c'),
                  ts_options(1004, 5001)));
  v.back().tcp.urgent = 10;
  v.push_back(tcp(s, 9000, c, 40000, is + 1, ic + 501, ece | ack, "hello", ts_options(5002, 1004)));
  v.push_back(
      tcp(c, 40000, s, 9000, ic + 501, is + 6, fin | cwr | ack, "", ts_options(1005, 5002)));
  v.push_back(tcp(s, 9000, c, 40000, is + 6, ic + 502, fin | ack, "", ts_options(5003, 1005)));
  v.push_back(tcp(c, 40000, s, 9000, ic + 502, is + 7, ack, "", ts_options(1006, 5003)));
}

void add_resets_and_reuse(std::vector<Packet>& v) {
  const char *c = "10.0.0.1", *s = "10.0.0.2";
  v.push_back(tcp(c, 40001, s, 9000, 777, 0, syn));
  v.push_back(tcp(s, 9000, c, 40001, 0, 778, rst | ack));
  v.push_back(tcp(c, 40000, s, 9000, 4000000000u, 0, rst));  // RST without ACK: absolute
  // A second connection on the same 4-tuple: the SYN-ACK resets tcpdump's state.
  v.push_back(tcp(c, 40000, s, 9000, 500000, 0, syn | ece | cwr, "", syn_options(1460, 9, 0, 7)));
  v.push_back(tcp(s, 9000, c, 40000, 900000, 500001, syn | ack | ece, ""));
  v.push_back(tcp(c, 40000, s, 9000, 500001, 900001, ack));
  v.push_back(tcp(c, 40000, s, 9000, 500001, 900001, psh | ack, "x"));
  v.back().tcp.flags |= ae;                                // tcpdump 4.99.3 shows no letter for AE
  v.push_back(tcp(s, 9000, c, 40000, 900001, 500002, 0));  // no flags at all
  v.push_back(tcp(s, 9000, c, 40000, 900001, 500002, rst | ack, "reset reason"));
  // Same port on both sides: the address order decides the canonical direction.
  v.push_back(tcp("10.0.0.9", 7777, "10.0.0.3", 7777, 100, 0, syn));
  v.push_back(tcp("10.0.0.3", 7777, "10.0.0.9", 7777, 200, 101, syn | ack));
  v.push_back(tcp("10.0.0.9", 7777, "10.0.0.3", 7777, 101, 201, ack, "zz"));
}

void add_http(std::vector<Packet>& v, std::uint16_t port) {
  const char *c = "10.0.0.1", *s = "10.0.0.2";
  const std::uint16_t cp = static_cast<std::uint16_t>(41000 + port);
  v.push_back(tcp(c, cp, s, port, 1, 0, syn));
  v.push_back(tcp(s, port, c, cp, 1000, 2, syn | ack));
  v.push_back(tcp(c, cp, s, port, 2, 1001, psh | ack, "GET / HTTP/1.1\r\nHost: example\r\n\r\n"));
  v.push_back(tcp(s, port, c, cp, 1001, 36, psh | ack,
                  "HTTP/1.1 504 Gateway Time-out\r\nContent-Length: 9\r\n\r\n"));
  v.push_back(tcp(s, port, c, cp, 1055, 36, psh | ack, "body text"));  // continuation
}

/// First lines that tcpdump prints whole, truncated, or not at all (print_txt_line rules).
void add_http_text_edge_cases(std::vector<Packet>& v, std::uint16_t port) {
  for (const char* text : {"post /form HTTP/1.0\n", "GET / HTTP/1.1", "HTTP/1.1 200\r", "abc 123",
                           "GET\t/x\r\n", " GET /\r\n", "GET /\x01\r\n", "\r\n"})
    v.push_back(tcp("10.0.0.2", port, "10.0.0.1", 42000, 1064, 36, psh | ack, text));
}

void add_option_edge_cases(std::vector<Packet>& v) {
  const char *c = "10.0.0.1", *s = "10.0.0.5";
  auto add = [&](std::vector<std::uint8_t> opts, std::string_view data = "") {
    v.push_back(tcp(c, 40100, s, 9000, 10, 20, ack, data, raw_options(std::move(opts))));
  };
  add({1, 2, 4, 5, 0xb4});                              // odd length, padded with EOL
  add({0x63, 4, 0xab, 0xcd, 2, 4, 5, 0xb4});            // unknown kind
  add({2, 5, 5, 0xb4, 0, 0, 0, 0});                     // wrong MSS length
  add({1, 5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0});           // SACK not 2+8n
  add({8, 10, 0, 0, 0, 1, 0, 0});                       // TS overruns: bad at once
  add({8, 2, 0, 0});                                    // TS length 2: bad after the name
  add({1, 1, 1, 2});                                    // kind in the last byte, no payload
  add({1, 1, 1, 2}, "\x04zz");                          // ... and with payload
  add({28, 4, 0, 11, 6, 6, 0, 0, 0, 42, 1, 1});         // uto, echo
  add({34, 2, 34, 10, 0, 1, 2, 3, 4, 5, 6, 7});         // tfo cookie request, cookie
  add({254, 6, 0xf9, 0x89, 1, 2, 254, 4, 0x12, 0x34});  // experimental
  add({29, 6, 1, 2, 0xab, 0xcd, 20, 4, 5, 6});          // tcp-ao, scps
  add({19, 18, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});  // md5
  add({3, 2, 0, 0});                                                    // wscale with length 2
  add({0, 2, 4, 5, 0xb4});                                              // EOL first ends the list
  add({5, 2, 1, 1});                                                    // empty sack
  add({254, 3, 0xf9, 1});                                               // exp too short: bad
  add({29, 3, 1, 1, 34, 5, 1, 2, 3, 1});      // tcp-ao and tfo of invalid sizes
  add({6, 6, 0, 0, 0, 1, 7, 6, 0, 0, 0, 2});  // echo, echoreply
  add({11, 6, 0, 0, 0, 1, 12, 6, 0, 0, 0, 2, 13, 6, 0, 0, 0, 3, 1, 1});  // cc, ccnew, ccecho
  add({2, 4, 5, 0xb4, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 5, 18,
       0, 0, 0, 1,    0, 0, 0, 2, 0, 0, 0,  3, 0, 0, 0, 4, 1, 1, 0});  // 40 bytes, SACK without ACK
                                                                       // base
}

void add_udp_icmp(std::vector<Packet>& v) {
  const char *c = "10.0.0.1", *s = "10.0.0.2";
  const Packet dgram = udp(c, 40000, s, 9000, std::string(32, 'u'));
  v.push_back(dgram);
  v.push_back(udp(c, 40001, s, 40002, ""));
  v.push_back(
      icmp(s, c, icmp_type::dest_unreachable, icmp_code::port_unreachable, 0, quote(dgram)));
  const Packet seg = tcp(c, 40000, s, 9000, 1, 2, ack, "abcd");
  v.push_back(icmp(s, c, 3, 3, 0, quote(seg)));
  v.push_back(icmp("10.0.0.254", c, 3, icmp_code::fragmentation_needed, 1400, quote(seg)));
  v.push_back(icmp("10.0.0.254", c, 3, 4, 0, quote(seg)));
  for (std::uint8_t code : {0, 1, 2, 5, 9, 13, 15, 99})
    v.push_back(icmp("10.0.0.254", c, 3, code, 0, quote(seg)));
  v.push_back(icmp("10.0.0.254", c, icmp_type::time_exceeded, 0, 0, quote(seg)));
  v.push_back(icmp("10.0.0.254", c, icmp_type::time_exceeded, 1, 0, quote(seg)));
  v.push_back(
      icmp(c, s, icmp_type::echo_request, 0, (7u << 16) | 1, std::vector<std::uint8_t>(56, 1)));
  v.push_back(
      icmp(s, c, icmp_type::echo_reply, 0, (7u << 16) | 1, std::vector<std::uint8_t>(56, 1)));
  v.push_back(icmp(s, c, 5, 1, addr("10.0.0.3"), quote(seg)));
  v.push_back(icmp(s, c, 12, 0, 5u << 24, quote(seg)));
  v.push_back(icmp(s, c, 13, 0, (7u << 16) | 9, std::vector<std::uint8_t>(12, 0)));
  v.push_back(
      icmp(s, c, 14, 0, (7u << 16) | 9, {0, 0x38, 0xCE, 0xFC, 0, 0, 0, 0, 5, 0x26, 0x5B, 0xFF}));
  v.push_back(icmp(s, c, 9, 0, (2u << 24) | (2u << 16) | 3700,
                   {10, 0, 0, 9, 0, 0, 0, 5, 10, 0, 0, 8, 0, 0, 1, 0}));
  v.push_back(icmp(s, c, 18, 0, 0, {255, 255, 255, 0}));
  v.push_back(icmp(s, c, 4, 0, 0, quote(seg)));
  for (std::uint8_t type : {10, 15, 16}) v.push_back(icmp(s, c, type, 0, 0, {}));
}

/// Bodies too short for what tcpdump reads ("[|icmp]"), unknown types and IP protocols.
void add_icmp_edge_cases(std::vector<Packet>& v) {
  const char *c = "10.0.0.1", *s = "10.0.0.2";
  v.push_back(icmp(s, c, 3, 3, 0, quote(udp(c, 40000, s, 9000, "abcd"), 22)));
  v.push_back(icmp(s, c, 11, 0, 0, {}));
  for (std::uint8_t type : {17, 42}) v.push_back(icmp(s, c, type, 0, 0, {}));
  Packet other;
  other.ip.src = addr(c);
  other.ip.dst = addr(s);
  other.ip.protocol = 253;
  other.payload = Payload::from_text("opaque");
  v.push_back(other);
}

std::vector<std::string> run_tcpdump(const std::string& pcap_path) {
  const std::string cmd =
      std::string("TZ=UTC ") + kTcpdump + " -n -r " + pcap_path + " 2>/dev/null";
  std::vector<std::string> lines;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return lines;
  std::string cur;
  for (int ch; (ch = std::fgetc(f)) != EOF;) {
    if (ch == '\n') {
      lines.push_back(cur);
      cur.clear();
    } else {
      cur += static_cast<char>(ch);
    }
  }
  pclose(f);
  return lines;
}

/// Writes `packets` as a pcap, runs tcpdump on it and compares every line with ours.
void cross_check(const std::vector<Packet>& packets, const char* label) {
  std::vector<std::uint8_t> bytes;
  PcapWriter writer;
  writer.begin(bytes);
  TcpdumpFormatter fmt;
  std::vector<std::string> ours;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    // Sub-microsecond parts are truncated, as libpcap does; later packets pass the hour mark.
    const SimTime t =
        static_cast<SimTime>(i) * (37 * kMillisecond + 1234) + (i > 60 ? 2 * kHour : 0);
    writer.add(bytes, packets[i], t);
    ours.push_back(fmt.format_line(packets[i], t));
  }
  std::string path = std::string("/tmp/tcpplay_") + label + "_XXXXXX";
  const int fd = mkstemp(path.data());
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  const std::vector<std::string> theirs = run_tcpdump(path);
  if (const char* keep = std::getenv("TCPPLAY_KEEP_PCAP"); keep && *keep) {
    std::ofstream txt(path + ".txt");
    for (const std::string& line : ours) txt << line << '\n';
    MESSAGE("kept " << path << " and " << path << ".txt");
  } else {
    std::remove(path.c_str());
  }
  REQUIRE(theirs.size() == ours.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    INFO(label << " packet " << i);
    CHECK(ours[i] == theirs[i]);
  }
}

bool have_tcpdump() {
  if (access(kTcpdump, X_OK) == 0) return true;
  MESSAGE("tcpdump not installed: cross-check skipped");
  return false;
}

}  // namespace

TEST_CASE("tcpdump cross-check: well-formed conversations, UDP, ICMP, HTTP") {
  if (!have_tcpdump()) return;
  std::vector<Packet> packets;
  add_handshake_and_data(packets);
  add_resets_and_reuse(packets);
  add_http(packets, 80);
  add_http(packets, 8080);
  add_udp_icmp(packets);
  cross_check(packets, "wellformed");
}

TEST_CASE("tcpdump cross-check: malformed options, HTTP text and ICMP edge cases") {
  if (!have_tcpdump()) return;
  std::vector<Packet> packets;
  add_option_edge_cases(packets);
  add_http_text_edge_cases(packets, 80);
  add_http_text_edge_cases(packets, 8080);
  add_icmp_edge_cases(packets);
  cross_check(packets, "edgecases");
}

}  // namespace tcpplay
