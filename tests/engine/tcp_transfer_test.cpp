// Data transfer: integrity through loss, duplication and reordering; throughput on a clean
// 100 Mbit/s path; fast retransmit, NewReno partial ACKs and SACK recovery; window scaling; URG.
#include <doctest/doctest.h>

#include "tcp_fixture.h"

using namespace tcpplay;
using namespace tcpplay::test;

namespace {
/// Checks every byte against the sender's pattern stream as it is read.
struct PatternSink : TcpObserver {
  std::uint32_t seed;
  std::uint64_t received = 0;
  std::uint64_t mismatches = 0;
  TcpConnection* conn = nullptr;
  explicit PatternSink(std::uint32_t s) : seed(s) {}
  void on_established(TcpConnection& c) override { conn = &c; }
  void on_data(TcpConnection&, const Payload& d) override {
    if (!d.matches_pattern(seed, received)) ++mismatches;
    received += d.size();
  }
};

/// Keeps the send buffer full with `total` pattern bytes.
struct BulkSender : TcpObserver {
  std::uint32_t seed;
  std::uint64_t total, queued = 0;
  BulkSender(std::uint32_t s, std::uint64_t t) : seed(s), total(t) {}
  void fill(TcpConnection& c) {
    while (queued < total) {
      const std::uint32_t chunk =
          static_cast<std::uint32_t>(std::min<std::uint64_t>(total - queued, 65536));
      const std::uint32_t n = c.send(Payload::pattern(seed, queued, chunk));
      queued += n;
      if (n < chunk) break;
    }
  }
  void on_established(TcpConnection& c) override { fill(c); }
  void on_writable(TcpConnection& c) override { fill(c); }
};

TcpConfig bulk_config() {
  TcpConfig cfg;
  cfg.send_buffer = 4 << 20;
  cfg.recv_buffer = 4 << 20;
  return cfg;
}
}  // namespace

TEST_CASE("tcp: 10 MB through 1% loss, duplication and reordering arrive intact and in order") {
  LinkParams lp;
  lp.delay = 5 * kMillisecond;
  lp.bandwidth_bps = 50'000'000;
  lp.loss = 0.01;
  lp.duplicate = 0.005;
  lp.reorder = 0.01;
  lp.reorder_delay = 2 * kMillisecond;
  TwoHosts w(lp, bulk_config(), 42);
  PatternSink sink(9);
  BulkSender sender(9, 10'000'000);
  REQUIRE(w.stcp().listen(80, 16, &sink));
  REQUIRE(w.ctcp().connect(w.server.addr(), 80, 40000, &sender));
  w.sim.run_until(120 * kSecond);
  CHECK(sink.received == 10'000'000);
  CHECK(sink.mismatches == 0);
  CHECK(w.drops("loss").size() > 50);
  MESSAGE("10 MB through 1% loss: ", w.drops("loss").size(), " packets lost, ",
          w.ctcp().connections().front()->snapshot().retransmits, " retransmissions");
}

TEST_CASE(
    "tcp: a 60 s transfer on a clean 100 Mbit/s, 20 ms RTT path reaches at least 90% of the rate") {
  LinkParams lp;
  lp.delay = 10 * kMillisecond;
  lp.bandwidth_bps = 100'000'000;
  lp.queue_packets = 100;
  TwoHosts w(lp, bulk_config(), 1);
  PatternSink sink(3);
  BulkSender sender(3, UINT64_MAX / 2);
  REQUIRE(w.stcp().listen(80, 16, &sink));
  REQUIRE(w.ctcp().connect(w.server.addr(), 80, 40000, &sender));
  w.sim.run_until(60 * kSecond);
  const double goodput = static_cast<double>(sink.received) * 8 / 60.0;
  MESSAGE("goodput ", goodput / 1e6, " Mbit/s");
  CHECK(goodput >= 0.9 * 100e6);
  CHECK(sink.mismatches == 0);
}

TEST_CASE("tcp: one lost segment is repaired by fast retransmit, not by a timeout (RFC 5681 3.2)") {
  for (bool sack : {false, true}) {
    LinkParams lp;
    lp.delay = 10 * kMillisecond;
    TcpConfig cfg = bulk_config();
    cfg.sack = sack;
    TwoHosts w(lp, cfg, 1);
    PatternSink sink(5);
    BulkSender sender(5, 200'000);
    REQUIRE(w.stcp().listen(80, 16, &sink));
    w.link.script_drops(0, {8});  // SYN, ACK, then data: the 6th data segment
    REQUIRE(w.ctcp().connect(w.server.addr(), 80, 40000, &sender));
    w.sim.run_until(10 * kSecond);
    CHECK(sink.received == 200'000);
    CHECK(sink.mismatches == 0);
    const auto snap = w.ctcp().connections().front()->snapshot();
    CHECK(snap.retransmits == 1);
    int rto = 0;
    const Trace& t = w.sim.trace();
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
      if (t.at(i).kind == TraceKind::timer_fired && std::string(t.at(i).name) == "retransmit")
        ++rto;
    CHECK(rto == 0);
  }
}

TEST_CASE(
    "tcp: two losses in one window: NewReno partial ACK (RFC 6582) or SACK (RFC 6675), no "
    "timeout") {
  for (bool sack : {false, true}) {
    LinkParams lp;
    lp.delay = 10 * kMillisecond;
    TcpConfig cfg = bulk_config();
    cfg.sack = sack;
    TwoHosts w(lp, cfg, 1);
    PatternSink sink(5);
    BulkSender sender(5, 300'000);
    REQUIRE(w.stcp().listen(80, 16, &sink));
    w.link.script_drops(0, {8, 11});
    REQUIRE(w.ctcp().connect(w.server.addr(), 80, 40000, &sender));
    w.sim.run_until(10 * kSecond);
    CHECK(sink.received == 300'000);
    CHECK(sink.mismatches == 0);
    const auto snap = w.ctcp().connections().front()->snapshot();
    CHECK(snap.retransmits == 2);
    int rto = 0;
    const Trace& t = w.sim.trace();
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
      if (t.at(i).kind == TraceKind::timer_fired && std::string(t.at(i).name) == "retransmit")
        ++rto;
    CHECK(rto == 0);
  }
}

TEST_CASE("tcp: window scaling is negotiated in the SYNs and scales the window field (RFC 7323)") {
  TwoHosts w({}, bulk_config());
  REQUIRE(w.stcp().listen(80, 16, nullptr));
  auto c = *w.ctcp().connect(w.server.addr(), 80, 40000, nullptr);
  w.sim.run_until(1 * kSecond);
  const auto snap = c->snapshot();
  CHECK(snap.snd_wscale == 7);   // 4 MiB needs a shift of 7 to fit 65535
  CHECK(snap.snd_wnd == 65535);  // from the SYN-ACK, whose window is never scaled (§2.2)
  c->send(Payload::from_text("x"));
  w.sim.run_until(2 * kSecond);
  CHECK(c->snapshot().snd_wnd == (4u << 20));  // the ACK's field 32768 << 7
  const auto pk = w.packets();
  CHECK(pk[0].find("options [mss 1460,sackOK,TS val ") != std::string::npos);
  CHECK(pk[0].find(",nop,wscale 7], length 0") != std::string::npos);
  CHECK(pk[2].find(", win 32768, options [nop,nop,TS val ") != std::string::npos);
}

TEST_CASE(
    "tcp: urgent data carries URG and the pointer, and the receiving app is told (RFC 9293 "
    "3.8.5)") {
  struct UrgentApp : RecordingApp {
    std::uint64_t urgent_at = 0;
    void on_urgent(TcpConnection&, std::uint64_t off) override { urgent_at = off; }
  } app;
  TwoHosts w({}, plain_config());
  REQUIRE(w.stcp().listen(80, 16, &app));
  auto c = *w.ctcp().connect(w.server.addr(), 80, 40000, nullptr);
  w.sim.run_until(1 * kSecond);
  c->send(Payload::from_text("abc"));
  c->send(Payload::from_text("!"), true);
  w.sim.run_until(2 * kSecond);
  CHECK(app.urgent_at == 4);
  bool urg_line = false;
  for (const auto& l : w.packets()) urg_line |= l.find(", urg ") != std::string::npos;
  CHECK(urg_line);
}

TEST_CASE("tcp: fast retransmit works whatever the ISN (sequence wraparound, 32 seeds)") {
  for (std::uint64_t seed = 1; seed <= 32; ++seed) {
    for (bool sack : {false, true}) {
      LinkParams lp;
      lp.delay = 10 * kMillisecond;
      TcpConfig cfg = bulk_config();
      cfg.sack = sack;
      TwoHosts w(lp, cfg, seed);
      PatternSink sink(5);
      BulkSender sender(5, 100'000);
      REQUIRE(w.stcp().listen(80, 16, &sink));
      w.link.script_drops(0, {8, 11});
      REQUIRE(w.ctcp().connect(w.server.addr(), 80, 40000, &sender));
      w.sim.run_until(5 * kSecond);
      INFO("seed " << seed << " sack " << sack);
      CHECK(sink.received == 100'000);
      CHECK(sink.mismatches == 0);
      int rto = 0;
      const Trace& t = w.sim.trace();
      for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i)
        if (t.at(i).kind == TraceKind::timer_fired && std::string(t.at(i).name) == "retransmit")
          ++rto;
      CHECK(rto == 0);
    }
  }
}
