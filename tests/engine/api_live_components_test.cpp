// Live parameters of applications and balancers (issue 21, topology panel): a `set` on
// "middlebox:NAME" or "app:NAME" changes the component while it runs, is recorded in the
// scenario like every live action, follows the armed-timer rule of TCP's live changes (start +
// new length, at once if passed) and replays the same after a seek. Errors name the field.
#include <doctest/doctest.h>

#include <filesystem>
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

std::string alb_example() {
  return read_text(fs::path(TCPPLAY_SOURCE_DIR) / "examples" / "10-alb-idle-504.json");
}

/// Time (ns) of the first trace event of `kind` whose detail contains `text`; -1 if none.
std::int64_t first_event(Playground& p, const std::string& kind, const std::string& text) {
  std::istringstream in(p.jsonl());
  for (std::string line; std::getline(in, line);) {
    const NJson e = NJson::parse(line);
    if (e["kind"] == kind && e.value("detail", std::string()).find(text) != std::string::npos)
      return e["t_ns"];
  }
  return -1;
}

/// Time (ns) of the first packet the ALB's host (10.0.0.2) sends to the client carrying `flag`.
std::int64_t first_lb_packet(Playground& p, const std::string& flag) {
  std::istringstream in(p.jsonl());
  for (std::string line; std::getline(in, line);) {
    const NJson e = NJson::parse(line);
    if (e["kind"] != "packet_sent" || !e.contains("pkt")) continue;
    const NJson& pkt = e["pkt"];
    if (pkt["src"] != "10.0.0.2" || pkt.value("sport", 0) != 80) continue;
    if (pkt.value("flags", std::string()).find(flag) != std::string::npos) return e["t_ns"];
  }
  return -1;
}

}  // namespace

TEST_CASE("live ALB: a shorter idle timeout moves the 504 and the close, and replays after seek") {
  Playground base;
  REQUIRE(base.load(alb_example()) == "[]");
  base.run_until(base.duration());
  const std::int64_t t60 = first_event(base, "app", "idle timeout (60 s)");
  REQUIRE(t60 > 60 * kSecond);
  REQUIRE(t60 < 61 * kSecond);

  Playground p;
  REQUIRE(p.load(alb_example()) == "[]");
  p.run_until(10 * kSecond);
  p.apply(R"({"do":"set","target":"middlebox:alb","param":"idle_timeout","value":"30s"})");
  p.apply(R"({"do":"set","target":"middlebox:alb","param":"close_with","value":"rst"})");
  p.run_until(p.duration());
  // The timer was armed at the last data byte (about 3 ms): it now fires 30 s after it, not 60.
  const std::int64_t t30 = first_event(p, "app", "idle timeout (30 s)");
  CHECK(t30 == t60 - 30 * kSecond);
  CHECK(first_event(p, "app", "idle timeout (60 s)") == -1);
  // close_with rst: the ALB resets the client's connection at that time, where it sent FIN.
  CHECK(first_lb_packet(p, "R") >= t30);
  CHECK(first_lb_packet(p, "R") < t30 + kSecond);
  CHECK(first_lb_packet(base, "R") == -1);
  // Recorded: the scenario shows the two actions, and the trace the changes.
  const NJson doc = NJson::parse(p.scenario_json());
  const NJson& last = doc["timeline"].back();
  CHECK(last["target"] == "middlebox:alb");
  CHECK(last["param"] == "close_with");
  CHECK(last["at"] == "10s");
  CHECK(first_event(p, "param_change", "") >= 0);
  CHECK(p.jsonl().find("middlebox:alb.idle_timeout") != std::string::npos);

  // Seek back before the edit and forward again: the same trace, byte for byte.
  const std::string full = p.jsonl();
  p.seek(5 * kSecond);
  p.run_until(p.duration());
  CHECK(p.jsonl() == full);
}

TEST_CASE("live ALB: an idle timeout shorter than the time already idle fires at once") {
  Playground p;
  REQUIRE(p.load(alb_example()) == "[]");
  p.run_until(20 * kSecond);
  p.apply(R"({"do":"set","target":"middlebox:alb","param":"idle_timeout","value":"5s"})");
  p.run_until(21 * kSecond);
  CHECK(first_event(p, "app", "idle timeout (5 s)") == 20 * kSecond);
}

TEST_CASE("live apps: the server's processing time and the client's request timeout") {
  Playground p;
  REQUIRE(p.load(alb_example()) == "[]");
  p.run_until(10 * kSecond);
  // The work started at about 2 ms; 20 s from then is before the ALB's 60 s: a 200 this time.
  p.apply(R"({"do":"set","target":"app:web","param":"processing_time","value":"20s"})");
  p.run_until(p.duration());
  CHECK(p.jsonl().find("504 Gateway Time-out") == std::string::npos);
  const std::int64_t ok = first_event(p, "app", "200 OK");
  CHECK(ok > 20 * kSecond);
  CHECK(ok < 21 * kSecond);
}

TEST_CASE("live components: errors name the field and record nothing") {
  Playground p;
  REQUIRE(p.load(alb_example()) == "[]");
  p.run_until(1 * kSecond);
  const std::string before = p.scenario_json();
  CHECK(error_of([&] {
          p.apply(R"({"do":"set","target":"middlebox:nope","param":"idle_timeout","value":"5s"})");
        }) == "/timeline/0/target: no middlebox named \"nope\" in \"middleboxes\"");
  CHECK(error_of([&] {
          p.apply(R"({"do":"set","target":"app:alb","param":"idle_timeout","value":"5s"})");
        }) == "/timeline/0/target: no app named \"alb\" in \"apps\"");
  CHECK(error_of([&] {
          p.apply(R"({"do":"set","target":"middlebox:alb","param":"port","value":81})");
        }) ==
        "/timeline/0/param: \"port\" of a alb cannot change while running (live: idle_timeout, "
        "connect_timeout, close_with)");
  CHECK(error_of([&] {
          p.apply(R"({"do":"set","target":"middlebox:alb","param":"idle_timeout","value":"soon"})");
        }) ==
        "/timeline/0/value: expected a duration like \"30s\" or \"250ms\" for idle_timeout, got "
        "\"soon\"");
  CHECK(error_of([&] {
          p.apply(R"({"do":"set","target":"middlebox:alb","param":"idle_timeout","value":"0s"})");
        }) == "/timeline/0/value: idle_timeout must be at least 1s, got \"0s\"");
  CHECK(error_of([&] {
          p.apply(R"({"do":"set","target":"middlebox:alb","param":"close_with","value":"fun"})");
        }) == "/timeline/0/value: expected one of \"fin\", \"rst\" for close_with, got \"fun\"");
  CHECK(error_of([&] {
          p.apply(R"({"do":"set","target":"app:web","param":"pool.idle_timeout","value":"1s"})");
        }).find("/timeline/0/param:") == 0);
  CHECK(p.scenario_json() == before);
  // In a document: the same checks, at the action's path.
  NJson doc = NJson::parse(alb_example());
  doc["timeline"] = NJson::array(
      {{{"at", "1s"}, {"do", "set"}, {"target", "app:web"}, {"param", "timeout"}, {"value", 5}}});
  const NJson errors = NJson::parse(Playground().load(doc.dump()));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0]["path"] == "/timeline/0/value");
}
