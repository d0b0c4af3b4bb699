#include "app/bulk.h"

#include <algorithm>

namespace tcpplay {

namespace {
std::string say_rate(std::uint64_t bps) {
  if (bps >= 10'000'000) return std::to_string(bps / 1'000'000) + " Mbit/s";
  if (bps >= 10'000) return std::to_string(bps / 1'000) + " kbit/s";
  return std::to_string(bps) + " bit/s";
}
}  // namespace

// --- sender ------------------------------------------------------------------------------

BulkSender::BulkSender(Simulation& sim, Host& host, std::string name,
                       const BulkSenderParams& params)
    : AppBase(sim, host, std::move(name)), params_(params) {
  start_timer_ = set_timer(params_.start, [this] {
    start_timer_ = 0;
    start();
  });
}

BulkSender::~BulkSender() {
  if (conn_) conn_->set_observer(nullptr);
}

void BulkSender::start() {
  const TcpConfig cfg = tcp_config(params_.tcp);
  auto c = tcp().connect(params_.to.addr, params_.to.port, params_.src_port, this, &cfg);
  if (!c) {
    narrate("cannot connect: " + c.error());
    done_ = true;
    return;
  }
  conn_ = *c;
  conn_id_ = conn_->id();
  std::string goal = params_.bytes > 0 ? std::to_string(params_.bytes) + " bytes" : "data";
  if (params_.duration > 0)
    goal += (params_.bytes > 0 ? " or for " : " for ") + say_duration(params_.duration);
  narrate("connecting to " + format_endpoint(params_.to) + " to send " + goal, conn_);
}

void BulkSender::on_established(TcpConnection& c) {
  established_at_ = now();
  narrate("connected: filling the send buffer", &c);
  if (params_.duration > 0)
    stop_timer_ = set_timer(now() + params_.duration, [this] {
      stop_timer_ = 0;
      if (!done_) finish_sending("duration of " + say_duration(params_.duration) + " is over");
    });
  fill();
}

void BulkSender::fill() {
  if (!conn_ || done_) return;
  for (;;) {
    std::uint64_t want = conn_->send_space();
    if (params_.bytes > 0) want = std::min(want, params_.bytes - queued_);
    want = std::min<std::uint64_t>(want, 1u << 30);
    if (want == 0) break;
    const std::uint32_t n = conn_->send(
        Payload::pattern(params_.pattern_seed, queued_, static_cast<std::uint32_t>(want)));
    queued_ += n;
    if (n == 0) break;
  }
  if (params_.bytes > 0 && queued_ >= params_.bytes)
    finish_sending("all " + std::to_string(params_.bytes) + " bytes written");
}

void BulkSender::finish_sending(const std::string& why) {
  done_ = true;
  cancel_timer(stop_timer_);
  narrate(why + " (" + std::to_string(queued_) + " bytes queued)" +
              (params_.close_when_done ? ": closing after the last byte" : ""),
          conn_);
  if (params_.close_when_done && conn_) conn_->close();
}

void BulkSender::on_writable(TcpConnection& c) { fill(); }

void BulkSender::on_closed(TcpConnection& c, const char* reason) {
  acked_at_close_ = c.snapshot().bytes_acked;
  closed_at_ = now();
  close_reason_ = reason;
  conn_ = nullptr;
  done_ = true;
  cancel_timer(stop_timer_);
  narrate(std::string("connection ") + reason + ": " + std::to_string(acked_at_close_) + " of " +
              std::to_string(queued_) + " bytes acknowledged",
          &c);
}

std::uint64_t BulkSender::bytes_acked() const {
  return conn_ ? conn_->snapshot().bytes_acked : acked_at_close_;
}

void BulkSender::snapshot(JsonWriter& w) const {
  snapshot_header(w);
  w.field("to", format_endpoint(params_.to));
  w.field("bytes_target", params_.bytes);
  w.field("duration_ns", params_.duration);
  w.field("conn", conn_id_);
  w.field("state", conn_ ? to_string(conn_->state()) : "CLOSED");
  w.field("bytes_queued", queued_);
  w.field("bytes_acked", bytes_acked());
  w.field("done_writing", done_);
  time_field(w, "established_at_ns", established_at_);
  time_field(w, "closed_at_ns", closed_at_);
  w.field("close_reason", close_reason_);
}

// --- sink --------------------------------------------------------------------------------

std::uint64_t BulkSink::Stats::goodput_bps() const {
  if (bytes == 0 || last_byte_at == kNever || established_at == kNever ||
      last_byte_at <= established_at)
    return 0;
  const auto span = static_cast<unsigned __int128>(last_byte_at - established_at);
  return static_cast<std::uint64_t>(static_cast<unsigned __int128>(bytes) * 8 * kSecond / span);
}

BulkSink::BulkSink(Simulation& sim, Host& host, std::string name, const BulkSinkParams& params)
    : AppBase(sim, host, std::move(name)), params_(params) {
  TcpConfig cfg = tcp_config(params_.tcp);
  cfg.read_rate = params_.read_rate;
  auto l = tcp().listen(params_.port, params_.backlog, this, &cfg);
  if (!l) {
    narrate("cannot listen: " + l.error());
    return;
  }
  narrate("sink listening on port " + std::to_string(params_.port) +
          (params_.read_rate ? ", reading " + std::to_string(params_.read_rate) + " bytes/s"
                             : ", reading at once"));
}

BulkSink::~BulkSink() {
  for (auto& [id, c] : live_) c->set_observer(nullptr);
  if (tcp().listener(params_.port) && tcp().listener(params_.port)->observer == this)
    (void)tcp().unlisten(params_.port);
}

BulkSink::Stats* BulkSink::find(int conn) {
  for (Stats& s : stats_)
    if (s.conn == conn) return &s;
  return nullptr;
}

void BulkSink::on_established(TcpConnection& c) {
  Stats s;
  s.conn = c.id();
  s.peer = format_endpoint(c.tuple().remote_addr, c.tuple().remote_port);
  s.established_at = now();
  stats_.push_back(s);
  live_[c.id()] = &c;
  narrate("accepted connection from " + s.peer, &c);
}

void BulkSink::on_data(TcpConnection& c, const Payload& data) {
  Stats* s = find(c.id());
  if (!s) return;
  if (s->first_byte_at == kNever) s->first_byte_at = now();
  s->last_byte_at = now();
  // A generated piece of the same stream at the expected offset is those bytes by definition
  // (O(1)); anything else is compared byte by byte.
  if (params_.verify && !data.matches_pattern(params_.pattern_seed, s->bytes)) {
    std::uint64_t bad = 0;
    for (std::uint32_t i = 0; i < data.size(); ++i)
      if (data.at(i) != Payload::pattern_byte(params_.pattern_seed, s->bytes + i)) ++bad;
    if (bad > 0 && s->mismatches == 0)
      narrate("data differs from the pattern stream at offset " + std::to_string(s->bytes), &c);
    s->mismatches += bad;
  }
  s->bytes += data.size();
}

void BulkSink::on_peer_closed(TcpConnection& c) {
  Stats* s = find(c.id());
  if (s) {
    s->finished = true;
    narrate("received " + std::to_string(s->bytes) + " bytes, " + std::to_string(s->mismatches) +
                " mismatched, goodput " + say_rate(s->goodput_bps()) + "; closing",
            &c);
  }
  c.close();
}

void BulkSink::on_closed(TcpConnection& c, const char* reason) {
  live_.erase(c.id());
  if (Stats* s = find(c.id())) s->closed = reason;
}

std::uint64_t BulkSink::total_bytes() const {
  std::uint64_t n = 0;
  for (const Stats& s : stats_) n += s.bytes;
  return n;
}

std::uint64_t BulkSink::total_mismatches() const {
  std::uint64_t n = 0;
  for (const Stats& s : stats_) n += s.mismatches;
  return n;
}

void BulkSink::snapshot(JsonWriter& w) const {
  snapshot_header(w);
  w.field("port", params_.port);
  w.field("read_rate", params_.read_rate);
  w.field("bytes", total_bytes());
  w.field("mismatches", total_mismatches());
  w.key("connections").begin_array();
  for (const Stats& s : stats_) {
    auto it = live_.find(s.conn);
    w.begin_object().field("conn", s.conn).field("peer", s.peer);
    w.field("state", it == live_.end() ? "CLOSED" : to_string(it->second->state()));
    w.field("bytes", s.bytes)
        .field("mismatches", s.mismatches)
        .field("goodput_bps", s.goodput_bps());
    time_field(w, "established_at_ns", s.established_at);
    time_field(w, "last_byte_at_ns", s.last_byte_at);
    w.field("finished", s.finished).field("close_reason", s.closed).end_object();
  }
  w.end_array();
}

}  // namespace tcpplay
