// Segment arrival, in the order of RFC 9293 §3.10.7: SYN_SENT (§3.10.7.3), then for the other
// states (§3.10.7.4) the sequence check, RST, SYN, ACK, URG, text and FIN, each step citing its
// rule. Every segment dropped here is traced with the reason.
#include <algorithm>

#include "net/network.h"
#include "tcp/seq.h"
#include "tcp/tcp_connection.h"
#include "tcp/tcp_stack.h"

namespace tcpplay {

namespace {
std::uint32_t get_be32(const std::uint8_t* b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         b[3];
}

std::uint32_t seg_len(const Packet& p) {
  return p.payload.size() + (p.tcp.has(tcp_flag::syn) ? 1 : 0) + (p.tcp.has(tcp_flag::fin) ? 1 : 0);
}
}  // namespace

void TcpConnection::read_options(const TcpOptions& o, bool syn) {
  if (!syn) return;
  // RFC 9293 §3.7.1: without the option the send MSS is 536 (IPv4).
  peer_mss_ = o.mss ? *o.mss : 536;
  ws_ok_ = cfg_->window_scaling && o.window_scale.has_value();
  snd_wscale_ = ws_ok_ ? std::min<std::uint8_t>(*o.window_scale, 14) : 0;  // RFC 7323 §2.3
  if (!ws_ok_) rcv_wscale_ = 0;
  sack_ok_ = cfg_->sack && o.sack_permitted;
  ts_ok_ = cfg_->timestamps && o.has_timestamp;
  if (ts_ok_) ts_recent_ = o.ts_val;
  const std::uint32_t mtu_mss = stack_.path_mtu(tuple_.remote_addr) - 40;
  // Timestamps take 12 bytes of every segment (RFC 7323 §2.2 and Linux's tcp_current_mss).
  eff_mss_ = std::min(peer_mss_, mtu_mss) - (ts_ok_ ? 12 : 0);
  cwnd_.smss = eff_mss_;
}

void TcpConnection::open_passive(const Packet& syn, std::uint64_t packet_id,
                                 std::optional<std::uint32_t> iss) {
  // RFC 9293 §3.10.7.2: RCV.NXT = SEG.SEQ+1, IRS = SEG.SEQ, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
  passive_ = true;
  state_ = TcpState::listen;
  irs_ = syn.tcp.seq;
  rcv_nxt_ = irs_ + 1;
  rcv_adv_ = rcv_nxt_;
  auto opts = decode_tcp_options(syn.tcp.options);
  read_options(opts ? *opts : TcpOptions{}, true);
  iss_ = stack_.choose_iss(iss);
  ts_offset_ = stack_.next_isn();
  snd_una_ = iss_;
  snd_nxt_ = snd_max_ = iss_ + 1;
  buf_seq_ = iss_ + 1;
  recover_ = high_rxt_ = iss_;  // RFC 6582 §3.2: recover starts at the ISS
  snd_wnd_ = syn.tcp.window;    // never scaled in a SYN (RFC 7323 §2.2)
  snd_wl1_ = syn.tcp.seq;
  max_snd_wnd_ = snd_wnd_;
  set_state(TcpState::syn_received, "rcv SYN");
  send_syn(true);
  arm(kRetransmit, rtt_.rto());
  (void)packet_id;
}

void TcpConnection::on_segment(const Packet& p, std::uint64_t packet_id) {
  if (gone_) return;
  TcpOptions o;
  const TcpOptionBytes& raw = p.tcp.options;
  if (raw.len == 12 && raw.data[0] == 1 && raw.data[1] == 1 && raw.data[2] == 8 &&
      raw.data[3] == 10) {
    // What nearly every segment of a connection with timestamps carries: NOP, NOP, TS.
    o.has_timestamp = true;
    o.ts_val = get_be32(&raw.data[4]);
    o.ts_ecr = get_be32(&raw.data[8]);
  } else if (raw.len > 0) {
    auto decoded = decode_tcp_options(raw);
    if (decoded) o = *decoded;
  }
  if (state_ == TcpState::syn_sent) {
    input_syn_sent(p, packet_id);
  } else if (state_ != TcpState::closed && state_ != TcpState::listen) {
    process_segment(p, packet_id, o);
  }
  if (!gone_) {
    output();
    record_sample();
  }
}

void TcpConnection::input_syn_sent(const Packet& p, std::uint64_t packet_id) {
  const TcpHeader& h = p.tcp;
  // §3.10.7.3 first: an ACK must acknowledge our SYN and nothing beyond it.
  if (h.has(tcp_flag::ack) && (seq::le(h.ack, iss_) || seq::gt(h.ack, snd_max_))) {
    if (!h.has(tcp_flag::rst)) send_segment(tcp_flag::rst, h.ack, {}, false, PacketTag::rst_reply);
    trace_drop(packet_id, "ack_not_for_our_syn");
    return;
  }
  // Second: a RST counts only if its ACK acknowledges the SYN.
  if (h.has(tcp_flag::rst)) {
    if (h.has(tcp_flag::ack)) finish("refused", "rcv RST (connection refused)");
    else trace_drop(packet_id, "rst_without_ack_in_syn_sent");
    return;
  }
  if (!h.has(tcp_flag::syn)) {
    trace_drop(packet_id, "no_syn_in_syn_sent");
    return;
  }
  // Fourth: the SYN.
  irs_ = h.seq;
  rcv_nxt_ = h.seq + 1;
  rcv_adv_ = rcv_nxt_;
  auto opts = decode_tcp_options(h.options);
  read_options(opts ? *opts : TcpOptions{}, true);
  snd_wnd_ = h.window;  // unscaled in a SYN
  snd_wl1_ = h.seq;
  snd_wl2_ = h.ack;
  max_snd_wnd_ = snd_wnd_;
  if (h.has(tcp_flag::ack)) {
    snd_una_ = h.ack;
    if (rtt_timing_ && !syn_retransmitted_) rtt_.sample(stack_.net().now() - rtt_start_);
    rtt_timing_ = false;
    if (syn_retransmitted_) rtt_.use_fallback(cfg_->syn_fallback_rto);  // RFC 6298 §5.7
    retries_ = 0;
    disarm(kRetransmit);
    cc_->init(cwnd_, cfg_->initial_window_segments, stack_.net().now());
    // The ACK of the SYN-ACK leaves before anything the application writes when it hears
    // that the connection is open.
    defer_established_notice_ = true;
    set_state(TcpState::established, "rcv SYN,ACK");
    send_ack();
    defer_established_notice_ = false;
    if (observer_ && !gone_) observer_->on_established(*this);
    if (!p.payload.empty() || h.has(tcp_flag::fin)) {
      // Data or FIN on the SYN-ACK: §3.10.7.3 "continue processing at the sixth step".
      if (!p.payload.empty()) process_text(p, h.seq + 1, p.payload);
      if (h.has(tcp_flag::fin) && !gone_) process_fin(p);
    }
    return;
  }
  // Simultaneous open (RFC 9293 §3.5 Fig. 7): SYN_SENT -> SYN_RECEIVED, send SYN,ACK.
  set_state(TcpState::syn_received, "rcv SYN (simultaneous open)");
  send_syn(true);
  arm(kRetransmit, rtt_.rto());
}

bool TcpConnection::acceptable(const Packet& p, std::uint32_t len) const {
  // RFC 9293 §3.10.7.4 Table 6.
  const std::uint32_t wnd = seq::gt(rcv_adv_, rcv_nxt_) ? rcv_adv_ - rcv_nxt_ : 0;
  const std::uint32_t s = p.tcp.seq;
  if (len == 0) return wnd == 0 ? s == rcv_nxt_ : seq::in_window(s, rcv_nxt_, rcv_nxt_ + wnd);
  if (wnd == 0) return false;
  return seq::in_window(s, rcv_nxt_, rcv_nxt_ + wnd) ||
         seq::in_window(s + len - 1, rcv_nxt_, rcv_nxt_ + wnd);
}

void TcpConnection::process_segment(const Packet& p, std::uint64_t packet_id, const TcpOptions& o) {
  const TcpHeader& h = p.tcp;
  // A retransmitted SYN while our SYN,ACK is unanswered: answer it again (Linux tcp_check_req).
  if (state_ == TcpState::syn_received && h.has(tcp_flag::syn) && !h.has(tcp_flag::ack) &&
      h.seq == irs_ && !h.has(tcp_flag::rst)) {
    send_syn(true);
    return;
  }
  const std::uint32_t len = seg_len(p);
  Payload data = p.payload;
  bool fin = h.has(tcp_flag::fin);
  bool ok = acceptable(p, len);
  const std::uint32_t wnd = seq::gt(rcv_adv_, rcv_nxt_) ? rcv_adv_ - rcv_nxt_ : 0;
  if (!ok && wnd == 0 && h.seq == rcv_nxt_ && !h.has(tcp_flag::rst)) {
    // §3.4: with a zero window still process valid ACKs (and URG, RST); the data is dropped.
    data = {};
    fin = false;
    ok = true;
    if (!p.payload.empty()) trace_drop(packet_id, "data_beyond_zero_window");
  }
  // First: the sequence number check.
  if (!ok) {
    if (h.has(tcp_flag::rst)) {
      trace_drop(packet_id, "rst_out_of_window");
      return;
    }
    if (state_ == TcpState::time_wait && fin && h.seq + len == rcv_nxt_) {
      // §3.10.7.4 eighth / §3.6.1: a retransmitted FIN in TIME_WAIT is ACKed and restarts 2MSL.
      send_ack();
      enter_time_wait("rcv retransmitted FIN (restart 2MSL)");
      return;
    }
    trace_drop(packet_id,
               state_ == TcpState::time_wait ? "late_segment_in_time_wait" : "unacceptable_seq");
    send_ack_limited(p, packet_id);
    return;
  }
  if (o.has_timestamp && ts_ok_ && seq::ge(o.ts_val, ts_recent_) && seq::le(h.seq, last_ack_sent_))
    ts_recent_ = o.ts_val;  // RFC 7323 §4.3
  // Trim to the window: drop what was already received, and what lies beyond the right edge.
  std::uint32_t seq_no = h.seq + (h.has(tcp_flag::syn) ? 1 : 0);
  if (seq::lt(seq_no, rcv_nxt_)) {
    const std::uint32_t dup = rcv_nxt_ - seq_no;
    data = dup >= data.size() ? Payload{} : data.slice(dup, data.size() - dup);
    seq_no = rcv_nxt_;
  }
  if (!data.empty() && seq::gt(seq_no + data.size(), rcv_adv_)) {
    const std::uint32_t keep = seq::gt(rcv_adv_, seq_no) ? rcv_adv_ - seq_no : 0;
    data = data.slice(0, keep);
    fin = false;
  }
  if (h.has(tcp_flag::rst)) {
    check_rst(p, packet_id);
    return;
  }
  if (h.has(tcp_flag::syn)) {
    check_syn(p, packet_id);
    return;
  }
  // Fifth: the ACK field. Without ACK the segment is dropped.
  if (!h.has(tcp_flag::ack)) {
    trace_drop(packet_id, "no_ack");
    return;
  }
  restart_keepalive();
  if (!process_ack(p, packet_id, o) || gone_) return;
  if (sack_ok_) update_scoreboard(o);
  if (h.has(tcp_flag::urg)) process_urgent(p);  // sixth
  if (!data.empty()) {                          // seventh
    process_text(p, seq_no, data);
    if (gone_) return;
  }
  if (fin) {  // eighth
    if (seq_no + data.size() == rcv_nxt_) {
      process_fin(p);
    } else {
      ooo_fin_ = true;  // a FIN beyond a hole waits for the hole to fill
      ooo_fin_offset_ = seq_no + data.size() - (irs_ + 1);
    }
  }
}

bool TcpConnection::check_rst(const Packet& p, std::uint64_t packet_id) {
  // Second (RFC 9293 §3.10.7.4, RFC 5961 §3.2): reset only if SEG.SEQ = RCV.NXT exactly; a RST
  // elsewhere in the window gets a challenge ACK. With rfc5961 off, any in-window RST resets.
  if (cfg_->rfc5961 && p.tcp.seq != rcv_nxt_) {
    trace_drop(packet_id, "rst_in_window_challenge_ack");
    send_ack_limited(p, packet_id, PacketTag::challenge_ack);
    return false;
  }
  switch (state_) {
    case TcpState::syn_received:
      if (passive_) {
        // Back to LISTEN: this half-open connection is forgotten; the listener stays.
        set_state(TcpState::listen, "rcv RST");
        gone_ = true;
        for (std::uint32_t k = 0; k < kTimerCount; ++k) disarm(static_cast<TimerKind>(k));
        stack_.release(this, "reset");
        return false;
      }
      finish("refused", "rcv RST (connection refused)");
      return false;
    case TcpState::established:
    case TcpState::fin_wait_1:
    case TcpState::fin_wait_2:
    case TcpState::close_wait: finish("reset", "rcv RST"); return false;
    default: finish("closed", "rcv RST"); return false;
  }
}

bool TcpConnection::check_syn(const Packet& p, std::uint64_t packet_id) {
  // Fourth (RFC 9293 §3.10.7.4): a SYN in SYN_RECEIVED from a passive open returns to LISTEN.
  if (state_ == TcpState::syn_received && passive_) {
    set_state(TcpState::listen, "rcv SYN");
    gone_ = true;
    for (std::uint32_t k = 0; k < kTimerCount; ++k) disarm(static_cast<TimerKind>(k));
    stack_.release(this, "reset");
    return false;
  }
  if (cfg_->rfc5961) {
    // RFC 5961 §4: challenge ACK whatever the sequence number.
    trace_drop(packet_id, "syn_in_synchronized_state_challenge_ack");
    send_ack_limited(p, packet_id, PacketTag::challenge_ack);
    return false;
  }
  // RFC 793: an in-window SYN is an error; reset the connection.
  send_segment(tcp_flag::rst, p.tcp.has(tcp_flag::ack) ? p.tcp.ack : snd_nxt_, {}, false,
               PacketTag::rst_reply);
  finish("reset", "rcv SYN in window (RFC 793)");
  return false;
}

bool TcpConnection::process_ack(const Packet& p, std::uint64_t packet_id, const TcpOptions& o) {
  const TcpHeader& h = p.tcp;
  const std::uint32_t ack = h.ack;
  if (state_ == TcpState::syn_received) {
    if (!(seq::lt(snd_una_, ack) && seq::le(ack, snd_max_))) {
      send_segment(tcp_flag::rst, ack, {}, false);  // <SEQ=SEG.ACK><CTL=RST>
      trace_drop(packet_id, "bad_ack_in_syn_received");
      return false;
    }
    if (rtt_timing_ && !syn_retransmitted_) rtt_.sample(stack_.net().now() - rtt_start_);
    rtt_timing_ = false;
    if (syn_retransmitted_) rtt_.use_fallback(cfg_->syn_fallback_rto);
    retries_ = 0;
    snd_una_ = iss_ + 1;
    snd_wnd_ = static_cast<std::uint32_t>(h.window) << snd_wscale_;
    snd_wl1_ = h.seq;
    snd_wl2_ = ack;
    max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
    disarm(kRetransmit);
    cc_->init(cwnd_, cfg_->initial_window_segments, stack_.net().now());
    set_state(TcpState::established, "rcv ACK of SYN");
    if (gone_) return false;
  }
  // RFC 5961 §5: an ACK outside [SND.UNA - MAX.SND.WND, SND.NXT] is answered and dropped.
  if (seq::gt(ack, snd_max_) ||
      (cfg_->rfc5961 && seq::lt(ack, snd_una_ - std::max(max_snd_wnd_, 1u)))) {
    trace_drop(packet_id, seq::gt(ack, snd_max_) ? "ack_of_unsent_data" : "ack_too_old");
    send_ack_limited(p, packet_id);
    return false;
  }
  const std::uint32_t wnd = static_cast<std::uint32_t>(h.window) << snd_wscale_;
  if (seq::lt(snd_una_, ack)) {
    on_new_ack(ack, o, h.has(tcp_flag::ece));
  } else if (ack == snd_una_ && p.payload.empty() && !h.has(tcp_flag::fin) &&
             snd_max_ != snd_una_ && wnd == snd_wnd_) {
    if (sack_ok_) update_scoreboard(o);
    on_dup_ack();  // RFC 5681 §2 definition of a duplicate ACK
  }
  // Window update (RFC 9293 §3.10.7.4 fifth, WL1/WL2 rule).
  if (seq::lt(snd_wl1_, h.seq) || (snd_wl1_ == h.seq && seq::le(snd_wl2_, ack))) {
    const bool opened = snd_wnd_ == 0 && wnd > 0;
    snd_wnd_ = wnd;
    snd_wl1_ = h.seq;
    snd_wl2_ = ack;
    max_snd_wnd_ = std::max(max_snd_wnd_, wnd);
    if (opened) {
      disarm(kPersist);
      persist_backoff_ = 0;
    }
  }
  const bool fin_acked = fin_sent_ && seq::gt(snd_una_, fin_seq_);
  switch (state_) {
    case TcpState::fin_wait_1:
      if (fin_acked) {
        set_state(TcpState::fin_wait_2, "rcv ACK of FIN");
        // An orphaned FIN_WAIT_2 (the app closed, not just shut down) times out (Linux tcp_fin_timeout).
        if (app_closed_ && cfg_->fin_wait_2_timeout > 0) arm(kFinWait2, cfg_->fin_wait_2_timeout);
      }
      break;
    case TcpState::closing:
      if (fin_acked) enter_time_wait("rcv ACK of FIN");
      break;
    case TcpState::last_ack:
      if (fin_acked) {
        finish("closed", "rcv ACK of FIN");
        return false;
      }
      break;
    default: break;
  }
  return true;
}

void TcpConnection::on_new_ack(std::uint32_t ack, const TcpOptions& o, bool ece) {
  const SimTime now = stack_.net().now();
  const std::uint32_t acked = ack - snd_una_;
  // RTT: from the echoed timestamp (RFC 7323 §4.1, valid for retransmissions too), else from the
  // one timed segment unless it was retransmitted (Karn, RFC 6298 §3).
  if (ts_ok_ && o.has_timestamp && o.ts_ecr != 0) {
    rtt_.sample(static_cast<SimTime>(ts_now() - o.ts_ecr) * kMillisecond);
    rtt_timing_ = false;
  } else if (rtt_timing_ && seq::gt(ack, rtt_seq_)) {
    rtt_.sample(now - rtt_start_);
    rtt_timing_ = false;
  }
  // Drop acknowledged bytes from the send buffer (SYN and FIN carry no buffer bytes).
  const std::uint32_t data_ack = seq::min(ack, data_end_seq());
  if (seq::gt(data_ack, buf_seq_)) {
    std::uint32_t n = data_ack - buf_seq_;
    buf_seq_ += n;
    send_buffered_ -= n;
    bytes_acked_ += n;
    const std::uint32_t removed = n;
    std::size_t popped = 0;
    while (n > 0 && !send_buf_.empty()) {
      Payload& front = send_buf_.front();
      if (front.size() <= n) {
        n -= front.size();
        send_buf_.pop_front();
        ++popped;
      } else {
        front = front.slice(n, front.size() - n);
        n = 0;
      }
    }
    // Keep send_data()'s cursor on the same chunk, now `removed` bytes nearer the front.
    if (cursor_chunk_ >= popped && cursor_start_ >= removed) {
      cursor_chunk_ -= popped;
      cursor_start_ -= removed;
    } else {
      cursor_chunk_ = 0;
      cursor_start_ = 0;
    }
  }
  snd_una_ = ack;
  if (seq::lt(snd_nxt_, snd_una_)) snd_nxt_ = snd_una_;
  retries_ = 0;
  rtt_.reset_backoff();
  unacked_since_ = snd_una_ == snd_max_ ? kNever : now;
  keepalive_probes_ = 0;
  if (snd_urgent_ && seq::ge(snd_una_, snd_up_)) snd_urgent_ = false;
  if (in_recovery_) {
    on_ack_in_recovery(ack, acked);
  } else {
    cc_->on_ack(cwnd_, acked, now, rtt_.srtt());
    dupacks_ = 0;
  }
  (void)ece;
  // RFC 6298 §5.2–5.3: stop the timer when everything is acknowledged, else restart it.
  if (snd_una_ == snd_max_) disarm(kRetransmit);
  else arm(kRetransmit, rtt_.rto());
  if (observer_ && acked > 0 && send_space() > 0) observer_->on_writable(*this);
}

void TcpConnection::process_urgent(const Packet& p) {
  // Sixth (RFC 9293 §3.8.5, §3.10.7.4): RCV.UP = max(RCV.UP, SEG.UP); tell the app.
  const std::uint32_t up = p.tcp.seq + p.tcp.urgent;
  if (!seq::gt(up, rcv_up_) && rcv_up_ != 0) return;
  rcv_up_ = up;
  if (observer_) observer_->on_urgent(*this, up - (irs_ + 1));
  TraceEvent ev;
  ev.time = stack_.net().now();
  ev.kind = TraceKind::app;
  ev.host = stack_.host().index();
  ev.conn = id_;
  ev.tuple = tuple_;
  ev.name = "tcp";
  ev.detail = "urgent data up to stream offset " + std::to_string(up - (irs_ + 1));
  stack_.net().trace().add(std::move(ev));
}

void TcpConnection::process_text(const Packet& p, std::uint32_t seq_no, const Payload& data) {
  if (state_ != TcpState::established && state_ != TcpState::fin_wait_1 &&
      state_ != TcpState::fin_wait_2 && state_ != TcpState::syn_received)
    return;  // §3.10.7.4 seventh: after a FIN, text is ignored
  if (app_closed_ && (state_ == TcpState::fin_wait_1 || state_ == TcpState::fin_wait_2)) {
    // RFC 9293 §3.6.1 SHLD-3 (and Linux): data for an application that closed gets an RST.
    send_segment(tcp_flag::rst, snd_nxt_, {}, false, PacketTag::rst_reply);  // RFC 9293 §3.6.1
    finish("reset", "rcv data after close");
    return;
  }
  const std::uint32_t base = irs_ + 1;
  if (seq_no == rcv_nxt_) {
    recv_queue_.push_back(data);
    recv_queued_ += data.size();
    rcv_nxt_ += data.size();
    const bool filled_hole = !ooo_.empty();
    // Pull in whatever out-of-order data is now contiguous.
    while (!ooo_.empty()) {
      auto it = ooo_.begin();
      const std::uint32_t off = rcv_nxt_ - base;
      if (seq::gt(it->first, off)) break;
      const std::uint32_t skip = off - it->first;
      if (skip < it->second.size()) {
        Payload rest = it->second.slice(skip, it->second.size() - skip);
        recv_queue_.push_back(rest);
        recv_queued_ += rest.size();
        rcv_nxt_ += rest.size();
      }
      ooo_bytes_ -= it->second.size();
      ooo_.erase(it);
    }
    if (ooo_fin_ && rcv_nxt_ - base == ooo_fin_offset_) {
      ooo_fin_ = false;
      process_fin(p);
    } else {
      // RFC 5681 §4.2: an ACK at once when a segment fills a hole; else possibly delayed.
      schedule_ack(filled_hole, data.size() >= eff_mss_);
    }
  } else {
    // Out of order: keep it (RFC 9293 §3.10.7.4 SHLD-31) and send a duplicate ACK at once.
    std::uint32_t off = seq_no - base;
    Payload piece = data;
    auto it = ooo_.lower_bound(off);
    if (it != ooo_.begin()) {
      auto prev = std::prev(it);
      const std::uint32_t prev_end = prev->first + prev->second.size();
      if (seq::gt(prev_end, off)) {
        const std::uint32_t cut = prev_end - off;
        piece = cut >= piece.size() ? Payload{} : piece.slice(cut, piece.size() - cut);
        off = prev_end;
      }
    }
    while (!piece.empty() && it != ooo_.end() && seq::lt(it->first, off + piece.size())) {
      const std::uint32_t it_end = it->first + it->second.size();
      if (seq::le(it_end, off + piece.size()) && seq::ge(it->first, off)) {
        ooo_bytes_ -= it->second.size();
        it = ooo_.erase(it);  // fully covered by the new piece
      } else {
        piece = piece.slice(0, it->first - off);
        break;
      }
    }
    if (!piece.empty()) {
      ooo_bytes_ += piece.size();
      ooo_.emplace(off, piece);
    }
    last_sack_offset_ = seq_no - base;
    schedule_ack(true);
  }
  restart_idle();
  deliver_to_app();
}

void TcpConnection::enter_time_wait(const std::string& cause) {
  for (std::uint32_t k = 0; k < kTimerCount; ++k)
    if (k != kTimeWait) disarm(static_cast<TimerKind>(k));
  if (state_ == TcpState::time_wait)
    stack_.net().trace_note(stack_.host().index(), format_tuple(tuple_) + " TIME_WAIT: " + cause);
  set_state(TcpState::time_wait, cause);
  arm(kTimeWait, cfg_->time_wait);  // 2 x MSL (RFC 9293 §3.4.2 MUST-13)
}

void TcpConnection::process_fin(const Packet& p) {
  // Eighth (RFC 9293 §3.10.7.4): the FIN takes one sequence number; ACK it at once.
  rcv_nxt_ += 1;
  peer_fin_ = true;
  send_ack();
  const bool our_fin_acked = fin_sent_ && seq::gt(snd_una_, fin_seq_);
  switch (state_) {
    case TcpState::syn_received:
    case TcpState::established: set_state(TcpState::close_wait, "rcv FIN"); break;
    case TcpState::fin_wait_1:
      if (our_fin_acked) enter_time_wait("rcv FIN");
      else set_state(TcpState::closing, "rcv FIN (simultaneous close)");
      break;
    case TcpState::fin_wait_2: enter_time_wait("rcv FIN"); break;
    case TcpState::time_wait: enter_time_wait("rcv FIN again (restart 2MSL)"); break;
    default: break;
  }
  (void)p;
  deliver_to_app();
}

}  // namespace tcpplay
