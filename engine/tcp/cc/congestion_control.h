// The small interface every congestion controller implements. Loss detection and recovery
// (fast retransmit, NewReno partial ACKs, SACK recovery) live in the connection; a controller
// only decides how the window grows and how far it falls.
#pragma once
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/time.h"

namespace tcpplay {

struct CongestionState {
  std::uint32_t cwnd = 0;      ///< bytes
  std::uint32_t ssthresh = 0;  ///< bytes; "arbitrarily high" initially (RFC 5681 §3.1)
  std::uint32_t smss = 1460;   ///< sender MSS in bytes
};

class CongestionControl {
 public:
  virtual ~CongestionControl() = default;
  virtual const char* name() const = 0;
  /// Sets the initial window (RFC 6928 unless iw_segments > 0) and ssthresh.
  virtual void init(CongestionState& s, std::uint32_t iw_segments, SimTime now);
  /// Window growth for `acked` newly acknowledged bytes outside recovery (slow start or
  /// congestion avoidance). `srtt` may be 0 before the first sample.
  virtual void on_ack(CongestionState& s, std::uint32_t acked, SimTime now, SimTime srtt) = 0;
  /// The new ssthresh when loss is detected (RFC 5681 eq. 4 for Reno); must not mutate.
  virtual std::uint32_t ssthresh_after_loss(const CongestionState& s,
                                            std::uint32_t flight_size) const = 0;
  /// Told that a loss event happened (fast retransmit or RTO) at `now`, after ssthresh was set.
  virtual void on_loss(CongestionState& s, SimTime now, bool timeout) {}
  /// Told that fast recovery ended at `now` (cwnd already deflated by the connection).
  virtual void on_recovery_exit(CongestionState& s, SimTime now) {}
};

/// "newreno" or "cubic"; nullptr for anything else.
std::unique_ptr<CongestionControl> make_congestion_control(std::string_view name);

}  // namespace tcpplay
