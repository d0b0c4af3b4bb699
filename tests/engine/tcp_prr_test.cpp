// Proportional Rate Reduction (RFC 6937) against RFC 6675's recovery: the sending pattern during
// fast recovery after one loss in a large window, ACK by ACK, and the window at its end.
#include <doctest/doctest.h>

#include <algorithm>

#include "tcp_fixture.h"

using namespace tcpplay;
using namespace tcpplay::test;

namespace {

/// Keeps the send buffer full with `total` pattern bytes.
struct BulkSender : TcpObserver {
  std::uint64_t total, queued = 0;
  explicit BulkSender(std::uint64_t t) : total(t) {}
  void fill(TcpConnection& c) {
    while (queued < total) {
      const auto chunk = static_cast<std::uint32_t>(std::min<std::uint64_t>(total - queued, 65536));
      const std::uint32_t n = c.send(Payload::pattern(1, queued, chunk));
      queued += n;
      if (n < chunk) break;
    }
  }
  void on_established(TcpConnection& c) override { fill(c); }
  void on_writable(TcpConnection& c) override { fill(c); }
};

/// Counts what arrives and checks it against the sender's pattern stream (seed 1).
struct CountingSink : TcpObserver {
  std::uint64_t received = 0, mismatches = 0;
  void on_data(TcpConnection&, const Payload& d) override {
    if (!d.matches_pattern(1, received)) ++mismatches;
    received += d.size();
  }
};

/// What the sender did during its first fast recovery.
struct Recovery {
  std::vector<std::uint32_t> sent_per_ack;  ///< segments sent in answer to each ACK, in order
  std::uint32_t flight_at_entry = 0;        ///< octets in flight just before recovery began
  std::uint32_t ssthresh = 0;
  std::uint32_t cwnd_at_exit = 0, ssthresh_at_exit = 0;
  std::uint32_t mss = 0;
  std::uint64_t received = 0;
  bool ended = false;

  std::uint32_t acks() const { return static_cast<std::uint32_t>(sent_per_ack.size()); }
  /// Segments sent after each ACK as digits ("1001010101..."), for failure messages.
  std::string pattern() const {
    std::string s;
    for (std::uint32_t k : sent_per_ack)
      s += static_cast<char>('0' + std::min<std::uint32_t>(k, 9));
    return s;
  }
  std::uint32_t sent(std::size_t from, std::size_t to) const {
    std::uint32_t n = 0;
    for (std::size_t i = from; i < to && i < sent_per_ack.size(); ++i) n += sent_per_ack[i];
    return n;
  }
};

/// One bulk transfer on a 100 Mbit/s, 20 ms RTT path (no queueing at these windows) where the
/// sender's 250th packet is lost, by then with about a hundred segments in flight. Steps the
/// simulation one event at a time and, while the sender is in recovery, counts the ACKs that
/// reach it and the data segments (new or retransmitted) it sends after each.
Recovery run_one_loss(const std::string& recovery) {
  LinkParams lp;
  lp.bandwidth_bps = 100'000'000;
  lp.delay = 10 * kMillisecond;
  lp.queue_packets = 1000;
  TcpConfig cfg;
  cfg.send_buffer = 4 << 20;
  cfg.recv_buffer = 4 << 20;
  cfg.nagle = false;
  REQUIRE(cfg.set("recovery", recovery));
  TwoHosts w(lp, cfg, 1);
  CountingSink sink;
  BulkSender sender(3'000'000);
  REQUIRE(w.stcp().listen(80, 16, &sink));
  w.link.script_drops(0, {250});
  REQUIRE(w.ctcp().connect(w.server.addr(), 80, 40000, &sender));
  TcpConnection* c = w.ctcp().connections().front();
  const int client = w.client.index();

  Recovery r;
  bool in = false;
  const Trace& t = w.sim.trace();
  while (!r.ended && w.sim.now() < 20 * kSecond) {
    const TcpSnapshot before = c->snapshot();
    const std::uint64_t mark = t.end_index();
    if (!w.sim.step()) break;
    const TcpSnapshot after = c->snapshot();
    std::uint32_t acks = 0;  // segments from the receiver that reached the sender in this step
    for (std::uint64_t i = mark; i < t.end_index(); ++i) {
      const TraceEvent e = t.at(i);
      const std::optional<Packet> p = e.kind == TraceKind::packet_received && e.host == client
                                          ? t.packet(e.packet_id)
                                          : std::nullopt;
      if (p && p->is_tcp()) ++acks;
    }
    if (!in && after.in_recovery) {
      in = true;
      r.flight_at_entry = before.in_flight;
      r.ssthresh = after.ssthresh;
      r.mss = after.mss;
    }
    if (in && after.in_recovery) {
      // Segments sent in this step: bytes sent / MSS, rounded up (a segment is at most one MSS).
      const auto bytes = static_cast<std::uint32_t>(after.bytes_sent - before.bytes_sent);
      const std::uint32_t segments = (bytes + after.mss - 1) / after.mss;
      for (std::uint32_t a = 1; a < acks; ++a) r.sent_per_ack.push_back(0);
      if (acks > 0) r.sent_per_ack.push_back(segments);
      else if (!r.sent_per_ack.empty()) r.sent_per_ack.back() += segments;
    }
    if (in && !after.in_recovery) {
      r.ended = true;
      r.cwnd_at_exit = after.cwnd;
      r.ssthresh_at_exit = after.ssthresh;
    }
  }
  w.sim.run_until(20 * kSecond);
  r.received = sink.received;
  return r;
}

}  // namespace

TEST_CASE(
    "tcp prr: one loss in a large window: about one segment per two ACKs, cwnd ends at ssthresh "
    "(RFC 6937)") {
  const Recovery r = run_one_loss("prr");
  REQUIRE(r.ended);
  INFO("flight " << r.flight_at_entry << " ssthresh " << r.ssthresh << " acks " << r.acks()
                 << " sent " << r.sent(0, r.acks()) << " pattern " << r.pattern());
  CHECK(r.received == 3'000'000);
  // A large window: well over 50 segments in flight, and NewReno halves it.
  CHECK(r.flight_at_entry > 50 * r.mss);
  CHECK(r.ssthresh == r.flight_at_entry / 2);
  // Nearly every segment in flight above the hole comes back as a (duplicate) ACK.
  CHECK(r.acks() > r.flight_at_entry / r.mss - 5);
  // The first ACK brings the fast retransmit.
  CHECK(r.sent_per_ack.front() == 1);
  // Proportional: sndcnt = CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out, so with
  // ssthresh = RecoverFS / 2 every two ACKs (each delivering one segment) send one segment,
  // from the start of recovery to its end, never a burst.
  const std::uint32_t n = r.acks();
  const std::uint32_t total = r.sent(0, n);
  CHECK(total >= n / 2 - 2);
  CHECK(total <= n / 2 + 2);
  CHECK(r.sent(0, n / 2) >= n / 4 - 2);
  CHECK(r.sent(n / 2, n) >= n / 4 - 2);
  CHECK(*std::max_element(r.sent_per_ack.begin(), r.sent_per_ack.end()) == 1);
  // Never silent for long: at most two ACKs in a row without a segment. (Where pipe falls to
  // ssthresh, near the end, the slow-start reduction bound takes over and sends one per ACK.)
  std::uint32_t run = 0, longest = 0;
  for (std::uint32_t k : r.sent_per_ack) {
    run = k == 0 ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  CHECK(longest <= 2);
  // RFC 6937 §3: at the end of recovery cwnd is ssthresh.
  CHECK(r.cwnd_at_exit == r.ssthresh_at_exit);
  CHECK(r.ssthresh_at_exit == r.ssthresh);
}

TEST_CASE(
    "tcp prr: RFC 6675 recovery, for contrast: silent for the first half, then one segment per "
    "ACK") {
  const Recovery r = run_one_loss("rfc6675");
  REQUIRE(r.ended);
  INFO("flight " << r.flight_at_entry << " ssthresh " << r.ssthresh << " acks " << r.acks()
                 << " pattern " << r.pattern());
  CHECK(r.received == 3'000'000);
  CHECK(r.ssthresh == r.flight_at_entry / 2);
  const std::uint32_t n = r.acks();
  // cwnd = ssthresh at once: after the fast retransmit nothing is sent until pipe falls below
  // ssthresh, about half way through; the second half sends about one segment per ACK.
  CHECK(r.sent_per_ack.front() == 1);
  CHECK(r.sent(1, n / 2 - 3) == 0);
  CHECK(r.sent(n / 2 + 3, n) >= (n - n / 2 - 3) - 2);
  CHECK(r.cwnd_at_exit == r.ssthresh_at_exit);
}

TEST_CASE(
    "tcp prr: 3 MB through 1% loss, duplication and reordering arrive intact, with NewReno and "
    "CUBIC") {
  for (const char* cc : {"newreno", "cubic"}) {
    CAPTURE(cc);
    LinkParams lp;
    lp.delay = 5 * kMillisecond;
    lp.bandwidth_bps = 50'000'000;
    lp.loss = 0.01;
    lp.duplicate = 0.005;
    lp.reorder = 0.01;
    lp.reorder_delay = 2 * kMillisecond;
    TcpConfig cfg;
    cfg.send_buffer = 4 << 20;
    cfg.recv_buffer = 4 << 20;
    REQUIRE(cfg.set("recovery", "prr"));
    REQUIRE(cfg.set("congestion_control", cc));
    TwoHosts w(lp, cfg, 42);
    CountingSink sink;
    BulkSender sender(3'000'000);
    REQUIRE(w.stcp().listen(80, 16, &sink));
    REQUIRE(w.ctcp().connect(w.server.addr(), 80, 40000, &sender));
    w.sim.run_until(120 * kSecond);
    CHECK(sink.received == 3'000'000);
    CHECK(sink.mismatches == 0);
    CHECK(w.drops("loss").size() > 10);
  }
}

TEST_CASE("tcp prr: the recovery parameter is set and read by name, and rejects other values") {
  TcpConfig c;
  CHECK(c.get("recovery").value() == "rfc6675");
  CHECK(c.set("recovery", "prr"));
  CHECK(c.get("recovery").value() == "prr");
  CHECK(c.set("recovery", "bbr").error() == "expected rfc6675 or prr, got bbr");
  CHECK(c.recovery == "prr");
}
