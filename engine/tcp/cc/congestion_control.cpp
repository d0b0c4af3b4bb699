// The default initial window and the controller factory.
#include "tcp/cc/congestion_control.h"

#include <algorithm>

#include "tcp/cc/cubic.h"
#include "tcp/cc/newreno.h"

namespace tcpplay {

namespace {

// RFC 5681 §3.1: "The initial value of ssthresh SHOULD be set arbitrarily high". 2^31 - 1, half
// the uint32 range, so that adding a few segments to it can never wrap.
constexpr std::uint32_t kInitialSsthresh = 0x7fffffff;

// RFC 6928 §2: IW = min(10*MSS, max(2*MSS, 14600)).
std::uint32_t rfc6928_initial_window(std::uint32_t smss) {
  const std::uint64_t mss = smss;
  const std::uint64_t iw = std::min(10 * mss, std::max<std::uint64_t>(2 * mss, 14600));
  return static_cast<std::uint32_t>(iw);
}

}  // namespace

void CongestionControl::init(CongestionState& s, std::uint32_t iw_segments, SimTime /*now*/) {
  if (iw_segments > 0) {
    const std::uint64_t iw = std::uint64_t{iw_segments} * s.smss;
    s.cwnd = static_cast<std::uint32_t>(std::min<std::uint64_t>(iw, kInitialSsthresh));
  } else {
    s.cwnd = rfc6928_initial_window(s.smss);
  }
  s.ssthresh = kInitialSsthresh;
}

std::unique_ptr<CongestionControl> make_congestion_control(std::string_view name) {
  if (name == "newreno") return std::make_unique<NewReno>();
  if (name == "cubic") return std::make_unique<Cubic>();
  return nullptr;
}

}  // namespace tcpplay
