// Reno window growth (RFC 5681 §3.1) with appropriate byte counting (RFC 3465). The "New" part
// of NewReno (partial ACKs in fast recovery, RFC 6582) is loss recovery and lives in the
// connection; this class only grows the window and says how far it falls.
#pragma once
#include <cstdint>

#include "tcp/cc/congestion_control.h"

namespace tcpplay {

class NewReno final : public CongestionControl {
 public:
  const char* name() const override { return "newreno"; }
  void init(CongestionState& s, std::uint32_t iw_segments, SimTime now) override;
  /// Slow start (cwnd < ssthresh): cwnd += min(acked, SMSS). Congestion avoidance: one SMSS
  /// each time a full cwnd of bytes has been acknowledged.
  void on_ack(CongestionState& s, std::uint32_t acked, SimTime now, SimTime srtt) override;
  /// max(FlightSize / 2, 2 * SMSS) (RFC 5681 eq. 4).
  std::uint32_t ssthresh_after_loss(const CongestionState& s,
                                    std::uint32_t flight_size) const override;
  void on_loss(CongestionState& s, SimTime now, bool timeout) override;

  /// Bytes acknowledged in congestion avoidance since cwnd last grew (RFC 3465 bytes_acked).
  std::uint32_t bytes_acked() const { return bytes_acked_; }

 private:
  std::uint32_t bytes_acked_ = 0;
};

}  // namespace tcpplay
