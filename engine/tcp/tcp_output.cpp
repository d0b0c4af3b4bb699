// What a connection sends and when: data under the send window, congestion window, Nagle and
// sender SWS avoidance (RFC 9293 §3.7.4, §3.8.6.2.1); ACKs, immediate or delayed (§3.8.6.3);
// SYN, FIN and RST; the advertised window under receiver SWS avoidance (§3.8.6.2.2); options.
#include <algorithm>

#include "net/network.h"
#include "tcp/seq.h"
#include "tcp/tcp_connection.h"
#include "tcp/tcp_stack.h"

namespace tcpplay {

namespace {
// Linux TCP_CORK: "a 200 millisecond ceiling on the time for which output is corked" (man 7 tcp).
constexpr SimTime kCorkCeiling = 200 * kMillisecond;
}  // namespace

std::uint32_t TcpConnection::ts_now() const {
  // RFC 7323 §5.4: a millisecond clock, with a per-connection random offset (as Linux does).
  return static_cast<std::uint32_t>(stack_.net().now() / kMillisecond) + ts_offset_;
}

std::uint32_t TcpConnection::data_end_seq() const { return buf_seq_ + send_buffered_; }

std::uint32_t TcpConnection::flight_size() const { return snd_nxt_ - snd_una_; }

std::uint32_t TcpConnection::receive_space() const {
  const std::uint32_t used = recv_queued_ + ooo_bytes_;
  return cfg_->recv_buffer > used ? cfg_->recv_buffer - used : 0;
}

std::uint16_t TcpConnection::advertised_window() {
  const std::uint32_t space = receive_space();
  if (state_ == TcpState::syn_sent || state_ == TcpState::syn_received ||
      state_ == TcpState::listen || state_ == TcpState::closed) {
    // RFC 7323 §2.2: the window in a SYN is never scaled.
    const std::uint32_t w = std::min<std::uint32_t>(space, 65535);
    rcv_adv_ = seq::max(rcv_adv_, rcv_nxt_ + w);
    return static_cast<std::uint16_t>(w);
  }
  const std::uint8_t shift = ws_ok_ ? rcv_wscale_ : 0;
  const std::uint32_t current = seq::gt(rcv_adv_, rcv_nxt_) ? rcv_adv_ - rcv_nxt_ : 0;
  std::uint32_t want = current;
  // Receiver SWS avoidance: open the right edge only by at least min(RCV.BUFF/2, MSS).
  if (space > current && space - current >= std::min(cfg_->recv_buffer / 2, eff_mss_)) want = space;
  want = std::min<std::uint32_t>(want, 65535u << shift);
  std::uint32_t field = want >> shift;
  // Never shrink the window already offered (RFC 9293 §3.8.6 SHLD-14): round up if needed.
  if ((field << shift) < current)
    field = std::min<std::uint32_t>((current + (1u << shift) - 1) >> shift, 65535);
  rcv_adv_ = seq::max(rcv_adv_, rcv_nxt_ + (field << shift));
  return static_cast<std::uint16_t>(field);
}

TcpOptions TcpConnection::build_options(bool syn) const {
  TcpOptions o;
  if (syn) {
    const std::uint32_t mtu_mss = stack_.path_mtu(tuple_.remote_addr) - 40;
    o.mss = static_cast<std::uint16_t>(std::min(cfg_->mss, mtu_mss));
    const bool answering = state_ == TcpState::syn_received;  // SYN-ACK: echo only what was offered
    if (cfg_->window_scaling && (!answering || ws_ok_)) o.window_scale = rcv_wscale_;
    if (cfg_->sack && (!answering || sack_ok_)) o.sack_permitted = true;
    if (cfg_->timestamps && (!answering || ts_ok_)) {
      o.has_timestamp = true;
      o.ts_val = ts_now();
      o.ts_ecr = answering ? ts_recent_ : 0;
    }
    return o;
  }
  if (ts_ok_) {
    o.has_timestamp = true;
    o.ts_val = ts_now();
    o.ts_ecr = ts_recent_;
  }
  if (sack_ok_ && !ooo_.empty()) {
    // RFC 2018 §4: the first block covers the most recently received segment; then the others.
    const int max_blocks = ts_ok_ ? 3 : 4;
    const std::uint32_t base = irs_ + 1;
    std::vector<SackBlock> blocks;
    std::uint32_t lo = 0, hi = 0;
    bool open = false;
    for (const auto& [off, data] : ooo_) {
      if (open && off == hi) {
        hi += data.size();
        continue;
      }
      if (open) blocks.push_back({base + lo, base + hi});
      lo = off;
      hi = off + data.size();
      open = true;
    }
    if (open) blocks.push_back({base + lo, base + hi});
    std::stable_partition(blocks.begin(), blocks.end(), [&](const SackBlock& b) {
      const std::uint32_t last = base + last_sack_offset_;
      return seq::le(b.left, last) && seq::lt(last, b.right);
    });
    for (const SackBlock& b : blocks) {
      if (o.sack_count == max_blocks) break;
      o.sack[o.sack_count++] = b;
    }
  }
  return o;
}

void TcpConnection::write_options(TcpOptionBytes& out, bool syn) const {
  // Without a SYN and with no SACK blocks to report, a segment carries a timestamp or nothing:
  // written in place, without building and encoding the general option set.
  if (!syn && (!sack_ok_ || ooo_.empty())) {
    if (ts_ok_) write_timestamp_option(out, ts_now(), ts_recent_);
    return;
  }
  out = encode_tcp_options(build_options(syn), syn);
}

void TcpConnection::send_segment(std::uint16_t flags, std::uint32_t seq_no, Payload data,
                                 bool syn_options, PacketTag tag) {
  Packet p;
  p.ip.protocol = static_cast<std::uint8_t>(IpProto::tcp);
  p.ip.src = tuple_.local_addr;
  p.ip.dst = tuple_.remote_addr;
  p.ip.id = stack_.host().next_ip_id();
  p.tcp.src_port = tuple_.local_port;
  p.tcp.dst_port = tuple_.remote_port;
  p.tcp.seq = seq_no;
  if (flags & tcp_flag::ack) p.tcp.ack = rcv_nxt_;
  if (!(flags & tcp_flag::rst)) p.tcp.window = advertised_window();
  if (snd_urgent_ && seq::lt(seq_no, snd_up_) && !(flags & tcp_flag::syn)) {
    // RFC 9293 §3.8.5: the pointer is an offset from SEG.SEQ to the octet after the urgent data.
    flags |= tcp_flag::urg;
    p.tcp.urgent = static_cast<std::uint16_t>(std::min<std::uint32_t>(snd_up_ - seq_no, 65535));
  }
  p.tcp.flags = flags;
  if (!(flags & tcp_flag::rst)) write_options(p.tcp.options, syn_options);
  p.payload = std::move(data);  // by value: a data segment's payload is moved, not copied
  if (flags & tcp_flag::ack) {
    last_ack_sent_ = rcv_nxt_;
    segs_unacked_ = 0;
    disarm(kDelayedAck);
  }
  last_window_sent_ = p.tcp.window;
  bytes_sent_ += p.payload.size();
  stack_.transmit(std::move(p), {id_, tag});
}

void TcpConnection::send_ack(PacketTag tag) {
  if (stack_.manual) return;
  send_segment(tcp_flag::ack, snd_nxt_, {}, false, tag);
}

void TcpConnection::send_ack_limited(const Packet& p, std::uint64_t packet_id, PacketTag tag) {
  // ACKs that answer unacceptable segments (out of window, acking unsent data, challenge ACKs)
  // go out at most once per 500 ms per connection, as Linux's tcp_invalid_ratelimit does and
  // RFC 5961 §7 recommends: two confused stacks would otherwise ACK each other forever. Like
  // Linux (tcp_oow_rate_limited), a segment carrying data without SYN is always answered: it is
  // not part of an ACK loop, and its duplicate ACK matters to the sender's loss recovery.
  if (!p.payload.empty() && !p.tcp.has(tcp_flag::syn)) {
    send_ack(tag);
    return;
  }
  const SimTime now = stack_.net().now();
  if (last_invalid_ack_ != kNever && now - last_invalid_ack_ < 500 * kMillisecond) {
    trace_drop(packet_id, "ack_rate_limited");
    return;
  }
  last_invalid_ack_ = now;
  send_ack(tag);
}

void TcpConnection::send_rst(std::uint32_t seq_no) {
  // RFC 9293 §3.10.5 <SEQ=SND.NXT><CTL=RST>; Linux (tcp_send_active_reset) also sets ACK.
  const std::uint16_t flags =
      cfg_->profile == "linux" ? (tcp_flag::rst | tcp_flag::ack) : tcp_flag::rst;
  send_segment(flags, seq_no, {}, false);
}

void TcpConnection::send_syn(bool with_ack, PacketTag tag) {
  if (stack_.manual) return;
  const std::uint16_t flags = with_ack ? (tcp_flag::syn | tcp_flag::ack) : tcp_flag::syn;
  send_segment(flags, iss_, {}, true, tag);
  if (!rtt_timing_ && !syn_retransmitted_) {
    rtt_timing_ = true;
    rtt_seq_ = iss_;
    rtt_start_ = stack_.net().now();
  }
}

void TcpConnection::send_window_probe() {
  // Zero-window probe as Linux sends it (tcp_xmit_probe_skb): an old sequence number with no
  // data, which the receiver must answer with an ACK carrying its current window.
  send_segment(tcp_flag::ack, snd_una_ - 1, {}, false, PacketTag::zero_window_probe);
}

void TcpConnection::send_keepalive_probe() {
  // RFC 9293 §3.8.4: SEG.SEQ = SND.NXT-1 with no data, forcing an ACK.
  send_segment(tcp_flag::ack, snd_nxt_ - 1, {}, false, PacketTag::keepalive);
}

void TcpConnection::schedule_ack(bool immediate, bool full_sized) {
  if (stack_.manual) return;
  // Only full-sized segments count towards "every second segment" (RFC 5681 §4.2).
  if (full_sized) ++segs_unacked_;
  if (immediate || !cfg_->delayed_ack || segs_unacked_ >= cfg_->ack_every_segments) {
    send_ack();
    return;
  }
  // RFC 9293 §3.8.6.3: delay less than 0.5 s; ACK at least every second full-sized segment.
  if (!armed(kDelayedAck)) arm(kDelayedAck, cfg_->delayed_ack_timeout);
}

Payload TcpConnection::send_data(std::uint32_t offset, std::uint32_t len) const {
  // Segments mostly move forward through the buffer: resume from where the last walk ended.
  if (cursor_chunk_ > send_buf_.size() || offset < cursor_start_) {
    cursor_chunk_ = 0;
    cursor_start_ = 0;
  }
  while (cursor_chunk_ < send_buf_.size() &&
         cursor_start_ + send_buf_[cursor_chunk_].size() <= offset) {
    cursor_start_ += send_buf_[cursor_chunk_].size();
    ++cursor_chunk_;
  }
  offset -= cursor_start_;
  if (cursor_chunk_ < send_buf_.size() && offset + len <= send_buf_[cursor_chunk_].size())
    return send_buf_[cursor_chunk_].slice(offset, len);  // the usual case: within one write
  Payload out;
  for (std::size_t i = cursor_chunk_; i < send_buf_.size() && len > 0; ++i) {
    const Payload& chunk = send_buf_[i];
    const std::uint32_t take = std::min(len, chunk.size() - offset);
    out = Payload::concat(out, chunk.slice(offset, take));
    len -= take;
    offset = 0;
  }
  return out;
}

bool TcpConnection::send_one_data_segment(std::uint32_t max_len) {
  const std::uint32_t end = data_end_seq();
  const std::uint32_t unsent = seq::lt(snd_nxt_, end) ? end - snd_nxt_ : 0;
  const bool fin_due = fin_queued_ && (!fin_sent_ || seq::le(snd_nxt_, fin_seq_));
  if (unsent == 0 && !fin_due) return false;
  const std::uint32_t len = std::min({unsent, eff_mss_, max_len});
  Payload data = send_data(snd_nxt_ - buf_seq_, len);
  std::uint16_t flags = tcp_flag::ack;
  // PSH on the segment that carries the last byte queued (RFC 9293 §3.9.1.2 MUST-61).
  if (len > 0 && snd_nxt_ + len == end) flags |= tcp_flag::psh;
  const bool with_fin = fin_due && snd_nxt_ + len == end;
  if (with_fin) {
    flags |= tcp_flag::fin;
    fin_sent_ = true;
    fin_seq_ = end;
  }
  const bool retransmission = seq::lt(snd_nxt_, snd_max_);
  if (retransmission) ++retransmits_;
  if (!retransmission && !rtt_timing_ && !ts_ok_ && len > 0) {
    rtt_timing_ = true;
    rtt_seq_ = snd_nxt_;
    rtt_start_ = stack_.net().now();
  }
  if (unacked_since_ == kNever) unacked_since_ = stack_.net().now();
  send_segment(flags, snd_nxt_, std::move(data), false,
               retransmission ? PacketTag::retransmission : PacketTag::none);
  snd_nxt_ += len + (with_fin ? 1 : 0);
  snd_max_ = seq::max(snd_max_, snd_nxt_);
  if (!armed(kRetransmit)) arm(kRetransmit, rtt_.rto());
  restart_idle();
  return true;
}

void TcpConnection::output() {
  if (stack_.manual || gone_) return;
  if (state_ != TcpState::established && state_ != TcpState::close_wait &&
      state_ != TcpState::fin_wait_1 && state_ != TcpState::closing && state_ != TcpState::last_ack)
    return;
  if (sack_ok_ && in_recovery_) {
    send_in_recovery();  // tcp_recovery.cpp
    return;
  }
  for (;;) {
    const std::uint32_t end = data_end_seq();
    const std::uint32_t unsent = seq::lt(snd_nxt_, end) ? end - snd_nxt_ : 0;
    const bool fin_due = fin_queued_ && !fin_sent_;
    if (unsent == 0) {
      if (fin_due) send_one_data_segment();  // a bare FIN
      return;
    }
    const std::uint32_t wnd = std::min(snd_wnd_, cwnd_.cwnd);
    const std::uint32_t flight = flight_size();
    const std::uint32_t usable = wnd > flight ? wnd - flight : 0;
    const std::uint32_t len = std::min({unsent, eff_mss_, usable});
    if (len == 0) {
      // Nothing fits. With a zero (or tiny) peer window and nothing in flight, nothing would ever
      // arrive to reopen it: the persist timer probes (RFC 9293 §3.8.6.1).
      if (flight == 0 && !armed(kPersist)) arm(kPersist, rtt_.rto());
      return;
    }
    // Sender SWS avoidance and Nagle (RFC 9293 §3.8.6.2.1, §3.7.4).
    const bool full = len == eff_mss_;
    // TCP_CORK (Linux, man 7 tcp): only full segments while corked; a partial one waits for
    // more data, the uncork, the close (its FIN), or the 200 ms ceiling (the cork timer).
    if (cfg_->cork && !full && !fin_queued_ && !sws_override_ && len == unsent) {
      if (!armed(kCork)) arm(kCork, kCorkCeiling);
      return;
    }
    const bool pushed_all = len == unsent && (!cfg_->nagle || flight == 0 || fin_queued_);
    const bool half_window = max_snd_wnd_ > 0 && len >= max_snd_wnd_ / 2;
    if (!full && !pushed_all && !half_window && !sws_override_) {
      if (flight == 0 && len < unsent && !armed(kPersist)) arm(kPersist, rtt_.rto());
      return;
    }
    disarm(kPersist);
    persist_backoff_ = 0;
    sws_override_ = false;
    send_one_data_segment(len);
  }
}

}  // namespace tcpplay
