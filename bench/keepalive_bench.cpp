// Benchmark 3: many idle TCP connections through the L4 balancer, kept alive for an hour of
// virtual time.
//
//   keepalive_bench [--connections 10000] [--seconds 3600] [--seed 1] [--trace-max-events N]
//
//   client 10.0.0.1 ──front── lb 10.0.0.2 (NLB, VIP 10.0.0.2:80) ──back── server 10.0.1.1:80
//
// The client opens the connections to the VIP one per millisecond (a burst of 10,000 SYNs at
// once would only measure the drop-tail queue); the balancer (engine/middlebox/nlb.*) creates a
// flow for each SYN and rewrites it to the server, which answers through the balancer (its
// default route). Then every connection stays idle; the client sends a keepalive probe after
// 60 s of silence (probes 10 s apart if unanswered), which is activity for the balancer's flow,
// so no flow reaches its 350 s idle timeout. Prints one JSON line.
//
// Memory per idle connection is measured two ways, both as the growth between "the first tenth
// open" (fixed costs such as the links' queue chunks are paid by then) and "every handshake
// done", divided by the connections opened in between (bench/README.md "b3"):
//   * live heap bytes, counted by the operator new/delete below (malloc_usable_size of every
//     block, so allocator rounding counts, its 8-byte headers do not);
//   * resident set size from /proc/self/statm.
// Both include everything one connection costs: the client's and the server's TCP endpoints,
// the balancer's flow, their scheduler events, and the trace's records of the handshake. The
// trace's share is reported separately (Trace::approx_bytes), and --trace-max-events 1 takes it
// out altogether.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "bench_util.h"
#include "middlebox/nlb.h"
#include "sim/simulation.h"

using namespace tcpplay;

// --- live heap bytes ------------------------------------------------------------------------
namespace {
std::size_t g_heap_live = 0;  // single-threaded program: no atomics needed

void* counted_alloc(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (!p) throw std::bad_alloc();
  g_heap_live += malloc_usable_size(p);
  return p;
}
void counted_free(void* p) noexcept {
  if (!p) return;
  g_heap_live -= malloc_usable_size(p);
  std::free(p);
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
// Aligned forms too: the trace's rings allocate their chunks and slabs with them.
void* operator new(std::size_t n, std::align_val_t a) {
  void* p = std::aligned_alloc(static_cast<std::size_t>(a), (n + static_cast<std::size_t>(a) - 1) /
                                                                static_cast<std::size_t>(a) *
                                                                static_cast<std::size_t>(a));
  if (!p) throw std::bad_alloc();
  g_heap_live += malloc_usable_size(p);
  return p;
}
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }

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
  Opener(Simulation& sim, Host& client, Ipv4Addr vip, std::uint32_t count)
      : sim_(sim), client_(client), vip_(vip), count_(count) {
    id_ = sim_.net().sched().add_handler(this);
    sim_.net().sched().schedule(0, id_, 0, 0);
  }
  ~Opener() override { sim_.net().sched().remove_handler(id_); }
  void on_event(std::uint32_t, std::uint64_t n) override {
    if (!sim_.tcp(client_).connect(vip_, 80, 0, nullptr)) ++failed;
    peak_pending = std::max(peak_pending, sim_.net().sched().pending());
    if (n + 1 < count_) sim_.net().sched().schedule(sim_.now() + kMillisecond, id_, 0, n + 1);
  }
  std::uint32_t failed = 0;
  std::size_t peak_pending = 0;  // scheduler events queued, at its highest while opening

 private:
  Simulation& sim_;
  Host& client_;
  Ipv4Addr vip_;
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
  const double trace_max_events = flags.number("--trace-max-events", -1);
  flags.reject_unknown();

  const bench::Stopwatch clock;
  Simulation sim(seed);
  if (trace_max_events >= 0) {
    Trace::Retention r = sim.trace().retention();
    r.max_events = static_cast<std::size_t>(trace_max_events);
    sim.trace().set_retention(r);
  }
  TcpConfig client_cfg;
  client_cfg.keepalive = true;
  client_cfg.keepalive_idle = 60 * kSecond;
  client_cfg.keepalive_interval = 10 * kSecond;
  const TcpConfig server_cfg;  // keepalive off: the client's probes keep both ends alive
  Host& client = sim.add_host("client", 0x0A000001, client_cfg);  // 10.0.0.1
  Host& lb = sim.add_host("lb", 0x0A000002, TcpConfig{});         // 10.0.0.2, the VIP
  Host& server = sim.add_host("server", 0x0A000101, server_cfg);  // 10.0.1.1
  LinkParams lp;
  lp.bandwidth_bps = 1'000'000'000;
  lp.delay = 1 * kMillisecond;
  Link& front = sim.net().add_link("front", client, lb, lp);
  Link& back = sim.net().add_link("back", lb, server, lp);
  // The balancer keeps the client's address, so the server must answer through it.
  server.add_route({0, 0, back.index()});
  NlbParams np;
  np.port = 80;
  np.targets = {{server.addr(), 80}};
  auto& nlb = sim.add_component<NlbBalancer>(sim, lb, "nlb", np);
  if (!sim.tcp(server).listen(80, connections, nullptr)) return 1;

  Opener opener(sim, client, lb.addr(), connections);
  // The baseline is taken once the first tenth are open: by then the costs that do not grow
  // with the number of connections are paid (each link direction's queue chunks, the trace's
  // first chunks), so the growth after it is what connections cost. All are open after
  // connections x 1 ms; measure once every handshake is done (before the first keepalive probe
  // at 60 s).
  const std::uint32_t warmup = connections / 10;
  sim.run_until(static_cast<SimTime>(warmup) * kMillisecond + 5 * kMillisecond);
  const long rss_before = current_rss_kib();
  const std::size_t heap_before = g_heap_live;
  const std::size_t trace_before = sim.trace().approx_bytes();
  const SimTime settled = static_cast<SimTime>(connections) * kMillisecond + 5 * kSecond;
  sim.run_until(settled);
  const long rss_open = current_rss_kib();
  const std::size_t heap_open = g_heap_live;
  const std::size_t pending_open = sim.net().sched().pending();
  const std::size_t trace_open = sim.trace().approx_bytes();
  const std::size_t open_client = established(sim.tcp(client));
  const std::size_t open_server = established(sim.tcp(server));
  const std::size_t flows_open = nlb.flow_count();

  sim.run_until(static_cast<SimTime>(seconds * kSecond));
  const double wall = clock.seconds();
  const std::size_t alive_client = established(sim.tcp(client));
  const std::size_t alive_server = established(sim.tcp(server));

  const double n = connections - warmup;  // the connections opened after the baseline
  const double rss_bytes = static_cast<double>(rss_open - rss_before) * 1024;
  const double heap_bytes = static_cast<double>(heap_open) - static_cast<double>(heap_before);
  const double trace_bytes = static_cast<double>(trace_open) - static_cast<double>(trace_before);
  const auto events = static_cast<double>(sim.net().sched().events_run());
  const auto packets = static_cast<double>(front.stats(0).sent + front.stats(1).sent +
                                           back.stats(0).sent + back.stats(1).sent);
  const NlbBalancer::Counters& nc = nlb.counters();
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
      .num("nlb_flows", static_cast<double>(flows_open))
      .num("alive_at_end", static_cast<double>(alive_client))
      .num("alive_at_end_server", static_cast<double>(alive_server))
      .num("nlb_flows_at_end", static_cast<double>(nlb.flow_count()))
      .num("nlb_flows_expired", static_cast<double>(nc.flows_expired))
      .num("nlb_rsts", static_cast<double>(nc.rst_to_clients + nc.rst_to_targets))
      .num("connect_failures", opener.failed)
      // Per connection = client endpoint + server endpoint + balancer flow (+ the trace's
      // records of its handshake in the first two).
      // With the trace at its default retention the growth includes the trace's records of the
      // handshakes; run with --trace-max-events 1 for the connections' own state (run_bench.py
      // does both).
      .num("bytes_per_conn", rss_bytes / n)
      .num("heap_bytes_per_conn", heap_bytes / n)
      .num("trace_bytes_per_conn", trace_bytes / n)
      .num("pending_events_open", static_cast<double>(pending_open))
      .num("pending_events_peak", static_cast<double>(opener.peak_pending))
      .num("trace_retention_events", static_cast<double>(sim.trace().retention().max_events))
      .num("trace_events_total", static_cast<double>(sim.trace().end_index()))
      .print();
  return 0;
}
