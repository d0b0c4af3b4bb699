// Issue 9's long run: 24 hours of virtual time with keepalives and periodic traffic. Memory must
// stay flat: the trace keeps only its retention (and says how much it dropped), and every other
// history (closed connections, series) is bounded.
#include <doctest/doctest.h>

#include <malloc.h>

#include <string>

#include "scenario/scenario.h"
#include "scenario/summary.h"
#include "trace/jsonl.h"

using namespace tcpplay;

namespace {

/// Bytes the C heap has handed out (0 where the allocator does not say, as under ASan).
std::size_t heap_in_use() { return mallinfo2().uordblks; }

const char* const kDay = R"({
  "seed": 3, "duration": "24h",
  "trace": {"max_events": 5000},
  "tcp": {"profile": "linux"},
  "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "server", "addr": "10.0.0.2"}],
  "links": [{"name": "lan", "a": "client", "b": "server", "delay": "5ms", "bandwidth": "10Mbit"}],
  "apps": [
    {"type": "http_server", "name": "web", "host": "server", "port": 80, "processing_time": "20ms"},
    {"type": "http_client", "name": "poller", "host": "client", "server": "server:80", "count": 1440, "start": "30s", "interval": "60s"},
    {"type": "tcp_echo", "name": "echo", "host": "server", "port": 7},
    {"type": "udp_stream_receiver", "name": "rx", "host": "server", "port": 9000},
    {"type": "udp_stream_sender", "name": "tx", "host": "client", "to": "server:9000", "rate": 1, "count": 0}
  ],
  "timeline": [
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 7, "name": "idle",
     "params": {"keepalive": true, "keepalive_idle": "120s", "keepalive_interval": "10s"}}
  ]
})";

}  // namespace

TEST_CASE("long run: a day of keepalives and periodic traffic keeps memory flat") {
  auto loaded = Scenario::load(kDay);
  REQUIRE_MESSAGE(loaded.ok(), loaded.error_text());
  ScenarioRunner runner(std::move(*loaded.scenario));

  // Past 17 h every bounded history is full: 1,000 closed connections kept per host (one per
  // minute from 30 s on), the trace at its retention. From there on nothing may grow.
  runner.run_until(18 * 3600 * kSecond);
  const std::size_t heap_18h = heap_in_use();
  runner.run_until(24 * 3600 * kSecond);
  const std::size_t heap_24h = heap_in_use();

  // The trace holds its retention and says what it dropped.
  const Trace& trace = runner.sim().trace();
  CHECK(trace.end_index() - trace.first_index() <= 5000);
  CHECK(trace.first_index() > 100000);  // events dropped by retention
  CHECK(export_jsonl(trace).rfind(R"({"kind":"trace_truncated","dropped":)", 0) == 0);

  // The traffic really ran all day: 1440 requests on 1440 connections, a datagram a second, and
  // the idle connection is alive through its keepalives.
  const RunSummary s = summarize(runner);
  CHECK(s.closed_not_kept > 0);  // 1440 closed on each side, the last 1000 kept
  const std::string text = format_summary(s);
  CHECK(text.find("succeeded 1440") != std::string::npos);
  CHECK(text.find("received 86400") != std::string::npos);
  REQUIRE(runner.socket("idle") != nullptr);
  CHECK(to_string(runner.socket("idle")->state()) == std::string("ESTABLISHED"));

  // Flat: from hour 18 to hour 24 (360 more connections, 21,600 datagrams, 1.4 M trace events
  // through the retention) the heap grows by less than 32 KiB.
  INFO("heap at 18 h: " << heap_18h << " bytes, at 24 h: " << heap_24h);
  if (heap_18h > 0) CHECK(heap_24h < heap_18h + 32 * 1024);
}
