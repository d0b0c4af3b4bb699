// Lessons that narrate themselves: every "watch" item of every example has a trigger, and every
// trigger fires exactly once (so a lesson's text and its trace cannot drift apart); the points
// add lesson_point events to JSON Lines only (text and pcap stay byte-identical); the loader
// checks every name a trigger uses.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "scenario/scenario.h"
#include "trace/jsonl.h"
#include "trace/pcap.h"
#include "trace/tcpdump_text.h"

using namespace tcpplay;

namespace {

const std::filesystem::path kSource = TCPPLAY_SOURCE_DIR;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
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

bool has_error(const std::vector<ScenarioError>& errors, const std::string& text) {
  for (const ScenarioError& e : errors)
    if (e.text() == text) return true;
  return false;
}

std::string scenario_with(const std::string& watch) {
  return R"({"hosts": [{"name": "a", "addr": "10.0.0.1"}, {"name": "b", "addr": "10.0.0.2"}],
             "links": [{"name": "l", "a": "a", "b": "b", "delay": "10ms"}],
             "timeline": [{"at": "0s", "do": "listen", "host": "b", "port": 80, "name": "srv"},
                          {"at": "1s", "do": "connect", "host": "a", "to": "b", "port": 80, "name": "c"},
                          {"at": "2s", "do": "close", "socket": "c"}],
             "duration": "5s", "watch": )" +
         watch + "}";
}

}  // namespace

TEST_CASE(
    "lesson points: every watch item of every example has a trigger that fires exactly once") {
  int lessons = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSource / "examples")) {
    if (entry.path().extension() != ".json") continue;
    const std::string file = entry.path().filename().string();
    CAPTURE(file);
    ++lessons;
    const std::string text = read_file(entry.path());
    const auto doc = nlohmann::json::parse(text);
    REQUIRE(doc.contains("watch"));
    const std::size_t items = doc["watch"].size();
    CHECK(items > 0);
    for (const auto& w : doc["watch"]) CHECK(w.contains("when"));
    auto runner = run(text);
    const Trace& t = runner->sim().trace();
    std::map<std::uint64_t, int> fired;
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
      if (t.kind_at(i) != TraceKind::lesson_point) continue;
      const TraceEvent e = t.at(i);
      ++fired[e.original];
      // The point follows the event that matched (lesson points of that same event between).
      std::uint64_t k = i - 1;
      while (t.kind_at(k) == TraceKind::lesson_point) --k;
      CHECK(t.at(k).time == e.time);
      CHECK(e.detail == doc["watch"][e.original - 1]["text"].get<std::string>());
    }
    for (std::size_t n = 1; n <= items; ++n) {
      CAPTURE(n);
      CHECK(fired[n] == 1);  // a trigger that never fires: the text and the trace disagree
    }
    CHECK(fired.size() == items);
  }
  CHECK(lessons >= 22);  // every file in examples/ is a lesson
}

TEST_CASE("lesson points: the tcpdump text and the pcap are the same with and without triggers") {
  for (const char* file :
       {"01-handshake.json", "12-nlb-idle-rst.json", "17-flow-control-zero-window.json"}) {
    CAPTURE(file);
    const std::string text = read_file(kSource / "examples" / file);
    auto doc = nlohmann::json::parse(text);
    auto with = run(text);
    doc.erase("watch");
    auto without = run(doc.dump());
    const Trace& a = with->sim().trace();
    const Trace& b = without->sim().trace();
    CHECK(a.end_index() > b.end_index());
    CHECK(export_tcpdump_text(a) == export_tcpdump_text(b));
    CHECK(export_pcap(a) == export_pcap(b));
    const std::string jsonl = export_jsonl(a);
    CHECK(jsonl.find("\"kind\":\"lesson_point\",\"host\":") != std::string::npos);
    CHECK(jsonl.find("\"point\":1,") != std::string::npos);
  }
}

TEST_CASE("lesson points: nth, after and each event kind") {
  auto r = run(scenario_with(R"([
    {"text": "a's second change", "when": {"event": "state", "host": "a", "nth": 2}},
    {"text": "a waits for b's FIN", "when": {"event": "state", "host": "a", "to": "FIN_WAIT_2"}},
    {"text": "timer", "when": {"event": "timer", "host": "a", "timer": "retransmit", "action": "set"}},
    {"text": "after", "when": {"event": "state", "host": "b", "after": "1.5s"}},
    {"text": "app", "when": {"event": "app", "name": "c", "contains": "close"}},
    {"text": "plain string item"},
    "a plain string"
  ])"));
  const Trace& t = r->sim().trace();
  std::vector<std::pair<std::uint64_t, SimTime>> points;
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
    if (t.kind_at(i) == TraceKind::lesson_point)
      points.emplace_back(t.at(i).original, t.at(i).time);
  std::sort(points.begin(), points.end());
  REQUIRE(points.size() == 5);
  CHECK(points[0] == std::pair<std::uint64_t, SimTime>{
                         1, 1 * kSecond + 20 * kMillisecond});  // SYN_SENT -> ESTABLISHED
  CHECK(points[1] == std::pair<std::uint64_t, SimTime>{2, 2 * kSecond + 20 * kMillisecond});
  CHECK(points[2] == std::pair<std::uint64_t, SimTime>{3, 1 * kSecond});
  CHECK(points[3] == std::pair<std::uint64_t, SimTime>{
                         4, 2 * kSecond + 10 * kMillisecond});  // b: ESTABLISHED -> CLOSE_WAIT
  CHECK(points[4] == std::pair<std::uint64_t, SimTime>{5, 2 * kSecond});
}

TEST_CASE("lesson points: the loader checks every trigger and names the field") {
  const auto errors = validate_scenario(scenario_with(R"([
    {"text": "x", "when": {"event": "state", "host": "zz", "to": "TIMEWAIT"}},
    {"text": "x", "when": {"event": "packet", "from": "a", "flags": "SA", "tag": "nope", "link": "q"}},
    {"text": "x", "when": {"event": "app", "name": "ghost"}},
    {"text": "x", "when": {"event": "timer", "timer": "rto", "action": "rang"}},
    {"text": "x", "when": {"event": "bell"}},
    {"text": "x", "when": {"event": "state", "nth": 0, "colour": 1}},
    {"when": {"event": "state"}},
    7
  ])"));
  CHECK(has_error(errors, "/watch/0/when/host: unknown host \"zz\""));
  CHECK(
      has_error(errors,
                "/watch/0/when/to: unknown TCP state \"TIMEWAIT\" (one of CLOSED, LISTEN, "
                "SYN_SENT, SYN_RECEIVED, "
                "ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT)"));
  CHECK(has_error(errors,
                  "/watch/1/when/flags: expected TCP flags as tcpdump writes them (letters of "
                  "\"FSRPUEW.\", each "
                  "once, \".\" for ACK: \"S\", \"S.\", \"R\", \"F.\"), got \"SA\""));
  CHECK(has_error(errors, "/watch/1/when/link: unknown link \"q\""));
  CHECK(has_error(errors,
                  "/watch/1/when/tag: unknown tag \"nope\" (one of retransmission, "
                  "zero_window_probe, keepalive, "
                  "challenge_ack, window_update, rst_reply)"));
  CHECK(has_error(errors, "/watch/2/when/name: unknown app, middlebox or socket \"ghost\""));
  CHECK(has_error(errors, "/watch/3/when/action: expected set, fired or cancelled, got \"rang\""));
  CHECK(has_error(errors,
                  "/watch/4/when/event: expected state, packet, drop, app, timer, note or error, "
                  "got \"bell\""));
  CHECK(has_error(errors, "/watch/5/when/colour: unknown key"));
  CHECK(has_error(errors, "/watch/6: missing required key \"text\""));
  CHECK(has_error(errors, "/watch/7: expected an object, got 7"));
  bool timer_error = false;
  for (const ScenarioError& e : errors) timer_error |= e.path == "/watch/3/when/timer";
  CHECK(timer_error);
  bool nth_error = false;
  for (const ScenarioError& e : errors) nth_error |= e.path == "/watch/5/when/nth";
  CHECK(nth_error);
}

TEST_CASE("lesson points: the JSON Schema lists the trigger kinds and fields the loader takes") {
  const auto schema = nlohmann::json::parse(read_file(kSource / "schema/scenario.schema.json"));
  std::vector<std::string> events;
  for (const auto& alt : schema["$defs"]["trigger"]["oneOf"])
    events.push_back(alt["properties"]["event"]["const"]);
  CHECK(events ==
        std::vector<std::string>{"state", "packet", "drop", "app", "timer", "note", "error"});
  std::vector<std::string> errnos =
      schema["$defs"]["trigger"]["oneOf"][6]["properties"]["errno"]["enum"];
  CHECK(errnos == socket_errno_names());
  std::vector<std::string> calls =
      schema["$defs"]["trigger"]["oneOf"][6]["properties"]["call"]["enum"];
  CHECK(calls == socket_call_names());
  std::vector<std::string> states =
      schema["$defs"]["trigger"]["oneOf"][0]["properties"]["to"]["enum"];
  CHECK(states == tcp_state_names());
  std::vector<std::string> timers =
      schema["$defs"]["trigger"]["oneOf"][4]["properties"]["timer"]["enum"];
  CHECK(timers == tcp_timer_names());
}
