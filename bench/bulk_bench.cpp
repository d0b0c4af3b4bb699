// Benchmarks 1 and 2: bulk TCP transfers over one point-to-point link, configured the way
// bench/ns3/bulk_ns3.cc configures ns-3 3.37, so that both print comparable numbers.
//
//   bulk_bench [--rate-mbps 100] [--seconds 60] [--flows 1] [--loss 0] [--seed 1]
//              [--trace-max-events N] [--prr 1]
//
// Prints one JSON line (read by bench/run_bench.py). The trace stays on at its default
// retention, as a user's run would have it; --trace-max-events changes the retention, to
// measure what the trace costs (bench/README.md). --prr 0 recovers with RFC 6675 alone (the
// engine's default) instead of PRR as ns-3 does, to see what PRR changes.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "bench_util.h"
#include "core/rng.h"
#include "sim/simulation.h"

using namespace tcpplay;

namespace {

/// Counts what the application reads. Bytes are not checked here (the doctest suite does that);
/// a benchmark should measure the engine, not a checker.
struct CountingSink : TcpObserver {
  std::uint64_t received = 0;
  void on_data(TcpConnection&, const Payload& d) override { received += d.size(); }
};

/// An unlimited bulk sender (ns-3's BulkSendApplication with MaxBytes 0): keeps the send buffer
/// full with pattern bytes, which the engine never copies hop by hop.
struct BulkSender : TcpObserver {
  std::uint32_t seed;
  std::uint64_t queued = 0;
  explicit BulkSender(std::uint32_t s) : seed(s) {}
  void fill(TcpConnection& c) {
    for (;;) {
      const std::uint32_t n = c.send(Payload::pattern(seed, queued, 65536));
      queued += n;
      if (n < 65536) break;
    }
  }
  void on_established(TcpConnection& c) override { fill(c); }
  void on_writable(TcpConnection& c) override { fill(c); }
};

/// The TCP settings of the ns-3 comparison (see bench/README.md for each one's ns-3 attribute).
TcpConfig bench_tcp_config(bool prr) {
  TcpConfig cfg;   // "rfc" profile: NewReno, delayed ACK 200 ms, min RTO 1 s
  cfg.mss = 1460;  // advertised; 1448 payload bytes once timestamps take 12
  cfg.timestamps = true;
  cfg.sack = true;
  cfg.window_scaling = true;
  cfg.send_buffer = 4u << 20;        // TcpSocket::SndBufSize
  cfg.recv_buffer = 4u << 20;        // TcpSocket::RcvBufSize
  cfg.initial_window_segments = 10;  // TcpSocket::InitialCwnd
  cfg.delayed_ack = true;
  cfg.ack_every_segments = 2;                    // TcpSocket::DelAckCount
  cfg.delayed_ack_timeout = 200 * kMillisecond;  // TcpSocket::DelAckTimeout
  cfg.rto_min = 1 * kSecond;                     // TcpSocketBase::MinRto
  cfg.congestion_control = "newreno";
  cfg.nagle = false;                       // TcpSocket::TcpNoDelay is true by default in ns-3
  cfg.recovery = prr ? "prr" : "rfc6675";  // TcpSocketBase::RecoveryType = TcpPrrRecovery (default)
  return cfg;
}

/// 1-based numbers of the packets A sends that the link loses: an independent draw per packet,
/// like ns-3's RateErrorModel in packet units. LinkParams::loss would lose ACKs as well (it
/// applies to both directions), so the loss goes through Link::script_drops on A's side only.
std::vector<std::uint64_t> loss_schedule(double p, std::uint64_t max_packets, std::uint64_t seed) {
  std::vector<std::uint64_t> drops;
  Rng rng(seed, "bench:loss");
  for (std::uint64_t n = 1; n <= max_packets; ++n)
    if (rng.bernoulli(p)) drops.push_back(n);
  return drops;
}

}  // namespace

int main(int argc, char** argv) {
  bench::Flags flags(argc, argv);
  const double rate_mbps = flags.number("--rate-mbps", 100);
  const double seconds = flags.number("--seconds", 60);
  const int flows = static_cast<int>(flags.number("--flows", 1));
  const double loss = flags.number("--loss", 0);
  const auto seed = static_cast<std::uint64_t>(flags.number("--seed", 1));
  const double trace_max_events = flags.number("--trace-max-events", -1);
  const bool prr = flags.number("--prr", 1) != 0;
  flags.reject_unknown();

  const bench::Stopwatch clock;
  Simulation sim(seed);
  if (trace_max_events >= 0) {
    Trace::Retention r = sim.trace().retention();
    r.max_events = static_cast<std::size_t>(trace_max_events);
    sim.trace().set_retention(r);
  }
  const TcpConfig cfg = bench_tcp_config(prr);
  Host& a = sim.add_host("A", 0x0A000001, cfg);  // 10.0.0.1
  Host& b = sim.add_host("B", 0x0A000002, cfg);  // 10.0.0.2
  LinkParams lp;
  lp.bandwidth_bps = static_cast<std::uint64_t>(rate_mbps * 1e6);
  lp.delay = 10 * kMillisecond;
  lp.queue_packets = 100;  // drop-tail, each direction (ns-3's device queue is per device too)
  lp.mtu = 1500;
  Link& link = sim.net().add_link("ab", a, b, lp);
  if (loss > 0) {
    // Enough draws for every full-size packet the link can carry in the run, plus slack.
    const auto max_packets =
        static_cast<std::uint64_t>(rate_mbps * 1e6 * seconds / (8 * 1500) * 1.1) + 10000;
    link.script_drops(0, loss_schedule(loss, max_packets, seed));
  }

  std::vector<std::unique_ptr<CountingSink>> sinks;
  std::vector<std::unique_ptr<BulkSender>> senders;
  for (int i = 0; i < flows; ++i) {
    const auto port = static_cast<std::uint16_t>(5000 + i);
    sinks.push_back(std::make_unique<CountingSink>());
    senders.push_back(std::make_unique<BulkSender>(static_cast<std::uint32_t>(i + 1)));
    if (!sim.tcp(b).listen(port, 128, sinks.back().get())) return 1;
    if (!sim.tcp(a).connect(b.addr(), port, 0, senders.back().get())) return 1;
  }

  const SimTime end = static_cast<SimTime>(seconds * kSecond);
  sim.run_until(end);
  const double wall = clock.seconds();

  std::vector<double> goodputs;
  double total = 0;
  for (const auto& s : sinks) {
    goodputs.push_back(static_cast<double>(s->received) * 8 / seconds);
    total += goodputs.back();
  }
  const auto events = static_cast<double>(sim.net().sched().events_run());
  const auto packets = static_cast<double>(link.stats(0).sent + link.stats(1).sent);
  const Trace& trace = sim.trace();
  bench::JsonLine()
      .str("engine", "tcpplay")
      .num("wall_s", wall)
      .num("events", events)
      .num("events_per_s", events / wall)
      .num("packets", packets)
      .num("packets_per_s", packets / wall)
      .num("peak_rss_kib", static_cast<double>(bench::peak_rss_kib()))
      .num("goodput_bps", total)
      .nums("flow_goodput_bps", goodputs)
      .num("jain", bench::jain_index(goodputs))
      .num("drops_a_to_b", static_cast<double>(link.stats(0).dropped))
      .str("recovery", cfg.recovery)
      .num("trace_retention_events", static_cast<double>(trace.retention().max_events))
      .num("trace_events_total", static_cast<double>(trace.end_index()))
      .num("trace_events_dropped", static_cast<double>(trace.first_index()))
      .print();
  return 0;
}
