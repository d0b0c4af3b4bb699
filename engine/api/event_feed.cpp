#include "api/event_feed.h"

namespace tcpplay {

int EventFeed::element_size(Column c) {
  switch (c) {
    case time: case packet: case original: case deadline: case seq: case ack: case rel_seq: case rel_ack:
      return 8;
    case host: case link: case conn: case peer_conn: case name: case from: case to: case tag:
    case src: case dst: case win: case len:
      return 4;
    case flags: case sport: case dport:
      return 2;
    case kind: case has_text: case proto:
      return 1;
    case column_count: break;
  }
  return 0;
}

const void* EventFeed::column(Column c) const {
  switch (c) {
    case time: return time_.data();
    case kind: return kind_.data();
    case host: return host_.data();
    case link: return link_.data();
    case conn: return conn_.data();
    case peer_conn: return peer_conn_.data();
    case packet: return packet_.data();
    case original: return original_.data();
    case deadline: return deadline_.data();
    case name: return name_.data();
    case from: return from_.data();
    case to: return to_.data();
    case tag: return tag_.data();
    case has_text: return has_text_.data();
    case proto: return proto_.data();
    case flags: return flags_.data();
    case sport: return sport_.data();
    case dport: return dport_.data();
    case src: return src_.data();
    case dst: return dst_.data();
    case seq: return seq_.data();
    case ack: return ack_.data();
    case rel_seq: return rel_seq_.data();
    case rel_ack: return rel_ack_.data();
    case win: return win_.data();
    case len: return len_.data();
    case column_count: break;
  }
  return nullptr;
}

void EventFeed::reset() {
  count_ = 0;
  labels_.assign(1, "");
  by_pointer_.clear();
  by_text_.clear();
  base_.clear();
  based_until_ = 0;
}

int EventFeed::label_id(const char* s) {
  if (!s || !*s) return 0;
  if (auto it = by_pointer_.find(s); it != by_pointer_.end()) return it->second;
  auto [it, added] = by_text_.try_emplace(s, static_cast<int>(labels_.size()));
  if (added) labels_.emplace_back(s);
  by_pointer_.emplace(s, it->second);
  return it->second;
}

namespace {
template <typename T>
void size_to(std::vector<T>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
}
}  // namespace

void EventFeed::fill(const Trace& trace, std::uint64_t start, std::uint64_t stop) {
  const std::size_t n = stop > start ? static_cast<std::size_t>(stop - start) : 0;
  // The columns only grow: a page asks for about the same number of events every frame.
  size_to(time_, n), size_to(packet_, n), size_to(original_, n), size_to(deadline_, n);
  size_to(seq_, n), size_to(ack_, n), size_to(rel_seq_, n), size_to(rel_ack_, n);
  size_to(host_, n), size_to(link_, n), size_to(conn_, n), size_to(peer_conn_, n);
  size_to(name_, n), size_to(from_, n), size_to(to_, n), size_to(tag_, n);
  size_to(src_, n), size_to(dst_, n), size_to(win_, n), size_to(len_, n);
  size_to(flags_, n), size_to(sport_, n), size_to(dport_, n);
  size_to(kind_, n), size_to(has_text_, n), size_to(proto_, n);
  count_ = n;
  for (std::size_t row = 0; row < n; ++row) {
    const std::uint64_t index = start + row;
    const TraceEvent e = trace.at(index);
    time_[row] = static_cast<double>(e.time);
    kind_[row] = static_cast<std::uint8_t>(e.kind);
    host_[row] = e.host;
    link_[row] = e.link;
    conn_[row] = e.conn;
    peer_conn_[row] = e.peer_conn;
    packet_[row] = static_cast<double>(e.packet_id);
    original_[row] = static_cast<double>(e.original);
    deadline_[row] = e.deadline == kNever ? -1.0 : static_cast<double>(e.deadline);
    name_[row] = label_id(e.name);
    from_[row] = label_id(e.from);
    to_[row] = label_id(e.to);
    tag_[row] = label_id(e.tag);
    std::optional<Packet> p;
    if (e.packet_id) p = trace.packet(e.packet_id);
    has_text_[row] = (e.kind == TraceKind::packet_sent && p) || !e.detail.empty();
    if (p) {
      // Bases move only at the first reading of a sent packet, in trace order.
      const bool learn = e.kind == TraceKind::packet_sent && index >= based_until_;
      fill_packet(row, *p, learn);
    } else {
      proto_[row] = 0, flags_[row] = 0, sport_[row] = 0, dport_[row] = 0, src_[row] = 0, dst_[row] = 0;
      seq_[row] = 0, ack_[row] = 0, rel_seq_[row] = 0, rel_ack_[row] = 0, win_[row] = 0, len_[row] = 0;
    }
  }
  if (stop > based_until_) based_until_ = stop;
}

void EventFeed::fill_packet(std::size_t row, const Packet& p, bool learn) {
  proto_[row] = p.ip.protocol;
  src_[row] = p.ip.src;
  dst_[row] = p.ip.dst;
  len_[row] = static_cast<std::uint32_t>(p.payload.size());
  flags_[row] = 0, sport_[row] = 0, dport_[row] = 0, win_[row] = 0;
  seq_[row] = 0, ack_[row] = 0, rel_seq_[row] = 0, rel_ack_[row] = 0;
  if (p.is_udp()) {
    sport_[row] = p.udp.src_port;
    dport_[row] = p.udp.dst_port;
  } else if (p.is_icmp()) {
    flags_[row] = static_cast<std::uint16_t>(p.icmp.type << 8 | p.icmp.code);
  }
  if (!p.is_tcp()) return;
  const TcpHeader& t = p.tcp;
  flags_[row] = t.flags;
  sport_[row] = t.src_port;
  dport_[row] = t.dst_port;
  win_[row] = t.window;
  seq_[row] = t.seq;
  ack_[row] = t.ack;
  const Direction fwd{p.ip.src, p.ip.dst, t.src_port, t.dst_port};
  const Direction rev{p.ip.dst, p.ip.src, t.dst_port, t.src_port};
  auto base = base_.find(fwd);
  if (learn) {
    // Wireshark: relative to the ISN of the SYN that opened this direction (a SYN with a new
    // ISN, as when a 4-tuple is reused after TIME_WAIT, starts over); else to the first seen.
    if (base == base_.end()) base = base_.emplace(fwd, t.seq).first;
    else if (t.has(tcp_flag::syn)) base->second = t.seq;
  }
  rel_seq_[row] = base == base_.end() ? t.seq : static_cast<std::uint32_t>(t.seq - base->second);
  const auto other = base_.find(rev);
  rel_ack_[row] = other == base_.end() ? t.ack : static_cast<std::uint32_t>(t.ack - other->second);
}

}  // namespace tcpplay
