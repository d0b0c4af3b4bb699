#include "tcp/tcp_connection.h"

#include <algorithm>

#include "net/network.h"
#include "tcp/seq.h"
#include "tcp/tcp_stack.h"
#include "trace/socket_error.h"

namespace tcpplay {

const char* to_string(TcpState s) {
  switch (s) {
    case TcpState::closed: return "CLOSED";
    case TcpState::listen: return "LISTEN";
    case TcpState::syn_sent: return "SYN_SENT";
    case TcpState::syn_received: return "SYN_RECEIVED";
    case TcpState::established: return "ESTABLISHED";
    case TcpState::fin_wait_1: return "FIN_WAIT_1";
    case TcpState::fin_wait_2: return "FIN_WAIT_2";
    case TcpState::close_wait: return "CLOSE_WAIT";
    case TcpState::closing: return "CLOSING";
    case TcpState::last_ack: return "LAST_ACK";
    case TcpState::time_wait: return "TIME_WAIT";
  }
  return "?";
}

TcpConnection::TcpConnection(TcpStack& stack, int id, const FourTuple& tuple,
                             std::shared_ptr<const TcpConfig> cfg)
    : stack_(stack),
      cfg_(std::move(cfg)),
      id_(id),
      tuple_(tuple),
      rtt_(cfg_->rto_initial, cfg_->rto_min, cfg_->rto_max),
      cc_(make_congestion_control(cfg_->congestion_control)) {
  if (!cc_) cc_ = make_congestion_control("newreno");
  // RFC 7323 §2.3: the shift that lets the whole receive buffer be offered, at most 14.
  while (cfg_->window_scaling && rcv_wscale_ < 14 && (cfg_->recv_buffer >> rcv_wscale_) > 65535)
    ++rcv_wscale_;
  handler_ = stack_.net().sched().add_handler(this);
}

TcpConnection::~TcpConnection() { stack_.net().sched().remove_handler(handler_); }

void TcpConnection::set_state(TcpState s, const std::string& cause) {
  if (s == state_) return;
  TraceEvent ev;
  ev.time = stack_.net().now();
  ev.kind = TraceKind::state_change;
  ev.host = stack_.host().index();
  ev.conn = id_;
  ev.tuple = tuple_;
  ev.from = to_string(state_);
  ev.to = to_string(s);
  ev.detail = cause;
  stack_.net().trace().add(std::move(ev));
  const TcpState old = state_;
  state_ = s;
  if (old == TcpState::syn_received && passive_ && s != TcpState::established)
    stack_.on_child_gone(this);
  if (s == TcpState::established && (old == TcpState::syn_sent || old == TcpState::syn_received)) {
    disarm(kConnect);
    if (passive_) stack_.on_child_established(this);
    restart_keepalive();
    restart_idle();
    if (observer_ && !defer_established_notice_) observer_->on_established(*this);
  }
}

void TcpConnection::finish(const char* reason, const std::string& cause) {
  if (gone_) return;
  for (std::uint32_t k = 0; k < kTimerCount; ++k) disarm(static_cast<TimerKind>(k));
  const TcpState old = state_;
  set_state(TcpState::closed, cause);
  trace_error_of_close(old, reason, cause);
  gone_ = true;
  stack_.release(this, reason);
  if (observer_) observer_->on_closed(*this, reason);
}

void TcpConnection::trace_error_of_close(TcpState old, const char* reason,
                                         const std::string& cause) {
  // The error the application's socket call gets (Linux sets sk_err and wakes the caller):
  // connect() for an active open that never completed, else the read (or write) waiting on it.
  // A passive connection still in SYN_RECEIVED was never accepted: no application holds it.
  if (passive_ && old == TcpState::syn_received) return;
  const std::string r = reason;
  const char* err = r == "refused"   ? sock_errno::econnrefused
                    : r == "reset"   ? sock_errno::econnreset
                    : r == "timeout" ? sock_errno::etimedout
                                     : nullptr;
  if (!err) return;  // "closed", "aborted": the application's own doing, no error
  const bool connecting = old == TcpState::syn_sent || old == TcpState::syn_received;
  trace_socket_error(stack_.net().trace(), stack_.net().now(), stack_.host().index(), id_, tuple_,
                     err, connecting ? "connect" : "read", cause);
}

void TcpConnection::trace_drop(std::uint64_t packet_id, const char* reason) {
  stack_.net().trace_packet(TraceKind::packet_dropped, stack_.host().index(), -1, packet_id,
                            reason);
}

// --- user calls ---------------------------------------------------------------------------

void TcpConnection::open_active(std::optional<std::uint32_t> iss) {
  // RFC 9293 §3.10.1: select an ISS, send <SEQ=ISS><CTL=SYN>, SND.UNA=ISS, SND.NXT=ISS+1.
  iss_ = stack_.choose_iss(iss);
  snd_una_ = iss_;
  snd_nxt_ = snd_max_ = iss_ + 1;
  buf_seq_ = iss_ + 1;
  recover_ = high_rxt_ = iss_;  // RFC 6582 §3.2: recover starts at the ISS
  ts_offset_ = stack_.next_isn();
  set_state(TcpState::syn_sent, "connect");
  if (stack_.manual) return;
  send_syn(false);
  arm(kRetransmit, rtt_.rto());
  if (cfg_->connect_timeout > 0) arm(kConnect, cfg_->connect_timeout);
}

std::uint32_t TcpConnection::send_space() const {
  return cfg_->send_buffer > send_buffered_ ? cfg_->send_buffer - send_buffered_ : 0;
}

std::uint32_t TcpConnection::send(const Payload& data, bool urgent) {
  // RFC 9293 §3.10.2: SEND is an error once the user closed, or after the connection is gone.
  if (fin_queued_ || gone_ || state_ == TcpState::closed || state_ == TcpState::listen) return 0;
  const std::uint32_t n = std::min(data.size(), send_space());
  if (n == 0) return 0;
  Payload piece = data.slice(0, n);
  // Adjacent pieces of one generated stream become one chunk, so a bulk writer's many small
  // writes do not lengthen the buffer walk of every later segment.
  const bool both_generated =
      !send_buf_.empty() && send_buf_.back().is_pattern() && piece.is_pattern();
  Payload merged = both_generated ? Payload::concat(send_buf_.back(), piece) : Payload{};
  if (merged.is_pattern()) send_buf_.back() = std::move(merged);
  else send_buf_.push_back(std::move(piece));
  send_buffered_ += n;
  write_end_ += n;
  if (urgent) {
    // The urgent pointer points at the octet after the urgent data (RFC 9293 §3.8.5 MUST-62).
    snd_urgent_ = true;
    snd_up_ = data_end_seq();
  }
  restart_idle();
  if (state_ == TcpState::established || state_ == TcpState::close_wait) output();
  return n;
}

void TcpConnection::shutdown_write() {
  if (fin_queued_ || gone_) return;
  switch (state_) {
    case TcpState::listen:
    case TcpState::syn_sent:
      // RFC 9293 §3.10.4: CLOSE in these states deletes the TCB.
      finish("closed", "close");
      return;
    case TcpState::syn_received:
    case TcpState::established:
      // RFC 9293 §3.10.4: queue the FIN after the data, and in any case enter FIN_WAIT_1
      // (from SYN_RECEIVED the FIN waits until the connection is established).
      fin_queued_ = true;
      set_state(TcpState::fin_wait_1, app_closed_ ? "close" : "shutdown");
      output();
      return;
    case TcpState::close_wait:
      fin_queued_ = true;
      set_state(TcpState::last_ack, app_closed_ ? "close" : "shutdown");
      output();
      return;
    default: return;
  }
}

void TcpConnection::close() {
  if (gone_) return;
  app_closed_ = true;
  // Closing with unread data discards it and resets the peer (RFC 9293 §3.10.4 lets an
  // implementation do this; Linux does, and so does the RFC 2525 §2.17 advice).
  if (recv_queued_ > 0 && is_synchronized(state_)) {
    abort();
    return;
  }
  // SO_LINGER on with a linger time of 0: close() discards the send queue and resets the
  // connection (RFC 9293 §3.10.4 lets CLOSE be an ABORT, §3.10.5; Linux tcp_close ->
  // tcp_disconnect): no FIN, no TIME_WAIT. A linger time above 0 only makes a blocking close()
  // wait for the FIN to be acknowledged; the packets are those of a normal close.
  if (cfg_->linger && cfg_->linger_time == 0) {
    abort("close with SO_LINGER 0");
    return;
  }
  shutdown_write();
}

void TcpConnection::abort(const char* cause) {
  if (gone_) return;
  // RFC 9293 §3.10.5: in SYN_RECEIVED, ESTABLISHED, FIN_WAIT_*, CLOSE_WAIT send <SEQ=SND.NXT><CTL=RST>.
  const bool send_reset = state_ == TcpState::syn_received || state_ == TcpState::established ||
                          state_ == TcpState::fin_wait_1 || state_ == TcpState::fin_wait_2 ||
                          state_ == TcpState::close_wait;
  if (send_reset && !stack_.manual) send_rst(snd_nxt_);
  finish("aborted", cause);
}

Status TcpConnection::set_option(std::string_view name, std::string_view value) {
  // A Linux socket option name stands for one parameter (two for SO_LINGER): each is applied
  // below under its own name, so its timer and output rules follow.
  auto pairs = TcpConfig::resolve(name, value);
  if (!pairs) return make_error(pairs.error());
  TcpConfig check = *cfg_;
  if (Status st = check.set(name, value); !st) return st;
  for (const auto& [param, v] : *pairs)
    if (Status st = apply_option(param, v); !st) return st;
  return Status::success();
}

Status TcpConnection::apply_option(std::string_view name, std::string_view value) {
  // Copy on write: the configuration may be shared with other connections.
  TcpConfig own = *cfg_;
  Status s = own.set(name, value);
  if (!s) return s;
  const std::shared_ptr<const TcpConfig> before = std::move(cfg_);
  cfg_ = std::make_shared<const TcpConfig>(std::move(own));
  rtt_.set_bounds(cfg_->rto_min, cfg_->rto_max);
  if (name == "congestion_control") {
    cc_ = make_congestion_control(cfg_->congestion_control);
  }
  // A timer already armed follows a change of its length: deadline = start + new length, at
  // once if that has passed (TIME_WAIT = 2 MSL, RFC 9293 §3.4.2; delayed ACK §3.8.6.3;
  // keepalive §3.8.4). Timers computed from the connection (retransmission, persist) are not
  // parameters: a change of rto_min or rto_max applies when they are next armed.
  if (name == "time_wait") rearm_for_param(kTimeWait, before->time_wait, cfg_->time_wait);
  if (name == "fin_wait_2_timeout")
    rearm_for_param(kFinWait2, before->fin_wait_2_timeout, cfg_->fin_wait_2_timeout);
  if (name == "connect_timeout")
    rearm_for_param(kConnect, before->connect_timeout, cfg_->connect_timeout);
  if (name == "delayed_ack_timeout")
    rearm_for_param(kDelayedAck, before->delayed_ack_timeout, cfg_->delayed_ack_timeout);
  if (name == "keepalive") restart_keepalive();
  if ((name == "keepalive_idle" || name == "keepalive_interval") && !armed(kKeepalive))
    restart_keepalive();
  if (name == "keepalive_idle" && !keepalive_on_interval_)
    rearm_for_param(kKeepalive, before->keepalive_idle, cfg_->keepalive_idle);
  if (name == "keepalive_interval" && keepalive_on_interval_)
    rearm_for_param(kKeepalive, before->keepalive_interval, cfg_->keepalive_interval);
  if (name == "idle_timeout") {
    if (armed(kIdle)) rearm_for_param(kIdle, before->idle_timeout, cfg_->idle_timeout);
    else restart_idle();  // not armed: armed afresh, from now (off when 0)
  }
  if (name == "read_rate") deliver_to_app();
  if ((name == "nagle" || name == "cork") && is_synchronized(state_)) {
    if (!cfg_->cork) disarm(kCork);
    output();  // uncorking sends what was held (man 7 tcp TCP_CORK)
  }
  // TCP_QUICKACK (delayed_ack false): an ACK that was being delayed goes now, as Linux's
  // __tcp_sock_set_quickack sends a scheduled ACK when quickack mode is entered.
  if (name == "delayed_ack" && !cfg_->delayed_ack && armed(kDelayedAck)) {
    disarm(kDelayedAck);
    send_ack();
  }
  return s;
}

std::uint32_t TcpConnection::read(std::uint32_t max_bytes) {
  std::uint32_t done = 0;
  while (done < max_bytes && !recv_queue_.empty()) {
    Payload& front = recv_queue_.front();
    const std::uint32_t take = std::min(front.size(), max_bytes - done);
    Payload piece;
    if (take == front.size()) {
      piece = std::move(front);  // the whole segment, as it usually is
      recv_queue_.pop_front();
    } else {
      piece = front.slice(0, take);
      front = front.slice(take, front.size() - take);
    }
    recv_queued_ -= take;
    done += take;
    bytes_delivered_ += take;
    delivered_offset_ += take;
    if (observer_) observer_->on_data(*this, piece);
    if (gone_) return done;
  }
  if (done > 0 && is_synchronized(state_) && !stack_.manual) {
    // A window update after reading, only when the offered window had shrunk to a quarter of
    // the buffer or less (the sender may be stalled on it) and reading at least doubles it
    // (as Linux's tcp_cleanup_rbuf); smaller gains ride on the next ACK (receiver SWS
    // avoidance, RFC 9293 §3.8.6.2.2).
    const std::uint32_t now_free = receive_space();
    const std::uint32_t advertised = rcv_adv_ - rcv_nxt_;
    if (4 * advertised <= cfg_->recv_buffer && now_free >= 2 * advertised &&
        now_free - advertised >= std::min(cfg_->recv_buffer / 2, eff_mss_))
      send_ack(PacketTag::window_update);
  }
  if (recv_queue_.empty() && peer_fin_ && !peer_fin_told_) {
    peer_fin_told_ = true;
    if (observer_) observer_->on_peer_closed(*this);
  }
  return done;
}

void TcpConnection::deliver_to_app() {
  if (gone_) return;
  if (!auto_read) {
    if (observer_ && (recv_queued_ > 0 || (peer_fin_ && !peer_fin_told_)))
      observer_->on_readable(*this);
    return;
  }
  if (cfg_->read_rate == 0) {
    read(UINT32_MAX);
  } else if (!armed(kRead) && (recv_queued_ > 0 || (peer_fin_ && !peer_fin_told_))) {
    arm(kRead, 0);
  }
}

void TcpConnection::record_sample() {
  // Compared field by field from registers: built as a TcpSample first, GCC merged two 32-bit
  // fields of the stack copy into one 64-bit load right after storing them separately (a
  // store-forwarding stall on every ACK, a third of this function's time).
  const SimTime now = stack_.net().now();
  const std::uint32_t cwnd = cwnd_.cwnd, ssthresh = cwnd_.ssthresh, in_flight = flight_size(),
                      rwnd = rcv_adv_ - rcv_nxt_;
  const SimTime srtt = rtt_.srtt(), rto = rtt_.rto();
  if (!series_.empty()) {
    const TcpSample& last = series_.back();
    if (now - last.t < series_spacing_) return;
    if (last.cwnd == cwnd && last.ssthresh == ssthresh && last.in_flight == in_flight &&
        last.rwnd == rwnd && last.srtt == srtt && last.rto == rto)
      return;
  }
  series_.push_back({now, cwnd, ssthresh, in_flight, rwnd, srtt, rto});
  // Bounded memory on long runs: past the cap keep every other point and double the spacing.
  constexpr std::size_t kMaxSamples = 20000;
  if (series_.size() >= kMaxSamples) {
    std::size_t j = 0;
    for (std::size_t i = 0; i < series_.size(); i += 2) series_[j++] = series_[i];
    series_.resize(j);
    series_spacing_ = std::max<SimTime>(series_spacing_ * 2, kMillisecond);
  }
}

TcpSnapshot TcpConnection::snapshot() const {
  TcpSnapshot s;
  s.id = id_;
  s.host = stack_.host().name();
  s.tuple = tuple_;
  s.state = state_;
  s.passive = passive_;
  s.manual = stack_.manual;
  s.iss = iss_;
  s.irs = irs_;
  s.snd_una = snd_una_;
  s.snd_nxt = snd_nxt_;
  s.snd_wnd = snd_wnd_;
  s.rcv_nxt = rcv_nxt_;
  s.rcv_wnd = rcv_adv_ - rcv_nxt_;
  s.send_buffered = send_buffered_;
  s.send_buffer = cfg_->send_buffer;
  s.recv_buffered = recv_queued_ + ooo_bytes_;
  s.recv_buffer = cfg_->recv_buffer;
  s.cwnd = cwnd_.cwnd;
  s.ssthresh = cwnd_.ssthresh;
  s.in_flight = flight_size();
  s.mss = eff_mss_;
  s.srtt = rtt_.srtt();
  s.rttvar = rtt_.rttvar();
  s.rto = rtt_.rto();
  s.sack = sack_ok_;
  s.timestamps = ts_ok_;
  s.snd_wscale = ws_ok_ ? snd_wscale_ : -1;
  s.rcv_wscale = ws_ok_ ? rcv_wscale_ : -1;
  s.congestion_control = cc_->name();
  s.in_recovery = in_recovery_;
  s.bytes_sent = bytes_sent_;
  s.bytes_acked = bytes_acked_;
  s.bytes_delivered = bytes_delivered_;
  s.retransmits = retransmits_;
  for (std::uint32_t k = 0; k < kTimerCount; ++k)
    if (timers_[k].armed())
      s.timers.push_back({timer_name(static_cast<TimerKind>(k)), timers_[k].deadline()});
  return s;
}

}  // namespace tcpplay
