// Exporters: tcpdump-style text (every expected packet line below was printed by tcpdump 4.99.3
// for the same packet; see tcpdump_crosscheck_test.cpp), annotations, JSON Lines and pcap bytes.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "trace/jsonl.h"
#include "trace/pcap.h"
#include "trace/tcpdump_text.h"

namespace tcpplay {
namespace {

using namespace tcp_flag;
constexpr std::uint32_t kIsnC = 0xFFFFFF00u;  // wraps past 2^32 during the transfer
constexpr std::uint32_t kIsnS = 12345;

Packet tcp(bool from_client, std::uint32_t seq, std::uint32_t ack, std::uint16_t flags,
           std::string_view data = "", TcpOptionBytes opts = {}) {
  Packet p;
  p.ip.src = *parse_ipv4(from_client ? "10.0.0.1" : "10.0.0.2");
  p.ip.dst = *parse_ipv4(from_client ? "10.0.0.2" : "10.0.0.1");
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::tcp);
  p.tcp.src_port = from_client ? 40000 : 9000;
  p.tcp.dst_port = from_client ? 9000 : 40000;
  p.tcp.seq = seq;
  p.tcp.ack = ack;
  p.tcp.flags = flags;
  p.tcp.window = 502;
  p.tcp.options = opts;
  p.payload = Payload::from_text(data);
  return p;
}

TcpOptionBytes syn_opts(std::uint16_t mss, std::uint32_t val, std::uint32_t ecr, std::uint8_t ws) {
  TcpOptions o;
  o.mss = mss;
  o.sack_permitted = true;
  o.has_timestamp = true;
  o.ts_val = val;
  o.ts_ecr = ecr;
  o.window_scale = ws;
  return encode_tcp_options(o, true);
}

TcpOptionBytes ts_opts(std::uint32_t val, std::uint32_t ecr, std::vector<SackBlock> sack = {}) {
  TcpOptions o;
  o.has_timestamp = val != 0;
  o.ts_val = val;
  o.ts_ecr = ecr;
  o.sack_count = static_cast<std::uint8_t>(sack.size());
  for (std::size_t i = 0; i < sack.size(); ++i) o.sack[i] = sack[i];
  return encode_tcp_options(o, false);
}

Packet udp_datagram() {
  Packet p;
  p.ip.src = *parse_ipv4("10.0.0.1");
  p.ip.dst = *parse_ipv4("10.0.0.2");
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::udp);
  p.udp.src_port = 40000;
  p.udp.dst_port = 9000;
  p.payload = Payload::from_text(std::string(32, 'u'));
  return p;
}

Packet port_unreachable() {
  std::vector<std::uint8_t> quoted = serialize(udp_datagram());
  quoted.resize(28);
  Packet p;
  p.ip.src = *parse_ipv4("10.0.0.2");
  p.ip.dst = *parse_ipv4("10.0.0.1");
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::icmp);
  p.icmp.type = icmp_type::dest_unreachable;
  p.icmp.code = icmp_code::port_unreachable;
  p.payload = Payload::from_bytes(quoted);
  return p;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TraceEvent event(TraceKind kind, SimTime t, std::int32_t host) {
  TraceEvent e;
  e.kind = kind;
  e.time = t;
  e.host = host;
  return e;
}

/// The checker's test for packet lines: the regex `(^| )IP `.
bool looks_like_packet_line(const std::string& line) {
  return line.rfind("IP ", 0) == 0 || line.find(" IP ") != std::string::npos;
}

const FourTuple kTuple{0x0A000001, 0x0A000002, 40000, 9000};

}  // namespace

TEST_CASE("export: tcpdump lines for a handshake, data with SACK and URG, and teardown") {
  TcpdumpFormatter f;
  const std::uint32_t c = kIsnC, s = kIsnS;
  CHECK(f.format(tcp(true, c, 0, syn, "", syn_opts(1460, 1000, 0, 7))) ==
        "IP 10.0.0.1.40000 > 10.0.0.2.9000: Flags [S], seq 4294967040, win 502, options [mss "
        "1460,sackOK,TS val 1000 ecr 0,nop,wscale 7], length 0");
  CHECK(f.format(tcp(false, s, c + 1, syn | ack, "", syn_opts(1400, 5000, 1000, 6))) ==
        "IP 10.0.0.2.9000 > 10.0.0.1.40000: Flags [S.], seq 12345, ack 4294967041, win 502, "
        "options [mss 1400,sackOK,TS val 5000 ecr 1000,nop,wscale 6], length 0");
  CHECK(f.format(tcp(true, c + 1, s + 1, ack, "", ts_opts(1001, 5000))) ==
        "IP 10.0.0.1.40000 > 10.0.0.2.9000: Flags [.], ack 1, win 502, options [nop,nop,TS val "
        "1001 ecr 5000], length 0");
  CHECK(f.format(tcp(true, c + 1, s + 1, psh | ack, std::string(200, 'a'), ts_opts(1002, 5000))) ==
        "IP 10.0.0.1.40000 > 10.0.0.2.9000: Flags [P.], seq 1:201, ack 1, win 502, options "
        "[nop,nop,TS val 1002 ecr 5000], length 200");
  CHECK(
      f.format(tcp(true, c + 401, s + 1, psh | ack, std::string(100, 'b'), ts_opts(1003, 5000))) ==
      "IP 10.0.0.1.40000 > 10.0.0.2.9000: Flags [P.], seq 401:501, ack 1, win 502, options "
      "[nop,nop,TS val 1003 ecr 5000], length 100");
  CHECK(f.format(tcp(false, s + 1, c + 201, ack, "", ts_opts(5001, 1003, {{c + 401, c + 501}}))) ==
        "IP 10.0.0.2.9000 > 10.0.0.1.40000: Flags [.], ack 201, win 502, options [nop,nop,TS val "
        "5001 ecr 1003,nop,nop,sack 1 {401:501}], length 0");
  CHECK(f.format(tcp(false, s + 1, c + 201, ack, "",
                     ts_opts(0, 0,
                             {{c + 401, c + 501},
                              {c + 601, c + 701},
                              {c + 801, c + 901},
                              {c + 1001, c + 1101}}))) ==
        "IP 10.0.0.2.9000 > 10.0.0.1.40000: Flags [.], ack 201, win 502, options [nop,nop,sack 4 "
        "{401:501}{601:701}{801:901}{1001:1101}], length 0");
  Packet urgent =
      tcp(true, c + 201, s + 1, urg | psh | ack, std::string(200, 'c'), ts_opts(1004, 5001));
  urgent.tcp.urgent = 10;
  CHECK(f.format(urgent) ==
        "IP 10.0.0.1.40000 > 10.0.0.2.9000: Flags [P.U], seq 201:401, ack 1, win 502, urg 10, "
        "options [nop,nop,TS val 1004 ecr 5001], length 200");
  CHECK(f.format(tcp(false, s + 1, c + 501, ece | ack, "hello", ts_opts(5002, 1004))) ==
        "IP 10.0.0.2.9000 > 10.0.0.1.40000: Flags [.E], seq 1:6, ack 501, win 502, options "
        "[nop,nop,TS val 5002 ecr 1004], length 5");
  CHECK(f.format(tcp(true, c + 501, s + 6, fin | cwr | ack, "", ts_opts(1005, 5002))) ==
        "IP 10.0.0.1.40000 > 10.0.0.2.9000: Flags [F.W], seq 501, ack 6, win 502, options "
        "[nop,nop,TS val 1005 ecr 5002], length 0");
  CHECK(f.format(tcp(false, s + 6, c + 502, fin | ack, "", ts_opts(5003, 1005))) ==
        "IP 10.0.0.2.9000 > 10.0.0.1.40000: Flags [F.], seq 6, ack 502, win 502, options "
        "[nop,nop,TS val 5003 ecr 1005], length 0");
  CHECK(f.format(tcp(true, 4000000000u, 0, rst)) ==
        "IP 10.0.0.1.40000 > 10.0.0.2.9000: Flags [R], seq 4000000000, win 502, length 0");
  // After reset() the formatter is a fresh tcpdump: the first ACK shows absolute numbers.
  f.reset();
  CHECK(f.format(tcp(true, c + 1, s + 1, ack, "", ts_opts(1001, 5000))) ==
        "IP 10.0.0.1.40000 > 10.0.0.2.9000: Flags [.], ack 12346, win 502, options [nop,nop,TS "
        "val 1001 ecr 5000], length 0");
}

TEST_CASE("export: tcpdump lines for RST, UDP, ICMP, HTTP and malformed options") {
  TcpdumpFormatter f;
  Packet rst_ack = tcp(false, 0, 778, rst | ack);
  rst_ack.tcp.dst_port = 40001;
  CHECK(f.format(rst_ack) ==
        "IP 10.0.0.2.9000 > 10.0.0.1.40001: Flags [R.], seq 0, ack 778, win 502, length 0");
  CHECK(f.format(udp_datagram()) == "IP 10.0.0.1.40000 > 10.0.0.2.9000: UDP, length 32");
  CHECK(f.format(port_unreachable()) ==
        "IP 10.0.0.2 > 10.0.0.1: ICMP 10.0.0.2 udp port 9000 unreachable, length 36");

  auto http = [&](bool from_client, std::uint32_t seq, std::uint32_t ack_no,
                  std::string_view text) {
    Packet p = tcp(from_client, seq, ack_no, from_client ? syn : syn | ack, text);
    p.tcp.src_port = from_client ? 41080 : 80;
    p.tcp.dst_port = from_client ? 80 : 41080;
    if (!text.empty()) p.tcp.flags = psh | ack;
    return f.format(p);
  };
  http(true, 1, 0, "");
  http(false, 1000, 2, "");
  CHECK(http(true, 2, 1001, "GET / HTTP/1.1\r\nHost: example\r\n\r\n") ==
        "IP 10.0.0.1.41080 > 10.0.0.2.80: Flags [P.], seq 1:34, ack 1, win 502, length 33: HTTP: "
        "GET / HTTP/1.1");
  CHECK(http(false, 1001, 36, "HTTP/1.1 504 Gateway Time-out\r\nContent-Length: 9\r\n\r\n") ==
        "IP 10.0.0.2.80 > 10.0.0.1.41080: Flags [P.], seq 1:53, ack 35, win 502, length 52: HTTP: "
        "HTTP/1.1 504 Gateway Time-out");
  CHECK(http(false, 1055, 36, "body text") ==
        "IP 10.0.0.2.80 > 10.0.0.1.41080: Flags [P.], seq 55:64, ack 35, win 502, length 9: HTTP");
  CHECK(http(false, 1064, 36, "GET / HTTP/1.1") ==
        "IP 10.0.0.2.80 > 10.0.0.1.41080: Flags [P.], seq 64:78, ack 35, win 502, length 14: "
        "HTTP: GET / HTTP/1.1 [|http]");

  auto opts = [&](std::vector<std::uint8_t> bytes, std::string_view data = "") {
    TcpOptionBytes o;
    for (std::uint8_t b : bytes) o.data[o.len++] = b;
    Packet p = tcp(true, 10, 20, ack, data, o);
    p.ip.dst = *parse_ipv4("10.0.0.5");
    p.tcp.src_port = 40100;
    return f.format(p);
  };
  CHECK(opts({1, 2, 4, 5, 0xb4}) ==
        "IP 10.0.0.1.40100 > 10.0.0.5.9000: Flags [.], ack 20, win 502, options [nop,mss "
        "1460,eol], length 0");
  CHECK(opts({0x63, 4, 0xab, 0xcd, 2, 4, 5, 0xb4}) ==
        "IP 10.0.0.1.40100 > 10.0.0.5.9000: Flags [.], ack 1, win 502, options [unknown-99 "
        "0xabcd,mss 1460], length 0");
  CHECK(opts({8, 10, 0, 0, 0, 1, 0, 0}) ==
        "IP 10.0.0.1.40100 > 10.0.0.5.9000: Flags [.], ack 1, win 502, options [[bad opt]");
  CHECK(
      opts({1, 1, 1, 2}) ==
      "IP 10.0.0.1.40100 > 10.0.0.5.9000: Flags [.], ack 1, win 502, options [nop,nop,nop, [|tcp]");
  CHECK(opts({1, 1, 1, 2}, "\x04zz") ==
        "IP 10.0.0.1.40100 > 10.0.0.5.9000: Flags [.], seq 0:3, ack 1, win 502, options "
        "[nop,nop,nop,[bad opt]]");
}

TEST_CASE("export: tcpdump timestamps come from virtual time") {
  CHECK(format_tcpdump_time(0) == "00:00:00.000000");
  CHECK(format_tcpdump_time(999) == "00:00:00.000000");  // truncated to microseconds
  CHECK(format_tcpdump_time(1999) == "00:00:00.000001");
  CHECK(format_tcpdump_time(3723 * kSecond + 4500 * kMicrosecond) == "01:02:03.004500");
  CHECK(format_tcpdump_time(25 * kHour) == "25:00:00.000000");
  TcpdumpFormatter f;
  CHECK(f.format_line(udp_datagram(), 1500 * kMillisecond) ==
        "00:00:01.500000 IP 10.0.0.1.40000 > 10.0.0.2.9000: UDP, length 32");
}

TEST_CASE("export: text export interleaves annotations that never look like packet lines") {
  Trace trace;
  trace.host_names = {"client", "server"};
  trace.link_names = {"lan"};
  TraceEvent st = event(TraceKind::state_change, 0, 0);
  st.tuple = kTuple;
  st.from = "CLOSED";
  st.to = "SYN_SENT";
  st.detail = "connect()";
  trace.add(st);
  TraceEvent sent = event(TraceKind::packet_sent, 0, 0);
  sent.link = 0;
  sent.packet_id = trace.add_packet(tcp(true, 100, 0, syn));
  trace.add(sent);
  TraceEvent timer = event(TraceKind::timer_set, 0, 0);
  timer.tuple = kTuple;
  timer.name = "rto";
  timer.deadline = kSecond;
  trace.add(timer);
  TraceEvent drop = event(TraceKind::packet_dropped, 500 * kMicrosecond, -1);
  drop.link = 0;
  drop.name = drop_reason::loss;
  drop.packet_id = sent.packet_id;
  trace.add(drop);
  TraceEvent recv = event(TraceKind::packet_received, kSecond, 1);
  recv.packet_id = sent.packet_id;
  trace.add(recv);
  TraceEvent app = event(TraceKind::app, kSecond, 1);
  app.name = "echo";
  app.detail = "IP accepted\nIP connection";
  trace.add(app);
  TraceEvent note = event(TraceKind::note, 2 * kSecond, -1);
  note.detail = "IP IP over IP ";
  trace.add(note);

  const std::vector<std::string> lines = lines_of(export_tcpdump_text(trace));
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] ==
        "00:00:00.000000  # client: 10.0.0.1:40000 > 10.0.0.2:9000 CLOSED -> SYN_SENT (connect())");
  CHECK(lines[1] ==
        "00:00:00.000000 IP 10.0.0.1.40000 > 10.0.0.2.9000: Flags [S], seq 100, win "
        "502, length 0");
  CHECK(lines[2] ==
        "00:00:00.000000  # client: 10.0.0.1:40000 > 10.0.0.2:9000 timer rto set, "
        "fires at 00:00:01.000000");
  CHECK(lines[3] ==
        "00:00:00.000500  # drop (loss) on lan: 10.0.0.1.40000 > 10.0.0.2.9000 tcp "
        "[S] seq 100 ack 0 len 0");
  CHECK(lines[4] == "00:00:01.000000  # server: app echo: ip accepted ip connection");
  CHECK(lines[5] == "00:00:02.000000  # ip ip over ip ");
  int packet_lines = 0;
  for (const std::string& l : lines) packet_lines += looks_like_packet_line(l) ? 1 : 0;
  CHECK(packet_lines == 1);

  const std::vector<std::string> bare = lines_of(export_tcpdump_text(trace, {false}));
  REQUIRE(bare.size() == 1);
  CHECK(bare[0] == lines[1]);
}

TEST_CASE("export: retention shows up as a first line in text and JSONL") {
  Trace trace;
  trace.set_retention({3, 0});
  for (int i = 0; i < 5; ++i) {
    TraceEvent n = event(TraceKind::note, i * kSecond, -1);
    n.detail = "n" + std::to_string(i);
    trace.add(n);
  }
  const std::vector<std::string> text = lines_of(export_tcpdump_text(trace));
  REQUIRE(text.size() == 4);
  CHECK(text[0] ==
        "00:00:02.000000  # trace truncated: 2 earlier events were dropped by retention");
  CHECK(text[1] == "00:00:02.000000  # n2");
  const std::vector<std::string> json = lines_of(export_jsonl(trace));
  REQUIRE(json.size() == 4);
  CHECK(json[0] == R"j({"kind":"trace_truncated","dropped":2})j");
  CHECK(json[1] == R"j({"i":2,"t_ns":2000000000,"kind":"note","detail":"n2"})j");
}

TEST_CASE("export: JSON strings are escaped and always valid UTF-8") {
  std::string out;
  append_json_string(out, "a\"b\\c\n\t\x01\x7f \xc3\xa9\xe2\x86\x92 \xff \xc3 \xed\xa0\x80");
  CHECK(out ==
        "\"a\\\"b\\\\c\\n\\t\\u0001\x7f \xc3\xa9\xe2\x86\x92 \\ufffd \\ufffd "
        "\\ufffd\\ufffd\\ufffd\"");
  CHECK(nlohmann::json::accept(out));
}

TEST_CASE("export: JSONL events carry stateless packet objects in a fixed key order") {
  Trace trace;
  trace.host_names = {"client"};
  trace.link_names = {"lan"};
  TraceEvent st = event(TraceKind::state_change, 0, 0);
  st.conn = 1;
  st.tuple = kTuple;
  st.from = "CLOSED";
  st.to = "SYN_SENT";
  st.detail = "connect()";
  trace.add(st);
  TraceEvent sent = event(TraceKind::packet_sent, 7, 0);
  sent.link = 0;
  sent.packet_id = trace.add_packet(tcp(true, kIsnC, 0, syn | ae, "", syn_opts(1460, 1000, 0, 7)),
                                    {1, PacketTag::retransmission});
  trace.add(sent);
  trace.set_packet_receiver(sent.packet_id, 2);  // learnt later: shown on the sent event too
  TraceEvent timer = event(TraceKind::timer_set, 7, 0);
  timer.conn = 1;
  timer.name = "rto";
  timer.deadline = kSecond;
  trace.add(timer);
  TraceEvent gone = event(TraceKind::packet_received, 9, 5);
  gone.packet_id = 99;  // no longer retained
  trace.add(gone);
  TraceEvent icmp_sent = event(TraceKind::packet_sent, 10, 0);
  icmp_sent.packet_id = trace.add_packet(port_unreachable());
  trace.add(icmp_sent);
  TraceEvent copy = event(TraceKind::packet_duplicated, 11, 0);
  copy.link = 0;
  copy.packet_id = trace.add_packet(port_unreachable());
  copy.original = icmp_sent.packet_id;
  trace.add(copy);

  const std::vector<std::string> lines = lines_of(export_jsonl(trace));
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == R"j({"i":0,"t_ns":0,"kind":"state_change","host":"client","conn":1,)j"
                    R"j("tuple":"10.0.0.1:40000 > 10.0.0.2:9000","from":"CLOSED","to":"SYN_SENT",)j"
                    R"j("detail":"connect()"})j");
  CHECK(lines[1] ==
        R"j({"i":1,"t_ns":7,"kind":"packet_sent","host":"client","link":"lan","packet":1,)j"
        R"j("conn":1,"peer_conn":2,"tag":"retransmission",)j"
        R"j("pkt":{"src":"10.0.0.1","dst":"10.0.0.2","proto":"tcp","sport":40000,)j"
        R"j("dport":9000,"flags":"S","ae":1,"seq":4294967040,"ack":0,"win":502,"urg":0,)j"
        R"j("len":0,"options":"mss 1460,sackOK,TS val 1000 ecr 0,nop,wscale 7",)j"
        R"j("ip_len":60,"ttl":64,"id":0}})j");
  CHECK(lines[2] == R"j({"i":2,"t_ns":7,"kind":"timer_set","host":"client","conn":1,)j"
                    R"j("name":"rto","deadline_ns":1000000000})j");
  CHECK(lines[3] == R"j({"i":3,"t_ns":9,"kind":"packet_received","host":"#5","packet":99})j");
  CHECK(lines[4] == R"j({"i":4,"t_ns":10,"kind":"packet_sent","host":"client","packet":2,"pkt":{)j"
                    R"j("src":"10.0.0.2","dst":"10.0.0.1","proto":"icmp","type":3,"code":3,)j"
                    R"j("len":28,"ip_len":56,"ttl":64,"id":0}})j");
  CHECK(lines[5] == R"j({"i":5,"t_ns":11,"kind":"packet_duplicated","host":"client","link":"lan",)j"
                    R"j("packet":3,"original":2,"pkt":{)j"
                    R"j("src":"10.0.0.2","dst":"10.0.0.1","proto":"icmp","type":3,"code":3,)j"
                    R"j("len":28,"ip_len":56,"ttl":64,"id":0}})j");
  for (const std::string& l : lines) CHECK(nlohmann::json::accept(l));
  CHECK(event_to_json(trace, trace.at(2)) == lines[2]);
}

TEST_CASE("export: pcap header and records are little-endian with nanosecond stamps") {
  std::vector<std::uint8_t> out;
  PcapWriter w;
  w.begin(out);
  const std::vector<std::uint8_t> header = {0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0, 0,   0, 0, 0,
                                            0,    0,    0,    0,    0, 0, 4, 0, 101, 0, 0, 0};
  CHECK(out == header);
  const Packet p = udp_datagram();
  w.add(out, p, 3 * kSecond + 500'000'007);
  const std::vector<std::uint8_t> bytes = serialize(p);
  REQUIRE(out.size() == 24 + 16 + bytes.size());
  const std::vector<std::uint8_t> rec(out.begin() + 24, out.begin() + 40);
  CHECK(rec == std::vector<std::uint8_t>{3, 0, 0, 0, 0x07, 0x65, 0xcd, 0x1d,  // 500000007
                                         60, 0, 0, 0, 60, 0, 0, 0});
  CHECK(std::vector<std::uint8_t>(out.begin() + 40, out.end()) == bytes);

  Trace trace;
  for (int i = 0; i < 3; ++i) {
    TraceEvent e = event(i == 1 ? TraceKind::packet_received : TraceKind::packet_sent, i, 0);
    e.packet_id = trace.add_packet(p);
    trace.add(e);
  }
  CHECK(export_pcap(trace).size() == 24 + 2 * (16 + bytes.size()));
}

}  // namespace tcpplay
