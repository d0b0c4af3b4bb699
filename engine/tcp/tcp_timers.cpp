// Timers of one connection. Arming, firing and cancelling are traced, so a person sees each
// deadline on the timeline, with one exception: pushing an armed retransmission, keepalive or
// idle timer's deadline later is not traced. The retransmission timer restarts on every ACK of
// new data (RFC 6298 §5.3), the keepalive and idle timers on every segment, and a line for each
// would drown the rest. For those three a traced deadline is the earliest the timer can fire;
// a timer is pending until its timer_fired or timer_cancelled, and snapshots show the live
// deadline.
#include <algorithm>

#include "net/network.h"
#include "tcp/seq.h"
#include "tcp/tcp_connection.h"
#include "tcp/tcp_stack.h"

namespace tcpplay {

const char* TcpConnection::timer_name(TimerKind k) {
  switch (k) {
    case kRetransmit: return "retransmit";
    case kPersist: return "persist";
    case kDelayedAck: return "delayed_ack";
    case kKeepalive: return "keepalive";
    case kTimeWait: return "time_wait";
    case kFinWait2: return "fin_wait_2";
    case kConnect: return "connect";
    case kRead: return "app_read";
    case kIdle: return "idle";
    case kCork: return "cork";
    case kTimerCount: break;
  }
  return "?";
}

void TcpConnection::arm(TimerKind k, SimTime delay) {
  Network& net = stack_.net();
  const SimTime at = net.now() + delay;
  // Restarts that only push the deadline later are not traced for the timers restarted by
  // traffic (per ACK or per segment); a TIME_WAIT restart by a retransmitted FIN still is.
  const bool restart_later = (k == kRetransmit || k == kKeepalive || k == kIdle) &&
                             timers_[k].armed() && timers_[k].deadline() <= at;
  timers_[k].arm(net.sched(), handler_, k, at);
  // The application read timer ticks constantly on a slow reader; it is not worth a line.
  if (k == kRead || restart_later) return;
  net.trace().add_conn_event(net.now(), TraceKind::timer_set, stack_.host().index(), id_, tuple_,
                             timer_name(k), at);
}

void TcpConnection::disarm(TimerKind k) {
  if (!timers_[k].armed()) return;
  timers_[k].cancel();
  if (k == kRead) return;
  Network& net = stack_.net();
  net.trace().add_conn_event(net.now(), TraceKind::timer_cancelled, stack_.host().index(), id_,
                             tuple_, timer_name(k), kNever);
}

bool TcpConnection::is_current(std::uint32_t kind, std::uint64_t arg) const {
  return kind < kTimerCount && timers_[kind].matches(arg);
}

void TcpConnection::on_event(std::uint32_t kind, std::uint64_t arg) {
  if (gone_ || kind >= kTimerCount ||
      !timers_[kind].fire(stack_.net().sched(), handler_, kind, arg))
    return;
  const auto k = static_cast<TimerKind>(kind);
  Network& net = stack_.net();
  if (k != kRead)
    net.trace().add_conn_event(net.now(), TraceKind::timer_fired, stack_.host().index(), id_,
                               tuple_, timer_name(k), kNever);
  switch (k) {
    case kRetransmit: on_retransmit_timeout(); break;
    case kPersist: on_persist_timeout(); break;
    case kDelayedAck: send_ack(); break;
    case kKeepalive: on_keepalive_timeout(); break;
    case kTimeWait: finish("closed", "timeout 2MSL"); break;
    case kFinWait2: finish("timeout", "timeout FIN_WAIT_2"); break;
    case kConnect: finish("timeout", "timeout connect"); break;
    case kRead: on_read_timer(); break;
    case kCork:
      // TCP_CORK's ceiling (man 7 tcp: "a 200 millisecond ceiling on the time for which output
      // is corked"): the partial segment held goes now.
      if (seq::lt(snd_nxt_, data_end_seq())) {
        sws_override_ = true;
        output();
      }
      break;
    case kIdle:
      if (!observer_ || !observer_->on_idle_timeout(*this)) {
        stack_.net().trace_note(stack_.host().index(),
                                "idle timeout: closing " + format_tuple(tuple_));
        close();
      }
      break;
    case kTimerCount: break;
  }
}

void TcpConnection::on_retransmit_timeout() {
  if (state_ == TcpState::syn_sent || state_ == TcpState::syn_received) {
    const std::uint32_t limit =
        state_ == TcpState::syn_sent ? cfg_->syn_retries : cfg_->synack_retries;
    if (retries_ >= limit) {
      // Linux reports ETIMEDOUT and sends nothing more; the RFC's R2 for SYNs (§3.8.3) is a time.
      if (state_ == TcpState::syn_received && passive_) {
        finish("timeout", "timeout SYN-ACK retries");
      } else {
        finish("timeout", "timeout SYN retries");
      }
      return;
    }
    ++retries_;
    syn_retransmitted_ = true;
    rtt_timing_ = false;  // Karn: no sample from a retransmitted SYN
    // Linux tcp_syn_linear_timeouts: the first N retries keep the initial RTO.
    if (state_ == TcpState::syn_received || retries_ > cfg_->syn_linear_retries) rtt_.backoff();
    ++retransmits_;
    send_syn(state_ == TcpState::syn_received, PacketTag::retransmission);
    arm(kRetransmit, rtt_.rto());
    return;
  }
  if (flight_size() == 0) return;
  const SimTime now = stack_.net().now();
  const bool user_timeout_hit = cfg_->user_timeout > 0 && unacked_since_ != kNever &&
                                now - unacked_since_ >= cfg_->user_timeout;
  if (retries_ >= cfg_->data_retries || user_timeout_hit) {
    finish("timeout", user_timeout_hit ? "timeout user timeout" : "timeout retransmissions");
    return;
  }
  ++retries_;
  // RFC 5681 §3.1 eq. 4 and RFC 6298 §5.4–5.6: ssthresh, loss window, back off, retransmit.
  cwnd_.ssthresh = cc_->ssthresh_after_loss(cwnd_, flight_size());
  cwnd_.cwnd = cwnd_.smss;
  cc_->on_loss(cwnd_, now, true);
  in_recovery_ = false;
  dupacks_ = 0;
  recover_ = snd_max_;  // RFC 6582 §3.2 step 4 after a timeout
  scoreboard_.clear();
  high_rxt_ = snd_una_;
  rtt_.backoff();
  rtt_timing_ = false;
  snd_nxt_ = snd_una_;  // go back: resend from the first unacknowledged byte
  if (!send_one_data_segment()) {
    // Only a FIN is outstanding.
    ++retransmits_;
    send_segment(tcp_flag::fin | tcp_flag::ack, snd_una_, {}, false, PacketTag::retransmission);
    snd_nxt_ = snd_una_ + 1;
  }
  arm(kRetransmit, rtt_.rto());
  record_sample();
}

void TcpConnection::on_persist_timeout() {
  // RFC 9293 §3.8.6.1: probe the zero window, backing off exponentially; the connection stays
  // open as long as probes are answered.
  if (data_end_seq() == snd_nxt_) {
    persist_backoff_ = 0;
    return;
  }
  if (snd_wnd_ > flight_size()) {
    // The window is open but too small for sender SWS avoidance: the override timeout of
    // RFC 9293 §3.8.6.2.1 sends what fits.
    persist_backoff_ = 0;
    sws_override_ = true;
    output();
    sws_override_ = false;
    return;
  }
  const SimTime now = stack_.net().now();
  if (cfg_->user_timeout > 0 && unacked_since_ != kNever &&
      now - unacked_since_ >= cfg_->user_timeout) {
    finish("timeout", "timeout user timeout (zero window)");
    return;
  }
  send_window_probe();
  ++persist_backoff_;
  SimTime next = rtt_.rto();
  for (std::uint32_t i = 0; i < persist_backoff_ && next < cfg_->rto_max; ++i) next *= 2;
  arm(kPersist, std::min(next, cfg_->rto_max));
}

void TcpConnection::restart_keepalive() {
  if (!cfg_->keepalive || !is_synchronized(state_) || state_ == TcpState::time_wait) {
    disarm(kKeepalive);
    return;
  }
  keepalive_probes_ = 0;
  keepalive_on_interval_ = false;
  arm(kKeepalive, cfg_->keepalive_idle);
}

void TcpConnection::on_keepalive_timeout() {
  if (!cfg_->keepalive) return;
  if (keepalive_probes_ >= cfg_->keepalive_count) {
    // Linux tcp_keepalive_timer: out of probes, send RST and report ETIMEDOUT.
    send_rst(snd_nxt_);
    finish("timeout", "timeout keepalive");
    return;
  }
  // RFC 9293 §3.8.4: a probe is a segment with SEG.SEQ = SND.NXT-1, so the peer must ACK it.
  if (flight_size() == 0 && data_end_seq() == snd_nxt_) {
    send_keepalive_probe();
    ++keepalive_probes_;
  }
  keepalive_on_interval_ = true;
  arm(kKeepalive, cfg_->keepalive_interval);
}

void TcpConnection::restart_idle() {
  if (cfg_->idle_timeout == 0 || gone_) {
    disarm(kIdle);
    return;
  }
  arm(kIdle, cfg_->idle_timeout);
}

void TcpConnection::rearm_for_param(TimerKind k, SimTime old_len, SimTime new_len) {
  if (!timers_[k].armed() || old_len == new_len) return;
  if (new_len == 0 && (k == kFinWait2 || k == kConnect || k == kIdle)) {
    disarm(k);  // 0 means "no such timeout"
    return;
  }
  Network& net = stack_.net();
  // The deadline is start + length for these timers (the keepalive and idle timers' start moves
  // with the traffic that restarts them), so the start is the deadline less the old length.
  const SimTime start = timers_[k].deadline() - old_len;
  const SimTime at = std::max(start + new_len, net.now());  // already past: fires at once
  timers_[k].arm(net.sched(), handler_, k, at);
  TraceEvent ev;
  ev.time = net.now();
  ev.kind = TraceKind::timer_set;
  ev.host = stack_.host().index();
  ev.conn = id_;
  ev.tuple = tuple_;
  ev.name = timer_name(k);
  ev.deadline = at;
  ev.detail = "param_change";
  net.trace().add(std::move(ev));
}

void TcpConnection::on_read_timer() {
  // A slow reader takes one chunk per tick, at `read_rate` bytes per second.
  const std::uint32_t chunk = std::max<std::uint32_t>(eff_mss_, 1);
  read(chunk);
  if (gone_ || cfg_->read_rate == 0) {
    deliver_to_app();
    return;
  }
  if (recv_queued_ > 0) {
    const SimTime tick = std::max<SimTime>(
        1, static_cast<SimTime>(chunk) * kSecond / static_cast<SimTime>(cfg_->read_rate));
    arm(kRead, tick);
  }
}

}  // namespace tcpplay
