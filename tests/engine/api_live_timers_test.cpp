// Live changes reach armed timers (issue 17 part 5): a timer already armed gets deadline =
// its start + the new length, at once if that has passed, traced as a timer_set with the
// detail "param_change"; link changes leave packets on the wire alone; set_link is all or
// nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "api/playground.h"
#include "api_fixture.h"

using namespace tcpplay;
using NJson = nlohmann::json;
namespace fs = std::filesystem;

namespace {

using test::error_of;
using test::read_text;

std::vector<NJson> all_events(Playground& p) {
  std::vector<NJson> out;
  for (const std::string& line : [&] {
         std::vector<std::string> lines;
         std::istringstream in(p.jsonl());
         for (std::string l; std::getline(in, l);) lines.push_back(l);
         return lines;
       }())
    out.push_back(NJson::parse(line));
  return out;
}

const NJson* conn_named(const NJson& snap, const std::string& name) {
  for (const NJson& c : snap["connections"])
    if (c["name"] == name) return &c;
  return nullptr;
}

/// When the client's connection entered TIME_WAIT (ns).
std::int64_t time_wait_start(Playground& p, int conn) {
  for (const NJson& e : all_events(p))
    if (e["kind"] == "state_change" && e["conn"] == conn && e["to"] == "TIME_WAIT")
      return e["t_ns"];
  return -1;
}

}  // namespace

TEST_CASE("live timers: setting time_wait to 5 s on a connection in TIME_WAIT moves its expiry") {
  // Lesson 2: the client closes first and waits 2 MSL = 240 s in TIME_WAIT (RFC 9293 §3.4.2).
  const std::string doc =
      read_text(fs::path(TCPPLAY_SOURCE_DIR) / "examples" / "02-teardown-time-wait.json");
  Playground p;
  REQUIRE(p.load(doc) == "[]");
  p.run_until(5 * kSecond);
  const NJson snap = NJson::parse(p.snapshot());
  const NJson* c1 = conn_named(snap, "c1");
  REQUIRE(c1);
  REQUIRE((*c1)["state"] == "TIME_WAIT");
  const int id = (*c1)["id"];
  const std::int64_t start = time_wait_start(p, id);
  REQUIRE(start > 3 * kSecond);
  CHECK((*c1)["timers"][0]["deadline_ns"] == start + 240 * kSecond);

  p.apply(R"({"do":"set","target":"socket:c1","param":"time_wait","value":"5s"})");
  // The deadline is its start + 5 s, and the trace says why it moved.
  const NJson after = NJson::parse(p.snapshot());
  REQUIRE(conn_named(after, "c1"));
  CHECK((*conn_named(after, "c1"))["timers"][0]["deadline_ns"] == start + 5 * kSecond);
  CHECK((*conn_named(after, "c1"))["params"]["time_wait"] == "5s");
  const std::vector<NJson> events = all_events(p);
  const NJson& last = events.back();
  CHECK(last["kind"] == "timer_set");
  CHECK(last["name"] == "time_wait");
  CHECK(last["detail"] == "param_change");
  CHECK(last["deadline_ns"] == start + 5 * kSecond);
  CHECK(events[events.size() - 2]["kind"] == "param_change");
  CHECK(p.tcpdump_text().find("timer time_wait set, fires at 00:00:08.") != std::string::npos);
  CHECK(p.tcpdump_text().find("(param_change)") != std::string::npos);

  // It expires then, not 240 s later; and the recorded document replays to the same trace.
  p.run_until(20 * kSecond);
  CHECK_FALSE(conn_named(NJson::parse(p.snapshot()), "c1"));
  std::int64_t closed_at = -1;
  for (const NJson& e : all_events(p))
    if (e["kind"] == "timer_fired" && e["conn"] == id && e["name"] == "time_wait")
      closed_at = e["t_ns"];
  CHECK(closed_at == start + 5 * kSecond);
  Playground q;
  REQUIRE(q.load(p.scenario_json()) == "[]");
  q.run_until(20 * kSecond);
  CHECK(q.jsonl() == p.jsonl());
}

TEST_CASE("live timers: a new length already past fires at once; by connection id too") {
  const std::string doc =
      read_text(fs::path(TCPPLAY_SOURCE_DIR) / "examples" / "02-teardown-time-wait.json");
  Playground p;
  REQUIRE(p.load(doc) == "[]");
  p.run_until(100 * kSecond);
  const NJson snap = NJson::parse(p.snapshot());
  const NJson* c1 = conn_named(snap, "c1");
  REQUIRE(c1);
  const int id = (*c1)["id"];
  p.apply("{\"do\":\"set\",\"target\":\"conn:" + std::to_string(id) +
          "\",\"param\":\"time_wait\",\"value\":\"5s\"}");
  const NJson last = all_events(p).back();
  CHECK(last["kind"] == "timer_set");
  CHECK(last["detail"] == "param_change");
  CHECK(last["deadline_ns"] == 100 * kSecond);  // start + 5 s is long past: now
  p.run_until(100 * kSecond + 1);
  CHECK_FALSE(conn_named(NJson::parse(p.snapshot()), "c1"));
}

TEST_CASE(
    "live timers: keepalive, idle and delayed-ACK timers follow the rule; a host's default does "
    "not") {
  const char* doc = R"({"duration": "100s",
    "hosts": [{"name": "a", "addr": "10.0.0.1"}, {"name": "b", "addr": "10.0.0.2"}],
    "links": [{"name": "lan", "a": "a", "b": "b", "delay": "10ms"}],
    "timeline": [{"at": "0s", "do": "listen", "host": "b", "port": 80, "name": "srv"},
                 {"at": "0s", "do": "connect", "host": "a", "to": "b", "port": 80, "name": "c1",
                  "params": {"keepalive": true, "keepalive_idle": "60s", "idle_timeout": "50s"}}]})";
  Playground p;
  REQUIRE(p.load(doc) == "[]");
  p.run_until(10 * kSecond);
  auto deadline = [&](const char* timer) -> std::int64_t {
    const NJson snap = NJson::parse(p.snapshot());
    for (const NJson& t : (*conn_named(snap, "c1"))["timers"])
      if (t["name"] == timer) return t["deadline_ns"];
    return -1;
  };
  const std::int64_t ka = deadline("keepalive"), idle = deadline("idle");
  REQUIRE(ka > 0);
  REQUIRE(idle > 0);
  // The host's default changes only later connections.
  p.apply(R"({"do":"set","target":"tcp:a","param":"keepalive_idle","value":"1s"})");
  CHECK(deadline("keepalive") == ka);
  CHECK(NJson::parse(p.snapshot())["hosts"][0]["tcp"]["keepalive_idle"] == "1s");
  p.apply(R"({"do":"set","target":"socket:c1","param":"keepalive_idle","value":"30s"})");
  CHECK(deadline("keepalive") == ka - 30 * kSecond);
  p.apply(R"({"do":"set","target":"socket:c1","param":"idle_timeout","value":"20s"})");
  CHECK(deadline("idle") == idle - 30 * kSecond);
  p.apply(R"({"do":"set","target":"socket:c1","param":"idle_timeout","value":"0s"})");
  CHECK(deadline("idle") == -1);  // 0 = off: cancelled
  const std::string text = p.tcpdump_text();
  CHECK(text.find("timer keepalive set, fires at") != std::string::npos);
  CHECK(text.find("timer idle cancelled") != std::string::npos);
}

TEST_CASE("live links: packets on the wire keep their arrival time, later ones see the new delay") {
  const char* doc = R"({"duration": "10s",
    "hosts": [{"name": "a", "addr": "10.0.0.1"}, {"name": "b", "addr": "10.0.0.2"}],
    "links": [{"name": "lan", "a": "a", "b": "b", "delay": "100ms"}],
    "timeline": [{"at": "0s", "do": "udp_bind", "host": "b", "port": 9, "name": "sink"},
                 {"at": "0s", "do": "udp_bind", "host": "a", "port": 1000, "name": "src"},
                 {"at": "1s", "do": "udp_send", "socket": "src", "to": "b", "port": 9, "text": "one"}]})";
  Playground p;
  REQUIRE(p.load(doc) == "[]");
  p.run_until(1050 * kMillisecond);  // "one" is half way
  p.set_link("lan", R"({"delay": "10ms", "loss": 0})");
  p.apply(R"({"do":"udp_send","socket":"src","to":"b","port":9,"text":"two"})");
  p.run_until(2 * kSecond);
  std::vector<std::int64_t> received;
  for (const NJson& e : all_events(p))
    if (e["kind"] == "packet_received" && e["host"] == "b") received.push_back(e["t_ns"]);
  REQUIRE(received.size() == 2);
  CHECK(received[0] == 1060 * kMillisecond);  // "two": sent at 1.05 s with the new 10 ms
  CHECK(received[1] == 1100 * kMillisecond);  // "one": sent at 1 s with 100 ms, as it was
}

TEST_CASE("live links: set_link applies every field or none, and the error names the field") {
  const char* doc = R"({"duration": "10s",
    "hosts": [{"name": "a", "addr": "10.0.0.1"}, {"name": "b", "addr": "10.0.0.2"}],
    "links": [{"name": "lan", "a": "a", "b": "b", "delay": "100ms"}]})";
  Playground p;
  REQUIRE(p.load(doc) == "[]");
  p.run_until(kSecond);
  const std::string before_doc = p.scenario_json();
  const NJson before = NJson::parse(p.snapshot())["links"][0]["params"];
  const std::uint64_t events_before = NJson::parse(p.snapshot())["trace"]["end"];
  try {
    p.set_link("lan", R"({"loss": 0.5, "delay": "fast", "mtu": 9000})");
    FAIL("no error");
  } catch (const PlaygroundError& e) {
    CHECK(std::string(e.what()) ==
          "set_link: delay: expected a duration like \"10ms\", got \"fast\"");
    REQUIRE(e.errors().size() == 1);
    CHECK(e.errors()[0].path == "delay");
  }
  CHECK(error_of([&] { p.set_link("lan", R"({"loss": 0.5, "mtu": 10})"); }) ==
        "set_link: mtu: expected an integer between 68 and 65535, got 10");
  CHECK(error_of([&] {
          p.set_link("lan", R"({"loss": 0.5, "colour": "red"})");
        }).rfind("set_link: colour: unknown link parameter \"colour\"", 0) == 0);
  CHECK(error_of([&] { p.set_link("wan", R"({"loss": 0.5})"); }) ==
        "set_link: link: unknown link \"wan\"");
  // Nothing changed: not the loss given before the bad field, not the document, not the trace.
  CHECK(NJson::parse(p.snapshot())["links"][0]["params"] == before);
  CHECK(p.scenario_json() == before_doc);
  CHECK(NJson::parse(p.snapshot())["trace"]["end"] == events_before);
  // All good: all applied.
  p.set_link("lan", R"({"loss": 0.5, "delay": "5ms", "mtu": 9000})");
  const NJson after = NJson::parse(p.snapshot())["links"][0]["params"];
  CHECK(after["loss"] == 0.5);
  CHECK(after["delay_ns"] == 5 * kMillisecond);
  CHECK(after["mtu"] == 9000);
}
