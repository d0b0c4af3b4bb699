// Scenario loading (errors with JSON pointers, overrides), building a Simulation from a
// scenario, running timelines and live actions, and the `tcpplay` CLI.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>
#include "json/json.h"

#include "app/bulk.h"
#include "app/echo.h"
#include "app/http_client.h"
#include "app/http_server.h"
#include "app/udp_stream.h"
#include "core/duration.h"
#include "middlebox/alb.h"
#include "middlebox/nlb.h"
#include "scenario/scenario.h"
#include "scenario/summary.h"
#include "tcp/tcp_connection.h"
#include "tcp/tcp_stack.h"
#include "udp/udp_stack.h"

using namespace tcpplay;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

bool has_error(const std::vector<ScenarioError>& errors, const std::string& text) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const ScenarioError& e) { return e.text() == text; });
}

/// Two hosts on one 10 ms link; `timeline` is spliced in as JSON text.
std::string two_hosts(const std::string& timeline, const std::string& extra = "") {
  return R"({"duration": "10s", )" + extra + R"(
    "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "server", "addr": "10.0.0.2"}],
    "links": [{"name": "lan", "a": "client", "b": "server", "delay": "10ms"}],
    "timeline": )" +
         timeline + "}";
}

Scenario load_ok(const std::string& text) {
  LoadResult r = Scenario::load(text);
  INFO(r.error_text());
  REQUIRE(r.ok());
  REQUIRE(r.scenario.has_value());
  return std::move(*r.scenario);
}

std::vector<std::string> trace_details(const Trace& t, TraceKind kind) {
  std::vector<std::string> out;
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
    if (t.at(i).kind == kind) out.push_back(t.at(i).detail);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CommandResult run_cli(const std::string& args) {
  static int counter = 0;
  const fs::path out =
      fs::temp_directory_path() /
      ("tcpplay_cli_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
  const std::string cmd =
      std::string("\"") + TCPPLAY_CLI + "\" " + args + " > \"" + out.string() + "\" 2>&1";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.output = read_text(out);
  fs::remove(out);
  return r;
}

const fs::path kSource = TCPPLAY_SOURCE_DIR;

}  // namespace

TEST_CASE("scenario: every bad scenario in tests/scenarios/bad reports its expected error") {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kSource / "tests/scenarios/bad"))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 14);
  for (const fs::path& f : files) {
    fs::path expected_file = f;
    expected_file.replace_extension(".expected");
    INFO(f.filename().string());
    REQUIRE(fs::exists(expected_file));
    const std::string expected = first_line(read_text(expected_file));
    LoadResult r = Scenario::load(read_text(f));
    INFO(r.error_text());
    CHECK_FALSE(r.ok());
    CHECK_FALSE(r.scenario.has_value());
    CHECK(has_error(r.errors, expected));
  }
}

TEST_CASE("scenario: the examples are valid") {
  int n = 0;
  for (const auto& entry : fs::directory_iterator(kSource / "examples")) {
    if (entry.path().extension() != ".json") continue;
    INFO(entry.path().filename().string());
    LoadResult r = Scenario::load(read_text(entry.path()));
    INFO(r.error_text());
    CHECK(r.ok());
    ++n;
  }
  CHECK(n >= 2);
}

TEST_CASE("scenario: loading collects every error at once and never throws") {
  const auto errors = validate_scenario(R"({
    "seed": -1, "duration": 60, "colour": 1,
    "hosts": [{"name": "a", "addr": "10.0.0"}, {"addr": "10.0.0.2"}, {"name": "a", "addr": "10.0.0.3"}],
    "links": [{"name": "l", "a": "a", "b": "zz", "delay": "1ms", "loss": 2}],
    "timeline": [{"at": "1s", "do": "connect", "host": "a", "to": "zz", "port": 80}]
  })");
  CHECK(has_error(errors, "/seed: expected a non-negative integer, got -1"));
  CHECK(has_error(errors, "/duration: expected a duration like \"10ms\", got 60"));
  CHECK(has_error(errors, "/colour: unknown key"));
  CHECK(has_error(errors,
                  "/hosts/0/addr: expected an IPv4 address like \"10.0.0.1\", got \"10.0.0\""));
  CHECK(has_error(errors, "/hosts/1: missing required key \"name\""));
  CHECK(has_error(errors, "/hosts/2/name: duplicate host name \"a\""));
  CHECK(has_error(errors, "/links/0/b: unknown host \"zz\""));
  CHECK(has_error(errors, "/links/0/loss: expected a probability between 0 and 1, got 2"));
  CHECK(has_error(errors, "/timeline/0/to: unknown host \"zz\""));
  CHECK(has_error(errors, "/timeline/0: missing required key \"name\""));
  CHECK(errors.size() == 10);

  CHECK(validate_scenario("").size() == 1);
  CHECK(validate_scenario("\xff\xfe").size() == 1);
  CHECK(validate_scenario("null").size() == 1);
}

TEST_CASE("scenario: a valid scenario builds a Simulation with its hosts, links and routes") {
  Scenario s = load_ok(R"({
    "seed": 7, "duration": "2min",
    "tcp": {"profile": "linux", "params": {"nagle": false, "rto_min": "300ms"}},
    "trace": {"max_events": 5000},
    "hosts": [
      {"name": "client", "addr": "10.0.0.1"},
      {"name": "router", "addr": "10.0.0.254", "forwarding": true},
      {"name": "server", "addr": "10.0.1.2", "tcp": {"profile": "windows", "params": {"mss": 1200}}, "manual": true}
    ],
    "links": [
      {"name": "lan", "a": "client", "b": "router", "delay": "1ms"},
      {"name": "wan", "a": "router", "b": "server", "delay": "25ms", "jitter": "2ms", "bandwidth": "1.5Mbit",
       "queue": {"packets": 20, "bytes": 30000}, "loss": 0.01, "duplicate": 0.001, "reorder": 0.02,
       "reorder_delay": "5ms", "mtu": 1400, "up": false}
    ],
    "routes": [
      {"host": "client", "dst": "default", "link": "lan"},
      {"host": "server", "dst": "10.0.0.0/24", "link": "wan"}
    ],
    "apps": [], "middleboxes": []
  })");
  CHECK(s.seed == 7);
  CHECK(s.duration == 2 * kMinute);
  CHECK(s.retention.max_events == 5000);
  ScenarioRunner runner(std::move(s));
  Simulation& sim = runner.sim();
  Network& net = sim.net();
  CHECK(runner.duration() == 120 * kSecond);
  CHECK(net.seed() == 7);
  REQUIRE(net.host_count() == 3);
  CHECK(net.host(0).name() == "client");
  CHECK(format_ipv4(net.host(2).addr()) == "10.0.1.2");
  CHECK(net.host(1).forwarding);
  CHECK_FALSE(net.host(0).forwarding);
  CHECK(sim.tcp(net.host(2)).manual);
  CHECK(sim.trace().retention().max_events == 5000);

  const TcpConfig& client_tcp = sim.tcp(net.host(0)).defaults();
  CHECK(client_tcp.profile == "linux");
  CHECK(client_tcp.congestion_control == "cubic");
  CHECK_FALSE(client_tcp.nagle);
  CHECK(client_tcp.rto_min == 300 * kMillisecond);
  const TcpConfig& server_tcp = sim.tcp(net.host(2)).defaults();
  CHECK(server_tcp.profile == "windows");
  CHECK(server_tcp.syn_retries == 2);
  CHECK(server_tcp.mss == 1200);
  CHECK_FALSE(server_tcp.nagle);  // scenario-wide params apply on top of the host's profile

  REQUIRE(net.link_count() == 2);
  const LinkParams& wan = net.find_link("wan")->params();
  CHECK(wan.delay == 25 * kMillisecond);
  CHECK(wan.jitter == 2 * kMillisecond);
  CHECK(wan.bandwidth_bps == 1500000);
  CHECK(wan.queue_packets == 20);
  CHECK(wan.queue_bytes == 30000);
  CHECK(wan.loss == doctest::Approx(0.01));
  CHECK(wan.duplicate == doctest::Approx(0.001));
  CHECK(wan.reorder == doctest::Approx(0.02));
  CHECK(wan.reorder_delay == 5 * kMillisecond);
  CHECK(wan.mtu == 1400);
  CHECK_FALSE(wan.up);
  CHECK(&net.find_link("wan")->end(0) == &net.host(1));
  const LinkParams& lan = net.find_link("lan")->params();
  CHECK(lan.delay == kMillisecond);
  CHECK(lan.bandwidth_bps == 0);
  CHECK(lan.up);

  REQUIRE(net.host(0).routes().size() == 1);
  CHECK(net.host(0).routes()[0].prefix_len == 0);
  CHECK(net.host(0).routes()[0].link == net.find_link("lan")->index());
  REQUIRE(net.host(2).routes().size() == 1);
  CHECK(format_ipv4(net.host(2).routes()[0].prefix) == "10.0.0.0");
  CHECK(net.host(2).routes()[0].prefix_len == 24);
}

TEST_CASE("scenario: --set overrides change the document before it is checked") {
  const std::string text = two_hosts("[]");
  SUBCASE("JSON pointer and dotted paths") {
    LoadResult r = Scenario::load(
        text, {{"/links/0/loss", "0.25"}, {"links.0.delay", "40ms"}, {"seed", "99"}});
    INFO(r.error_text());
    REQUIRE(r.ok());
    CHECK(r.scenario->links[0].params.loss == doctest::Approx(0.25));
    CHECK(r.scenario->links[0].params.delay == 40 * kMillisecond);
    CHECK(r.scenario->seed == 99);
  }
  SUBCASE("values are JSON when they parse, strings otherwise") {
    LoadResult r = Scenario::load(text, {{"/hosts/0/forwarding", "true"},
                                         {"/title", "hello world"},
                                         {"/tcp", R"({"params": {"sack": false}})"}});
    INFO(r.error_text());
    REQUIRE(r.ok());
    CHECK(r.scenario->hosts[0].forwarding);
    CHECK(r.scenario->title == "hello world");
    CHECK_FALSE(r.scenario->hosts[1].tcp.sack);
  }
  SUBCASE("an override is validated like the rest") {
    LoadResult r = Scenario::load(text, {{"links.0.loss", "1.5"}});
    CHECK(has_error(r.errors, "/links/0/loss: expected a probability between 0 and 1, got 1.5"));
    r = Scenario::load(text, {{"/links/0/delay", "5"}});
    CHECK(has_error(r.errors, "/links/0/delay: expected a duration like \"10ms\", got 5"));
  }
  SUBCASE("paths must lead somewhere") {
    LoadResult r = Scenario::load(text, {{"/links/3/loss", "0.1"}});
    CHECK(has_error(r.errors, "/links/3: cannot set: no such element (the array has 1)"));
    r = Scenario::load(text, {{"/nothing/here", "1"}});
    CHECK(has_error(r.errors, "/nothing: cannot set: no such key"));
    r = Scenario::load(text, {{"/timeline/-", R"({"at": "1s", "do": "note", "text": "added"})"}});
    INFO(r.error_text());
    REQUIRE(r.ok());
    CHECK(r.scenario->timeline.size() == 1);
  }
  SUBCASE("parse_override and apply_overrides") {
    auto o = parse_override("links.0.loss=0.5");
    REQUIRE(o.ok());
    CHECK(o->path == "links.0.loss");
    CHECK(o->value == "0.5");
    CHECK(parse_override("a=b=c")->value == "b=c");
    CHECK_FALSE(parse_override("no-equals").ok());
    auto t = apply_overrides(R"({"a": {"b": 1}})", {{"/a/b", "2"}, {"/a/c", "x"}});
    REQUIRE(t.ok());
    CHECK(*t == R"({"a":{"b":2,"c":"x"}})");
  }
}

TEST_CASE("scenario: the handshake example runs and names both ends") {
  Scenario s = load_ok(read_text(kSource / "examples/01-handshake.json"));
  ScenarioRunner runner(std::move(s));
  runner.run_until(1500 * kMillisecond);
  TcpConnection* c1 = runner.socket("c1");
  TcpConnection* srv1 = runner.socket("srv.1");
  REQUIRE(c1 != nullptr);
  REQUIRE(srv1 != nullptr);
  CHECK(c1->state() == TcpState::established);
  CHECK(srv1->state() == TcpState::established);
  CHECK(runner.socket_name(srv1->id()) == "srv.1");
  CHECK(runner.socket("srv.2") == nullptr);
  CHECK(runner.socket("srv") == nullptr);

  runner.run();
  CHECK(runner.now() == 10 * kSecond);
  REQUIRE(runner.socket("c1") != nullptr);
  CHECK(runner.socket("c1")->state() == TcpState::time_wait);
  CHECK(runner.socket("srv.1") == nullptr);  // closed after LAST_ACK

  const RunSummary sum = summarize(runner);
  REQUIRE(sum.connections.size() == 2);
  CHECK(sum.connections[0].name == "c1");
  CHECK(sum.connections[0].state == "TIME_WAIT");
  CHECK(sum.connections[1].name == "srv.1");
  CHECK(sum.connections[1].state == "CLOSED");
  CHECK(sum.connections[1].reason == "closed");
  CHECK(sum.bytes_delivered == 5);
  CHECK(sum.drops.empty());
  const std::string text = format_summary(sum);
  CHECK(text.find("srv.1") != std::string::npos);
  CHECK(text.find("drops: none") != std::string::npos);
}

TEST_CASE("scenario: a send on a socket that is gone fails with EPIPE and the run goes on") {
  ScenarioRunner runner(load_ok(read_text(kSource / "examples/05-closed-port.json")));
  runner.run();
  // Deliberately changed from a note ("send: socket c1 does not exist"): what write() returns.
  const auto errors = trace_details(runner.sim().trace(), TraceKind::socket_error);
  CHECK(contains(errors, "c1: the connection is gone"));
  CHECK(trace_details(runner.sim().trace(), TraceKind::note).empty());
  const RunSummary sum = summarize(runner);
  REQUIRE(sum.connections.size() == 1);
  CHECK(sum.connections[0].reason == "refused");
  CHECK(sum.drops.size() == 1);
}

TEST_CASE("scenario: timeline actions run by time, and in file order at the same time") {
  ScenarioRunner runner(load_ok(two_hosts(R"([
    {"at": "2s", "do": "note", "text": "third"},
    {"at": "1s", "do": "note", "text": "first"},
    {"at": "1s", "do": "note", "text": "second"}
  ])")));
  runner.run();
  const auto notes = trace_details(runner.sim().trace(), TraceKind::note);
  CHECK(notes == std::vector<std::string>{"first", "second", "third"});
}

TEST_CASE("scenario: set actions change links, host defaults and live connections") {
  ScenarioRunner runner(load_ok(two_hosts(R"([
    {"at": "0s", "do": "listen", "host": "server", "port": 9000, "name": "srv"},
    {"at": "1s", "do": "connect", "host": "client", "to": "10.0.0.2", "port": 9000, "name": "c1",
     "params": {"nagle": false}},
    {"at": "2s", "do": "set", "target": "link:lan", "param": "loss", "value": 0.5},
    {"at": "2s", "do": "set", "target": "link:lan", "param": "queue.packets", "value": 7},
    {"at": "2s", "do": "set", "target": "tcp:server", "param": "delayed_ack", "value": false},
    {"at": "2s", "do": "set", "target": "socket:c1", "param": "keepalive", "value": true},
    {"at": "3s", "do": "link_down", "link": "lan"},
    {"at": "4s", "do": "manual", "host": "client", "on": true}
  ])")));
  runner.run_until(1500 * kMillisecond);
  REQUIRE(runner.socket("c1") != nullptr);
  CHECK_FALSE(runner.socket("c1")->config().nagle);
  Link& lan = *runner.sim().net().find_link("lan");
  CHECK(lan.params().loss == 0);
  runner.run_until(2 * kSecond);
  CHECK(lan.params().loss == doctest::Approx(0.5));
  CHECK(lan.params().queue_packets == 7);
  CHECK(lan.params().delay == 10 * kMillisecond);  // untouched
  CHECK_FALSE(runner.sim().tcp(1).defaults().delayed_ack);
  CHECK(runner.socket("c1")->config().keepalive);
  runner.run_until(3 * kSecond);
  CHECK_FALSE(lan.params().up);
  runner.run_until(4 * kSecond);
  CHECK(runner.sim().tcp(0).manual);
  const Trace& t = runner.sim().trace();
  int param_changes = 0;
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
    if (t.at(i).kind == TraceKind::param_change) ++param_changes;
  CHECK(param_changes == 6);
}

TEST_CASE("scenario: data larger than the send buffer is fed in as space frees, then closed") {
  ScenarioRunner runner(load_ok(two_hosts(R"([
    {"at": "0s", "do": "listen", "host": "server", "port": 9000, "name": "srv"},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 9000, "name": "c1",
     "params": {"send_buffer": 16384}},
    {"at": "1s", "do": "send", "socket": "c1", "bytes": 200000},
    {"at": "1s", "do": "close", "socket": "c1"}
  ])",
                                          R"("tcp": {"profile": "linux"},)")));
  runner.run();
  const RunSummary sum = summarize(runner);
  REQUIRE(sum.connections.size() == 2);
  CHECK(sum.connections[0].bytes_sent == 200000);
  CHECK(sum.connections[1].name == "srv.1");
  CHECK(sum.connections[1].bytes_delivered == 200000);
  CHECK(runner.socket("c1") != nullptr);  // TIME_WAIT: it closed first
}

TEST_CASE("scenario: read actions and auto_read false") {
  ScenarioRunner runner(load_ok(two_hosts(R"([
    {"at": "0s", "do": "listen", "host": "server", "port": 9000, "name": "srv", "auto_read": false},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 9000, "name": "c1"},
    {"at": "2s", "do": "send", "socket": "c1", "text": "0123456789"},
    {"at": "3s", "do": "read", "socket": "srv.1", "bytes": 4}
  ])")));
  runner.run_until(2500 * kMillisecond);
  REQUIRE(runner.socket("srv.1") != nullptr);
  CHECK(runner.socket("srv.1")->snapshot().bytes_delivered == 0);
  runner.run_until(3 * kSecond);
  CHECK(runner.socket("srv.1")->snapshot().bytes_delivered == 4);
}

TEST_CASE("scenario: UDP bind and send") {
  ScenarioRunner runner(load_ok(two_hosts(R"([
    {"at": "0s", "do": "udp_bind", "host": "server", "port": 9000, "name": "u_srv"},
    {"at": "0s", "do": "udp_bind", "host": "client", "name": "u_cli"},
    {"at": "1s", "do": "udp_send", "socket": "u_cli", "to": "server", "port": 9000, "text": "ping"},
    {"at": "2s", "do": "udp_send", "socket": "u_cli", "to": "10.0.0.2", "port": 9001, "bytes": 100}
  ])")));
  runner.run();
  REQUIRE(runner.udp_socket("u_srv") != nullptr);
  REQUIRE(runner.udp_socket("u_cli") != nullptr);
  CHECK(runner.udp_socket("u_cli")->port() == 40000);
  CHECK(runner.udp_socket("u_srv")->stats().received == 1);
  CHECK(runner.udp_socket("u_cli")->stats().sent == 2);
  CHECK(runner.udp_socket("nope") == nullptr);
}

TEST_CASE("scenario: inject builds the crafted segment") {
  Scenario s = load_ok(two_hosts(R"([
    {"at": "1s", "do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 9000,
     "flags": ["SYN", "ECE", "CWR"], "seq": 1000, "window": 512, "ttl": 3, "payload": "hi",
     "options": [{"kind": "mss", "value": 536}, {"kind": "nop"}, {"kind": "wscale", "value": 7},
                 {"kind": "sackOK"}, {"kind": "ts", "val": 1, "ecr": 0}, {"kind": 30, "data": [1, 2]}]},
    {"at": "2s", "do": "inject", "host": "client", "to": "10.0.0.2", "src_port": 40000, "dst_port": 9000,
     "flags": "R.", "options": [{"kind": "sack", "blocks": [[1, 2], [5, 9]]}, {"kind": "eol"}]}
  ])"));
  REQUIRE(s.timeline.size() == 2);
  const CraftedSegment& a = s.timeline[0].segment;
  CHECK(a.from_host == "client");
  CHECK(a.flags == (tcp_flag::syn | tcp_flag::ece | tcp_flag::cwr));
  CHECK(a.seq == 1000u);
  CHECK_FALSE(a.ack.has_value());
  CHECK(a.window == 512);
  CHECK(a.ttl == 3);
  CHECK(a.payload == "hi");
  CHECK(a.options.len == 4 + 1 + 3 + 2 + 10 + 4);
  const CraftedSegment& b = s.timeline[1].segment;
  CHECK(b.flags == (tcp_flag::rst | tcp_flag::ack));
  CHECK(b.options.len == 2 + 16 + 1);
  CHECK(s.timeline[1].to_addr == s.hosts[1].addr);

  ScenarioRunner runner(std::move(s));
  runner.run();
  std::uint64_t sent_by_client = 0;
  const Trace& t = runner.sim().trace();
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
    if (t.at(i).kind == TraceKind::packet_sent && t.at(i).host == 0) ++sent_by_client;
  CHECK(sent_by_client == 2);
}

TEST_CASE("scenario: inject's payload_hex carries any bytes, and bad hex names the field") {
  Scenario s = load_ok(two_hosts(R"([
    {"at": "1s", "do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 9000,
     "flags": "P.", "payload_hex": "00 ff 4869"}
  ])"));
  CHECK(s.timeline[0].segment.payload == std::string("\x00\xffHi", 4));

  LoadResult odd = Scenario::load(two_hosts(R"([
    {"at": "1s", "do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 9000,
     "flags": "P.", "payload_hex": "abc"}
  ])"));
  CHECK_FALSE(odd.ok());
  CHECK(has_error(odd.errors,
                  "/timeline/0/payload_hex: expected hex digits in pairs (one pair per "
                  "byte), got an odd number (3)"));
  LoadResult bad = Scenario::load(two_hosts(R"([
    {"at": "1s", "do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 9000,
     "flags": "P.", "payload_hex": "zz"}
  ])"));
  CHECK(
      has_error(bad.errors, "/timeline/0/payload_hex: expected hex digits (0-9, a-f), got \"z\""));
  LoadResult both = Scenario::load(two_hosts(R"([
    {"at": "1s", "do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 9000,
     "flags": "P.", "payload": "x", "payload_hex": "00"}
  ])"));
  CHECK(
      has_error(both.errors, "/timeline/0: give either \"payload\" or \"payload_hex\", not both"));

  // The bytes reach the wire as they are.
  ScenarioRunner runner(std::move(s));
  runner.run();
  const Trace& t = runner.sim().trace();
  bool seen = false;
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
    if (t.at(i).kind != TraceKind::packet_sent || t.at(i).host != 0) continue;
    const std::optional<Packet> p = t.packet(t.at(i).packet_id);
    seen = p && p->payload.to_vector() == std::vector<std::uint8_t>{0x00, 0xff, 'H', 'i'};
  }
  CHECK(seen);
}

TEST_CASE("scenario: live actions run now and are appended to the document") {
  ScenarioRunner runner(load_ok(two_hosts(R"([
    {"at": "0s", "do": "listen", "host": "server", "port": 9000, "name": "srv"},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 9000, "name": "c1"}
  ])")));
  runner.run_until(2 * kSecond);

  Status st = runner.apply_action(
      *tcpplay::Json::parse(R"({"do": "send", "socket": "c1", "text": "live!"})"));
  INFO(st.error());
  CHECK(st.ok());
  runner.run_until(2500 * kMillisecond);
  CHECK(runner.socket("srv.1")->snapshot().bytes_delivered == 5);

  SUBCASE("an invalid live action changes nothing") {
    st = runner.apply_action_text(R"({"do": "send", "socket": "c9", "text": "x"})");
    CHECK_FALSE(st.ok());
    CHECK(st.error() == "/timeline/3/socket: unknown socket \"c9\"");
    st = runner.apply_action_text(
        R"({"do": "connect", "host": "client", "to": "server", "port": 9000, "name": "c1"})");
    CHECK(st.error() ==
          "/timeline/3/name: duplicate socket name \"c1\" (already defined at /timeline/1)");
    st = runner.apply_action_text(R"({"do": "note", "text": })");
    CHECK(st.error().rfind(": invalid JSON at line 1, column 24: ", 0) == 0);
    st = runner.apply_action_text("[1]");
    CHECK(st.error() == "/timeline/3: expected an object, got [1]");
    CHECK(nlohmann::json::parse(runner.scenario_json())["timeline"].size() == 3);
  }
  SUBCASE("a live action can define a socket that later ones use") {
    CHECK(
        runner
            .apply_action_text(
                R"({"do": "connect", "host": "client", "to": "server", "port": 9000, "name": "c2"})")
            .ok());
    CHECK(runner.socket("c2") != nullptr);
    runner.run_until(3 * kSecond);
    CHECK(runner.socket("srv.2") != nullptr);
    CHECK(runner.apply_action_text(R"({"do": "close", "socket": "srv.2"})").ok());
  }
  SUBCASE("the document replays to the same trace") {
    const auto doc = nlohmann::json::parse(runner.scenario_json());
    REQUIRE(doc["timeline"].size() == 3);
    CHECK(doc["timeline"][2]["at"] == "2s");
    CHECK(doc["timeline"][2]["do"] == "send");
    ScenarioRunner replay(load_ok(runner.scenario_json()));
    replay.run_until(2500 * kMillisecond);
    const Trace& a = runner.sim().trace();
    const Trace& b = replay.sim().trace();
    REQUIRE(a.end_index() == b.end_index());
    for (std::uint64_t i = 0; i < a.end_index(); ++i) {
      CHECK(a.at(i).time == b.at(i).time);
      CHECK(a.at(i).kind == b.at(i).kind);
      CHECK(a.at(i).detail == b.at(i).detail);
    }
  }
  SUBCASE("a valid action on a socket that is gone fails, is not recorded and leaves no note") {
    CHECK(runner.apply_action_text(R"({"do": "abort", "socket": "c1"})").ok());
    const std::uint64_t events = runner.sim().trace().end_index();
    std::vector<ScenarioError> errors;
    st = runner.apply_action_text(R"({"do": "send", "socket": "c1", "text": "late"})", &errors);
    CHECK(st.error() == "socket c1 does not exist");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].path == "/timeline/4");
    CHECK(errors[0].message == "socket c1 does not exist");
    CHECK(runner.sim().trace().end_index() == events);
    CHECK(nlohmann::json::parse(runner.scenario_json())["timeline"].size() == 4);
  }
}

TEST_CASE("scenario: apply_set on a runner restarts from time 0 with the change") {
  ScenarioRunner runner(load_ok(two_hosts(R"([{"at": "1s", "do": "note", "text": "hi"}])")));
  runner.run();
  CHECK(runner.now() == 10 * kSecond);
  CHECK(runner.apply_set("links.0.delay", "50ms").ok());
  CHECK(runner.now() == 0);
  CHECK(runner.sim().net().find_link("lan")->params().delay == 50 * kMillisecond);
  Status st = runner.apply_set("/links/0/delay", "fast");
  CHECK(st.error() == "/links/0/delay: expected a duration like \"10ms\", got \"fast\"");
  CHECK(runner.sim().net().find_link("lan")->params().delay == 50 * kMillisecond);
  runner.run();
  CHECK(contains(trace_details(runner.sim().trace(), TraceKind::note), "hi"));
}

TEST_CASE("scenario: the tcpplay CLI") {
  const std::string examples = (kSource / "examples").string();
  const std::string bad = (kSource / "tests/scenarios/bad").string();

  CommandResult r = run_cli("validate \"" + examples + "/01-handshake.json\"");
  CHECK(r.exit_code == 0);
  CHECK(r.output == "ok\n");

  r = run_cli("validate \"" + bad + "/unknown-host-action.json\"");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("/timeline/1/host: unknown host \"clinet\"") != std::string::npos);

  r = run_cli("run \"" + bad + "/bad-json-syntax.json\"");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(": invalid JSON at line 4, column 3: expected ',' or '}' in an object, found "
                      "a string (a comma missing?)") != std::string::npos);

  r = run_cli("validate \"" + examples + "/01-handshake.json\" --set links.0.loss=2");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("/links/0/loss: expected a probability between 0 and 1, got 2") !=
        std::string::npos);

  r = run_cli("run \"" + examples + "/01-handshake.json\" --format summary --until 5s --seed 3");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("== summary at 5.000000 s") != std::string::npos);
  CHECK(r.output.find("srv.1") != std::string::npos);

  r = run_cli("run \"" + examples + "/01-handshake.json\"");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S]") != std::string::npos);
  CHECK(r.output.find("== summary") != std::string::npos);

  r = run_cli("run \"" + examples + "/05-closed-port.json\" --format json");
  CHECK(r.exit_code == 0);
  CHECK(r.output.rfind("{\"i\":0,", 0) == 0);
  CHECK(r.output.find("== summary") == std::string::npos);

  const fs::path pcap =
      fs::temp_directory_path() / ("tcpplay_cli_test_" + std::to_string(::getpid()) + ".pcap");
  r = run_cli("run \"" + examples + "/05-closed-port.json\" --format summary --pcap \"" +
              pcap.string() + "\"");
  CHECK(r.exit_code == 0);
  CHECK(fs::file_size(pcap) > 24);
  fs::remove(pcap);

  CHECK(run_cli("--help").exit_code == 0);
  CHECK(run_cli("").exit_code == 2);
  CHECK(run_cli("run").exit_code == 2);
  CHECK(run_cli("frobnicate x.json").exit_code == 2);
  CHECK(run_cli("run \"" + examples + "/01-handshake.json\" --until soon").exit_code == 2);
  CHECK(run_cli("run \"" + examples + "/01-handshake.json\" --format xml").exit_code == 2);
  r = run_cli("run /nonexistent/scenario.json");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("cannot read") != std::string::npos);
}

TEST_CASE("scenario: the JSON Schema lists the same TCP parameters and actions as the loader") {
  const auto schema = nlohmann::json::parse(read_text(kSource / "schema/scenario.schema.json"));
  std::vector<std::string> schema_params = schema["$defs"]["tcp_params"]["propertyNames"]["enum"];
  std::vector<std::string> engine_params;
  for (const TcpConfig::ParamInfo& p : TcpConfig::params()) engine_params.push_back(p.name);
  for (const TcpConfig::SocketOption& o : TcpConfig::socket_options())
    engine_params.push_back(o.name);
  std::sort(schema_params.begin(), schema_params.end());
  std::sort(engine_params.begin(), engine_params.end());
  CHECK(schema_params == engine_params);

  std::vector<std::string> schema_actions = schema["$defs"]["action"]["properties"]["do"]["enum"];
  std::vector<std::string> engine_actions;
  for (int k = 0; k <= static_cast<int>(ActionKind::filter); ++k)
    engine_actions.push_back(to_string(static_cast<ActionKind>(k)));
  CHECK(schema_actions == engine_actions);
}

TEST_CASE(
    "scenario: the JSON Schema lists the same app and middlebox types and keys as the loader") {
  const auto schema = nlohmann::json::parse(read_text(kSource / "schema/scenario.schema.json"));
  auto check_union = [&](const nlohmann::json& u, const std::vector<std::string>& types) {
    CHECK(u["properties"]["type"]["enum"].get<std::vector<std::string>>() == types);
    REQUIRE(u["oneOf"].size() == types.size());
    for (const auto& alt : u["oneOf"]) {
      const std::string type = alt["properties"]["type"]["const"];
      CAPTURE(type);
      std::vector<std::string> keys;
      for (const auto& [k, v] : alt["properties"].items())
        if (k != "type" && k != "name" && k != "host") keys.push_back(k);
      std::vector<std::string> engine = component_keys(type);
      std::sort(keys.begin(), keys.end());
      std::sort(engine.begin(), engine.end());
      CHECK(keys == engine);
      CHECK(alt["additionalProperties"] == false);
    }
  };
  check_union(schema["$defs"]["app"], app_types());
  check_union(schema["$defs"]["middlebox"], middlebox_types());
  std::vector<std::string> pool;
  for (const auto& [k, v] : schema["$defs"]["http_pool"]["properties"].items()) pool.push_back(k);
  std::vector<std::string> engine_pool = component_keys("pool");
  std::sort(pool.begin(), pool.end());
  std::sort(engine_pool.begin(), engine_pool.end());
  CHECK(pool == engine_pool);
}

namespace {

using NJson =
    nlohmann::json;  // an independent parser for the schema (tcpplay::Json is the engine's)

/// The $ref a property schema names, directly or through allOf ("duration", "endpoint", ...).
std::string ref_of(const NJson& prop) {
  if (prop.contains("$ref"))
    return prop["$ref"].get<std::string>().substr(std::string("#/$defs/").size());
  if (prop.contains("allOf")) return ref_of(prop["allOf"][0]);
  return "";
}

/// A value the schema allows for a property.
NJson valid_value(const NJson& prop) {
  const std::string ref = ref_of(prop);
  if (ref == "duration" || ref == "positive_duration") return "1s";
  if (ref == "port") return 8080;
  if (ref == "endpoint") return "client:9000";
  if (ref == "uint" || ref == "uint32") return 1;
  if (ref == "ipv4") return "10.9.9.9";
  if (ref == "component_tcp")
    return NJson::parse(R"({"profile": "linux", "params": {"nagle": false}})");
  if (ref == "http_pool") return NJson::parse(R"({"keepalive": true})");
  if (ref == "name") return "r1";
  if (prop.contains("enum")) return prop["enum"].back();
  if (prop.contains("default")) return prop["default"];
  const std::string type = prop.value("type", "");
  if (type == "integer") return prop["minimum"];
  if (type == "array") return NJson::array({valid_value(prop["items"])});
  if (type == "object" && prop.contains("required")) {  // a filter's rule: its required keys
    NJson o = NJson::object();
    for (const auto& req : prop["required"])
      o[req.get<std::string>()] = valid_value(prop["properties"][req.get<std::string>()]);
    return o;
  }
  return nullptr;
}

/// A value of the wrong JSON type for a property.
NJson wrong_value(const NJson& prop) {
  const std::string ref = ref_of(prop);
  if (ref == "component_tcp" || ref == "http_pool") return 5;
  const std::string type = prop.value("type", "");
  if (type == "integer" || ref == "port" || ref == "uint" || ref == "uint32") return "x";
  if (type == "boolean") return "yes";
  if (type == "array") return "x";
  return 12345;  // strings, durations, endpoints, addresses, enums
}

}  // namespace

TEST_CASE(
    "scenario: every app and middlebox key takes what the schema allows and rejects another JSON "
    "type") {
  const auto schema = NJson::parse(read_text(kSource / "schema/scenario.schema.json"));
  int checked = 0;
  for (const char* list : {"apps", "middleboxes"}) {
    const NJson& u = schema["$defs"][std::string(list) == "apps" ? "app" : "middlebox"];
    for (const NJson& alt : u["oneOf"]) {
      const std::string type = alt["properties"]["type"]["const"];
      NJson entry = {{"type", type}, {"name", "c"}, {"host", "server"}};
      for (const auto& req : alt["required"])
        if (!entry.contains(req.get<std::string>()))
          entry[req.get<std::string>()] = valid_value(alt["properties"][req.get<std::string>()]);
      for (const auto& item : alt["properties"].items()) {
        // Named copies, not a structured binding: CAPTURE's lambda cannot capture one (C++20).
        const std::string& key = item.key();
        const NJson& prop = item.value();
        if (key == "type" || key == "name" || key == "host") continue;
        CAPTURE(type);
        CAPTURE(key);
        NJson doc = NJson::parse(two_hosts("[]"));
        NJson e = entry;
        e[key] = valid_value(prop);
        REQUIRE_FALSE(e[key].is_null());
        doc[list] = NJson::array({e});
        LoadResult ok = Scenario::load(doc.dump());
        INFO(ok.error_text());
        CHECK(ok.ok());
        e[key] = wrong_value(prop);
        doc[list] = NJson::array({e});
        const auto errors = validate_scenario(doc.dump());
        const std::string path = "/" + std::string(list) + "/0/" + key;
        CHECK(std::any_of(errors.begin(), errors.end(),
                          [&](const ScenarioError& x) { return x.path == path; }));
        ++checked;
      }
    }
  }
  // The pool's keys, inside an http_client.
  for (const auto& item : schema["$defs"]["http_pool"]["properties"].items()) {
    const std::string& key = item.key();  // named: CAPTURE cannot capture a structured binding
    const NJson& prop = item.value();
    CAPTURE(key);
    NJson pool = {{"keepalive", true}};
    pool[key] = valid_value(prop);
    NJson doc = NJson::parse(two_hosts("[]"));
    doc["apps"] = NJson::array({{{"type", "http_client"},
                                 {"name", "c"},
                                 {"host", "client"},
                                 {"server", "server:80"},
                                 {"pool", pool}}});
    LoadResult ok = Scenario::load(doc.dump());
    INFO(ok.error_text());
    CHECK(ok.ok());
    pool[key] = wrong_value(prop);
    doc["apps"][0]["pool"] = pool;
    const auto errors = validate_scenario(doc.dump());
    CHECK(std::any_of(errors.begin(), errors.end(),
                      [&](const ScenarioError& x) { return x.path == "/apps/0/pool/" + key; }));
    ++checked;
  }
  CHECK(checked > 70);
}

TEST_CASE("scenario: apps and middleboxes are checked, resolved and created by the runner") {
  Scenario s = load_ok(R"({
    "duration": "20s",
    "tcp": {"params": {"nagle": false}},
    "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "lb", "addr": "10.0.0.2", "forwarding": true},
              {"name": "server", "addr": "10.0.1.1", "tcp": {"profile": "linux", "params": {"mss": 1200}}}],
    "links": [{"name": "front", "a": "client", "b": "lb", "delay": "1ms"},
              {"name": "back", "a": "lb", "b": "server", "delay": "1ms"}],
    "routes": [{"host": "server", "dst": "default", "link": "back"}, {"host": "client", "dst": "default", "link": "front"}],
    "apps": [
      {"type": "http_server", "name": "web", "host": "server", "port": 80, "processing_time": "2s", "timeout": "1s",
       "on_timeout": "close", "keep_alive_timeout": "0s", "status": 201, "body": "made\n",
       "tcp": {"params": {"delayed_ack": false}}},
      {"type": "http_server", "name": "web2", "host": "server", "port": 81, "tcp": {"profile": "windows"}},
      {"type": "http_client", "name": "browser", "host": "client", "server": "lb:80", "method": "POST", "path": "/x",
       "body_bytes": 10, "count": 3, "start": "1s", "interval": "500ms", "request_timeout": "10s",
       "pool": {"max_connections": 2, "idle_timeout": "30s", "keepalive": true, "keepalive_idle": "20s", "pipeline": true}},
      {"type": "tcp_echo", "name": "echo", "host": "server", "port": 7007},
      {"type": "udp_echo", "name": "uecho", "host": "server", "port": 7007},
      {"type": "bulk_sink", "name": "sink", "host": "server", "port": 5001, "read_rate": 100000},
      {"type": "bulk_sender", "name": "bulk", "host": "client", "to": "10.0.1.1:5001", "bytes": 5000, "start": "2s"},
      {"type": "udp_stream_receiver", "name": "rx", "host": "server", "port": 9000, "expected": 10},
      {"type": "udp_stream_sender", "name": "tx", "host": "client", "to": "server:9000", "rate": 10, "count": 10}
    ],
    "middleboxes": [
      {"type": "nlb", "name": "nlb", "host": "lb", "port": 80, "targets": ["server:80", "10.0.1.1:81"],
       "tcp_idle_timeout": "5min", "protocol": "tcp"}
    ]
  })");
  REQUIRE(s.apps.size() == 9);
  REQUIRE(s.middleboxes.size() == 1);
  CHECK(s.apps[2].type == "http_client");
  CHECK(s.apps[2].host == "client");
  CHECK(s.apps[2].path == "/apps/2");
  CHECK(s.middleboxes[0].middlebox);
  CHECK(s.find_component("nlb") == &s.middleboxes[0]);
  CHECK(s.find_component("nope") == nullptr);

  ScenarioRunner runner(std::move(s));
  Simulation& sim = runner.sim();
  REQUIRE(sim.components().size() == 10);
  CHECK(sim.components()[0]->name() == "nlb");  // middleboxes first
  CHECK(sim.components()[1]->name() == "web");

  auto* web = dynamic_cast<HttpServer*>(sim.find_component("web"));
  REQUIRE(web);
  CHECK(web->params().processing_time == 2 * kSecond);
  CHECK(web->params().timeout == kSecond);
  CHECK(web->params().on_timeout == "close");
  CHECK(web->params().keep_alive_timeout == 0);
  CHECK(web->params().status == 201);
  CHECK(web->params().body == "made\n");
  // `tcp` params go on top of the host's settings (profile, scenario-wide params, host params).
  REQUIRE(web->params().tcp.has_value());
  CHECK(web->params().tcp->profile == "linux");
  CHECK(web->params().tcp->mss == 1200);
  CHECK_FALSE(web->params().tcp->nagle);
  CHECK_FALSE(web->params().tcp->delayed_ack);
  // A profile starts from that profile's defaults instead.
  auto* web2 = dynamic_cast<HttpServer*>(sim.find_component("web2"));
  REQUIRE(web2);
  REQUIRE(web2->params().tcp.has_value());
  CHECK(web2->params().tcp->profile == "windows");
  CHECK(web2->params().tcp->mss != 1200);

  auto* nlb = dynamic_cast<NlbBalancer*>(sim.find_component("nlb"));
  REQUIRE(nlb);
  CHECK(nlb->params().tcp_idle_timeout == 300 * kSecond);
  REQUIRE(nlb->params().targets.size() == 2);
  CHECK(format_endpoint(nlb->params().targets[0]) == "10.0.1.1:80");
  CHECK(format_endpoint(nlb->params().targets[1]) == "10.0.1.1:81");
  CHECK(nlb->params().vip == *parse_ipv4("10.0.0.2"));

  CHECK(dynamic_cast<TcpEchoServer*>(sim.find_component("echo")));
  CHECK(dynamic_cast<UdpEchoServer*>(sim.find_component("uecho")));
  CHECK(dynamic_cast<BulkSink*>(sim.find_component("sink")));
  auto* client = dynamic_cast<HttpClient*>(sim.find_component("browser"));
  REQUIRE(client);

  runner.run();
  // Three pipelined POSTs through the NLB, each timed out by the server after 1 s (it closes).
  CHECK(client->requests().size() == 3);
  CHECK(client->failed() == 3);
  auto* rx = dynamic_cast<UdpStreamReceiver*>(sim.find_component("rx"));
  REQUIRE(rx);
  CHECK(rx->received() == 10);
  auto* bulk = dynamic_cast<BulkSender*>(sim.find_component("bulk"));
  REQUIRE(bulk);
  CHECK(bulk->bytes_acked() == 5000);

  // The summary lists every component with its counters.
  const std::string summary = format_summary(summarize(runner));
  CHECK(summary.find("apps and middleboxes:") != std::string::npos);
  CHECK(summary.find("received 10") != std::string::npos);
  CHECK(summary.find("flows_created") != std::string::npos);

  // apply_set rebuilds the components from the changed document.
  CHECK(runner.apply_set("/apps/0/timeout", "0s").ok());
  runner.run();
  auto* client2 = dynamic_cast<HttpClient*>(runner.sim().find_component("browser"));
  REQUIRE(client2);
  CHECK(client2->succeeded() == 3);
}

TEST_CASE("scenario: app and middlebox errors are all reported at once, with their JSON pointers") {
  const auto errors = validate_scenario(R"({
    "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "server", "addr": "10.0.0.2"}],
    "apps": [
      {"type": "http_server", "name": "web", "host": "server", "timeout": 30, "colour": "red"},
      {"type": "http_server", "name": "web", "host": "server", "port": 8080},
      {"type": "http_client", "host": "nowhere", "server": "server", "at": [], "pool": {"keepalive_count": 3}},
      {"type": "udp_stream_sender", "name": "tx", "host": "client", "to": "server:9000", "rate": 0},
      {"name": "x"},
      7
    ],
    "middleboxes": [
      {"type": "nlb", "name": "web", "host": "server", "targets": "server:80"},
      {"type": "alb", "name": "alb", "host": "client", "targets": ["server:80", "server:99999"], "idle_timeout": "0ms"}
    ],
    "timeline": [{"at": "0s", "do": "udp_bind", "host": "client", "name": "tx"}]
  })");
  std::string all;
  for (const auto& e : errors) all += e.text() + "\n";
  INFO(all);
  CHECK(has_error(errors, "/apps/0/timeout: expected a duration like \"10ms\", got 30"));
  CHECK(has_error(errors, "/apps/0/colour: unknown key"));
  CHECK(has_error(
      errors,
      "/apps/0: TCP port 80 on host \"server\" is already used by \"web\" (/middleboxes/0)"));
  CHECK(has_error(errors, "/apps/1/name: duplicate name \"web\" (already used by /middleboxes/0)"));
  CHECK(has_error(errors, "/apps/2: missing required key \"name\""));
  CHECK(has_error(errors, "/apps/2/host: unknown host \"nowhere\""));
  CHECK(has_error(errors,
                  "/apps/2/server: expected an endpoint like \"server:80\" or \"10.0.0.2:80\", got "
                  "\"server\""));
  CHECK(has_error(errors,
                  "/apps/2/at: must not be empty (leave it out to use count, start and interval)"));
  CHECK(
      has_error(errors, "/apps/2/pool/keepalive_count: has no effect without \"keepalive\": true"));
  CHECK(has_error(errors, "/apps/3/rate: expected an integer between 1 and 1000000, got 0"));
  CHECK(has_error(errors, "/apps/4: missing required key \"type\""));
  CHECK(has_error(errors, "/apps/5: expected an object, got 7"));
  CHECK(has_error(errors, "/middleboxes/0/targets: expected an array, got \"server:80\""));
  CHECK(has_error(errors,
                  "/middleboxes/1/targets/1: expected a port from 1 to 65535 after the colon, got "
                  "\"server:99999\""));
  CHECK(has_error(errors, "/middleboxes/1/idle_timeout: must be greater than 0s"));
  CHECK(has_error(errors,
                  "/apps/3/name: name \"tx\" is also a socket name (/timeline/0); the trace would "
                  "mix them up"));
}
