#include "tcp/cc/cubic.h"

#include <algorithm>

namespace tcpplay {

namespace {

using u128 = unsigned __int128;
using i128 = __int128;

constexpr std::uint32_t kMaxCwnd = 0x7fffffff;  // cwnd + SMSS cannot wrap a uint32
constexpr std::int64_t kUsPerSecond = 1'000'000;
// |t - K| is clamped to 1000 s: C * (1000 s)^3 is 4e8 segments, far past any window, and the
// clamp keeps (t - K)^3 * 2 * SMSS inside 128 bits for any 32-bit SMSS.
constexpr std::int64_t kMaxOffsetUs = 1000 * kUsPerSecond;
constexpr i128 kUs3PerSecond3 = i128{kUsPerSecond} * kUsPerSecond * kUsPerSecond;

std::uint32_t clamp_window(i128 bytes) {
  if (bytes < 0) return 0;
  return bytes > kMaxCwnd ? kMaxCwnd : static_cast<std::uint32_t>(bytes);
}

}  // namespace

std::uint64_t integer_cbrt(u128 x) {
  // Bit by bit from the top: r stays the largest value with r^3 <= x. 42 bits keep r^3 below
  // 2^126, so the cube never overflows. Fixed work, no floating point.
  std::uint64_t r = 0;
  for (int bit = 41; bit >= 0; --bit) {
    const std::uint64_t c = r | (std::uint64_t{1} << bit);
    if (u128{c} * c * c <= x) r = c;
  }
  return r;
}

void Cubic::init(CongestionState& s, std::uint32_t iw_segments, SimTime now) {
  CongestionControl::init(s, iw_segments, now);
  *this = Cubic{};
  cwnd_seen_ = s.cwnd;
  smss_ = s.smss;
}

std::uint32_t Cubic::w_cubic(SimTime t) const {
  // RFC 9438 eq. (1): W_cubic(t) = C * (t - K)^3 + W_max, in segments and seconds; here in
  // bytes and microseconds: C * d^3 * SMSS / 10^18.
  std::int64_t d = std::max<SimTime>(t, 0) / kMicrosecond - k_us_;
  d = std::clamp(d, -kMaxOffsetUs, kMaxOffsetUs);
  const i128 grown = i128{d} * d * d * kCNum * smss_ / (kUs3PerSecond3 * kCDen);
  return clamp_window(i128{w_max_} + grown);
}

void Cubic::start_epoch(const CongestionState& s, SimTime now) {
  epoch_start_ = now;
  cwnd_epoch_ = s.cwnd;
  smss_ = std::max<std::uint32_t>(s.smss, 1);
  w_est_fp_ = std::uint64_t{s.cwnd} << kFracBits;  // §4.3: W_est = cwnd_epoch
  cwnd_frac_ = 0;
  // §4.8: after a timeout, W_max is the cwnd at the start of congestion avoidance and K = 0.
  // The same applies when the window already reached W_max (ssthresh floored at 2 SMSS, or no
  // loss yet): the curve starts on its plateau instead of below it.
  if (after_timeout_ || w_max_ <= cwnd_epoch_) {
    w_max_ = cwnd_epoch_;
    k_us_ = 0;
  } else {
    // §4.2 eq. (2): K = cbrt((W_max - cwnd_epoch) / C) seconds, with the window in segments.
    const u128 k3 = u128{w_max_ - cwnd_epoch_} * kCDen * static_cast<u128>(kUs3PerSecond3) /
                    (u128{kCNum} * smss_);
    k_us_ = static_cast<std::int64_t>(integer_cbrt(k3));
  }
  after_timeout_ = false;
}

void Cubic::update_w_est(const CongestionState& s, std::uint32_t acked) {
  // §4.3: W_est += alpha_cubic * segments_acked / cwnd (segments), alpha_cubic becoming 1 once
  // W_est reaches cwnd_prior. In bytes: alpha * acked * SMSS / cwnd.
  const bool reno_rate = w_est() >= cwnd_prior_;
  const std::uint64_t num = reno_rate ? 1 : kAlphaNum;
  const std::uint64_t den = reno_rate ? 1 : kAlphaDen;
  const u128 inc = (u128{num} * acked * smss_ << kFracBits) / (u128{den} * std::max(s.cwnd, 1u));
  const u128 limit = u128{kMaxCwnd} << kFracBits;
  w_est_fp_ = static_cast<std::uint64_t>(std::min<u128>(w_est_fp_ + inc, limit));
}

void Cubic::grow_towards(CongestionState& s, std::uint32_t target, std::uint32_t acked) {
  // §4.4–4.5: cwnd += (target - cwnd) / cwnd per ACK of one segment; scaled by the bytes this
  // ACK covers so delayed or stretch ACKs reach the target in one RTT as well.
  const std::uint32_t cwnd = std::max(s.cwnd, 1u);
  cwnd_frac_ += static_cast<std::uint64_t>((u128{target - s.cwnd} * acked << kFracBits) / cwnd);
  const std::uint64_t whole = cwnd_frac_ >> kFracBits;
  cwnd_frac_ &= (std::uint64_t{1} << kFracBits) - 1;
  s.cwnd = static_cast<std::uint32_t>(std::min<std::uint64_t>(s.cwnd + whole, target));
}

void Cubic::on_ack(CongestionState& s, std::uint32_t acked, SimTime now, SimTime srtt) {
  if (acked == 0) return;
  if (s.cwnd < s.ssthresh) {
    // §4.10: slow start as Reno (RFC 5681 §3.1, RFC 3465 with L = 1 SMSS).
    s.cwnd = clamp_window(i128{s.cwnd} + std::min(acked, s.smss));
    cwnd_seen_ = s.cwnd;
    return;
  }
  if (!in_epoch()) start_epoch(s, now);
  update_w_est(s, acked);
  const SimTime t = now - epoch_start_;
  reno_friendly_ = w_cubic(t) < w_est();
  if (reno_friendly_) {
    // §4.3: in the Reno-friendly region cwnd follows W_est (never shrinking on an ACK).
    s.cwnd = std::max(s.cwnd, w_est());
  } else {
    // §4.4–4.5: target = W_cubic(t + RTT), kept within [cwnd, 1.5 cwnd].
    const std::uint64_t upper = std::min<std::uint64_t>(std::uint64_t{s.cwnd} * 3 / 2, kMaxCwnd);
    const std::uint32_t target = static_cast<std::uint32_t>(
        std::clamp<std::uint64_t>(w_cubic(t + std::max<SimTime>(srtt, 0)), s.cwnd, upper));
    grow_towards(s, target, acked);
  }
  cwnd_seen_ = s.cwnd;
}

std::uint32_t Cubic::ssthresh_after_loss(const CongestionState& s,
                                         std::uint32_t /*flight_size*/) const {
  // §4.6: ssthresh = cwnd * beta_cubic, floored at 2 SMSS like Reno (RFC 5681 eq. 4).
  const std::uint64_t reduced = std::uint64_t{s.cwnd} * kBetaNum / kBetaDen;
  return static_cast<std::uint32_t>(std::max<std::uint64_t>(reduced, 2 * std::uint64_t{s.smss}));
}

void Cubic::on_loss(CongestionState& s, SimTime /*now*/, bool timeout) {
  const std::uint32_t cwnd = cwnd_seen_ ? cwnd_seen_ : s.cwnd;
  epoch_start_ = kNever;  // the next epoch starts on the first ACK in congestion avoidance
  cwnd_frac_ = 0;
  reno_friendly_ = false;
  cwnd_prior_ = cwnd;
  after_timeout_ = timeout;
  if (timeout) return;  // §4.8: W_max is set when congestion avoidance begins
  // §4.7 fast convergence: a flow whose window stopped short of the previous W_max releases
  // bandwidth for newer flows by aiming lower.
  w_max_ = cwnd < w_max_
               ? static_cast<std::uint32_t>(std::uint64_t{cwnd} * kFastConvNum / kFastConvDen)
               : cwnd;
}

void Cubic::on_recovery_exit(CongestionState& s, SimTime /*now*/) { cwnd_seen_ = s.cwnd; }

}  // namespace tcpplay
