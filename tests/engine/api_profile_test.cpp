// A host's TCP profile changed while running (issue 20, the parameter panel's profile picker):
// the action {"do":"set","target":"tcp:HOST","param":"profile","value":"linux"} replaces every
// default of the host at once, is traced as a param_change, is recorded and replays; open
// connections keep the parameters they opened with; a bad profile or target names the field.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "api/playground.h"
#include "api_fixture.h"

using namespace tcpplay;
using NJson = nlohmann::json;
namespace fs = std::filesystem;

namespace {

using test::error_of;
using test::read_text;

const NJson& host_named(const NJson& snap, const std::string& name) {
  for (const NJson& h : snap["hosts"])
    if (h["name"] == name) return h;
  FAIL("no host " << name);
  return snap;
}

const NJson* conn_named(const NJson& snap, const std::string& name) {
  for (const NJson& c : snap["connections"])
    if (c["name"] == name) return &c;
  return nullptr;
}

std::string lesson2() {
  return read_text(fs::path(TCPPLAY_SOURCE_DIR) / "examples" / "02-teardown-time-wait.json");
}

}  // namespace

TEST_CASE("profile: set on tcp:HOST replaces every default at once; open connections keep theirs") {
  Playground p;
  REQUIRE(p.load(lesson2()) == "[]");
  p.run_until(1500 * kMillisecond);  // c1 is ESTABLISHED (opened at 1 s under rfc)
  NJson snap = NJson::parse(p.snapshot());
  REQUIRE(host_named(snap, "client")["profile"] == "rfc");
  REQUIRE(host_named(snap, "client")["tcp"]["time_wait"] == "4min");

  p.apply(R"({"do":"set","target":"tcp:client","param":"profile","value":"linux"})");
  snap = NJson::parse(p.snapshot());
  const NJson& client = host_named(snap, "client");
  CHECK(client["profile"] == "linux");
  // Linux's numbers (domain-facts.md): TIME_WAIT 60 s, RTO min 200 ms, delayed ACK 40 ms, CUBIC.
  CHECK(client["tcp"]["time_wait"] == "1min");
  CHECK(client["tcp"]["rto_min"] == "200ms");
  CHECK(client["tcp"]["delayed_ack_timeout"] == "40ms");
  CHECK(client["tcp"]["congestion_control"] == "cubic");
  // The server is untouched, and c1 keeps the rfc parameters it opened with.
  CHECK(host_named(snap, "server")["profile"] == "rfc");
  REQUIRE(conn_named(snap, "c1"));
  CHECK((*conn_named(snap, "c1"))["params"]["time_wait"] == "4min");
  CHECK(p.tcpdump_text().find("tcp:client.profile") != std::string::npos);

  // Recorded: the document replays to the same trace and the same host defaults.
  p.run_until(10 * kSecond);
  Playground q;
  REQUIRE(q.load(p.scenario_json()) == "[]");
  q.run_until(10 * kSecond);
  CHECK(q.jsonl() == p.jsonl());
  CHECK(host_named(NJson::parse(q.snapshot()), "client")["profile"] == "linux");
}

TEST_CASE("profile: a connection opened after the change gets the new profile's parameters") {
  Playground p;
  REQUIRE(p.load(lesson2()) == "[]");
  p.run_until(500 * kMillisecond);  // before c1 connects at 1 s
  p.apply(R"({"do":"set","target":"tcp:client","param":"profile","value":"windows"})");
  p.run_until(1500 * kMillisecond);
  const NJson snap = NJson::parse(p.snapshot());
  REQUIRE(conn_named(snap, "c1"));
  const NJson& params = (*conn_named(snap, "c1"))["params"];
  CHECK(params["rto_initial"] == "3s");  // Windows' initial RTO
  CHECK(params["syn_retries"] == 2);
}

TEST_CASE("profile: a bad profile or target is an error naming the field, and changes nothing") {
  Playground p;
  REQUIRE(p.load(lesson2()) == "[]");
  p.run_until(1500 * kMillisecond);
  const std::string before = p.scenario_json();
  const std::string bad_value = error_of(
      [&] { p.apply(R"({"do":"set","target":"tcp:client","param":"profile","value":"bsd"})"); });
  CHECK(bad_value.find("/value") != std::string::npos);
  CHECK(bad_value.find("unknown TCP profile \"bsd\"") != std::string::npos);
  const std::string on_socket = error_of(
      [&] { p.apply(R"({"do":"set","target":"socket:c1","param":"profile","value":"linux"})"); });
  CHECK(on_socket.find("/param") != std::string::npos);
  CHECK(on_socket.find("on a host") != std::string::npos);
  const std::string no_host = error_of(
      [&] { p.apply(R"({"do":"set","target":"tcp:nobody","param":"profile","value":"linux"})"); });
  CHECK(no_host.find("unknown host \"nobody\"") != std::string::npos);
  CHECK(p.scenario_json() == before);
  CHECK(host_named(NJson::parse(p.snapshot()), "client")["profile"] == "rfc");
}
