// Packet identity in the trace: every packet event names its packet, the connection that sent
// it and the one it was delivered to, and why TCP sent it; a link's duplicate is a packet of its
// own that names its original. None of it reaches the wire: text and pcap show packet_sent only.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "scenario/scenario.h"
#include "trace/tcpdump_text.h"

using namespace tcpplay;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::unique_ptr<ScenarioRunner> run(const std::string& json) {
  LoadResult r = Scenario::load(json);
  REQUIRE_MESSAGE(r.ok(), r.error_text());
  auto runner = std::make_unique<ScenarioRunner>(std::move(*r.scenario));
  runner->run();
  return runner;
}

std::unique_ptr<ScenarioRunner> run_example(const char* name) {
  return run(read_text(fs::path(TCPPLAY_SOURCE_DIR) / "examples" / name));
}

std::vector<TraceEvent> events(const Trace& t, TraceKind kind) {
  std::vector<TraceEvent> out;
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
    if (t.kind_at(i) == kind) out.push_back(t.at(i));
  return out;
}

/// client - r (a router) - server; the client connects at 1 s.
const char* const kRouted = R"({"duration": "5s",
  "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "r", "addr": "10.0.1.1", "forwarding": true},
            {"name": "server", "addr": "10.0.2.1"}],
  "links": [{"name": "l1", "a": "client", "b": "r", "delay": "5ms"},
            {"name": "l2", "a": "r", "b": "server", "delay": "5ms", "duplicate": 1}],
  "routes": [{"host": "client", "dst": "default", "link": "l1"},
             {"host": "server", "dst": "default", "link": "l2"},
             {"host": "r", "dst": "10.0.2.1", "link": "l2"}],
  "timeline": [{"at": "0s", "do": "listen", "host": "server", "port": 80, "name": "srv"},
               {"at": "1s", "do": "connect", "host": "client", "to": "10.0.2.1", "port": 80, "name": "c1"}]})";

}  // namespace

TEST_CASE("packet identity: the handshake names the sending and the receiving connection") {
  auto r = run_example("01-handshake.json");
  const Trace& t = r->sim().trace();
  const auto sent = events(t, TraceKind::packet_sent);
  REQUIRE(sent.size() >= 3);
  const Packet syn = *t.packet(sent[0].packet_id);
  REQUIRE(syn.tcp.flags == tcp_flag::syn);
  const int client = sent[0].conn, server = sent[0].peer_conn;  // learnt on arrival, shown here
  CHECK(client > 0);
  CHECK(server > 0);
  CHECK(server != client);
  CHECK(sent[1].conn == server);  // the SYN-ACK
  CHECK(sent[1].peer_conn == client);
  for (const TraceEvent& e : events(t, TraceKind::packet_received)) {
    CHECK(e.conn > 0);
    CHECK(e.peer_conn > 0);
    CHECK(*e.tag == '\0');
  }
}

TEST_CASE(
    "packet identity: a duplicate has its own id and names its original; forwarding keeps the "
    "sender") {
  auto r = run(kRouted);
  const Trace& t = r->sim().trace();
  const auto dups = events(t, TraceKind::packet_duplicated);
  const auto sent = events(t, TraceKind::packet_sent);
  REQUIRE_FALSE(dups.empty());
  std::map<std::uint64_t, TraceEvent> sent_by_id;
  for (const TraceEvent& e : sent) sent_by_id[e.packet_id] = e;
  std::set<std::uint64_t> received;
  for (const TraceEvent& e : events(t, TraceKind::packet_received)) received.insert(e.packet_id);
  for (const TraceEvent& d : dups) {
    REQUIRE(sent_by_id.count(d.original));
    const TraceEvent& orig = sent_by_id[d.original];
    CHECK(d.packet_id != d.original);
    CHECK(d.link == orig.link);
    CHECK(d.host == orig.host);
    CHECK(d.conn == orig.conn);  // the same sender (kept across the router)
    CHECK(d.conn > 0);
    CHECK(*t.packet(d.packet_id) == *t.packet(d.original));
    CHECK(received.count(d.packet_id));  // the copy arrives under its own id
    CHECK(received.count(d.original));
  }
  // Every segment the router forwards on l2 still names the client's connection as its sender,
  // and the one it was delivered to; on l1 the receiver is the router, no connection.
  const int l1 = r->sim().net().find_link("l1")->index();
  for (const TraceEvent& e : sent) {
    const Packet p = *t.packet(e.packet_id);
    if (p.ip.src != 0x0A000001) continue;
    CHECK(e.conn > 0);
    if (e.link == l1) CHECK(e.peer_conn == -1);
    else CHECK(e.peer_conn > 0);
  }
  // One line per packet_sent in the text: the copies add none.
  const std::string text = export_tcpdump_text(t);
  std::size_t lines = 0;
  for (std::size_t pos = 0; (pos = text.find(" IP ", pos)) != std::string::npos; ++pos) ++lines;
  CHECK(lines == sent.size());
}

TEST_CASE("packet identity: tags say why TCP sent a segment") {
  struct Case {
    const char* example;
    const char* tag;
  };
  for (const Case c :
       {Case{"05-closed-port.json", "rst_reply"}, Case{"09-rst-injection.json", "challenge_ack"},
        Case{"15-keepalive-nlb.json", "keepalive"},
        Case{"17-flow-control-zero-window.json", "zero_window_probe"},
        Case{"17-flow-control-zero-window.json", "window_update"},
        Case{"18-congestion-control.json", "retransmission"}}) {
    CAPTURE(c.example);
    CAPTURE(c.tag);
    auto r = run_example(c.example);
    const Trace& t = r->sim().trace();
    bool found = false;
    for (const TraceEvent& e : events(t, TraceKind::packet_sent))
      found = found || std::string(e.tag) == c.tag;
    CHECK(found);
  }
  // A RST the stack sends for a closed port has no sending connection; the SYN it answers was
  // delivered to none.
  auto r = run_example("05-closed-port.json");
  const Trace& t = r->sim().trace();
  for (const TraceEvent& e : events(t, TraceKind::packet_sent)) {
    const Packet p = *t.packet(e.packet_id);
    if (p.tcp.has(tcp_flag::rst)) CHECK(e.conn == -1);
    if (p.tcp.flags == tcp_flag::syn) CHECK(e.peer_conn == -1);
  }
}
