// The packet filter (engine/middlebox/packet_filter.h) through scenarios: drop by direction,
// protocol, port and flags with the rule as the drop reason; reject with an RST built by
// RFC 9293 §3.10.7.1 and with ICMP destination unreachable codes 3, 1 and 13; rules switched by
// the "filter" action; and the loader's errors.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "api/playground.h"
#include "core/duration.h"
#include "middlebox/packet_filter.h"
#include "scenario/scenario.h"
#include "trace/tcpdump_text.h"

using namespace tcpplay;

namespace {

/// Two hosts on a 10 ms link, a TCP listener on server:80 and a UDP socket on client; `rules`
/// is the server's filter, `timeline` more actions (JSON array members, leading comma).
std::string world(const std::string& rules, const std::string& timeline = "",
                  const std::string& duration = "5s") {
  return R"({"duration": ")" + duration + R"(", "tcp": {"profile": "linux"},
    "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "server", "addr": "10.0.0.2"}],
    "links": [{"name": "lan", "a": "client", "b": "server", "delay": "10ms"}],
    "middleboxes": [{"type": "filter", "name": "fw", "host": "server", "rules": )" +
         rules + R"(}],
    "timeline": [
      {"at": "0s", "do": "listen", "host": "server", "port": 80, "name": "srv"},
      {"at": "0s", "do": "udp_bind", "host": "client", "port": 5000, "name": "u"})" +
         timeline + "]}";
}

struct Run {
  std::unique_ptr<ScenarioRunner> runner;
  explicit Run(const std::string& json) {
    LoadResult r = Scenario::load(json);
    INFO(r.error_text());
    REQUIRE(r.ok());
    runner = std::make_unique<ScenarioRunner>(std::move(*r.scenario));
    runner->run();
  }
  const Trace& trace() const { return runner->sim().trace(); }
  /// Drops with this reason: "HOST LINK_INDEX" each.
  std::vector<std::string> drops(const std::string& reason) const {
    std::vector<std::string> out;
    for (std::uint64_t i = trace().first_index(); i < trace().end_index(); ++i) {
      const TraceEvent& e = trace().at(i);
      if (e.kind == TraceKind::packet_dropped && reason == e.name)
        out.push_back(trace().host_names[static_cast<std::size_t>(e.host)] + " " +
                      std::to_string(e.link));
    }
    return out;
  }
  /// Packets `host` sent, as tcpdump prints them (without the time).
  std::vector<Packet> sent(const std::string& host) const {
    std::vector<Packet> out;
    for (std::uint64_t i = trace().first_index(); i < trace().end_index(); ++i) {
      const TraceEvent& e = trace().at(i);
      if (e.kind == TraceKind::packet_sent &&
          trace().host_names[static_cast<std::size_t>(e.host)] == host)
        out.push_back(*trace().packet(e.packet_id));
    }
    return out;
  }
  std::vector<std::string> details(TraceKind kind) const {
    std::vector<std::string> out;
    for (std::uint64_t i = trace().first_index(); i < trace().end_index(); ++i)
      if (trace().at(i).kind == kind) out.push_back(trace().at(i).detail);
    return out;
  }
  std::string states() const {
    std::string out;
    for (std::uint64_t i = trace().first_index(); i < trace().end_index(); ++i) {
      const TraceEvent& e = trace().at(i);
      if (e.kind == TraceKind::state_change && runner->socket_name(e.conn) == "c")
        out += std::string(e.from) + "->" + e.to + " ";
    }
    return out;
  }
};

const std::string kConnect =
    R"(, {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 80, "name": "c",
         "params": {"connect_timeout": "3.5s"}})";

std::vector<std::string> load_errors(const std::string& json) {
  std::vector<std::string> out;
  for (const ScenarioError& e : Scenario::load(json).errors)
    out.push_back(e.path + ": " + e.message);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  for (const std::string& x : v)
    if (x == s) return true;
  return false;
}

}  // namespace

TEST_CASE("packet filter: a drop rule on incoming SYNs is a black hole; the drop names the rule") {
  Run r(world(R"([{"name": "no-syn", "protocol": "tcp", "dport": 80, "flags": "S",
                   "not_flags": "."}])",
              kConnect));
  // The SYN at 1 s and its retries at 2 and 4 s (RTO 1 s doubling), each dropped at the server
  // on arrival from link 0; the connect timeout ends it at 4.5 s.
  CHECK(r.drops("filter:fw/no-syn") ==
        std::vector<std::string>{"server 0", "server 0", "server 0"});
  CHECK(r.sent("server").empty());
  CHECK(r.states() == "CLOSED->SYN_SENT SYN_SENT->CLOSED ");
  const auto* fw = dynamic_cast<const PacketFilter*>(r.runner->sim().components()[0].get());
  REQUIRE(fw);
  CHECK(fw->hits() == std::vector<std::uint64_t>{3});
}

TEST_CASE("packet filter: a rule that does not match lets packets pass") {
  // Port 81, UDP only, a source that is not the client, flags the SYN lacks: none matches.
  Run r(world(R"([{"name": "p81", "protocol": "tcp", "dport": 81},
                  {"name": "udp", "protocol": "udp"},
                  {"name": "other", "src": "10.9.9.9"},
                  {"name": "fin", "protocol": "tcp", "flags": "F"},
                  {"name": "off", "enabled": false}])",
              kConnect));
  CHECK(r.states().find("SYN_SENT->ESTABLISHED") != std::string::npos);
  CHECK(r.details(TraceKind::packet_dropped).empty());
}

TEST_CASE("packet filter: reject with tcp_reset answers a SYN per RFC 9293 §3.10.7.1") {
  Run r(
      world(R"([{"name": "rej", "protocol": "tcp", "dport": 80, "action": "reject"}])", kConnect));
  const std::vector<Packet> syn = r.sent("client");
  const std::vector<Packet> rst = r.sent("server");
  REQUIRE(!syn.empty());
  REQUIRE(rst.size() == 1);
  // No ACK on the SYN: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, SEG.LEN counting the SYN.
  CHECK(rst[0].tcp.flags == (tcp_flag::rst | tcp_flag::ack));
  CHECK(rst[0].tcp.seq == 0);
  CHECK(rst[0].tcp.ack == syn[0].tcp.seq + 1);
  CHECK(rst[0].ip.src == syn[0].ip.dst);
  CHECK(rst[0].tcp.src_port == 80);
  CHECK(r.drops("filter:fw/rej").size() == 1);
  CHECK(r.states() == "CLOSED->SYN_SENT SYN_SENT->CLOSED ");  // refused at once
}

TEST_CASE("packet filter: reject of a segment with ACK sends <SEQ=SEG.ACK><CTL=RST>") {
  // The SYN passes; the rule then catches the client's segments that carry ACK.
  Run r(world(R"([{"name": "acks", "protocol": "tcp", "dport": 80, "flags": ".",
                   "action": "reject"}])",
              kConnect));
  const std::vector<Packet> client = r.sent("client");
  std::vector<Packet> rsts;
  for (const Packet& p : r.sent("server"))
    if (p.tcp.has(tcp_flag::rst)) rsts.push_back(p);
  REQUIRE(client.size() >= 2);
  REQUIRE(rsts.size() == 1);  // the client's ACK of the SYN-ACK; an RST is never answered
  CHECK(rsts[0].tcp.flags == tcp_flag::rst);
  CHECK(rsts[0].tcp.seq == client[1].tcp.ack);
}

TEST_CASE("packet filter: reject with ICMP codes 3, 1 and 13 quotes the datagram") {
  for (const auto& reject : std::vector<std::pair<std::string, int>>{
           {"port_unreachable", 3}, {"host_unreachable", 1}, {"admin_prohibited", 13}}) {
    const std::string& with = reject.first;  // named: CAPTURE cannot capture a structured binding
    const int code = reject.second;
    CAPTURE(with);
    Run r(world(R"([{"name": "u", "protocol": "udp", "dport": 53, "action": "reject",
                     "reject_with": ")" +
                    with + R"("}])",
                R"(, {"at": "1s", "do": "udp_send", "socket": "u", "to": "server", "port": 53,
                      "text": "query"})"));
    const std::vector<Packet> icmp = r.sent("server");
    REQUIRE(icmp.size() == 1);
    CHECK(icmp[0].is_icmp());
    CHECK(icmp[0].icmp.type == 3);
    CHECK(icmp[0].icmp.code == code);
    CHECK(icmp[0].payload.size() == 28);  // the 20-byte IP header and 8 bytes of the UDP datagram
    CHECK(icmp[0].ip.dst == r.sent("client")[0].ip.src);
    CHECK(r.drops("filter:fw/u").size() == 1);
  }
}

TEST_CASE("packet filter: an outgoing rule drops what the host sends, before any link") {
  // The server's SYN-ACKs never leave: a one-way black hole in the other direction.
  Run r(world(R"([{"name": "no-synack", "direction": "out", "protocol": "tcp", "flags": "S."}])",
              kConnect));
  const auto d = r.drops("filter:fw/no-synack");
  REQUIRE(!d.empty());
  CHECK(d[0] == "server -1");
  CHECK(r.states() == "CLOSED->SYN_SENT SYN_SENT->CLOSED ");
}

TEST_CASE("packet filter: rules are switched on and off on the timeline") {
  Run r(world(R"([{"name": "bh", "protocol": "tcp", "enabled": false}])",
              R"(, {"at": "0.5s", "do": "filter", "filter": "fw", "rule": "bh", "on": true},
                 {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 80,
                  "name": "c"},
                 {"at": "2.5s", "do": "filter", "filter": "fw", "rule": "bh", "on": false})"));
  // Dropped at 1 and 2 s; the retry at 4 s passes and the handshake completes.
  CHECK(r.drops("filter:fw/bh").size() == 2);
  CHECK(r.states().find("SYN_SENT->ESTABLISHED") != std::string::npos);
  CHECK(r.details(TraceKind::param_change) == std::vector<std::string>{"true", "false"});
}

TEST_CASE("packet filter: a rule switched live, and the snapshot's hit counts") {
  Playground p;
  REQUIRE(p.load(world(R"([{"name": "bh", "protocol": "tcp"}])", kConnect, "8s")) == "[]");
  p.run_until(1500 * kMillisecond);
  CHECK(p.snapshot().find(
            R"("name":"bh","enabled":true,"action":"drop","direction":"in","hits":1)") !=
        std::string::npos);
  p.apply(R"({"do": "filter", "filter": "fw", "rule": "bh", "on": false})");
  // The retry at 2 s passes: the handshake completes.
  p.run_until(3 * kSecond);
  const std::string snap = p.snapshot();
  CHECK(snap.find(R"("name":"bh","enabled":false)") != std::string::npos);
  CHECK(snap.find("ESTABLISHED") != std::string::npos);
  // The live edit is recorded in the scenario, so a replay does the same.
  CHECK(p.scenario_json().find(R"("do": "filter")") != std::string::npos);
  // An unknown rule is refused with its name and changes nothing.
  std::string error;
  try {
    p.apply(R"({"do": "filter", "filter": "fw", "rule": "nope", "on": true})");
  } catch (const PlaygroundError& e) {
    error = e.what();
  }
  CHECK(error.find("filter \"fw\" has no rule \"nope\"") != std::string::npos);
}

TEST_CASE("packet filter: the loader names each bad field") {
  const auto errs = load_errors(world(R"([
      {"name": "a", "action": "reject", "direction": "out"},
      {"name": "b", "dport": 80},
      {"name": "c", "protocol": "udp", "flags": "S"},
      {"name": "d", "protocol": "tcp", "flags": "SX"},
      {"name": "e", "protocol": "udp", "action": "reject", "reject_with": "tcp_reset"},
      {"name": "f", "src": "nowhere"},
      {"name": "a"},
      {"name": "g", "action": "deny"},
      {"direction": "in"}])"));
  const std::string p = "/middleboxes/0/rules/";
  CHECK(has(errs, p + "0/direction: reject answers incoming packets only: use \"direction\": "
                      "\"in\" (or drop)"));
  CHECK(has(errs, p + "1/dport: ports need \"protocol\": \"tcp\" or \"udp\""));
  CHECK(has(errs, p + "2/flags: TCP flags need \"protocol\": \"tcp\""));
  CHECK(has(errs, p + "3/flags: expected TCP flags as tcpdump writes them (letters of "
                      "\"FSRPUEW.\", \".\" for ACK), got \"SX\""));
  CHECK(has(errs, p + "4/reject_with: tcp_reset needs \"protocol\": \"tcp\""));
  CHECK(has(errs, p + "5/src: expected a host name or an IPv4 address, got \"nowhere\""));
  CHECK(has(errs, p + "6/name: duplicate rule name \"a\""));
  CHECK(has(errs, p + "7/action: expected drop or reject, got \"deny\""));
  CHECK(has(errs, p + "8: missing required key \"name\""));
  // The "filter" action names a filter and one of its rules (checked after the middleboxes).
  const auto action_errs = load_errors(world(R"([{"name": "a"}])",
                                             R"(, {"at": "1s", "do": "filter", "filter": "fw",
                                                   "rule": "zz", "on": true},
                                                {"at": "1s", "do": "filter", "filter": "nofw",
                                                   "rule": "a", "on": true},
                                                {"at": "1s", "do": "filter", "filter": "fw",
                                                   "rule": "a"})"));
  CHECK(action_errs == std::vector<std::string>{
                           "/timeline/4: missing required key \"on\"",
                           "/timeline/2/rule: filter \"fw\" has no rule \"zz\"",
                           "/timeline/3/filter: no filter named \"nofw\" in \"middleboxes\""});
}
