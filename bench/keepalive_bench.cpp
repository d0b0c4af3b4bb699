// Benchmark 3: many idle TCP connections kept alive for an hour of virtual time.
//
//   keepalive_bench [--connections 10000] [--seconds 3600] [--seed 1]
//
// The client opens the connections one per millisecond (a burst of 10,000 SYNs at once would
// only measure the drop-tail queue), then every connection stays idle; the client sends a
// keepalive probe after 60 s of silence (probes 10 s apart if unanswered). Prints one JSON line.
//
// TODO(issue 9, benchmark 3): route these connections through the L4 balancer
// (client -> balancer -> server pool) once engine/middlebox/ provides it; the target
// (under 10 s, under 2 KB per idle connection) is meant for that topology. Until then the
// client connects to the server directly.
#include <cstdint>
#include <cstdio>
#include <unistd.h>

#include "bench_util.h"
#include "sim/simulation.h"

using namespace tcpplay;

namespace {

/// Resident set size now, in KiB (peak RSS cannot show what the connections alone cost).
long current_rss_kib() {
  long pages_total = 0, pages_resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
    std::fclose(f);
  }
  return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/// Opens connection number `arg` at its time, then schedules the next one.
class Opener : public EventHandler {
 public:
  Opener(Simulation& sim, Host& client, Host& server, std::uint32_t count)
      : sim_(sim), client_(client), server_(server), count_(count) {
    id_ = sim_.net().sched().add_handler(this);
    sim_.net().sched().schedule(0, id_, 0, 0);
  }
  ~Opener() override { sim_.net().sched().remove_handler(id_); }
  void on_event(std::uint32_t, std::uint64_t n) override {
    if (!sim_.tcp(client_).connect(server_.addr(), 80, 0, nullptr)) ++failed;
    if (n + 1 < count_) sim_.net().sched().schedule(sim_.now() + kMillisecond, id_, 0, n + 1);
  }
  std::uint32_t failed = 0;

 private:
  Simulation& sim_;
  Host& client_;
  Host& server_;
  std::uint32_t count_;
  HandlerId id_;
};

std::size_t established(TcpStack& stack) {
  std::size_t n = 0;
  for (TcpConnection* c : stack.connections()) n += c->state() == TcpState::established;
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  bench::Flags flags(argc, argv);
  const auto connections = static_cast<std::uint32_t>(flags.number("--connections", 10000));
  const double seconds = flags.number("--seconds", 3600);
  const auto seed = static_cast<std::uint64_t>(flags.number("--seed", 1));
  flags.reject_unknown();

  const bench::Stopwatch clock;
  Simulation sim(seed);
  TcpConfig client_cfg;
  client_cfg.keepalive = true;
  client_cfg.keepalive_idle = 60 * kSecond;
  client_cfg.keepalive_interval = 10 * kSecond;
  const TcpConfig server_cfg;  // keepalive off: the client's probes keep both ends alive
  Host& client = sim.add_host("client", 0x0A000001, client_cfg);
  Host& server = sim.add_host("server", 0x0A000002, server_cfg);
  LinkParams lp;
  lp.bandwidth_bps = 1'000'000'000;
  lp.delay = 1 * kMillisecond;
  Link& link = sim.net().add_link("wire", client, server, lp);
  if (!sim.tcp(server).listen(80, connections, nullptr)) return 1;

  const long rss_before = current_rss_kib();
  const std::size_t trace_before = sim.trace().approx_bytes();
  Opener opener(sim, client, server, connections);
  // All open after connections x 1 ms; measure once every handshake is done.
  const SimTime settled = static_cast<SimTime>(connections) * kMillisecond + 5 * kSecond;
  sim.run_until(settled);
  const long rss_open = current_rss_kib();
  const std::size_t trace_open = sim.trace().approx_bytes();
  const std::size_t open_client = established(sim.tcp(client));
  const std::size_t open_server = established(sim.tcp(server));

  sim.run_until(static_cast<SimTime>(seconds * kSecond));
  const double wall = clock.seconds();
  const std::size_t alive = established(sim.tcp(client));

  const double conn_kib = static_cast<double>(rss_open - rss_before);
  const double trace_kib = static_cast<double>(trace_open - trace_before) / 1024;
  const auto events = static_cast<double>(sim.net().sched().events_run());
  const auto packets = static_cast<double>(link.stats(0).sent + link.stats(1).sent);
  bench::JsonLine()
      .str("engine", "tcpplay")
      .num("wall_s", wall)
      .num("events", events)
      .num("events_per_s", events / wall)
      .num("packets", packets)
      .num("packets_per_s", packets / wall)
      .num("peak_rss_kib", static_cast<double>(bench::peak_rss_kib()))
      .num("connections", connections)
      .num("established_client", static_cast<double>(open_client))
      .num("established_server", static_cast<double>(open_server))
      .num("alive_at_end", static_cast<double>(alive))
      .num("connect_failures", opener.failed)
      // Both endpoints of each connection, with and without the trace's growth meanwhile.
      .num("bytes_per_conn", conn_kib * 1024 / connections)
      .num("bytes_per_conn_excl_trace", (conn_kib - trace_kib) * 1024 / connections)
      .num("trace_retention_events", static_cast<double>(sim.trace().retention().max_events))
      .num("trace_events_total", static_cast<double>(sim.trace().end_index()))
      .print();
  return 0;
}
