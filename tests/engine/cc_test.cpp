// Congestion controllers against RFC 5681 / RFC 6928 (NewReno) and RFC 9438 (CUBIC). The CUBIC
// reference values are computed here in floating point with std::cbrt, independently of the
// engine's integer arithmetic.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>

#include "tcp/cc/congestion_control.h"
#include "tcp/cc/cubic.h"
#include "tcp/cc/newreno.h"

using namespace tcpplay;

namespace {

constexpr std::uint32_t kMss = 1460;

CongestionState state_with_mss(std::uint32_t smss) {
  CongestionState s;
  s.smss = smss;
  return s;
}

/// One RTT of a full window acknowledged one segment per ACK, all at `now`.
void ack_round(CongestionControl& cc, CongestionState& s, SimTime now, SimTime srtt,
               std::uint32_t acked_per_ack = kMss) {
  const std::uint32_t acks = s.cwnd / acked_per_ack;
  for (std::uint32_t i = 0; i < acks; ++i) cc.on_ack(s, acked_per_ack, now, srtt);
}

/// A loss detected by fast retransmit followed by recovery, as the connection drives it:
/// ssthresh first, on_loss, cwnd inflated during recovery, deflated to ssthresh on exit.
void fast_recovery(CongestionControl& cc, CongestionState& s, SimTime now) {
  s.ssthresh = cc.ssthresh_after_loss(s, s.cwnd);
  cc.on_loss(s, now, false);
  s.cwnd = s.ssthresh + 3 * s.smss;  // RFC 5681 §3.2 step 4
  s.cwnd = s.ssthresh;               // full ACK
  cc.on_recovery_exit(s, now);
}

/// RFC 9438 eq. (1)-(2) in segments and seconds.
double rfc_k(double w_max_seg, double cwnd_epoch_seg) {
  return std::cbrt((w_max_seg - cwnd_epoch_seg) / 0.4);
}
double rfc_w_cubic(double t, double k, double w_max_seg) {
  return 0.4 * (t - k) * (t - k) * (t - k) + w_max_seg;
}

double seconds(SimTime t) { return static_cast<double>(t) / kSecond; }

}  // namespace

TEST_CASE("cc: initial window per RFC 6928 and initial ssthresh") {
  NewReno cc;
  struct Case {
    std::uint32_t mss, iw;
  };
  for (Case c : {Case{536, 5360}, Case{1460, 14600}, Case{4000, 14600}}) {
    CAPTURE(c.mss);
    CongestionState s = state_with_mss(c.mss);
    cc.init(s, 0, 0);
    CHECK(s.cwnd == c.iw);
    CHECK(s.ssthresh >= 0x7fffffffu);
  }
  CongestionState s = state_with_mss(1460);
  cc.init(s, 4, 0);
  CHECK(s.cwnd == 4 * 1460);
}

TEST_CASE("cc: factory knows newreno and cubic only") {
  CHECK(std::string(make_congestion_control("newreno")->name()) == "newreno");
  CHECK(std::string(make_congestion_control("cubic")->name()) == "cubic");
  CHECK(make_congestion_control("bbr") == nullptr);
  CHECK(make_congestion_control("") == nullptr);
}

TEST_CASE("reno: slow start doubles cwnd every RTT") {
  NewReno cc;
  CongestionState s = state_with_mss(kMss);
  cc.init(s, 0, 0);
  for (std::uint32_t segs : {20u, 40u, 80u, 160u}) {
    ack_round(cc, s, 0, 0);
    CHECK(s.cwnd == segs * kMss);
  }
}

TEST_CASE("reno: slow start adds at most one SMSS per ACK (RFC 3465, L = 1)") {
  NewReno cc;
  CongestionState s = state_with_mss(kMss);
  cc.init(s, 10, 0);
  cc.on_ack(s, 2 * kMss, 0, 0);  // a delayed ACK
  CHECK(s.cwnd == 11 * kMss);
  cc.on_ack(s, 100, 0, 0);  // a small ACK counts its bytes
  CHECK(s.cwnd == 11 * kMss + 100);
  cc.on_ack(s, 0, 0, 0);
  CHECK(s.cwnd == 11 * kMss + 100);
}

TEST_CASE("reno: congestion avoidance adds one SMSS per cwnd of acknowledged bytes") {
  NewReno cc;
  CongestionState s = state_with_mss(kMss);
  cc.init(s, 20, 0);
  s.ssthresh = s.cwnd;  // at ssthresh: congestion avoidance
  ack_round(cc, s, 0, 0);
  CHECK(s.cwnd == 21 * kMss);
  CHECK(cc.bytes_acked() == 0);

  // Odd-sized ACKs: nothing until a full window's worth, then exactly one SMSS.
  const std::uint32_t window = s.cwnd;
  std::uint32_t total = 0;
  while (total + 1000 < window) {
    cc.on_ack(s, 1000, 0, 0);
    total += 1000;
  }
  CHECK(s.cwnd == window);
  cc.on_ack(s, 1000, 0, 0);
  CHECK(s.cwnd == window + kMss);
  CHECK(cc.bytes_acked() == total + 1000 - window);

  // Ten RTTs with delayed ACKs still grow ten segments.
  for (int i = 0; i < 10; ++i) ack_round(cc, s, 0, 0, 2 * kMss);
  CHECK(s.cwnd >= 31 * kMss);
  CHECK(s.cwnd <= 32 * kMss);
}

TEST_CASE("reno: ssthresh after loss is max(FlightSize/2, 2 SMSS) (RFC 5681 eq. 4)") {
  NewReno cc;
  CongestionState s = state_with_mss(kMss);
  cc.init(s, 0, 0);
  CHECK(cc.ssthresh_after_loss(s, 100000) == 50000);
  CHECK(cc.ssthresh_after_loss(s, 2000) == 2 * kMss);
  CHECK(cc.ssthresh_after_loss(s, 0) == 2 * kMss);
  CHECK(s.cwnd == 14600);  // const: nothing changed
}

TEST_CASE("cubic: integer_cbrt is the exact floor of the cube root") {
  CHECK(integer_cbrt(0) == 0);
  CHECK(integer_cbrt(1) == 1);
  CHECK(integer_cbrt(7) == 1);
  CHECK(integer_cbrt(8) == 2);
  CHECK(integer_cbrt(26) == 2);
  CHECK(integer_cbrt(27) == 3);
  CHECK(integer_cbrt(1'000'000'000'000'000'000ull) == 1'000'000);
  CHECK(integer_cbrt(999'999'999'999'999'999ull) == 999'999);
  const unsigned __int128 two40 = static_cast<unsigned __int128>(1) << 40;
  CHECK(integer_cbrt(two40 * two40 * two40) == (std::uint64_t{1} << 40));
  CHECK(integer_cbrt(two40 * two40 * two40 - 1) == (std::uint64_t{1} << 40) - 1);
  const unsigned __int128 two126 = static_cast<unsigned __int128>(1) << 126;
  CHECK(integer_cbrt(two126 - 1) == (std::uint64_t{1} << 42) - 1);
  // cbrt(75) s (the K of a 100 -> 70 segment reduction) in microseconds: 4.217163...
  CHECK(integer_cbrt(static_cast<unsigned __int128>(75) * 1'000'000'000'000'000'000ull) ==
        4'217'163);

  std::mt19937_64 gen(42);  // test-only randomness
  for (int i = 0; i < 2000; ++i) {
    const unsigned __int128 x = static_cast<unsigned __int128>(gen()) * (gen() >> 4);
    const unsigned __int128 r = integer_cbrt(x);
    CHECK(r * r * r <= x);
    CHECK((r + 1) * (r + 1) * (r + 1) > x);
  }
}

TEST_CASE("cubic: ssthresh is beta_cubic = 0.7 of cwnd, at least 2 SMSS") {
  Cubic cc;
  CongestionState s = state_with_mss(kMss);
  cc.init(s, 100, 0);
  CHECK(cc.ssthresh_after_loss(s, 12345) == 102200);  // flight size is not used
  s.cwnd = 2 * kMss;
  CHECK(cc.ssthresh_after_loss(s, 0) == 2 * kMss);
}

TEST_CASE("cubic: K and W_cubic(t) after a loss follow RFC 9438 eq. 1-2") {
  Cubic cc;
  CongestionState s = state_with_mss(kMss);
  cc.init(s, 100, 0);
  fast_recovery(cc, s, 1 * kSecond);
  CHECK(s.cwnd == 70 * kMss);
  CHECK(cc.w_max() == 100 * kMss);
  CHECK(!cc.in_epoch());

  const SimTime t0 = 2 * kSecond;
  cc.on_ack(s, kMss, t0, 100 * kMillisecond);  // the epoch starts on the first ACK
  REQUIRE(cc.in_epoch());
  CHECK(cc.epoch_start() == t0);
  CHECK(cc.cwnd_epoch() == 70 * kMss);
  const double k = rfc_k(100, 70);
  CHECK(seconds(cc.k()) == doctest::Approx(k).epsilon(1e-6));
  for (double t : {0.0, 0.5, 1.0, 2.0, 3.0, k, 5.0, 6.0, 8.0}) {
    CAPTURE(t);
    const double expected = rfc_w_cubic(t, k, 100) * kMss;
    const double got = cc.w_cubic(static_cast<SimTime>(t * kSecond));
    CHECK(std::abs(got - expected) <= kMss);
    CHECK(std::abs(got - expected) <= 2);  // in fact within rounding
  }
}

TEST_CASE("cubic: cwnd climbs the concave curve to W_max, then probes beyond it") {
  Cubic cc;
  CongestionState s = state_with_mss(kMss);
  cc.init(s, 100, 0);
  fast_recovery(cc, s, 0);
  const SimTime rtt = 100 * kMillisecond;
  const double k = rfc_k(100, 70);
  std::uint32_t prev = s.cwnd;
  for (SimTime now = 0; now < 10 * kSecond; now += rtt) {
    ack_round(cc, s, now, rtt);
    CHECK(s.cwnd >= prev);  // never shrinks on ACKs
    prev = s.cwnd;
    const double t = seconds(now);
    CAPTURE(t);
    if (cc.reno_friendly()) {
      // W_est leads only on the plateau after K (alpha = 1 once W_est passes cwnd_prior) and
      // in the very first round, whose ACKs all arrive at t = 0 where W_cubic(0) = cwnd_epoch.
      CHECK((t > k || t == 0));
      CHECK(s.cwnd >= cc.w_est());
      continue;
    }
    // cwnd chases W_cubic(t + RTT): at most that target, and not far behind W_cubic(t).
    CHECK(s.cwnd <= rfc_w_cubic(t + seconds(rtt), k, 100) * kMss + kMss);
    CHECK(s.cwnd + 2 * kMss >= rfc_w_cubic(t, k, 100) * kMss);
    if (std::abs(t - k) < 0.5) CHECK(std::abs(double(s.cwnd) - 100.0 * kMss) <= 2.0 * kMss);
  }
  CHECK(!cc.reno_friendly());  // the convex region leaves Reno behind again
  CHECK(s.cwnd > 130 * kMss);
}

TEST_CASE("cubic: fast convergence lowers W_max when a loss comes before W_max is reached") {
  Cubic cc;
  CongestionState s = state_with_mss(kMss);
  cc.init(s, 100, 0);
  fast_recovery(cc, s, 0);
  CHECK(cc.w_max() == 100 * kMss);  // first loss: W_max = cwnd
  SimTime now = 0;
  for (; now < 1 * kSecond; now += 100 * kMillisecond) ack_round(cc, s, now, 100 * kMillisecond);
  const std::uint32_t cwnd = s.cwnd;
  REQUIRE(cwnd < 100 * kMss);
  fast_recovery(cc, s, now);
  CHECK(cc.w_max() == static_cast<std::uint32_t>(std::uint64_t{cwnd} * 17 / 20));
  CHECK(cc.cwnd_prior() == cwnd);
  CHECK(s.cwnd == cwnd * 7 / 10);

  // A loss above the previous W_max keeps the full window as W_max.
  Cubic cc2;
  CongestionState s2 = state_with_mss(kMss);
  cc2.init(s2, 50, 0);
  fast_recovery(cc2, s2, 0);
  s2.cwnd = 60 * kMss;
  cc2.on_ack(s2, kMss, 0, 0);  // seen at 60 segments (> W_max = 50)
  const std::uint32_t seen = s2.cwnd;
  fast_recovery(cc2, s2, kSecond);
  CHECK(cc2.w_max() == seen);
}

TEST_CASE("cubic: the Reno-friendly region takes over at small RTT") {
  Cubic cc;
  CongestionState s = state_with_mss(kMss);
  cc.init(s, 20, 0);
  fast_recovery(cc, s, 0);
  const SimTime rtt = 1 * kMillisecond;
  SimTime now = 0;
  for (int i = 0; i < 200; ++i, now += rtt) ack_round(cc, s, now, rtt);
  CHECK(cc.reno_friendly());
  const SimTime t = now - cc.epoch_start();
  CHECK(s.cwnd >= cc.w_est());
  CHECK(s.cwnd > cc.w_cubic(t) + 10 * kMss);
  // RFC 9438 §4.3: alpha = 9/17 until W_est reaches cwnd_prior (20), then Reno's 1 segment per
  // RTT: 14 -> 20 takes about 6 / (9/17) = 11.3 RTTs, leaving ~188 RTTs at 1 segment each.
  CHECK(s.cwnd >= 200 * kMss);
  CHECK(s.cwnd <= 215 * kMss);
}

TEST_CASE("cubic: after a timeout the next epoch starts at K = 0 from the new window (§4.8)") {
  Cubic cc;
  CongestionState s = state_with_mss(kMss);
  cc.init(s, 100, 0);
  s.ssthresh = cc.ssthresh_after_loss(s, s.cwnd);
  s.cwnd = kMss;  // RFC 5681 loss window; the connection may do this before on_loss
  cc.on_loss(s, 0, true);
  CHECK(s.ssthresh == 70 * kMss);
  SimTime now = 0;
  while (s.cwnd < s.ssthresh) cc.on_ack(s, kMss, now += kMillisecond, 10 * kMillisecond);
  CHECK(!cc.in_epoch());
  const std::uint32_t start = s.cwnd;
  cc.on_ack(s, kMss, now, 10 * kMillisecond);
  REQUIRE(cc.in_epoch());
  CHECK(cc.k() == 0);
  CHECK(cc.w_max() == start);
  CHECK(cc.cwnd_prior() == 100 * kMss);
}

TEST_CASE("cubic: a fixed ACK sequence gives a fixed trajectory (determinism guard)") {
  // Integer-only arithmetic: these numbers must be the same on every platform and compiler.
  Cubic cc;
  CongestionState s = state_with_mss(kMss);
  cc.init(s, 0, 0);
  s.ssthresh = 30 * kMss;
  SimTime now = 0;
  std::uint64_t sum = 0;
  for (int round = 0; round < 200; ++round) {
    now += 37 * kMillisecond + round * 1000;
    ack_round(cc, s, now, 40 * kMillisecond, round % 3 == 0 ? 2 * kMss : kMss);
    if (round % 50 == 49) fast_recovery(cc, s, now);
    sum = sum * 31 + s.cwnd;
  }
  CAPTURE(s.cwnd);
  CAPTURE(sum);
  CHECK(s.cwnd == 88126);
  CHECK(sum == 8582879309563681350ull);
}
