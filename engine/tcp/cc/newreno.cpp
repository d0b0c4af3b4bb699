#include "tcp/cc/newreno.h"

#include <algorithm>

namespace tcpplay {

namespace {

// The window never grows past this, so cwnd + SMSS cannot wrap a uint32.
constexpr std::uint32_t kMaxCwnd = 0x7fffffff;

std::uint32_t grow(std::uint32_t cwnd, std::uint32_t by) {
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(std::uint64_t{cwnd} + by, kMaxCwnd));
}

}  // namespace

void NewReno::init(CongestionState& s, std::uint32_t iw_segments, SimTime now) {
  CongestionControl::init(s, iw_segments, now);
  bytes_acked_ = 0;
}

void NewReno::on_ack(CongestionState& s, std::uint32_t acked, SimTime /*now*/, SimTime /*srtt*/) {
  if (acked == 0) return;
  // RFC 5681 §3.1: slow start while cwnd < ssthresh; at equality either may be used, and we
  // switch to congestion avoidance. "cwnd += min(N, SMSS)" is RFC 3465 with L = 1 SMSS, which
  // keeps a stretch ACK from bursting.
  if (s.cwnd < s.ssthresh) {
    s.cwnd = grow(s.cwnd, std::min(acked, s.smss));
    return;
  }
  // Congestion avoidance with appropriate byte counting (RFC 3465 §2.1, endorsed by RFC 5681
  // §3.1): exact integer arithmetic, one SMSS per cwnd of acknowledged bytes, however the ACKs
  // are spaced. The per-ACK form SMSS*SMSS/cwnd rounds down and under-grows with delayed ACKs.
  bytes_acked_ = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(std::uint64_t{bytes_acked_} + acked, kMaxCwnd));
  if (bytes_acked_ >= s.cwnd) {
    bytes_acked_ -= s.cwnd;
    s.cwnd = grow(s.cwnd, s.smss);
  }
}

std::uint32_t NewReno::ssthresh_after_loss(const CongestionState& s,
                                           std::uint32_t flight_size) const {
  return std::max(flight_size / 2, 2 * s.smss);  // RFC 5681 §3.1 eq. (4)
}

void NewReno::on_loss(CongestionState& /*s*/, SimTime /*now*/, bool /*timeout*/) {
  // RFC 3465 §2.1: bytes_acked is reset after a loss (the window it counted against is gone).
  bytes_acked_ = 0;
}

}  // namespace tcpplay
