// Seeking (issue 17, parts 1 and 2): the simulation's own heap (SimHeap), page-diff checkpoints
// of it, Playground::seek / step_back / undo_last_action, and the rule for live actions after a
// seek back (kept ahead of the playhead; acting in the past starts a new branch).
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "api/playground.h"
#include "core/heap_checkpoints.h"
#include "core/sim_heap.h"

using namespace tcpplay;
using NJson = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string example_text(const std::string& name) {
  std::ifstream in(fs::path(TCPPLAY_SOURCE_DIR) / "examples" / name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Makes `p` reachable from outside this function, as the Playground's objects are: GCC assumes
/// that memory from operator new that never escapes cannot change behind its back (a restore
/// writes it through the heap's chunk pointers).
void escape(void* p) { asm volatile("" : : "g"(p) : "memory"); }

void load_ok(Playground& p, const std::string& json) { REQUIRE(p.load(json) == "[]"); }

/// The trace and state of a fresh run of `json` to `t`.
struct Fresh {
  std::string jsonl, snapshot;
};
Fresh fresh_run(const std::string& json, SimTime t) {
  Playground p;
  load_ok(p, json);
  p.run_until(t);
  return {p.jsonl(), p.snapshot()};
}

const char* const kTwoHosts = R"({"duration": "10s", "seed": 7,
  "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "server", "addr": "10.0.0.2"}],
  "links": [{"name": "lan", "a": "client", "b": "server", "delay": "10ms", "loss": 0.05}],
  "apps": [{"type": "tcp_echo", "name": "echo", "host": "server", "port": 7}],
  "timeline": [
    {"at": "0s", "do": "listen", "host": "server", "port": 80, "name": "srv"},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 80, "src_port": 40000, "name": "c1"}
  ]})";

}  // namespace

TEST_CASE("SimHeap: operator new goes to the active heap and delete finds it by address") {
  SimHeap heap;
  std::vector<int>* v = nullptr;
  std::string* outside = new std::string(100, 'x');
  {
    SimHeapScope scope(&heap);
    v = new std::vector<int>(1000, 7);
    std::string small(40, 'y');
    CHECK(SimHeap::owner(small.data()) == &heap);
  }
  CHECK(SimHeap::owner(v) == &heap);
  CHECK(SimHeap::owner(v->data()) == &heap);
  CHECK(SimHeap::owner(outside) == nullptr);
  {
    SimHeapScope scope(&heap);
    SimHeapPause pause;
    std::string* sys = new std::string(100, 'z');
    CHECK(SimHeap::owner(sys->data()) == nullptr);
    delete sys;
  }
  const std::uint64_t in_use = heap.state().in_use;
  CHECK(in_use > 4000);
  delete v;  // outside the scope: freed into the heap all the same
  CHECK(heap.state().in_use < in_use);
  CHECK(heap.state().in_use == 0);
  delete outside;
}

TEST_CASE("HeapCheckpoints: a restore brings back the bytes and the allocator, pages are shared") {
  SimHeap heap;
  HeapCheckpoints cps;
  std::vector<std::string>* v;
  {
    SimHeapScope scope(&heap);
    v = new std::vector<std::string>();
    escape(v);
    for (int i = 0; i < 100; ++i) v->push_back("value " + std::to_string(i) + std::string(50, 'a'));
  }
  const std::uint64_t first = cps.take(heap);
  const std::size_t first_bytes = cps.bytes();
  {
    SimHeapScope scope(&heap);
    for (int i = 0; i < 5000; ++i)
      v->push_back("later " + std::to_string(i) + std::string(80, 'b'));
    (*v)[3] = "changed";
  }
  const std::uint64_t second = cps.take(heap);
  const std::uint64_t third = cps.take(heap);  // nothing changed: no page kept
  CHECK(cps.bytes() - first_bytes > 400'000);
  CHECK(cps.count() == 3);
  cps.restore(heap, first);
  REQUIRE(v->size() == 100);
  CHECK((*v)[3] == "value 3" + std::string(50, 'a'));
  {
    SimHeapScope scope(&heap);
    v->push_back("a new branch");
  }
  cps.restore(heap, second);
  REQUIRE(v->size() == 5100);
  CHECK((*v)[3] == "changed");
  CHECK((*v)[5099] == "later 4999" + std::string(80, 'b'));
  cps.drop(second);  // its pages go to the third
  cps.restore(heap, first);
  CHECK(v->size() == 100);
  cps.restore(heap, third);
  CHECK(v->size() == 5100);
  CHECK((*v)[3] == "changed");
  cps.drop_after(first, heap);
  CHECK(cps.count() == 1);
  cps.restore(heap, first);
  CHECK(v->size() == 100);
  delete v;
}

TEST_CASE("HeapCheckpoints: a staged checkpoint is filed in steps and can be restored before") {
  SimHeap heap;
  HeapCheckpoints cps;
  std::vector<std::string>* v;
  {
    SimHeapScope scope(&heap);
    v = new std::vector<std::string>();
    escape(v);
    for (int i = 0; i < 100; ++i) v->push_back("value " + std::to_string(i));
  }
  const std::uint64_t first = cps.take(heap);
  CHECK(cps.pending_pages() > 0);  // staged, nothing compared yet
  CHECK(cps.bytes() < 4096);
  CHECK(cps.work(SIZE_MAX));
  const std::size_t first_bytes = cps.bytes();
  CHECK(first_bytes >= 4096);
  {
    SimHeapScope scope(&heap);
    for (int i = 0; i < 20000; ++i)
      v->push_back("later " + std::to_string(i) + std::string(40, 'c'));
  }
  const std::uint64_t second = cps.take(heap);
  const std::size_t staged = cps.pending_pages();
  REQUIRE(staged > 100);
  CHECK_FALSE(cps.work(10));  // ten pages filed, the rest waits
  CHECK(cps.pending_pages() == staged - 10);
  {
    SimHeapScope scope(&heap);
    v->push_back("after the second");
  }
  // The staged one comes back from the staging area, an older one from the saved pages.
  cps.restore(heap, second);
  REQUIRE(v->size() == 20100);
  CHECK(v->back() == "later 19999" + std::string(40, 'c'));
  cps.restore(heap, first);
  CHECK(v->size() == 100);
  CHECK(cps.pending_pages() == staged - 10);
  while (!cps.work(100)) {}
  CHECK(cps.bytes() > first_bytes + 400'000);
  cps.restore(heap, second);
  CHECK(v->size() == 20100);
  CHECK(v->back() == "later 19999" + std::string(40, 'c'));
  // Branching away from a staged checkpoint drops it unfiled.
  {
    SimHeapScope scope(&heap);
    v->push_back("third");
  }
  cps.take(heap);
  CHECK(cps.pending_pages() > 0);
  cps.drop_after(second, heap);
  CHECK(cps.pending_pages() == 0);
  CHECK(cps.count() == 2);
  cps.restore(heap, first);
  CHECK(v->size() == 100);
  delete v;
}

TEST_CASE(
    "seek: any earlier time gives the trace and snapshot of the run at that time, and playing on "
    "the rest") {
  // A few lessons, each seeked back to pseudo-random times (a fixed sequence) after a full run.
  std::uint64_t x = 12345;
  auto next = [&] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  for (const char* name :
       {"18-congestion-control.json", "02-teardown-time-wait.json", "12-nlb-idle-rst.json",
        "16-udp-vs-tcp-loss.json", "10-alb-idle-504.json"}) {
    CAPTURE(name);
    const std::string json = example_text(name);
    Playground p;
    load_ok(p, json);
    const SimTime end = p.duration();
    p.run_until(end);
    const std::string full = p.jsonl();
    const std::string full_snapshot = p.snapshot();
    for (int i = 0; i < 3; ++i) {
      const SimTime t = static_cast<SimTime>(next() % static_cast<std::uint64_t>(end));
      CAPTURE(t);
      p.seek(t);
      CHECK(p.now() == t);
      const Fresh f = fresh_run(json, t);
      CHECK(p.jsonl() == f.jsonl);
      CHECK(p.snapshot() == f.snapshot);
    }
    p.run_until(end);
    CHECK(p.jsonl() == full);
    CHECK(p.snapshot() == full_snapshot);
    const NJson stats = NJson::parse(p.checkpoint_stats());
    CHECK(stats["count"].get<int>() >= 1);
    CHECK(stats["bytes"].get<std::int64_t>() <=
          static_cast<std::int64_t>(Playground::kCheckpointBytes));
  }
}

TEST_CASE(
    "seek: lesson 18 has checkpoints every 8192 events within the cap, and seeks forward too") {
  Playground p;
  load_ok(p, example_text("18-congestion-control.json"));
  p.run_until(p.duration());
  const std::uint64_t events = p.events_run();
  CHECK(events > 100'000);
  const NJson stats = NJson::parse(p.checkpoint_stats());
  MESSAGE("lesson 18: " << events << " events, " << stats.dump());
  CHECK(stats["count"].get<std::uint64_t>() == events / Playground::kCheckpointEvents + 1);
  const std::string full = p.jsonl();
  p.seek(2 * kSecond);
  p.seek(25 * kSecond);  // forward over known ground: from a checkpoint
  CHECK(p.jsonl() == fresh_run(example_text("18-congestion-control.json"), 25 * kSecond).jsonl);
  p.run_until(p.duration());
  CHECK(p.jsonl() == full);
}

TEST_CASE("step_back: one event back, repeatedly, is the run one event shorter") {
  const std::string json = example_text("18-congestion-control.json");
  Playground p;
  load_ok(p, json);
  p.run_until(kSecond);
  while (p.events_run() < Playground::kCheckpointEvents + 2) REQUIRE(p.step());
  // Back across the checkpoint at 8192 events: 8194 -> 8191.
  for (int i = 0; i < 3; ++i) CHECK(p.step_back());
  CHECK(p.events_run() == Playground::kCheckpointEvents - 1);
  Playground q;
  load_ok(q, json);
  q.run_until(kSecond);
  while (q.events_run() < Playground::kCheckpointEvents - 1) REQUIRE(q.step());
  CHECK(p.now() == q.now());
  CHECK(p.jsonl() == q.jsonl());
  CHECK(p.snapshot() == q.snapshot());
  for (int i = 0; i < 5; ++i) {
    p.step();
    q.step();
  }
  CHECK(p.jsonl() == q.jsonl());
  Playground z;
  load_ok(z, example_text("01-handshake.json"));
  CHECK_FALSE(z.step_back());
  z.run_until(kSecond / 2);
  const std::uint64_t e = z.events_run();
  if (e > 0) {
    CHECK(z.step_back());
    CHECK(z.events_run() == e - 1);
  }
}

TEST_CASE(
    "live actions after a seek back: kept ahead, replayed; acting in the past starts a branch; "
    "undo") {
  const std::string send1 = R"({"do":"send","socket":"c1","text":"first"})";
  const std::string send2 = R"({"do":"send","socket":"c1","text":"second"})";
  Playground p;
  load_ok(p, kTwoHosts);
  p.run_until(3 * kSecond);
  p.apply(send1);
  p.run_until(5 * kSecond);
  p.apply(send2);
  p.run_until(10 * kSecond);
  const std::string live = p.jsonl();
  const std::string live_scenario = p.scenario_json();

  // Scrubbing back alone changes nothing: the later action is ahead, and replays.
  p.seek(4 * kSecond);
  NJson actions = NJson::parse(p.actions_json());
  REQUIRE(actions.size() == 2);
  CHECK(actions[0]["ahead"] == false);
  CHECK(actions[1]["ahead"] == true);
  CHECK(actions[1]["at"] == 5 * kSecond);
  CHECK(actions[1]["action"]["text"] == "second");
  CHECK(p.scenario_json() == live_scenario);
  p.run_until(10 * kSecond);
  CHECK(p.jsonl() == live);
  {
    Playground replay;  // the recorded scenario replays to the live run
    load_ok(replay, p.scenario_json());
    replay.run_until(10 * kSecond);
    CHECK(replay.jsonl() == live);
  }

  // Acting in the past: the action ahead is dropped, the scenario shows the new branch only.
  p.seek(4 * kSecond);
  p.apply(R"({"do":"close","socket":"c1"})");
  actions = NJson::parse(p.actions_json());
  REQUIRE(actions.size() == 2);
  CHECK(actions[1]["action"]["do"] == "close");
  CHECK(p.scenario_json().find("second") == std::string::npos);
  p.run_until(10 * kSecond);
  const std::string branch = p.jsonl();
  CHECK(branch != live);
  {
    Playground replay;
    load_ok(replay, p.scenario_json());
    replay.run_until(10 * kSecond);
    CHECK(replay.jsonl() == branch);
  }

  // Undo: drops the close and goes to where it was taken; playing on is the run without it.
  p.undo_last_action();
  CHECK(p.now() == 4 * kSecond);
  CHECK(NJson::parse(p.actions_json()).size() == 1);
  p.run_until(10 * kSecond);
  Playground only_first;
  load_ok(only_first, kTwoHosts);
  only_first.run_until(3 * kSecond);
  only_first.apply(send1);
  only_first.run_until(10 * kSecond);
  CHECK(p.jsonl() == only_first.jsonl());
  CHECK(p.scenario_json() == only_first.scenario_json());

  // Undo of the only action left, then nothing left to undo.
  p.undo_last_action();
  CHECK(p.now() == 3 * kSecond);
  p.run_until(10 * kSecond);
  CHECK(p.jsonl() == fresh_run(kTwoHosts, 10 * kSecond).jsonl);
  CHECK_THROWS_WITH_AS(p.undo_last_action(), "undo_last_action: no recorded action to undo",
                       PlaygroundError);
}

TEST_CASE("seek: the event feed and the tcpdump lines follow the trace back") {
  const std::string json = example_text("18-congestion-control.json");
  Playground p;
  load_ok(p, json);
  p.run_until(20 * kSecond);
  const std::string lines_before = p.events_since(0, 1'000'000);
  (void)p.feed_fill(0, 1'000'000);
  p.seek(3 * kSecond);
  Playground q;
  load_ok(q, json);
  q.run_until(3 * kSecond);
  // Text of every event, and relative sequence numbers of the feed, as in a run that only got here.
  CHECK(p.events_since(0, 1'000'000) == q.events_since(0, 1'000'000));
  const FeedPage a = p.feed_fill(0, 1'000'000);
  const FeedPage b = q.feed_fill(0, 1'000'000);
  REQUIRE(a.count == b.count);
  for (int c : {EventFeed::rel_seq, EventFeed::rel_ack}) {
    const auto col = static_cast<EventFeed::Column>(c);
    CHECK(std::memcmp(p.feed().column(col), q.feed().column(col), a.count * 8) == 0);
  }
  p.run_until(20 * kSecond);
  CHECK(p.events_since(0, 1'000'000) == lines_before);
}

TEST_CASE("seek: errors name the method; a run ended by a limit can be seeked back") {
  Playground p;
  CHECK_THROWS_WITH_AS(p.seek(0), "no scenario loaded (call load() first)", PlaygroundError);
  load_ok(p, kTwoHosts);
  CHECK_THROWS_WITH_AS(p.seek(-1), "seek: expected a time of 0 or more, got -1", PlaygroundError);
  p.run_until(2 * kSecond);
  p.seek(0);
  CHECK(p.now() == 0);
  CHECK(p.jsonl() == fresh_run(kTwoHosts, 0).jsonl);
}
