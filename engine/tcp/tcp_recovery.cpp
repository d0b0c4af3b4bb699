// Loss recovery: duplicate ACKs and fast retransmit (RFC 5681 §3.2), NewReno partial ACKs
// (RFC 6582 §3.2), and, when SACK was negotiated, the conservative SACK-based recovery of
// RFC 6675 (scoreboard, IsLost, pipe, NextSeg). With `recovery = "prr"` the amount sent during
// SACK recovery follows Proportional Rate Reduction (RFC 6937 §3, the PRR-SSRB variant) instead
// of RFC 6675's cwnd = ssthresh; what is sent (NextSeg) is the same.
#include <algorithm>

#include "net/network.h"
#include "tcp/seq.h"
#include "tcp/tcp_connection.h"
#include "tcp/tcp_stack.h"

namespace tcpplay {

namespace {
constexpr std::uint32_t kDupThresh = 3;  // RFC 5681 §3.2, RFC 6675 §2

/// Sorts blocks by their offsets from `base` (left edge, then right edge). An insertion sort:
/// the blocks kept from the last ACK are in this order already, apart from the few that the
/// cumulative ACK passed (which go last), and at most four SACK blocks are new, so this is
/// linear where std::sort was not. Blocks that compare equal are equal, so any sort gives
/// the same sequence.
void sort_from(SackBlock* first, SackBlock* last, std::uint32_t base) {
  auto before = [base](const SackBlock& a, const SackBlock& b) {
    const std::uint32_t al = a.left - base, bl = b.left - base;
    return al != bl ? al < bl : (a.right - base) < (b.right - base);
  };
  for (SackBlock* i = first; i != last; ++i) {
    if (i == first || !before(*i, *(i - 1))) continue;
    const SackBlock b = *i;
    SackBlock* j = i;
    for (; j != first && before(b, *(j - 1)); --j) *j = *(j - 1);
    *j = b;
  }
}
}  // namespace

void TcpConnection::on_dup_ack() {
  ++dupacks_;
  if (in_recovery_) {
    if (!sack_ok_) cwnd_.cwnd += cwnd_.smss;  // RFC 5681 §3.2 step 4: inflate per extra dup ACK
    return;                                   // output() runs after the segment
  }
  const bool sack_says_lost = sack_ok_ && seq::gt(sack_lost_below(), snd_una_);
  // RFC 6582 §3.2 step 2: only if the ACK covers more than `recover` (no false second recovery).
  if ((dupacks_ >= kDupThresh || sack_says_lost) && seq::gt(snd_una_, recover_)) enter_recovery();
}

void TcpConnection::enter_recovery() {
  const SimTime now = stack_.net().now();
  cwnd_.ssthresh = cc_->ssthresh_after_loss(cwnd_, flight_size());
  recover_ = snd_max_;
  in_recovery_ = true;
  cc_->on_loss(cwnd_, now, false);
  stack_.net().trace_note(stack_.host().index(), "fast retransmit: " + format_tuple(tuple_) +
                                                     " enters recovery, ssthresh " +
                                                     std::to_string(cwnd_.ssthresh));
  if (sack_ok_ && cfg_->recovery == "prr") {
    // RFC 6937 §3, at the beginning of recovery: prr_delivered = prr_out = 0,
    // RecoverFS = snd.nxt - snd.una. prr_mark_ is where delivery stood before this ACK
    // (update_scoreboard), so the ACK that starts recovery is counted like every later one.
    high_rxt_ = snd_una_;
    recover_fs_ = std::max(flight_size(), 1u);
    prr_delivered_ = 0;
    prr_out_ = 0;
    send_in_recovery();
  } else if (sack_ok_) {
    // RFC 6675 §5 step (4): cwnd = ssthresh, retransmit the first lost segment.
    recover_fs_ = 0;
    cwnd_.cwnd = cwnd_.ssthresh;
    high_rxt_ = snd_una_;
    sack_next_segment();
  } else {
    // RFC 5681 §3.2 steps 2–3.
    retransmit_first_unacked();
    cwnd_.cwnd = cwnd_.ssthresh + 3 * cwnd_.smss;
  }
  arm(kRetransmit, rtt_.rto());
  record_sample();
}

void TcpConnection::on_ack_in_recovery(std::uint32_t ack, std::uint32_t acked) {
  const SimTime now = stack_.net().now();
  if (seq::ge(ack, recover_)) {
    // Full ACK: RFC 6582 §3.2 step 3 option (1); RFC 6675 ends recovery with cwnd = ssthresh.
    const std::uint32_t flight = flight_size();
    cwnd_.cwnd = sack_ok_ ? cwnd_.ssthresh
                          : std::min(cwnd_.ssthresh, std::max(flight, cwnd_.smss) + cwnd_.smss);
    in_recovery_ = false;
    recover_fs_ = 0;
    dupacks_ = 0;
    scoreboard_.clear();
    cc_->on_recovery_exit(cwnd_, now);
    return;
  }
  if (sack_ok_) return;  // RFC 6675: partial ACKs just let NextSeg continue
  // Partial ACK (RFC 6582 §3.2 step 5): retransmit the next hole, deflate by what was acked.
  retransmit_first_unacked();
  cwnd_.cwnd = cwnd_.cwnd > acked ? cwnd_.cwnd - acked : 0;
  if (acked >= cwnd_.smss) cwnd_.cwnd += cwnd_.smss;
  cwnd_.cwnd = std::max(cwnd_.cwnd, cwnd_.smss);
}

void TcpConnection::retransmit_first_unacked() {
  const std::uint32_t end = data_end_seq();
  const std::uint32_t len = std::min(seq::lt(snd_una_, end) ? end - snd_una_ : 0, eff_mss_);
  std::uint16_t flags = tcp_flag::ack;
  const bool with_fin = fin_sent_ && snd_una_ + len == fin_seq_;
  if (with_fin) flags |= tcp_flag::fin;
  if (len == 0 && !with_fin) return;
  if (len > 0 && snd_una_ + len == end) flags |= tcp_flag::psh;
  ++retransmits_;
  if (rtt_timing_ && seq::le(snd_una_, rtt_seq_)) rtt_timing_ = false;  // Karn
  send_segment(flags, snd_una_, send_data(snd_una_ - buf_seq_, len), false,
               PacketTag::retransmission);
}

void TcpConnection::update_scoreboard(const TcpOptions& o) {
  // PRR counts the data each ACK delivers (RFC 6937 §3 DeliveredData); outside recovery, note
  // where delivery stands before this ACK, in case this ACK starts recovery.
  if (!in_recovery_) prr_mark_ = delivered_mark();
  if (o.sack_count == 0 && (scoreboard_.empty() || seq::lt(snd_una_, scoreboard_.front().right)))
    return;  // nothing new, nothing acked past the first block: the common case on every ACK
  // Merge the SACK blocks that lie within (SND.UNA, SND.MAX] (RFC 2018, RFC 6675 §4 Update()).
  for (int i = 0; i < o.sack_count; ++i) {
    SackBlock b = o.sack[i];
    if (!seq::lt(b.left, b.right) || seq::gt(b.right, snd_max_)) continue;
    if (seq::le(b.right, snd_una_)) continue;
    if (seq::lt(b.left, snd_una_)) b.left = snd_una_;
    scoreboard_.push_back(b);
  }
  // Drop what is now cumulatively acked; sort and merge in place.
  sort_from(scoreboard_.begin(), scoreboard_.end(), snd_una_);
  std::size_t n = 0;
  for (SackBlock b : scoreboard_) {
    if (seq::le(b.right, snd_una_)) continue;
    if (seq::lt(b.left, snd_una_)) b.left = snd_una_;
    if (n > 0 && seq::le(b.left, scoreboard_[n - 1].right)) {
      scoreboard_[n - 1].right = seq::max(scoreboard_[n - 1].right, b.right);
    } else {
      scoreboard_[n++] = b;
    }
  }
  scoreboard_.resize(n);
}

std::uint32_t TcpConnection::sack_lost_below() const {
  // RFC 6675 IsLost(): an octet is lost when DupThresh discontiguous SACKed blocks, or more than
  // (DupThresh - 1) * SMSS SACKed bytes, lie above it. Returns the highest such boundary.
  std::uint32_t bytes = 0;
  std::uint32_t blocks = 0;
  for (auto it = scoreboard_.rbegin(); it != scoreboard_.rend(); ++it) {
    bytes += it->right - it->left;
    ++blocks;
    if (blocks >= kDupThresh || bytes > (kDupThresh - 1) * cwnd_.smss) return it->left;
  }
  return snd_una_;
}

std::uint32_t TcpConnection::sack_pipe() const {
  // RFC 6675 SetPipe(): un-SACKed octets not deemed lost count once; retransmitted ones
  // (below HighRxt) count once more.
  const std::uint32_t lost_below = sack_lost_below();
  std::uint32_t pipe = 0;
  std::uint32_t cursor = snd_una_;
  auto count_gap = [&](std::uint32_t from, std::uint32_t to) {
    if (!seq::lt(from, to)) return;
    const std::uint32_t lost_end = seq::min(to, seq::max(from, lost_below));
    const std::uint32_t not_lost = to - lost_end;
    pipe += not_lost;
    const std::uint32_t rxt_end = seq::min(to, seq::max(from, high_rxt_));
    pipe += rxt_end - from;
  };
  for (const SackBlock& b : scoreboard_) {
    count_gap(cursor, b.left);
    cursor = seq::max(cursor, b.right);
  }
  count_gap(cursor, snd_nxt_);
  return pipe;
}

bool TcpConnection::sack_next_segment() {
  // RFC 6675 NextSeg() rule 1: the first un-SACKed, lost octet above HighRxt.
  const std::uint32_t lost_below = sack_lost_below();
  std::uint32_t start = seq::max(high_rxt_, snd_una_);
  for (const SackBlock& b : scoreboard_) {
    if (seq::le(b.left, start) && seq::lt(start, b.right)) start = b.right;
  }
  if (seq::lt(start, lost_below) ||
      (start == snd_una_ && high_rxt_ == snd_una_ && seq::lt(snd_una_, snd_nxt_))) {
    std::uint32_t limit = seq::min(start + eff_mss_, snd_nxt_);
    for (const SackBlock& b : scoreboard_)
      if (seq::gt(b.left, start)) {
        limit = seq::min(limit, b.left);
        break;
      }
    const std::uint32_t end = data_end_seq();
    const std::uint32_t data_limit = seq::min(limit, end);
    const std::uint32_t len = seq::gt(data_limit, start) ? data_limit - start : 0;
    std::uint16_t flags = tcp_flag::ack;
    const bool with_fin = fin_sent_ && start + len == fin_seq_ && seq::gt(limit, fin_seq_);
    if (with_fin) flags |= tcp_flag::fin;
    if (len == 0 && !with_fin) return false;
    ++retransmits_;
    if (rtt_timing_ && seq::le(start, rtt_seq_)) rtt_timing_ = false;  // Karn
    send_segment(flags, start, send_data(start - buf_seq_, len), false, PacketTag::retransmission);
    high_rxt_ = start + len + (with_fin ? 1 : 0);
    prr_out_ += len;  // RFC 6937 §3: prr_out += data sent (retransmissions too)
    return true;
  }
  // Rule 2: new data, if the receiver's window allows.
  const std::uint32_t end = data_end_seq();
  if (seq::lt(snd_nxt_, end) || (fin_queued_ && !fin_sent_)) {
    const std::uint32_t in_window = snd_una_ + snd_wnd_;
    if (!seq::lt(snd_nxt_, in_window) && seq::lt(snd_nxt_, end)) return false;
    const std::uint32_t room = seq::lt(snd_nxt_, end) ? in_window - snd_nxt_ : eff_mss_;
    const std::uint32_t before = snd_nxt_;
    const bool sent = send_one_data_segment(room);
    prr_out_ += snd_nxt_ - before;
    return sent;
  }
  return false;
}

void TcpConnection::send_in_recovery() {
  if (recover_fs_ != 0) prr_on_ack();  // PRR sets cwnd = pipe + sndcnt for this ACK
  // RFC 6675 §5 step (C): send while cwnd - pipe >= 1 SMSS.
  while (cwnd_.cwnd >= sack_pipe() + eff_mss_ && sack_next_segment()) {}
}

std::uint32_t TcpConnection::delivered_mark() const {
  std::uint32_t sacked = 0;
  for (const SackBlock& b : scoreboard_)
    if (seq::gt(b.right, snd_una_)) sacked += b.right - seq::max(b.left, snd_una_);
  return snd_una_ + sacked;
}

void TcpConnection::prr_on_ack() {
  // RFC 6937 §3, on every ACK during recovery. DeliveredData = change in SND.UNA + change in
  // SACKed octets, i.e. how far delivered_mark() moved. An ACK that delivered nothing changes
  // nothing (as in Linux's tcp_cwnd_reduction), so calling this again after the same ACK, or
  // from output() without an ACK, is harmless.
  const std::uint32_t mark = delivered_mark();
  if (!seq::gt(mark, prr_mark_)) return;
  const std::uint32_t delivered = mark - prr_mark_;
  prr_mark_ = mark;
  prr_delivered_ += delivered;
  const std::uint32_t pipe = sack_pipe();
  const std::uint64_t ssthresh = cwnd_.ssthresh;
  std::uint64_t sndcnt;
  if (pipe > ssthresh) {
    // Proportional Rate Reduction: sndcnt = CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out.
    const std::uint64_t allowed =
        (std::uint64_t{prr_delivered_} * ssthresh + recover_fs_ - 1) / recover_fs_;
    sndcnt = allowed > prr_out_ ? allowed - prr_out_ : 0;
  } else {
    // Slow-start reduction bound (PRR-SSRB, the variant RFC 6937 §3 recommends):
    // limit = MAX(prr_delivered - prr_out, DeliveredData) + MSS; sndcnt = MIN(ssthresh - pipe, limit).
    const std::uint64_t owed = prr_delivered_ > prr_out_ ? prr_delivered_ - prr_out_ : 0;
    const std::uint64_t limit = std::max<std::uint64_t>(owed, delivered) + eff_mss_;
    sndcnt = std::min<std::uint64_t>(ssthresh - pipe, limit);
  }
  // The fast retransmit goes out on the ACK that starts recovery even when the proportional
  // share is still below one segment (RFC 5681 §3.2 step 2; Linux: sndcnt = max(sndcnt, 1)
  // while prr_out is 0).
  if (prr_out_ == 0) sndcnt = std::max<std::uint64_t>(sndcnt, eff_mss_);
  cwnd_.cwnd = static_cast<std::uint32_t>(std::min<std::uint64_t>(pipe + sndcnt, UINT32_MAX));
}

}  // namespace tcpplay
