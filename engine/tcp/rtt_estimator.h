// RFC 6298 retransmission timeout computation.
#pragma once
#include "core/time.h"

namespace tcpplay {

class RttEstimator {
 public:
  RttEstimator(SimTime initial_rto, SimTime min_rto, SimTime max_rto);
  /// Feeds one RTT measurement (RFC 6298 §2.2–2.3); resets the backoff.
  void sample(SimTime rtt);
  /// Doubles the RTO after a retransmission timeout (RFC 6298 §5.5), capped at the maximum.
  void backoff();
  /// RTO to arm now: base RTO (clamped to [min, max]) times the current backoff.
  SimTime rto() const {
    // RFC 6298 §2.4: below the minimum, round up; §2.5: a maximum may be placed (>= 60 s).
    // Inline: every segment sent or acknowledged asks for it.
    SimTime r = base_ < min_ ? min_ : base_ > max_ ? max_ : base_;
    for (int i = 0; i < backoff_ && r < max_; ++i) r *= 2;
    return r < max_ ? r : max_;
  }
  SimTime srtt() const { return srtt_; }
  SimTime rttvar() const { return rttvar_; }
  bool has_sample() const { return has_sample_; }
  int backoff_count() const { return backoff_; }
  void reset_backoff() { backoff_ = 0; }
  /// RFC 6298 §5.7: after the SYN timed out, the RTO is raised to this value once data starts.
  void use_fallback(SimTime rto);
  void set_bounds(SimTime min_rto, SimTime max_rto) {
    min_ = min_rto;
    max_ = max_rto;
  }

 private:
  SimTime base_;  // RTO before backoff
  SimTime min_, max_;
  SimTime srtt_ = 0, rttvar_ = 0;
  bool has_sample_ = false;
  int backoff_ = 0;
};

}  // namespace tcpplay
