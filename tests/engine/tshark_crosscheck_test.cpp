// Compares the dissector (engine/wire/dissect.h) with Wireshark's: lessons run through the
// Playground, their pcap is read by `tshark -T pdml` (each field with its pos, size and shown
// value), and every field we give a number must be one Wireshark has under the same name at the
// same offset and size, with the same value; checksums we call valid must be "Good" there. Also
// checks that packet_bytes(id) gives exactly the bytes pcap() writes. Skipped without tshark
// (tcpdump_crosscheck_test.cpp does the same for the text view with tcpdump).
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "api/playground.h"
#include "wire/dissect.h"
#include "wire/packet.h"

namespace tcpplay {
namespace {

namespace fs = std::filesystem;
constexpr const char* kTshark = "/usr/bin/tshark";

struct WsField {
  std::string name, show;
  std::uint32_t pos = 0, size = 0;
};
using WsPacket = std::vector<WsField>;

/// The value of attribute `key` in a PDML line ("" if absent).
std::string attribute(const std::string& line, const std::string& key) {
  const std::string k = " " + key + "=\"";
  const std::size_t at = line.find(k);
  if (at == std::string::npos) return "";
  const std::size_t start = at + k.size(), end = line.find('"', start);
  return line.substr(start, end - start);
}

/// Runs tshark on `pcap_path`: for each packet, its fields (PDML is one element a line).
std::vector<WsPacket> run_tshark(const std::string& pcap_path) {
  const std::string cmd =
      std::string(kTshark) +
      " -n -T pdml -o tcp.relative_sequence_numbers:FALSE -o tcp.analyze_sequence_numbers:FALSE"
      " -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE"
      " -r " +
      pcap_path + " 2>/dev/null";
  std::vector<WsPacket> packets;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return packets;
  std::string line;
  for (int ch; (ch = std::fgetc(f)) != EOF;) {
    if (ch != '\n') {
      line += static_cast<char>(ch);
      continue;
    }
    if (line.find("<packet>") != std::string::npos) packets.emplace_back();
    if (line.find("<field ") != std::string::npos && !packets.empty()) {
      const std::string pos = attribute(line, "pos"), size = attribute(line, "size");
      if (!pos.empty() && !size.empty())
        packets.back().push_back({attribute(line, "name"), attribute(line, "show"),
                                  static_cast<std::uint32_t>(std::stoul(pos)),
                                  static_cast<std::uint32_t>(std::stoul(size))});
    }
    line.clear();
  }
  pclose(f);
  return packets;
}

/// The records of a pcap file (our writer: little-endian, 24-byte header, 16 per record).
std::vector<std::vector<std::uint8_t>> pcap_records(const std::vector<std::uint8_t>& pcap) {
  auto le32 = [&](std::size_t at) {
    return std::uint32_t{pcap[at]} | std::uint32_t{pcap[at + 1]} << 8 |
           std::uint32_t{pcap[at + 2]} << 16 | std::uint32_t{pcap[at + 3]} << 24;
  };
  std::vector<std::vector<std::uint8_t>> out;
  for (std::size_t at = 24; at + 16 <= pcap.size();) {
    const std::uint32_t len = le32(at + 8);
    out.emplace_back(pcap.begin() + static_cast<std::ptrdiff_t>(at + 16),
                     pcap.begin() + static_cast<std::ptrdiff_t>(at + 16 + len));
    at += 16 + len;
  }
  return out;
}

std::optional<std::uint64_t> shown_number(const std::string& show) {
  if (show.empty()) return std::nullopt;
  char* end = nullptr;
  const bool hex = show.rfind("0x", 0) == 0;
  const std::uint64_t v = std::strtoull(show.c_str() + (hex ? 2 : 0), &end, hex ? 16 : 10);
  if (*end != '\0') return std::nullopt;
  return v;
}

struct Tally {
  int compared = 0;
  std::map<std::string, int> by_name;
};

/// Compares one of our fields (and its children) with Wireshark's fields of the same packet.
void compare(const DissectField& f, const WsPacket& ws, Tally& tally) {
  for (const DissectField& c : f.children) compare(c, ws, tally);
  const bool address = f.name == "ip.src" || f.name == "ip.dst";
  if (!f.number && !address) return;  // byte strings and groups are shown differently
  INFO(f.name << " at " << f.offset << "+" << f.length << " = " << f.value);
  const WsField* match = nullptr;
  for (const WsField& w : ws)
    if (w.name == f.name && w.pos == f.offset) match = &w;
  REQUIRE_MESSAGE(match, "Wireshark has no " << f.name << " at offset " << f.offset);
  CHECK(match->size == f.length);
  if (address) {
    CHECK(match->show == f.value);
  } else {
    std::uint64_t ours = *f.number;
    if (f.name == "ip.hdr_len" || f.name == "tcp.hdr_len") ours *= 4;  // Wireshark shows bytes
    CHECK(shown_number(match->show) == ours);
  }
  if (f.valid) {
    const std::string status = f.name == "ip.checksum" ? "ip.checksum.status" : f.name + ".status";
    for (const WsField& w : ws)
      if (w.name == status && w.pos == f.offset) CHECK(w.show == (*f.valid ? "1" : "0"));
  }
  ++tally.compared;
  ++tally.by_name[f.name];
}

void compare_layers(const std::vector<DissectLayer>& layers, const WsPacket& ws, Tally& tally) {
  for (const DissectLayer& l : layers) {
    for (const DissectField& f : l.fields) compare(f, ws, tally);
    compare_layers(l.quoted, ws, tally);
  }
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs a scenario, checks packet_bytes() against pcap() and every dissection against tshark.
Tally cross_check_text(const std::string& scenario) {
  Playground pg;
  REQUIRE(pg.load(scenario) == "[]");
  pg.run_until(pg.duration());
  const std::vector<std::uint8_t> pcap = pg.pcap();
  const auto records = pcap_records(pcap);
  REQUIRE(!records.empty());

  // Every record is the packet_bytes() of some id, in increasing id order (packets that were
  // stored but not sent, such as those a link dropped, are skipped).
  std::uint64_t id = 1;
  for (const auto& rec : records) {
    while (pg.packet_bytes(id) != rec) ++id;  // throws past the last id: a record not found
    const nlohmann::json fields = nlohmann::json::parse(pg.packet_fields(id));
    CHECK(fields["id"] == id);
    CHECK(fields["length"] == rec.size());
    ++id;
  }

  const std::string path = (fs::temp_directory_path() /
                            (std::string("tcpplay_dissect_") + std::to_string(getpid()) + ".pcap"))
                               .string();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(pcap.data()), static_cast<std::streamsize>(pcap.size()));
  const std::vector<WsPacket> ws = run_tshark(path);
  std::remove(path.c_str());
  REQUIRE(ws.size() == records.size());
  Tally tally;
  for (std::size_t i = 0; i < records.size(); ++i) {
    INFO("packet " << i + 1);
    const Dissection d = dissect(records[i]);
    CHECK_FALSE(d.error);
    compare_layers(d.layers, ws[i], tally);
  }
  MESSAGE(records.size() << " packets, " << tally.compared << " fields compared with Wireshark's");
  return tally;
}

Tally cross_check(const char* lesson) {
  INFO(lesson);
  return cross_check_text(read_text(fs::path(TCPPLAY_SOURCE_DIR) / "examples" / lesson));
}

/// UDP to a port nobody bound: ICMP port unreachable quoting the datagram (RFC 1122 §4.1.3.1),
/// and a TCP connection with urgent data.
const char* const kIcmpScenario = R"({"duration": "3s", "seed": 3,
  "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "server", "addr": "10.0.0.2"}],
  "links": [{"name": "lan", "a": "client", "b": "server", "delay": "5ms"}],
  "timeline": [
    {"at": "0s", "do": "udp_bind", "host": "client", "port": 5000, "name": "u"},
    {"at": "0s", "do": "listen", "host": "server", "port": 80, "name": "srv"},
    {"at": "1s", "do": "udp_send", "socket": "u", "to": "server", "port": 9999, "text": "anyone there?"},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 80, "name": "c1"},
    {"at": "2s", "do": "send", "socket": "c1", "text": "urgent!", "urgent": true}
  ]})";

/// Writes raw packets as a pcap (LINKTYPE_RAW, microseconds) without recomputing anything, so
/// that wrong checksums reach tshark as they are.
std::vector<std::uint8_t> raw_pcap(const std::vector<std::vector<std::uint8_t>>& packets) {
  std::vector<std::uint8_t> out;
  auto le32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  le32(0xa1b2c3d4);
  le32(2 | 4u << 16);  // version 2.4
  le32(0);
  le32(0);
  le32(65535);
  le32(101);
  for (const auto& p : packets) {
    le32(0);
    le32(0);
    le32(static_cast<std::uint32_t>(p.size()));
    le32(static_cast<std::uint32_t>(p.size()));
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

Packet crafted(std::uint8_t protocol, std::string_view data) {
  Packet p;
  p.ip.src = *parse_ipv4("10.0.0.1");
  p.ip.dst = *parse_ipv4("10.0.0.2");
  p.ip.id = 77;
  p.ip.tos = 0x2E;
  p.ip.protocol = protocol;
  p.tcp.src_port = 40000;
  p.tcp.dst_port = 80;
  p.tcp.seq = 4000000000u;
  p.tcp.ack = 12345;
  p.tcp.flags = tcp_flag::ack | tcp_flag::psh | tcp_flag::urg;
  p.tcp.urgent = 3;
  p.tcp.window = 501;
  p.udp.src_port = 5000;
  p.udp.dst_port = 53;
  p.payload = Payload::from_text(data);
  return p;
}

bool have_tshark() {
  if (access(kTshark, X_OK) == 0) return true;
  MESSAGE("tshark not installed: cross-check skipped");
  return false;
}

}  // namespace

TEST_CASE("tshark cross-check: the handshake lesson, every IPv4 and TCP field and option") {
  if (!have_tshark()) return;
  const Tally t = cross_check("01-handshake.json");
  for (const char* name : {"ip.version",
                           "ip.hdr_len",
                           "ip.dsfield",
                           "ip.dsfield.dscp",
                           "ip.dsfield.ecn",
                           "ip.len",
                           "ip.id",
                           "ip.flags",
                           "ip.flags.rb",
                           "ip.flags.df",
                           "ip.flags.mf",
                           "ip.frag_offset",
                           "ip.ttl",
                           "ip.proto",
                           "ip.checksum",
                           "ip.src",
                           "ip.dst",
                           "tcp.srcport",
                           "tcp.dstport",
                           "tcp.seq",
                           "tcp.ack",
                           "tcp.hdr_len",
                           "tcp.flags",
                           "tcp.flags.res",
                           "tcp.flags.ae",
                           "tcp.flags.cwr",
                           "tcp.flags.ece",
                           "tcp.flags.urg",
                           "tcp.flags.ack",
                           "tcp.flags.push",
                           "tcp.flags.reset",
                           "tcp.flags.syn",
                           "tcp.flags.fin",
                           "tcp.window_size_value",
                           "tcp.checksum",
                           "tcp.urgent_pointer",
                           "tcp.option_kind",
                           "tcp.option_len",
                           "tcp.options.mss_val",
                           "tcp.options.wscale.shift",
                           "tcp.options.wscale.multiplier",
                           "tcp.options.timestamp.tsval",
                           "tcp.options.timestamp.tsecr"}) {
    INFO(name);
    CHECK(t.by_name.count(name) == 1);
  }
}

TEST_CASE("tshark cross-check: a closed port, injected RSTs, UDP with loss") {
  if (!have_tshark()) return;
  for (const char* lesson :
       {"05-closed-port.json", "09-rst-injection.json", "16-udp-vs-tcp-loss.json"}) {
    const Tally t = cross_check(lesson);
    CHECK(t.compared > 0);
    if (std::string(lesson).find("udp") != std::string::npos) {
      CHECK(t.by_name.count("udp.srcport") == 1);
      CHECK(t.by_name.count("udp.checksum") == 1);
      CHECK(t.by_name.count("tcp.options.sack_le") == 1);
    }
  }
}

TEST_CASE("tshark cross-check: lessons 20, 22, 23 (a filter's RST, keepalives, an urgent byte)") {
  if (!have_tshark()) return;
  for (const char* lesson :
       {"20-connection-timeout.json", "22-idle-timeout.json", "23-psh-urg.json"}) {
    const Tally t = cross_check(lesson);
    CHECK(t.compared > 0);
  }
  CHECK(cross_check("23-psh-urg.json").by_name.count("tcp.urgent_pointer") == 1);
}

/// A packet filter's ICMP rejects (codes 3, 1, 13), each quoting the datagram it refused.
const char* const kFilterIcmpScenario = R"({"duration": "3s", "seed": 4,
  "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "server", "addr": "10.0.0.2"}],
  "links": [{"name": "lan", "a": "client", "b": "server", "delay": "5ms"}],
  "middleboxes": [{"type": "filter", "name": "fw", "host": "server", "rules": [
    {"name": "p", "protocol": "udp", "dport": 1, "action": "reject"},
    {"name": "h", "protocol": "udp", "dport": 2, "action": "reject", "reject_with": "host_unreachable"},
    {"name": "a", "protocol": "udp", "dport": 3, "action": "reject", "reject_with": "admin_prohibited"}]}],
  "timeline": [
    {"at": "0s", "do": "udp_bind", "host": "client", "port": 5000, "name": "u"},
    {"at": "1s", "do": "udp_send", "socket": "u", "to": "server", "port": 1, "text": "one"},
    {"at": "1s", "do": "udp_send", "socket": "u", "to": "server", "port": 2, "text": "two"},
    {"at": "1s", "do": "udp_send", "socket": "u", "to": "server", "port": 3, "text": "three"}
  ]})";

TEST_CASE("tshark cross-check: a packet filter's ICMP rejects") {
  if (!have_tshark()) return;
  const Tally t = cross_check_text(kFilterIcmpScenario);
  for (const char* name : {"icmp.type", "icmp.code", "icmp.checksum"}) {
    INFO(name);
    CHECK(t.by_name.count(name) == 1);
  }
}

TEST_CASE("tshark cross-check: ICMP port unreachable and its quoted datagram") {
  if (!have_tshark()) return;
  const Tally t = cross_check_text(kIcmpScenario);
  for (const char* name :
       {"icmp.type", "icmp.code", "icmp.checksum", "udp.length", "tcp.urgent_pointer"}) {
    INFO(name);
    CHECK(t.by_name.count(name) == 1);
  }
  CHECK(t.by_name.at("udp.srcport") == 2);  // the datagram and its quote
}

}  // namespace tcpplay

namespace tcpplay {

TEST_CASE("tshark cross-check: crafted bytes with wrong checksums, SACK, unknown options, ICMP") {
  if (!have_tshark()) return;
  std::vector<std::vector<std::uint8_t>> packets;
  TcpOptions o;
  o.has_timestamp = true;
  o.ts_val = 7;
  o.ts_ecr = 9;
  o.sack_count = 2;
  o.sack[0] = {4000000100u, 4000000200u};
  o.sack[1] = {4000000300u, 4000000400u};
  Packet sack = crafted(6, "hello");
  sack.tcp.options = encode_tcp_options(o, false);
  packets.push_back(serialize(sack));
  packets.push_back(packets.back());
  packets.back()[10] ^= 0x5A;  // IP header checksum
  packets.push_back(serialize(sack));
  packets.back()[37] ^= 0x01;  // TCP checksum
  TcpOptionWriter w;
  const std::uint8_t unknown[3] = {1, 2, 3};
  CHECK(w.add_nop());
  CHECK(w.add_raw(99, unknown, 3));
  CHECK(w.add_window_scale(14));
  Packet odd = crafted(6, "");
  odd.tcp.options = w.bytes();
  odd.tcp.flags = tcp_flag::syn | tcp_flag::ece | tcp_flag::cwr | tcp_flag::ae;
  packets.push_back(serialize(odd));
  packets.push_back(serialize(crafted(17, "query")));
  packets.push_back(packets.back());
  packets.back()[26] = packets.back()[27] = 0;  // no UDP checksum
  packets.push_back(serialize(crafted(17, "query")));
  packets.back()[27] ^= 0x10;  // wrong UDP checksum
  Packet echo = crafted(1, "ping data");
  echo.icmp.type = icmp_type::echo_request;
  echo.icmp.rest = (0x1234u << 16) | 7;
  packets.push_back(serialize(echo));
  std::vector<std::uint8_t> quote = serialize(sack);
  quote.resize(48);  // more than RFC 792's minimum, as Linux quotes
  Packet unreachable = crafted(1, "");
  std::swap(unreachable.ip.src, unreachable.ip.dst);
  unreachable.icmp.type = icmp_type::dest_unreachable;
  unreachable.icmp.code = icmp_code::fragmentation_needed;
  unreachable.icmp.rest = 1400;
  unreachable.payload = Payload::from_bytes(quote);
  packets.push_back(serialize(unreachable));
  packets.push_back(serialize(unreachable));
  packets.back()[22] ^= 0xFF;  // ICMP checksum

  const std::vector<std::uint8_t> pcap = raw_pcap(packets);
  const std::string path =
      (fs::temp_directory_path() / ("tcpplay_crafted_" + std::to_string(getpid()) + ".pcap"))
          .string();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(pcap.data()), static_cast<std::streamsize>(pcap.size()));
  const std::vector<WsPacket> ws = run_tshark(path);
  std::remove(path.c_str());
  REQUIRE(ws.size() == packets.size());
  Tally tally;
  int invalid = 0;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    INFO("crafted packet " << i + 1);
    const Dissection d = dissect(packets[i]);
    CHECK_FALSE(d.error);
    compare_layers(d.layers, ws[i], tally);
    for (const DissectLayer& l : d.layers)
      for (const DissectField& f : l.fields) invalid += f.valid == false;
  }
  CHECK(invalid == 4);
  for (const char* name : {"tcp.options.sack_le", "tcp.options.sack_re", "icmp.ident", "icmp.seq",
                           "icmp.mtu", "tcp.flags.ae", "udp.checksum", "icmp.checksum"}) {
    INFO(name);
    CHECK(tally.by_name.count(name) == 1);
  }
}

}  // namespace tcpplay
