#include "tcp/rtt_estimator.h"

#include <algorithm>

namespace tcpplay {

RttEstimator::RttEstimator(SimTime initial_rto, SimTime min_rto, SimTime max_rto)
    : base_(initial_rto), min_(min_rto), max_(max_rto) {}

void RttEstimator::sample(SimTime r) {
  if (r < 0) return;
  if (!has_sample_) {
    // RFC 6298 §2.2: SRTT <- R, RTTVAR <- R/2.
    srtt_ = r;
    rttvar_ = r / 2;
    has_sample_ = true;
  } else {
    // RFC 6298 §2.3, beta = 1/4 then alpha = 1/8 (RTTVAR first, with the old SRTT).
    const SimTime err = srtt_ > r ? srtt_ - r : r - srtt_;
    rttvar_ = (3 * rttvar_ + err) / 4;
    srtt_ = (7 * srtt_ + r) / 8;
  }
  // RTO <- SRTT + max(G, K*RTTVAR), K = 4; the clock granularity G is 1 ns here.
  base_ = srtt_ + std::max<SimTime>(1, 4 * rttvar_);
  backoff_ = 0;
}

void RttEstimator::backoff() {
  if (rto() < max_) ++backoff_;
}

void RttEstimator::use_fallback(SimTime rto) {
  // "re-initialized to 3 seconds": the backoff from the SYN's retries ends here too.
  if (!has_sample_ && base_ < rto) base_ = rto;
  backoff_ = 0;
}

}  // namespace tcpplay
