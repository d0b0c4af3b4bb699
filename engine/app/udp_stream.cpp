#include "app/udp_stream.h"

#include <algorithm>

namespace tcpplay {

namespace {
constexpr std::uint64_t kMaxTracked = 1u << 24;  // numbers beyond this are counted as malformed
}

// --- sender ------------------------------------------------------------------------------

UdpStreamSender::UdpStreamSender(Simulation& sim, Host& host, std::string name,
                                 const UdpStreamSenderParams& params)
    : AppBase(sim, host, std::move(name)), params_(params) {
  params_.payload_bytes = std::max<std::uint32_t>(params_.payload_bytes, 8);
  params_.rate = std::max<std::uint64_t>(params_.rate, 1);
  auto s = udp().bind(params_.src_port, this);
  if (!s) {
    narrate("cannot bind: " + s.error());
    return;
  }
  socket_ = *s;
  next_ = set_timer(params_.start, [this] {
    next_ = 0;
    narrate(
        "sending " +
        (params_.count ? std::to_string(params_.count) + " datagrams" : std::string("datagrams")) +
        " of " + std::to_string(params_.payload_bytes) + " bytes to " +
        format_endpoint(params_.to) + " at " + std::to_string(params_.rate) + "/s");
    send_next();
  });
}

UdpStreamSender::~UdpStreamSender() {
  if (socket_) socket_->set_observer(nullptr);
}

void UdpStreamSender::send_next() {
  const SimTime elapsed = now() - params_.start;
  if ((params_.count > 0 && sent_ >= params_.count) ||
      (params_.duration > 0 && elapsed >= params_.duration)) {
    finished_ = true;
    narrate("done: " + std::to_string(sent_) + " datagrams sent");
    return;
  }
  std::vector<std::uint8_t> bytes(params_.payload_bytes, 0);
  for (int i = 0; i < 8; ++i)
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(sent_ >> (56 - 8 * i));
  for (std::size_t i = 8; i < bytes.size(); ++i)
    bytes[i] = Payload::pattern_byte(1, sent_ * params_.payload_bytes + i);
  Status st =
      socket_->send_to(params_.to.addr, params_.to.port, Payload::from_bytes(std::move(bytes)));
  if (!st) {
    ++errors_;
    last_error_ = st.error();
  }
  ++sent_;
  // Datagram i leaves at start + i / rate, computed from i so that no rounding accumulates.
  const SimTime next_at =
      params_.start +
      static_cast<SimTime>(static_cast<unsigned __int128>(sent_) * kSecond / params_.rate);
  next_ = set_timer(next_at, [this] {
    next_ = 0;
    send_next();
  });
}

void UdpStreamSender::on_error(UdpSocket&, const std::string& error) {
  ++errors_;
  if (last_error_ != error) narrate("error: " + error);
  last_error_ = error;
}

void UdpStreamSender::snapshot(JsonWriter& w) const {
  snapshot_header(w);
  w.field("to", format_endpoint(params_.to)).field("rate", params_.rate);
  w.field("sent", sent_).field("errors", errors_).field("last_error", last_error_);
  w.field("finished", finished_);
  time_field(w, "next_send_ns", timer_deadline(next_));
}

// --- receiver ----------------------------------------------------------------------------

UdpStreamReceiver::UdpStreamReceiver(Simulation& sim, Host& host, std::string name,
                                     const UdpStreamReceiverParams& params)
    : AppBase(sim, host, std::move(name)), params_(params) {
  auto s = udp().bind(params_.port, this);
  if (!s) {
    narrate("cannot bind: " + s.error());
    return;
  }
  socket_ = *s;
  narrate("receiving the UDP stream on port " + std::to_string(socket_->port()));
}

UdpStreamReceiver::~UdpStreamReceiver() {
  if (socket_) socket_->set_observer(nullptr);
}

std::uint64_t UdpStreamReceiver::lost() const {
  const std::uint64_t span = std::max(next_expected_, params_.expected);
  return span > unique_ ? span - unique_ : 0;
}

void UdpStreamReceiver::on_datagram(UdpSocket& s, Ipv4Addr from, std::uint16_t from_port,
                                    const Payload& data) {
  ++datagrams_;
  if (first_at_ == kNever) first_at_ = now();
  last_at_ = now();
  const FourTuple t{host().addr(), from, s.port(), from_port};
  if (data.size() < 8) {
    ++malformed_;
    narrate("datagram of " + std::to_string(data.size()) + " bytes carries no sequence number", t);
    return;
  }
  std::uint64_t n = 0;
  for (std::uint32_t i = 0; i < 8; ++i) n = (n << 8) | data.at(i);
  if (n >= kMaxTracked) {
    ++malformed_;
    return;
  }
  if (n >= seen_.size()) seen_.resize(static_cast<std::size_t>(n) + 1, false);
  if (seen_[static_cast<std::size_t>(n)]) {
    ++duplicates_;
    narrate("duplicate of datagram #" + std::to_string(n), t);
    return;
  }
  seen_[static_cast<std::size_t>(n)] = true;
  ++unique_;
  if (n + 1 < next_expected_) {
    ++reordered_;
    narrate("datagram #" + std::to_string(n) + " arrived late (after #" +
                std::to_string(next_expected_ - 1) + ")",
            t);
    return;
  }
  if (n > next_expected_) {
    narrate("gap: #" + std::to_string(next_expected_) +
                (n - 1 > next_expected_ ? "-#" + std::to_string(n - 1) : std::string()) +
                " missing when #" + std::to_string(n) + " arrived",
            t);
  }
  next_expected_ = n + 1;
}

void UdpStreamReceiver::snapshot(JsonWriter& w) const {
  snapshot_header(w);
  w.field("port", params_.port).field("datagrams", datagrams_).field("received", unique_);
  w.field("lost", lost()).field("duplicates", duplicates_).field("reordered", reordered_);
  w.field("malformed", malformed_);
  w.key("highest");
  if (next_expected_ == 0) w.null();
  else w.value(next_expected_ - 1);
  time_field(w, "first_at_ns", first_at_);
  time_field(w, "last_at_ns", last_at_);
}

}  // namespace tcpplay
