// Bounded memory: a run whose links hold more packets than `limits.max_packets` ends with an
// error naming the cause (a routing loop that duplicates, an unbounded queue on a slow link),
// the CLI exits 2 with it, and a Playground loads and runs the next scenario as usual.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "api/playground.h"
#include "net/network.h"
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

const fs::path kExamples = fs::path(TCPPLAY_SOURCE_DIR) / "examples";

/// A datagram for 10.9.9.9, which r1 and r2 route to each other over a link that duplicates
/// everything: the copies double on every hop until TTL 64 would end them.
const char* const kLoop = R"({"duration": "10s", "limits": {"max_packets": 1000},
  "hosts": [{"name": "a", "addr": "10.0.0.1"},
            {"name": "r1", "addr": "10.0.1.1", "forwarding": true},
            {"name": "r2", "addr": "10.0.2.1", "forwarding": true}],
  "links": [{"name": "in", "a": "a", "b": "r1", "delay": "1ms"},
            {"name": "loop", "a": "r1", "b": "r2", "delay": "1ms", "duplicate": 1}],
  "routes": [{"host": "a", "dst": "default", "link": "in"},
             {"host": "r1", "dst": "10.9.9.0/24", "link": "loop"},
             {"host": "r2", "dst": "10.9.9.0/24", "link": "loop"}],
  "timeline": [{"at": "0s", "do": "udp_bind", "host": "a", "port": 5000, "name": "u"},
               {"at": "1s", "do": "udp_send", "socket": "u", "to": "10.9.9.9", "port": 9, "text": "hi"}]})";

/// 1,000 datagrams a second into a 1 kbit/s link whose queue has no limit.
const char* const kSlow = R"({"duration": "60s", "limits": {"max_packets": 500},
  "hosts": [{"name": "a", "addr": "10.0.0.1"}, {"name": "b", "addr": "10.0.0.2"}],
  "links": [{"name": "slow", "a": "a", "b": "b", "delay": "10ms", "bandwidth": "1kbit",
             "queue": {"packets": 0}}],
  "apps": [{"type": "udp_stream_receiver", "name": "rx", "host": "b", "port": 9000},
           {"type": "udp_stream_sender", "name": "tx", "host": "a", "to": "b:9000", "rate": 1000,
            "count": 0, "payload_bytes": 100}]})";

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const PlaygroundError& e) {
    return e.what();
  }
  return "";
}

std::string handshake_text() {
  LoadResult r = Scenario::load(read_text(kExamples / "01-handshake.json"));
  REQUIRE(r.ok());
  ScenarioRunner runner(std::move(*r.scenario));
  runner.run();
  return export_tcpdump_text(runner.sim().trace());
}

}  // namespace

TEST_CASE("run limit: a routing loop with duplication stops the run with the cause") {
  LoadResult r = Scenario::load(kLoop);
  REQUIRE(r.ok());
  CHECK(r.scenario->max_packets == 1000);
  ScenarioRunner runner(std::move(*r.scenario));
  std::string message;
  try {
    runner.run();
  } catch (const RunLimitExceeded& e) {
    message = e.what();
  }
  CHECK(message.rfind("run stopped at 1.0", 0) == 0);
  CHECK(message.find(
            ": 1001 packets in flight or queued (limit /limits/max_packets = 1000): likely a "
            "routing loop with duplication (link \"loop\" duplicated ") != std::string::npos);
}

TEST_CASE(
    "run limit: after it, the Playground refuses to run on, then loads and runs the next lesson") {
  Playground p;
  REQUIRE(p.load(kSlow) == "[]");
  const std::string first = error_of([&] { p.run_until(60 * kSecond); });
  CHECK(first ==
        "run stopped at 0.500000s: 501 packets in flight or queued (limit /limits/max_packets = "
        "500): likely an "
        "unbounded queue on a slow link (link \"slow\" has 500 queued); load() or reset() to start "
        "again");
  const std::string ended = "the run ended: " + first;
  CHECK(error_of([&] { p.run_until(61 * kSecond); }) == ended);
  CHECK(error_of([&] { p.step(); }) == ended);
  CHECK(error_of([&] { p.step_packet(); }) == ended);
  CHECK(error_of([&] { p.apply(R"({"do": "note", "text": "x"})"); }) == ended);
  // What ran is still there to read.
  CHECK(p.snapshot().find("\"slow\"") != std::string::npos);
  CHECK_FALSE(p.tcpdump_text().empty());

  // reset() starts the same scenario again (and it stops again at the same point).
  p.reset();
  CHECK(p.now() == 0);
  CHECK(error_of([&] { p.run_until(60 * kSecond); }) == first);

  // A failed load keeps the ended run; a good one replaces it.
  CHECK(p.load("{") != "[]");
  CHECK(error_of([&] { p.step(); }) == ended);
  REQUIRE(p.load(read_text(kExamples / "01-handshake.json")) == "[]");
  p.run_until(p.duration());
  CHECK(p.tcpdump_text() == handshake_text());

  // The loop, then the same lesson again.
  REQUIRE(p.load(kLoop) == "[]");
  CHECK(error_of([&] { p.run_until(10 * kSecond); }).find("link \"loop\" duplicated") !=
        std::string::npos);
  REQUIRE(p.load(read_text(kExamples / "01-handshake.json")) == "[]");
  p.run_until(p.duration());
  CHECK(p.tcpdump_text() == handshake_text());
}

TEST_CASE("run limit: no example comes near the default") {
  std::uint64_t peak = 0;
  for (const auto& entry : fs::directory_iterator(kExamples)) {
    const fs::path f = entry.path();
    if (f.extension() != ".json") continue;
    LoadResult r = Scenario::load(read_text(f));
    REQUIRE(r.ok());
    CHECK(r.scenario->max_packets == Network::kDefaultMaxPackets);
    ScenarioRunner runner(std::move(*r.scenario));
    runner.run();
    peak = std::max(peak, runner.sim().net().peak_packets_held());
  }
  MESSAGE("the examples' peak of packets queued or in flight: " << peak);
  CHECK(peak > 0);
  CHECK(peak * 100 < Network::kDefaultMaxPackets);
}

TEST_CASE("run limit: `tcpplay run` exits 2 with the message") {
  const fs::path dir = fs::temp_directory_path() / ("tcpplay_limit_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "loop.json") << kLoop;
  const std::string cmd = std::string("\"") + TCPPLAY_CLI + "\" run \"" +
                          (dir / "loop.json").string() + "\" > \"" + (dir / "out").string() +
                          "\" 2> \"" + (dir / "err").string() + "\"";
  const int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  const std::string err = read_text(dir / "err");
  CHECK(err.rfind("tcpplay: run stopped at ", 0) == 0);
  CHECK(err.find("likely a routing loop with duplication (link \"loop\" duplicated") !=
        std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("run limit: limits.max_packets is checked") {
  const auto errors = validate_scenario(
      R"({"limits": {"max_packets": 0, "x": 1}, "hosts": [{"name": "a", "addr": "10.0.0.1"}]})");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].path + ": " + errors[0].message != "");
}
