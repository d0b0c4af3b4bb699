// Control by connection id (issue 17 part 3): every connection, whoever opened it, can be sent
// to, read, shut down, closed, aborted and tuned by its trace id, and such actions replay from
// scenario_json() to the same trace.
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

/// The document a playground recorded, replayed in a fresh one to `until`: its text and JSONL.
std::pair<std::string, std::string> replay(const std::string& scenario, SimTime until) {
  Playground q;
  REQUIRE(q.load(scenario) == "[]");
  q.run_until(until);
  return {q.tcpdump_text(), q.jsonl()};
}

/// A connection of the snapshot that no timeline socket names (an app's or a middlebox's).
const NJson* unnamed_connection(const NJson& snap, const char* state = "ESTABLISHED") {
  for (const NJson& c : snap["connections"])
    // A JSON string compared with "" (json::empty() is false for any string).
    // NOLINTNEXTLINE(readability-container-size-empty)
    if (c["name"] == "" && c["state"] == state) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("control by id: closing an app's connection replays to the same trace") {
  // Lesson 14: an HTTP client's keep-alive pool through an ALB to a server. Every connection
  // belongs to an app or to the ALB.
  const std::string doc =
      read_text(fs::path(TCPPLAY_SOURCE_DIR) / "examples" / "14-pool-below-idle.json");
  for (const char* what : {"close", "abort", "shutdown"}) {
    CAPTURE(what);
    Playground p;
    REQUIRE(p.load(doc) == "[]");
    p.run_until(3 * kSecond);
    const NJson snap = NJson::parse(p.snapshot());
    const NJson* c = unnamed_connection(snap);
    REQUIRE(c);
    const int id = (*c)["id"];
    p.apply(std::string("{\"do\":\"") + what + "\",\"conn\":" + std::to_string(id) + "}");
    // The action is recorded with the id.
    const NJson recorded = NJson::parse(p.scenario_json());
    CHECK(recorded["timeline"].back()["conn"] == id);
    CHECK(recorded["timeline"].back()["do"] == what);
    const SimTime end = p.duration();
    p.run_until(end);
    // The id's events: the app line, then (for close and abort) the connection's end.
    const std::string text = p.tcpdump_text();
    CHECK(text.find("app conn " + std::to_string(id) + ": " + what) != std::string::npos);
    const auto [text2, jsonl2] = replay(p.scenario_json(), end);
    CHECK(text2 == text);
    CHECK(jsonl2 == p.jsonl());
  }
}

TEST_CASE("control by id: the owner of an aborted connection sees it gone and goes on") {
  const std::string doc =
      read_text(fs::path(TCPPLAY_SOURCE_DIR) / "examples" / "14-pool-below-idle.json");
  Playground p;
  REQUIRE(p.load(doc) == "[]");
  p.run_until(3 * kSecond);
  const NJson snap = NJson::parse(p.snapshot());
  const NJson* c = unnamed_connection(snap);
  REQUIRE(c);
  const int id = (*c)["id"];
  p.apply("{\"do\":\"abort\",\"conn\":" + std::to_string(id) + "}");
  const NJson after = NJson::parse(p.snapshot());
  bool still_open = false;
  for (const NJson& k : after["connections"]) still_open |= k["id"] == id;
  CHECK_FALSE(still_open);
  bool closed = false;
  for (const NJson& k : after["closed"]) closed |= k["id"] == id && k["reason"] == "aborted";
  CHECK(closed);
  // The run goes on: the client opens new connections for its later requests.
  p.run_until(p.duration());
  CHECK(NJson::parse(p.snapshot())["time_ns"] == p.duration());
}

TEST_CASE("control by id: every example survives each action on its connections, and replays") {
  // One connection of each example (the first one open half way), one kind of action each in
  // turn: the run goes on without a crash and the recorded document replays byte for byte.
  const char* kinds[] = {"close", "abort", "shutdown", "send", "read"};
  int k = 0, acted = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(TCPPLAY_SOURCE_DIR) / "examples")) {
    if (entry.path().extension() != ".json") continue;
    CAPTURE(entry.path().filename().string());
    Playground p;
    REQUIRE(p.load(read_text(entry.path())) == "[]");
    const SimTime end = std::min<SimTime>(p.duration(), 400 * kSecond);
    SimTime t = 0;
    int id = -1;
    // The first moment (in steps of a tenth of the run) at which a connection is open.
    for (int i = 1; i <= 10 && id < 0; ++i) {
      t = end * i / 10;
      p.run_until(t);
      const NJson snap = NJson::parse(p.snapshot());
      for (const NJson& c : snap["connections"])
        if (id < 0 && c["state"] != "LISTEN") id = c["id"];
    }
    if (id < 0) continue;
    const std::string what = kinds[k++ % 5];
    std::string action = "{\"do\":\"" + what + "\",\"conn\":" + std::to_string(id);
    if (what == "send") action += ",\"text\":\"hello\"";
    if (what == "read") action += ",\"bytes\":100";
    p.apply(action + "}");
    ++acted;
    p.run_until(end);
    const auto [text2, jsonl2] = replay(p.scenario_json(), end);
    CHECK(text2 == p.tcpdump_text());
    CHECK(jsonl2 == p.jsonl());
  }
  CHECK(acted >= 15);
}

TEST_CASE("control by id: a timeline socket by id goes through its name") {
  const char* doc = R"({"duration": "10s",
    "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "server", "addr": "10.0.0.2"}],
    "links": [{"name": "lan", "a": "client", "b": "server", "delay": "10ms"}],
    "timeline": [
      {"at": "0s", "do": "listen", "host": "server", "port": 80, "name": "srv"},
      {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 80, "name": "c1"}]})";
  Playground p;
  REQUIRE(p.load(doc) == "[]");
  p.run_until(2 * kSecond);
  int id = -1;
  const NJson snap0 = NJson::parse(p.snapshot());
  for (const NJson& c : snap0["connections"])
    if (c["name"] == "c1") id = c["id"];
  REQUIRE(id > 0);
  // More than the send buffer: the rest waits for room, as a send by name does.
  p.apply("{\"do\":\"send\",\"conn\":" + std::to_string(id) + ",\"bytes\":1000000}");
  p.apply("{\"do\":\"close\",\"conn\":" + std::to_string(id) + "}");
  p.run_until(10 * kSecond);
  const std::string text = p.tcpdump_text();
  CHECK(text.find("app c1: send 1000000 bytes") != std::string::npos);
  CHECK(text.find("app c1: close (after the data still queued)") != std::string::npos);
  // Every byte went, then the FIN: the server has not closed, so c1 waits in FIN_WAIT_2.
  const NJson snap = NJson::parse(p.snapshot());
  bool all_sent = false;
  for (const NJson& c : snap["connections"])
    all_sent |= c["name"] == "c1" && c["state"] == "FIN_WAIT_2" && c["bytes_acked"] == 1000000;
  CHECK(all_sent);

  // Tuning by id: the target conn:ID.
  p.apply("{\"do\":\"set\",\"target\":\"conn:" + std::to_string(id) +
          "\",\"param\":\"time_wait\",\"value\":\"5s\"}");
  CHECK(p.tcpdump_text().find("set conn:" + std::to_string(id) + ".time_wait = 5s") !=
        std::string::npos);
}

TEST_CASE("control by id: bad references are clear errors and change nothing") {
  const char* doc = R"({"duration": "10s",
    "hosts": [{"name": "a", "addr": "10.0.0.1"}, {"name": "b", "addr": "10.0.0.2"}],
    "links": [{"name": "lan", "a": "a", "b": "b", "delay": "1ms"}],
    "timeline": [{"at": "0s", "do": "listen", "host": "b", "port": 80, "name": "srv"},
                 {"at": "0s", "do": "connect", "host": "a", "to": "b", "port": 80, "name": "c1"}]})";
  Playground p;
  REQUIRE(p.load(doc) == "[]");
  p.run_until(kSecond);
  const std::string before = p.scenario_json();
  CHECK(error_of([&] { p.apply(R"({"do":"close","conn":99})"); }) ==
        "connection 99 does not exist (it has closed, or was never opened)");
  CHECK(error_of([&] { p.apply(R"({"do":"close","conn":1,"socket":"c1"})"); }) ==
        "/timeline/2: give either \"socket\" or \"conn\", not both");
  CHECK(error_of([&] { p.apply(R"({"do":"close","conn":0})"); }) ==
        "/timeline/2/conn: expected an integer between 1 and 2147483647, got 0");
  CHECK(
      error_of(
          [&] { p.apply(R"({"do":"set","target":"conn:x","param":"nagle","value":false})"); }) ==
      "/timeline/2/target: expected \"conn:ID\" with a connection id of 1 or more, got \"conn:x\"");
  CHECK(error_of([&] { p.apply(R"({"do":"set","target":"conn:1","param":"nope","value":1})"); }) ==
        "/timeline/2/param: unknown TCP parameter \"nope\"");
  CHECK(p.scenario_json() == before);
  // In a document too: a conn reference is checked when it runs, and a failure is a note.
  const std::string with_bad = std::string(doc).insert(
      std::string(doc).rfind(']'), R"(, {"at": "1s", "do": "abort", "conn": 42})");
  REQUIRE(p.load(with_bad) == "[]");
  p.run_until(2 * kSecond);
  CHECK(p.tcpdump_text().find("abort: connection 42 does not exist") != std::string::npos);
}
