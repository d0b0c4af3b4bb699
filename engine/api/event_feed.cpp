#include "api/event_feed.h"

namespace tcpplay {

int EventFeed::element_size(Column c) {
  switch (c) {
    case time:
    case packet:
    case original:
    case deadline:
    case seq:
    case ack:
    case rel_seq:
    case rel_ack: return 8;
    case host:
    case link:
    case conn:
    case peer_conn:
    case name:
    case from:
    case to:
    case tag:
    case src:
    case dst:
    case win:
    case len: return 4;
    case flags:
    case sport:
    case dport: return 2;
    case kind:
    case has_text:
    case proto: return 1;
    case column_count: break;
  }
  return 0;
}

void EventFeed::layout(std::size_t n) {
  std::size_t at = 0;
  for (int c = 0; c < column_count; ++c) {
    offset_[c] = at;
    at += (n * static_cast<std::size_t>(element_size(static_cast<Column>(c))) + 7) / 8 * 8;
  }
  bytes_ = at;
  if (block_.size() * 8 < at) block_.resize(at / 8);  // only grows: pages are about one size
  char* base = reinterpret_cast<char*>(block_.data());
  const auto at_column = [&](Column c) { return static_cast<void*>(base + offset_[c]); };
  time_ = static_cast<double*>(at_column(time));
  kind_ = static_cast<std::uint8_t*>(at_column(kind));
  host_ = static_cast<std::int32_t*>(at_column(host));
  link_ = static_cast<std::int32_t*>(at_column(link));
  conn_ = static_cast<std::int32_t*>(at_column(conn));
  peer_conn_ = static_cast<std::int32_t*>(at_column(peer_conn));
  packet_ = static_cast<double*>(at_column(packet));
  original_ = static_cast<double*>(at_column(original));
  deadline_ = static_cast<double*>(at_column(deadline));
  name_ = static_cast<std::int32_t*>(at_column(name));
  from_ = static_cast<std::int32_t*>(at_column(from));
  to_ = static_cast<std::int32_t*>(at_column(to));
  tag_ = static_cast<std::int32_t*>(at_column(tag));
  has_text_ = static_cast<std::uint8_t*>(at_column(has_text));
  proto_ = static_cast<std::uint8_t*>(at_column(proto));
  flags_ = static_cast<std::uint16_t*>(at_column(flags));
  sport_ = static_cast<std::uint16_t*>(at_column(sport));
  dport_ = static_cast<std::uint16_t*>(at_column(dport));
  src_ = static_cast<std::uint32_t*>(at_column(src));
  dst_ = static_cast<std::uint32_t*>(at_column(dst));
  seq_ = static_cast<double*>(at_column(seq));
  ack_ = static_cast<double*>(at_column(ack));
  rel_seq_ = static_cast<double*>(at_column(rel_seq));
  rel_ack_ = static_cast<double*>(at_column(rel_ack));
  win_ = static_cast<std::uint32_t*>(at_column(win));
  len_ = static_cast<std::uint32_t*>(at_column(len));
}

void EventFeed::reset() {
  count_ = 0;
  labels_.assign(1, "");
  by_pointer_.clear();
  by_text_.clear();
  base_.clear();
  recent_ = {};
  label_cache_ = {};
  based_until_ = 0;
  base_marks_.clear();
}

void EventFeed::rewind(const Trace& trace, std::uint64_t end) {
  by_pointer_.clear();
  label_cache_ = {};
  recent_ = {};
  if (based_until_ <= end) return;
  while (!base_marks_.empty() && base_marks_.back().index > end) base_marks_.pop_back();
  if (base_marks_.empty()) {
    base_.clear();
    based_until_ = 0;
  } else {
    base_ = base_marks_.back().base;
    based_until_ = base_marks_.back().index;
  }
  for (std::uint64_t i = std::max(based_until_, trace.first_index()); i < end; ++i) {
    if (trace.kind_at(i) != TraceKind::packet_sent) continue;
    const TraceEvent e = trace.at(i);
    if (!e.packet_id) continue;
    if (const std::optional<Packet> p = trace.packet(e.packet_id)) learn(*p);
  }
  recent_ = {};
  based_until_ = end;
}

void EventFeed::learn(const Packet& p) {
  if (!p.is_tcp()) return;
  const Direction fwd{p.ip.src, p.ip.dst, p.tcp.src_port, p.tcp.dst_port};
  auto it = base_.find(fwd);
  if (it == base_.end()) base_.emplace(fwd, p.tcp.seq);
  else if (p.tcp.has(tcp_flag::syn)) it->second = p.tcp.seq;
}

namespace {
std::size_t slot_of(std::uint64_t key, std::size_t slots) {
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 58) % slots;  // top 6 bits
}
}  // namespace

int EventFeed::label_id(const char* s) {
  if (!s || !*s) return 0;
  CachedLabel& cached =
      label_cache_[slot_of(reinterpret_cast<std::uintptr_t>(s), label_cache_.size())];
  if (cached.pointer == s) return cached.id;
  cached.pointer = s;
  if (auto it = by_pointer_.find(s); it != by_pointer_.end()) return cached.id = it->second;
  auto [it, added] = by_text_.try_emplace(s, static_cast<int>(labels_.size()));
  if (added) labels_.emplace_back(s);
  by_pointer_.emplace(s, it->second);
  return cached.id = it->second;
}

std::uint32_t* EventFeed::find_base(const Direction& d) {
  auto& cached = recent_[slot_of(
      (std::uint64_t{d.src} << 32 | d.dst) ^ (std::uint64_t{d.sport} << 16 | d.dport) * 31,
      recent_.size())];
  if (cached.second && cached.first == d) return cached.second;
  auto it = base_.find(d);
  if (it == base_.end()) return nullptr;
  cached = {d, &it->second};
  return &it->second;
}

void EventFeed::fill(const Trace& trace, std::uint64_t start, std::uint64_t stop) {
  const std::size_t n = stop > start ? static_cast<std::size_t>(stop - start) : 0;
  layout(n);
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
      proto_[row] = 0, flags_[row] = 0, sport_[row] = 0, dport_[row] = 0, src_[row] = 0,
      dst_[row] = 0;
      seq_[row] = 0, ack_[row] = 0, rel_seq_[row] = 0, rel_ack_[row] = 0, win_[row] = 0,
      len_[row] = 0;
    }
  }
  if (stop > based_until_) {
    if (base_marks_.empty() || stop - base_marks_.back().index >= kBaseMarkEvents)
      base_marks_.push_back({stop, base_});
    based_until_ = stop;
  }
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
  std::uint32_t* base = find_base(fwd);
  if (learn) {
    // Wireshark: relative to the ISN of the SYN that opened this direction (a SYN with a new
    // ISN, as when a 4-tuple is reused after TIME_WAIT, starts over); else to the first seen.
    if (!base) base = &base_.emplace(fwd, t.seq).first->second;  // map nodes stay put
    else if (t.has(tcp_flag::syn)) *base = t.seq;
  }
  rel_seq_[row] = base ? static_cast<std::uint32_t>(t.seq - *base) : t.seq;
  const std::uint32_t* other = find_base(rev);
  rel_ack_[row] = other ? static_cast<std::uint32_t>(t.ack - *other) : t.ack;
}

}  // namespace tcpplay
