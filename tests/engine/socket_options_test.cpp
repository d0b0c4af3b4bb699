// Socket options with Linux's names and semantics (TcpConfig::socket_options), and what the
// application sees as socket_error events (trace/socket_error.h): the errno of each failing call.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "scenario/summary.h"
#include "tcp/tcp_config.h"
#include "tcp/tcp_connection.h"
#include "trace/jsonl.h"
#include "trace/tcpdump_text.h"

using namespace tcpplay;

namespace {

std::string world(const std::string& timeline, const std::string& tcp = "") {
  return R"({"duration": "20s", "tcp": {"profile": "linux")" + tcp + R"(},
    "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "server", "addr": "10.0.0.2"}],
    "links": [{"name": "lan", "a": "client", "b": "server", "delay": "10ms"}],
    "timeline": )" +
         timeline + "}";
}

std::unique_ptr<ScenarioRunner> run(const std::string& text, bool all = true) {
  LoadResult r = Scenario::load(text);
  INFO(r.error_text());
  REQUIRE(r.ok());
  auto runner = std::make_unique<ScenarioRunner>(std::move(*r.scenario));
  if (all) runner->run();
  return runner;
}

struct Err {
  SimTime t;
  std::string err, call, detail;
};

std::vector<Err> errors(ScenarioRunner& r) {
  std::vector<Err> out;
  const Trace& t = r.sim().trace();
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
    if (t.kind_at(i) == TraceKind::socket_error) {
      const TraceEvent e = t.at(i);
      out.push_back({e.time, e.name, e.from, e.detail});
    }
  return out;
}

std::vector<std::string> lines(ScenarioRunner& r, const std::string& needle) {
  std::vector<std::string> out;
  std::string text = export_tcpdump_text(r.sim().trace(), {false});
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end - at);
    if (line.find(needle) != std::string::npos) out.push_back(line);
    at = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("socket options: Linux names map onto the TCP parameters, both ways") {
  TcpConfig c;
  REQUIRE(c.set("SO_RCVBUF", "65536"));
  CHECK(c.recv_buffer == 65536);
  REQUIRE(c.set("TCP_NODELAY", "true"));
  CHECK_FALSE(c.nagle);
  CHECK(*c.get("TCP_NODELAY") == "true");
  REQUIRE(c.set("TCP_QUICKACK", "true"));
  CHECK_FALSE(c.delayed_ack);
  REQUIRE(c.set("TCP_USER_TIMEOUT", "30s"));
  CHECK(c.user_timeout == 30 * kSecond);
  REQUIRE(c.set("TCP_KEEPIDLE", "60s"));
  REQUIRE(c.set("TCP_KEEPINTVL", "10s"));
  REQUIRE(c.set("TCP_KEEPCNT", "3"));
  CHECK(c.keepalive_idle == 60 * kSecond);
  CHECK(c.keepalive_interval == 10 * kSecond);
  CHECK(c.keepalive_count == 3);
  REQUIRE(c.set("SO_LINGER", "0s"));
  CHECK(c.linger);
  CHECK(c.linger_time == 0);
  CHECK(*c.get("SO_LINGER") == "0s");
  REQUIRE(c.set("SO_LINGER", "off"));
  CHECK_FALSE(c.linger);
  CHECK(*c.get("SO_LINGER") == "off");
  REQUIRE(c.set("SO_RCVTIMEO", "5s"));
  CHECK(c.recv_timeout == 5 * kSecond);
  // Bad values name what was expected and change nothing.
  const TcpConfig before = c;
  CHECK(c.set("SO_LINGER", "sometimes").error().find("\"off\" or a duration") != std::string::npos);
  CHECK(c.set("TCP_CORK", "maybe").error().find("true or false") != std::string::npos);
  CHECK(c.set("SO_RCVTIMEO", "5").error().find("duration") != std::string::npos);
  CHECK(c.same_as(before));
  CHECK_FALSE(c.set("SO_NOSUCH", "1"));
}

TEST_CASE("socket options: a loader error names the field") {
  LoadResult r = Scenario::load(world(
      R"([{"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 80, "name": "c1",
           "params": {"SO_LINGER": "never"}}])"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error_text().find("/timeline/0/params/SO_LINGER") != std::string::npos);
}

TEST_CASE("SO_LINGER 0: close() sends RST, not FIN, and skips TIME_WAIT") {
  auto r = run(world(R"([
    {"at": "0s", "do": "listen", "host": "server", "port": 9000, "name": "srv"},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 9000, "src_port": 40000,
     "name": "c1", "params": {"SO_LINGER": "0s"}},
    {"at": "2s", "do": "send", "socket": "c1", "text": "bye"},
    {"at": "3s", "do": "close", "socket": "c1"}
  ])"));
  CHECK(lines(*r, "10.0.0.1.40000 > 10.0.0.2.9000: Flags [R").size() == 1);
  CHECK(lines(*r, "10.0.0.1.40000 > 10.0.0.2.9000: Flags [F").empty());
  // The peer's next read gets ECONNRESET.
  const auto e = errors(*r);
  REQUIRE(e.size() == 1);
  CHECK(e[0].err == "ECONNRESET");
  CHECK(e[0].call == "read");
  // Without the option: FIN and TIME_WAIT.
  auto plain = run(world(R"([
    {"at": "0s", "do": "listen", "host": "server", "port": 9000, "name": "srv"},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 9000, "src_port": 40000, "name": "c1"},
    {"at": "3s", "do": "close", "socket": "c1"}
  ])"));
  CHECK(lines(*plain, "10.0.0.1.40000 > 10.0.0.2.9000: Flags [R").empty());
  CHECK(lines(*plain, "10.0.0.1.40000 > 10.0.0.2.9000: Flags [F.]").size() == 1);
}

TEST_CASE("TCP_CORK holds a partial segment until uncorked or 200 ms") {
  auto r = run(world(R"([
    {"at": "0s", "do": "listen", "host": "server", "port": 9000, "name": "srv"},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 9000, "src_port": 40000,
     "name": "c1", "params": {"TCP_CORK": true}},
    {"at": "2s", "do": "send", "socket": "c1", "text": "header"},
    {"at": "2.05s", "do": "send", "socket": "c1", "text": "body"},
    {"at": "3s", "do": "send", "socket": "c1", "text": "again"},
    {"at": "3.01s", "do": "set", "target": "socket:c1", "param": "TCP_CORK", "value": "false"}
  ])"));
  const auto data = lines(*r, "10.0.0.1.40000 > 10.0.0.2.9000: Flags [P.]");
  REQUIRE(data.size() == 2);
  // "header" and "body" leave together when the 200 ms ceiling expires (2.2 s) ...
  CHECK(data[0].rfind("00:00:02.200000", 0) == 0);
  CHECK(data[0].find("length 10") != std::string::npos);
  // ... and "again" when the cork is taken out, at 3.01 s.
  CHECK(data[1].rfind("00:00:03.010000", 0) == 0);
}

TEST_CASE("TCP_QUICKACK sends a delayed ACK at once") {
  auto r = run(world(R"([
    {"at": "0s", "do": "listen", "host": "server", "port": 9000, "name": "srv"},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 9000, "src_port": 40000, "name": "c1"},
    {"at": "2s", "do": "send", "socket": "c1", "text": "x"},
    {"at": "2.02s", "do": "set", "target": "socket:srv.1", "param": "TCP_QUICKACK", "value": "true"}
  ])"));
  // The server's ACK of "x" (arrived at 2.01 s) would wait 40 ms; quickack sends it at 2.02 s.
  const auto acks = lines(*r, "10.0.0.2.9000 > 10.0.0.1.40000: Flags [.], ack 2,");
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].rfind("00:00:02.020000", 0) == 0);
}

TEST_CASE("errno: ECONNREFUSED, ETIMEDOUT, EPIPE, EADDRINUSE as socket_error events") {
  auto r = run(world(R"([
    {"at": "0s", "do": "listen", "host": "server", "port": 9000, "name": "srv",
     "params": {"TCP_USER_TIMEOUT": "3s"}},
    {"at": "0.5s", "do": "listen", "host": "server", "port": 9000, "name": "srv2"},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 9001, "name": "refused"},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 9000, "src_port": 41000,
     "name": "c1"},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 9000, "src_port": 41000,
     "name": "c2"},
    {"at": "2s", "do": "shutdown", "socket": "c1"},
    {"at": "2.5s", "do": "send", "socket": "c1", "text": "too late"},
    {"at": "3s", "do": "send", "socket": "refused", "text": "anyone?"},
    {"at": "4s", "do": "link_down", "link": "lan"},
    {"at": "4s", "do": "send", "socket": "srv.1", "text": "lost"}
  ])"));
  const auto e = errors(*r);
  std::vector<std::string> got;
  got.reserve(e.size());
  for (const Err& x : e) got.push_back(x.call + " " + x.err);
  CHECK(got == std::vector<std::string>{"listen EADDRINUSE", "connect EADDRINUSE",
                                        "connect ECONNREFUSED", "send EPIPE", "send EPIPE",
                                        "read ETIMEDOUT"});
  // TCP_USER_TIMEOUT: the server's data of 4 s unacknowledged for 3 s (checked at the next
  // retransmission timeout, as Linux does).
  CHECK(e.back().t >= 7 * kSecond);
  CHECK(e.back().t < 11 * kSecond);
  // In JSON Lines with named fields, in the text as an annotation, and counted in the summary.
  const std::string jsonl = export_jsonl(r->sim().trace());
  CHECK(jsonl.find(R"("kind":"socket_error","host":"client")") != std::string::npos);
  CHECK(jsonl.find(R"("errno":"ECONNREFUSED","call":"connect")") != std::string::npos);
  const std::string text = export_tcpdump_text(r->sim().trace());
  CHECK(text.find("connect: ECONNREFUSED (Connection refused)") != std::string::npos);
  const RunSummary s = summarize(*r);
  CHECK(s.socket_errors.at("EPIPE") == 2);
  CHECK(s.socket_errors.at("ECONNREFUSED") == 1);
  CHECK(format_summary(s).find("socket errors (what calls returned): EADDRINUSE 2, "
                               "ECONNREFUSED 1, EPIPE 2, ETIMEDOUT 1") != std::string::npos);
}

TEST_CASE("SO_RCVTIMEO: a read that waits too long fails with EAGAIN; the connection stays") {
  auto r = run(world(R"([
    {"at": "0s", "do": "listen", "host": "server", "port": 9000, "name": "srv"},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 9000, "name": "c1",
     "auto_read": false, "params": {"SO_RCVTIMEO": "2s"}},
    {"at": "2s", "do": "read", "socket": "c1", "bytes": 100},
    {"at": "5s", "do": "read", "socket": "c1", "bytes": 100},
    {"at": "6s", "do": "send", "socket": "srv.1", "text": "late"}
  ])"));
  const auto e = errors(*r);
  REQUIRE(e.size() == 1);
  CHECK(e[0].err == "EAGAIN");
  CHECK(e[0].t == 4 * kSecond);
  REQUIRE(r->socket("c1") != nullptr);
  CHECK(r->socket("c1")->state() == TcpState::established);
  // The second read waited and got the data when it came (6.01 s), before its own deadline.
  CHECK(r->socket("c1")->snapshot().bytes_delivered == 4);
}

TEST_CASE("SO_SNDTIMEO: a send that finds no room fails with EAGAIN") {
  auto r = run(world(R"([
    {"at": "0s", "do": "listen", "host": "server", "port": 9000, "name": "srv", "auto_read": false,
     "params": {"SO_RCVBUF": "4096"}},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 9000, "name": "c1",
     "params": {"SO_SNDBUF": "4096", "SO_SNDTIMEO": "1s"}},
    {"at": "2s", "do": "send", "socket": "c1", "bytes": 20000},
    {"at": "5s", "do": "send", "socket": "c1", "bytes": 100}
  ])"));
  const auto e = errors(*r);
  REQUIRE(e.size() == 1);
  CHECK(e[0].err == "EAGAIN");
  CHECK(e[0].call == "send");
  CHECK(e[0].t == 6 * kSecond);
}
