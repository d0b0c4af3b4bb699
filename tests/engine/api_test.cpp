// Playground, the facade the WebAssembly module wraps: loading with errors as data, running and
// stepping, live actions and their errors, the incremental event feed, snapshots, series and
// the exports. The same behaviour is checked through the WASM module by tests/wasm/.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "api/playground.h"
#include "scenario/scenario.h"
#include "trace/jsonl.h"
#include "trace/tcpdump_text.h"

using namespace tcpplay;
using NJson = nlohmann::json;  // the independent parser (tcpplay::Json is the engine's)
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string example(const char* name) {
  return read_text(fs::path(TCPPLAY_SOURCE_DIR) / "examples" / name);
}

/// Client and server on one 10 ms link; the server listens on 80 ("srv"), the client connects
/// at 1 s ("c1") and the connection is established well before 2 s.
const char* const kTwoHosts = R"({"duration": "10s", "seed": 7,
  "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "server", "addr": "10.0.0.2"}],
  "links": [{"name": "lan", "a": "client", "b": "server", "delay": "10ms"}],
  "timeline": [
    {"at": "0s", "do": "listen", "host": "server", "port": 80, "name": "srv"},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 80, "src_port": 40000, "name": "c1"}
  ]})";

/// The message of the PlaygroundError `f` throws ("" if it throws none).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const PlaygroundError& e) {
    return e.what();
  }
  return "";
}

NJson events(Playground& p, std::int64_t cursor, std::int64_t max = Playground::kDefaultMaxEvents) {
  return NJson::parse(p.events_since(cursor, max));
}

const NJson* find_connection(const NJson& snap, const std::string& name) {
  for (const NJson& c : snap["connections"])
    if (c["name"] == name) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("playground: load reports errors as JSON and keeps the previous scenario") {
  Playground p;
  CHECK(error_of([&] { p.now(); }) == "no scenario loaded (call load() first)");
  REQUIRE(p.load(kTwoHosts) == "[]");
  p.run_until(2 * kSecond);

  const NJson bad = NJson::parse(p.load("{\"hosts\": [}"));
  REQUIRE(bad.size() == 1);
  CHECK(bad[0]["path"] == "");
  CHECK(bad[0]["message"].get<std::string>().rfind("invalid JSON at line 1", 0) == 0);
  // The same errors, in the same order, as `tcpplay validate`.
  const std::string text = R"({"duration": "-1s", "hosts": [{"name": "a", "addr": "10.0.0"}]})";
  const NJson errors = NJson::parse(p.load(text));
  const auto expected = validate_scenario(text);
  REQUIRE(errors.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(errors[i]["path"] == expected[i].path);
    CHECK(errors[i]["message"] == expected[i].message);
  }
  CHECK(p.now() == 2 * kSecond);  // still the scenario loaded before
}

TEST_CASE("playground: a run gives the same JSON Lines as a ScenarioRunner run") {
  for (const char* name : {"01-handshake.json", "05-closed-port.json"}) {
    CAPTURE(name);
    const std::string text = example(name);
    LoadResult r = Scenario::load(text);
    REQUIRE(r.ok());
    ScenarioRunner runner(std::move(*r.scenario));
    runner.run();

    Playground p;
    REQUIRE(p.load(text) == "[]");
    p.run_until(p.duration());
    CHECK(p.jsonl() == export_jsonl(runner.sim().trace()));
    CHECK(p.tcpdump_text() == export_tcpdump_text(runner.sim().trace()));
    // reset replays the same run from time 0.
    p.reset();
    CHECK(p.now() == 0);
    p.run_until_text("10s");
    CHECK(p.jsonl() == export_jsonl(runner.sim().trace()));
  }
}

TEST_CASE("playground: events_since returns only new events, with a cursor that advances") {
  Playground p;
  REQUIRE(p.load(example("01-handshake.json")) == "[]");
  NJson page = events(p, 0);
  CHECK(page["events"].empty());
  CHECK(page["next"] == 0);

  p.run_until(1500 * kMillisecond);
  page = events(p, 0);
  const std::int64_t n1 = page["next"];
  CHECK(n1 == page["end"]);
  CHECK(n1 > 0);
  CHECK(page["dropped"] == 0);
  CHECK(page["events"].front()["i"] == 0);

  // Nothing new: an empty page and the same cursor.
  page = events(p, n1);
  CHECK(page["events"].empty());
  CHECK(page["next"] == n1);

  p.run_until(p.duration());
  // Capped pages, each starting where the last ended.
  std::int64_t cursor = n1;
  std::vector<std::string> lines;
  const NJson all = events(p, 0);
  for (const NJson& e : all["events"])
    if (e["kind"] == "packet_sent") lines.push_back(e["text"]);
  int pages = 0;
  while (true) {
    page = events(p, cursor, 3);
    if (page["events"].empty()) break;
    CHECK(page["events"].size() <= 3);
    CHECK(page["events"].front()["i"] == cursor);
    cursor = page["next"];
    ++pages;
  }
  CHECK(pages > 1);
  CHECK(cursor == page["end"]);

  // Every packet line equals the one in the whole-trace text export, in order.
  std::string expected;
  for (const std::string& l : lines) expected += l + "\n";
  std::string packet_lines;
  std::istringstream text(p.tcpdump_text());
  for (std::string l; std::getline(text, l);)
    if (l.find(" IP ") != std::string::npos) packet_lines += l + "\n";
  CHECK(expected == packet_lines);
  CHECK(lines.size() == 9);  // 3-way handshake, data + ACK, 4-way teardown

  // Each event is event_to_json's object, plus "text" for packets.
  const NJson first = events(p, 0, 1)["events"][0];
  CHECK(first.contains("t_ns"));
  CHECK(first.contains("kind"));

  CHECK(error_of([&] { p.events_since(-1); }) ==
        "events_since: the cursor must be 0 or more, got -1");
  CHECK(error_of([&] { p.events_since(0, 0); }) ==
        "events_since: max_events must be 1 or more, got 0");
  CHECK(error_of([&] { p.events_since(cursor + 1); }).find("is past the end of the trace") !=
        std::string::npos);
  // A reset restarts the trace: the run number changes and the old cursor is stale.
  const std::uint64_t run = p.run_number();
  p.reset();
  CHECK(p.run_number() == run + 1);
  CHECK(events(p, 0)["run"] == run + 1);
}

TEST_CASE("playground: events lost to retention are counted") {
  Playground p;
  NJson doc = NJson::parse(example("01-handshake.json"));
  doc["trace"] = {{"max_events", 10}};
  REQUIRE(p.load(doc.dump()) == "[]");
  p.run_until(p.duration());
  const NJson page = events(p, 0);
  CHECK(page["first"] > 0);
  CHECK(page["dropped"] == page["first"]);
  CHECK(page["events"].size() <= 10);
}

TEST_CASE("playground: step and step_packet") {
  Playground p;
  REQUIRE(p.load(example("01-handshake.json")) == "[]");
  CHECK(p.next_event_time() == 0);
  CHECK(p.step());  // the listen at 0 s
  CHECK(p.next_event_time() == kSecond);

  std::int64_t cursor = events(p, 0)["next"];
  REQUIRE(p.step_packet());  // the connect, which sends the SYN
  // The event that sent the SYN also armed its retransmission timer: the packet is among the
  // new events, not necessarily the last.
  const NJson page = events(p, cursor);
  int sent = 0;
  for (const NJson& e : page["events"]) {
    if (e["kind"] != "packet_sent") continue;
    ++sent;
    CHECK(e["text"].get<std::string>().find("Flags [S]") != std::string::npos);
  }
  CHECK(sent == 1);
  CHECK(p.now() == kSecond);

  int packets = 1;
  while (p.step_packet()) ++packets;
  CHECK(packets == 9);
  CHECK(p.next_event_time() == -1);
  CHECK_FALSE(p.step());
}

TEST_CASE("playground: live actions are recorded, and bad ones change nothing") {
  Playground p;
  REQUIRE(p.load(kTwoHosts) == "[]");
  p.run_until(2 * kSecond);
  p.apply(R"({"do": "send", "socket": "c1", "text": "hello"})");
  p.set_link("lan", R"({"loss": 0.5, "delay": "20ms"})");

  // Same messages as `tcpplay validate` gives for the same timeline entry.
  CHECK(error_of([&] { p.apply(R"({"do": "send", "socket": "nope", "text": "x"})"); }) ==
        "/timeline/5/socket: unknown socket \"nope\"");
  CHECK(error_of([&] {
          p.apply(R"({"do": "connect", "host": "mars", "to": "server", "port": 80, "name": "c9"})");
        }) == "/timeline/5/host: unknown host \"mars\"");
  CHECK(
      error_of([&] {
        p.apply(
            R"({"do": "set", "target": "tcp:client", "param": "connect_timeout", "value": "-1s"})");
      }).find("/timeline/5/value: ") == 0);
  CHECK(error_of([&] { p.apply("{not json"); }).rfind(": invalid JSON", 0) == 0);
  CHECK(error_of([&] { p.set_link("lan", R"({"loss": 2})"); }) ==
        "set_link: loss: expected a probability between 0 and 1, got 2");
  CHECK(error_of([&] { p.set_link("lan", "[1]"); }).find("set_link: expected an object") == 0);
  CHECK(error_of([&] { p.run_until(kSecond); }) ==
        "run_until: 1s is before the current time 2s (virtual time never goes backwards)");
  CHECK(error_of([&] { p.run_until_text("-5s"); }).find("run_until: expected a duration") == 0);

  const NJson doc = NJson::parse(p.scenario_json());
  REQUIRE(doc["timeline"].size() == 5);
  CHECK(doc["timeline"][2]["do"] == "send");
  CHECK(doc["timeline"][2]["at"] == "2s");
  CHECK(doc["timeline"][3]["param"] == "loss");  // set_link's parameters in the order given
  CHECK(doc["timeline"][4]["param"] == "delay");

  // Still working: the data arrives, and a reset replays the live edits.
  p.run_until(5 * kSecond);
  const std::string jsonl = p.jsonl();
  CHECK(jsonl.find("received 5 bytes") != std::string::npos);
  p.reset();
  p.run_until(5 * kSecond);
  CHECK(p.jsonl() == jsonl);
}

TEST_CASE("playground: a live edit made between two events of one instant replays at that point") {
  // Two connects at 1 s: their SYNs, SYN-ACKs and ACKs share instants. Edits made between two
  // events of one instant, at load time and at a quiet instant must replay exactly there.
  Playground p;
  REQUIRE(p.load(R"({"duration": "10s", "seed": 7,
    "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "server", "addr": "10.0.0.2"}],
    "links": [{"name": "lan", "a": "client", "b": "server", "delay": "10ms"}],
    "timeline": [
      {"at": "0s", "do": "listen", "host": "server", "port": 80, "name": "srv"},
      {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 80, "name": "c1"},
      {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 80, "name": "c2"}
    ]})") == "[]");
  p.apply(R"({"do": "note", "text": "before anything"})");  // at 0 s, before the listen
  int mid_instant = 0;
  while (p.now() < 1020 * kMillisecond && p.step()) {
    if (p.now() >= kSecond && p.next_event_time() == p.now()) {
      ++mid_instant;
      p.apply(R"({"do": "note", "text": "between two events of one instant"})");
      p.set_link("lan", R"({"delay": "5ms"})");
    }
  }
  REQUIRE(mid_instant > 0);
  p.run_until(1500 * kMillisecond);
  p.apply(R"({"do": "send", "socket": "c1", "text": "hello"})");
  p.run_until(3 * kSecond);
  const std::string jsonl = p.jsonl();

  const NJson doc = NJson::parse(p.scenario_json());
  CHECK(doc["timeline"][3]["at"] == "0s");
  CHECK(doc["timeline"][3]["after_events"] == 0);
  CHECK(doc["timeline"][4]["after_events"].get<int>() >= 1);

  p.reset();
  p.run_until(3 * kSecond);
  CHECK(p.jsonl() == jsonl);
  // And stepping through the replay gives the same trace as running it.
  p.reset();
  while (p.now() < 3 * kSecond && p.next_event_time() != -1 && p.next_event_time() <= 3 * kSecond)
    p.step();
  p.run_until(3 * kSecond);
  CHECK(p.jsonl() == jsonl);
}

TEST_CASE("playground: crafted RST at RCV.NXT resets; elsewhere in the window, a challenge ACK") {
  Playground p;
  REQUIRE(p.load(kTwoHosts) == "[]");
  p.run_until(2 * kSecond);
  const NJson sa = NJson::parse(p.suggest_seq_ack("client", "server", 40000, 80));
  const NJson before = NJson::parse(p.snapshot());
  const NJson* srv = find_connection(before, "srv.1");
  REQUIRE(srv);
  CHECK(sa["seq"] == (*srv)["rcv_nxt"]);
  CHECK(sa["ack"] == (*srv)["snd_nxt"]);

  // In the window but not at RCV.NXT: RFC 5961 §3.2 challenge ACK, the connection stays. No
  // data was sent, so RCV.NXT is the client's ISN + 1 and "+101" is 100 past it, whatever the seed.
  std::int64_t cursor = events(p, 0)["next"];
  p.apply(
      R"({"do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 80, "flags": "R", "seq": "+101"})");
  p.run_until(3 * kSecond);
  bool challenge = false;
  const NJson page = events(p, cursor);
  for (const NJson& e : page["events"])
    challenge |= e["kind"] == "packet_dropped" && e["name"] == "rst_in_window_challenge_ack";
  CHECK(challenge);
  const NJson after = NJson::parse(p.snapshot());
  REQUIRE(find_connection(after, "srv.1"));
  CHECK(find_connection(after, "srv.1")->at("state") == "ESTABLISHED");

  // Exactly at RCV.NXT (seq left out: filled from the client's SND.NXT): reset.
  p.apply(
      R"({"do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 80, "flags": "R"})");
  p.run_until(4 * kSecond);
  const NJson snap = NJson::parse(p.snapshot());
  CHECK(find_connection(snap, "srv.1") == nullptr);
  bool closed = false;
  for (const NJson& c : snap["closed"]) closed |= c["name"] == "srv.1" && c["reason"] == "reset";
  CHECK(closed);

  // A malformed crafted segment: the validator's message, and nothing changes.
  CHECK(
      error_of([&] {
        p.apply(
            R"({"do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 80, "flags": "A", "options": [{"kind": "md5"}]})");
      }) ==
      "/timeline/4/options/0/kind: unknown option kind \"md5\" (expected mss, nop, eol, wscale, "
      "sackOK, sack, ts or a number)");
  CHECK(error_of([&] { p.suggest_seq_ack("mars", "server", 1, 80); }) ==
        "host: unknown host \"mars\"");
  CHECK(error_of([&] { p.suggest_seq_ack("client", "server", 0, 80); }) ==
        "src_port: expected an integer between 1 and 65535, got 0");
}

TEST_CASE("playground: snapshot and series") {
  Playground p;
  REQUIRE(p.load(kTwoHosts) == "[]");
  p.apply(R"({"do": "udp_bind", "host": "client", "port": 5000, "name": "u1"})");
  p.run_until(2 * kSecond);
  const NJson snap = NJson::parse(p.snapshot());
  for (const char* key : {"time_ns", "next_event_ns", "duration_ns", "events_run", "run", "trace",
                          "hosts", "connections", "closed", "links", "components"})
    CHECK_MESSAGE(snap.contains(key), key);
  CHECK(snap["time_ns"] == 2 * kSecond);
  REQUIRE(snap["hosts"].size() == 2);
  const NJson& server = snap["hosts"][1];
  CHECK(server["addrs"][0] == "10.0.0.2");
  REQUIRE(server["listeners"].size() == 1);
  CHECK(server["listeners"][0]["port"] == 80);
  CHECK(server["listeners"][0]["name"] == "srv");
  REQUIRE(snap["hosts"][0]["udp"].size() == 1);
  CHECK(snap["hosts"][0]["udp"][0]["name"] == "u1");

  const NJson* c1 = find_connection(snap, "c1");
  REQUIRE(c1);
  CHECK((*c1)["state"] == "ESTABLISHED");
  CHECK((*c1)["host"] == "client");
  CHECK((*c1)["local"] == "10.0.0.1:40000");
  for (const char* key :
       {"snd_una", "snd_nxt", "rcv_nxt", "cwnd", "ssthresh", "srtt_ns", "rto_ns", "timers"})
    CHECK_MESSAGE(c1->contains(key), key);

  REQUIRE(snap["links"].size() == 1);
  const NJson& lan = snap["links"][0];
  CHECK(lan["params"]["delay_ns"] == 10 * kMillisecond);
  REQUIRE(lan["directions"].size() == 2);
  CHECK(lan["directions"][0]["from"] == "client");
  CHECK(lan["directions"][0]["sent"] >= 2);

  const NJson s = NJson::parse(p.series((*c1)["id"].get<int>()));
  CHECK(s["name"] == "c1");
  for (const char* key : {"t", "cwnd", "ssthresh", "in_flight", "srtt", "rto", "rwnd"}) {
    CAPTURE(key);
    REQUIRE(s[key].is_array());
    CHECK(s[key].size() == s["t"].size());
  }
  CHECK_FALSE(s["t"].empty());
  CHECK(error_of([&] { p.series(999); }) == "series: unknown connection id 999");
  CHECK(Playground::integer_arg(42, "x") == 42);
  CHECK(error_of([] { Playground::integer_arg(1.5, "cursor"); }) ==
        "cursor: expected an integer, got 1.500000");

  // pcap: the global header, then one record per packet sent.
  const auto pcap = p.pcap();
  REQUIRE(pcap.size() > 24);
  CHECK(pcap[0] == 0x4d);
  CHECK(pcap[3] == 0xa1);
}

TEST_CASE("playground: series(conn, since) returns only new samples, and a reset once it thinned") {
  Playground p;
  REQUIRE(p.load(read_text(fs::path(TCPPLAY_SOURCE_DIR) / "bench/wasm/b1-bulk.json")) == "[]");
  p.run_until(200 * kMillisecond);
  const int id = NJson::parse(p.snapshot())["connections"][0]["id"].get<int>();
  const NJson first = NJson::parse(p.series(id));
  CHECK(first["generation"] == 0);
  CHECK(first["reset"] == false);
  CHECK(first["from"] == 0);
  const std::uint64_t cursor = first["next"].get<std::uint64_t>();
  CHECK(cursor == first["t"].size());
  p.run_until(300 * kMillisecond);
  const NJson more = NJson::parse(p.series(id, static_cast<std::int64_t>(cursor)));
  CHECK(more["from"] == cursor);
  CHECK(more["reset"] == false);
  const NJson all = NJson::parse(p.series(id));
  REQUIRE(all["t"].size() == cursor + more["t"].size());
  CHECK(more["t"][0] == all["t"][cursor]);
  CHECK(more["cwnd"].back() == all["cwnd"].back());
  CHECK(error_of([&] {
          p.series(id, static_cast<std::int64_t>(all["next"].get<std::uint64_t>() + 1));
        }).find("is not a cursor") != std::string::npos);

  // Past 20,000 points the series thins itself: an older cursor gets every sample again.
  std::uint64_t generation = 0;
  for (SimTime t = 1; generation == 0 && t <= 60; ++t) {
    p.run_until(t * kSecond);
    generation = NJson::parse(p.series(id, static_cast<std::int64_t>(cursor)))["generation"]
                     .get<std::uint64_t>();
  }
  REQUIRE(generation > 0);
  const NJson after = NJson::parse(p.series(id, static_cast<std::int64_t>(cursor)));
  CHECK(after["reset"] == true);
  CHECK(after["from"] == 0);
  CHECK(after["next"].get<std::uint64_t>() == (generation << 32) + after["t"].size());
  const NJson same = NJson::parse(p.series(id, after["next"].get<std::int64_t>()));
  CHECK(same["reset"] == false);
  CHECK(same["t"].empty());
}
