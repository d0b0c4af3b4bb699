// CUBIC congestion control (RFC 9438), entirely in integer arithmetic.
//
// Determinism: native (glibc) and WebAssembly (musl/libc++) runs must agree bit for bit, so no
// floating point and no libm is used here. Time is counted in microseconds, windows in bytes,
// and the cube root is an exact integer floor (integer_cbrt). Fractions of a byte that one ACK
// earns are carried to the next ACK in 16-bit fixed point, so slow growth is not lost to
// rounding.
//
// Call flow: on_ack() below ssthresh is Reno slow start; the first on_ack() at or above
// ssthresh after a loss starts an epoch (t = 0, K from W_max); later ACKs grow cwnd towards
// W_cubic(t + RTT), or to the Reno estimate W_est where that is larger (Reno-friendly region).
#pragma once
#include <cstdint>

#include "tcp/cc/congestion_control.h"

namespace tcpplay {

/// floor(cbrt(x)) exactly, for x < 2^126 (larger inputs saturate at 2^42 - 1).
std::uint64_t integer_cbrt(unsigned __int128 x);

class Cubic final : public CongestionControl {
 public:
  // RFC 9438 §5: C = 0.4 and beta_cubic = 0.7, kept as exact fractions.
  static constexpr std::uint32_t kCNum = 2, kCDen = 5;
  static constexpr std::uint32_t kBetaNum = 7, kBetaDen = 10;
  // alpha_cubic = 3(1 - beta)/(1 + beta) = 0.9/1.7 = 9/17 (RFC 9438 §4.3).
  static constexpr std::uint32_t kAlphaNum = 9, kAlphaDen = 17;
  // Fast convergence (RFC 9438 §4.7): W_max = cwnd * (1 + beta)/2 = cwnd * 17/20.
  static constexpr std::uint32_t kFastConvNum = 17, kFastConvDen = 20;

  const char* name() const override { return "cubic"; }
  void init(CongestionState& s, std::uint32_t iw_segments, SimTime now) override;
  void on_ack(CongestionState& s, std::uint32_t acked, SimTime now, SimTime srtt) override;
  /// max(cwnd * beta_cubic, 2 * SMSS). RFC 9438 §4.6 allows cwnd instead of FlightSize.
  std::uint32_t ssthresh_after_loss(const CongestionState& s,
                                    std::uint32_t flight_size) const override;
  /// Fast retransmit: W_max from the cwnd of the last ACK before the loss (so it does not matter
  /// whether the connection has already reduced s.cwnd), with fast convergence. Timeout: W_max
  /// and K are set when congestion avoidance next begins (RFC 9438 §4.8).
  void on_loss(CongestionState& s, SimTime now, bool timeout) override;
  void on_recovery_exit(CongestionState& s, SimTime now) override;

  // Read-only view for tests and the UI. Windows are in bytes.
  std::uint32_t w_max() const { return w_max_; }
  /// The Reno-friendly estimate W_est (RFC 9438 §4.3), whole bytes.
  std::uint32_t w_est() const { return static_cast<std::uint32_t>(w_est_fp_ >> kFracBits); }
  std::uint32_t cwnd_prior() const { return cwnd_prior_; }
  std::uint32_t cwnd_epoch() const { return cwnd_epoch_; }
  bool in_epoch() const { return epoch_start_ != kNever; }
  SimTime epoch_start() const { return epoch_start_; }
  /// K of the current epoch (microsecond resolution).
  SimTime k() const { return k_us_ * kMicrosecond; }
  /// W_cubic(t) of the current epoch (RFC 9438 eq. 1), `t` measured from the epoch start.
  std::uint32_t w_cubic(SimTime t) const;
  /// Whether the last ACK in congestion avoidance was in the Reno-friendly region.
  bool reno_friendly() const { return reno_friendly_; }

 private:
  static constexpr int kFracBits = 16;

  void start_epoch(const CongestionState& s, SimTime now);
  void update_w_est(const CongestionState& s, std::uint32_t acked);
  void grow_towards(CongestionState& s, std::uint32_t target, std::uint32_t acked);

  std::uint32_t w_max_ = 0;       // window before the last reduction (after fast convergence)
  std::uint32_t cwnd_prior_ = 0;  // cwnd when ssthresh was last set (for alpha_cubic, §4.3)
  std::uint32_t cwnd_epoch_ = 0;  // cwnd when the epoch began
  std::uint32_t cwnd_seen_ = 0;   // cwnd after the last ACK we processed (W_max source)
  std::uint32_t smss_ = 1460;     // SMSS of the epoch (the unit of W_cubic)
  SimTime epoch_start_ = kNever;
  std::int64_t k_us_ = 0;
  std::uint64_t w_est_fp_ = 0;   // W_est in bytes << kFracBits
  std::uint64_t cwnd_frac_ = 0;  // earned fraction of a byte not yet added to cwnd
  bool after_timeout_ = false;
  bool reno_friendly_ = false;
};

}  // namespace tcpplay
