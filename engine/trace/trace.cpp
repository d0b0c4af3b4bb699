#include "trace/trace.h"

#include <algorithm>
#include <cstdint>

namespace tcpplay {

const char* to_string(TraceKind kind) {
  switch (kind) {
    case TraceKind::packet_sent: return "packet_sent";
    case TraceKind::packet_received: return "packet_received";
    case TraceKind::packet_dropped: return "packet_dropped";
    case TraceKind::state_change: return "state_change";
    case TraceKind::timer_set: return "timer_set";
    case TraceKind::timer_fired: return "timer_fired";
    case TraceKind::timer_cancelled: return "timer_cancelled";
    case TraceKind::app: return "app";
    case TraceKind::param_change: return "param_change";
    case TraceKind::note: return "note";
    case TraceKind::packet_duplicated: return "packet_duplicated";
    case TraceKind::lesson_point: return "lesson_point";
    case TraceKind::socket_error: return "socket_error";
  }
  return "unknown";
}

std::string format_tuple(const FourTuple& t) {
  return format_ipv4(t.local_addr) + ":" + std::to_string(t.local_port) + " > " +
         format_ipv4(t.remote_addr) + ":" + std::to_string(t.remote_port);
}

std::uint64_t Trace::add_packet(const Packet& p, SendInfo info) {
  bool whole = false;
  const std::uint64_t id = packets_.add(p, &whole, info);
  bytes_ += kPacketBytes + (whole ? kWholePacketBytes : 0);
  return id;
}

Trace::Record& Trace::next_record(SimTime time, TraceKind kind, std::uint8_t flags) {
  Record& r = records_.emplace_back_slot();  // a reused slot: the caller writes every field
  r.time = time;
  r.kind_flags = static_cast<std::uint8_t>(static_cast<std::uint8_t>(kind) | (flags << 4));
  bytes_ += kRecordBytes;
  return r;
}

bool Trace::tuple_fits(std::int32_t conn, const FourTuple& tuple) {
  if (conn < 0) return conn == -1 && tuple == FourTuple{};
  const auto c = static_cast<std::size_t>(conn);
  if (c >= conn_tuples_.size()) {
    if (c - conn_tuples_.size() > kMaxConnGap) return false;
    conn_tuples_.resize(c + 1);
    conn_tuple_set_.resize(c + 1);
  }
  if (!conn_tuple_set_[c]) {
    conn_tuples_[c] = tuple;
    conn_tuple_set_[c] = true;
    return true;
  }
  return conn_tuples_[c] == tuple;
}

bool Trace::fits(const TraceEvent& ev, Record& r) {
  if (ev.host < INT16_MIN || ev.host > INT16_MAX) return false;
  if (ev.link != -1 && ev.conn != -1) return false;
  // A packet event's conn, peer_conn and tag live with its packet; other values, and a
  // duplicate's original, are kept whole.
  if (ev.peer_conn != -1 || ev.original != 0 || (ev.tag && *ev.tag)) return false;
  const int name = labels_.id(ev.name), from = labels_.id(ev.from), to = labels_.id(ev.to);
  if (name < 0 || from < 0 || to < 0) return false;
  std::uint8_t flags;
  if (ev.packet_id != 0) {
    if (ev.deadline != kNever || from != 0 || to != 0) return false;
    flags = kValuePacket;
    r.value = ev.packet_id;
  } else if (from != 0 || to != 0) {
    if (ev.deadline != kNever) return false;
    flags = kValueLabels;
    r.value = static_cast<std::uint64_t>(from) | (static_cast<std::uint64_t>(to) << 8);
  } else {
    flags = kValueDeadline;
    r.value = static_cast<std::uint64_t>(ev.deadline);
  }
  if (!tuple_fits(ev.conn, ev.tuple)) return false;  // last: it may take a table entry
  if (ev.link != -1) flags |= kAIsLink;
  if (!ev.detail.empty()) flags |= kHasDetail;
  r.a = static_cast<std::uint32_t>(ev.link != -1 ? ev.link : ev.conn);
  r.host = static_cast<std::int16_t>(ev.host);
  r.name = static_cast<std::uint8_t>(name);
  r.kind_flags = static_cast<std::uint8_t>((r.kind_flags & 0xF) | (flags << 4));
  return true;
}

std::uint64_t Trace::add(TraceEvent ev) {
  const std::uint64_t index = end_index();
  Record& r = next_record(ev.time, ev.kind, kSpilled);
  if (!fits(ev, r)) {
    bytes_ += kSpilledBytes + ev.detail.size();
    ev.index = index;
    Spilled& s = spilled_.emplace_back_slot();
    s.index = index;
    s.event = std::move(ev);
  } else if (!ev.detail.empty()) {
    bytes_ += kDetailBytes + ev.detail.size();
    Detail& d = details_.emplace_back_slot();
    d.index = index;
    d.text = std::move(ev.detail);
  }
  return committed(index);
}

std::uint64_t Trace::add_packet_event(SimTime time, TraceKind kind, int host, int link,
                                      std::uint64_t packet_id, const char* name) {
  const int name_id = labels_.id(name);
  if (host < INT16_MIN || host > INT16_MAX || name_id < 0 || packet_id == 0) {
    TraceEvent ev;
    ev.time = time;
    ev.kind = kind;
    ev.host = host;
    ev.link = link;
    ev.packet_id = packet_id;
    ev.name = name;
    return add(std::move(ev));
  }
  const std::uint64_t index = end_index();
  Record& r = next_record(time, kind, kValuePacket | kAIsLink);
  r.value = packet_id;
  r.a = static_cast<std::uint32_t>(link);
  r.host = static_cast<std::int16_t>(host);
  r.name = static_cast<std::uint8_t>(name_id);
  return committed(index);
}

std::uint64_t Trace::add_conn_event(SimTime time, TraceKind kind, int host, int conn,
                                    const FourTuple& tuple, const char* name, SimTime deadline) {
  const int name_id = labels_.id(name);
  if (host < INT16_MIN || host > INT16_MAX || name_id < 0 || !tuple_fits(conn, tuple)) {
    TraceEvent ev;
    ev.time = time;
    ev.kind = kind;
    ev.host = host;
    ev.conn = conn;
    ev.tuple = tuple;
    ev.name = name;
    ev.deadline = deadline;
    return add(std::move(ev));
  }
  const std::uint64_t index = end_index();
  Record& r = next_record(time, kind, kValueDeadline);
  r.value = static_cast<std::uint64_t>(deadline);
  r.a = static_cast<std::uint32_t>(conn);
  r.host = static_cast<std::int16_t>(host);
  r.name = static_cast<std::uint8_t>(name_id);
  return committed(index);
}

template <typename Ring>
const auto& Trace::find_by_index(const Ring& ring, std::uint64_t index) {
  std::size_t lo = 0, hi = ring.size();  // the first element whose index is >= `index`
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (ring[mid].index < index) lo = mid + 1;
    else hi = mid;
  }
  return ring[lo];
}

std::uint64_t Trace::packet_id_of(std::uint64_t index) const {
  const Record& r = records_[index - first_index_];
  const std::uint8_t flags = flags_of(r);
  if (flags == kSpilled) return find_by_index(spilled_, index).event.packet_id;
  return (flags & kValueMask) == kValuePacket ? r.value : 0;
}

namespace {

bool is_packet_kind(TraceKind k) {
  return k == TraceKind::packet_sent || k == TraceKind::packet_received ||
         k == TraceKind::packet_dropped || k == TraceKind::packet_duplicated;
}

}  // namespace

TraceEvent Trace::at(std::uint64_t index) const {
  TraceEvent e = record_at(index);
  if (e.packet_id && is_packet_kind(e.kind)) {
    const PacketStore::Meta m = packets_.meta(e.packet_id);
    if (m.conn != -1) e.conn = m.conn;
    if (m.peer_conn != -1) e.peer_conn = m.peer_conn;
    if (m.tag != PacketTag::none) e.tag = to_string(m.tag);
  }
  return e;
}

TraceEvent Trace::record_at(std::uint64_t index) const {
  const Record& r = records_[index - first_index_];
  const std::uint8_t flags = flags_of(r);
  if (flags == kSpilled) return find_by_index(spilled_, index).event;
  TraceEvent e;
  e.index = index;
  e.time = r.time;
  e.kind = static_cast<TraceKind>(r.kind_flags & 0xF);
  e.host = r.host;
  const auto a = static_cast<std::int32_t>(r.a);
  if (flags & kAIsLink) {
    e.link = a;
  } else if (a != -1) {
    e.conn = a;
    e.tuple = conn_tuples_[static_cast<std::size_t>(a)];
  }
  switch (flags & kValueMask) {
    case kValuePacket: e.packet_id = r.value; break;
    case kValueLabels:
      e.from = labels_.label(static_cast<std::uint8_t>(r.value));
      e.to = labels_.label(static_cast<std::uint8_t>(r.value >> 8));
      break;
    default: e.deadline = static_cast<SimTime>(r.value);
  }
  e.name = labels_.label(r.name);
  if (flags & kHasDetail) e.detail = find_by_index(details_, index).text;
  return e;
}

void Trace::enforce_retention() {
  if (!over()) return;
  // Drop in batches of 1/16 of the limit, so that a full trace does not pay for this on every
  // event it records. Records are not read: details and spilled events, kept apart in index
  // order, say what else the dropped events cost.
  const std::size_t batch = std::max<std::size_t>(1, retention_.max_events / 16);
  std::size_t n = 0;
  std::size_t size = records_.size();
  while (size > 0) {
    const bool still_over = (retention_.max_events && size > retention_.max_events) ||
                            (retention_.max_bytes && bytes_ > retention_.max_bytes);
    if (!still_over && n >= batch) break;
    const std::uint64_t index = first_index_ + n;
    bytes_ -= kRecordBytes;
    if (!details_.empty() && details_.front().index == index) {
      bytes_ -= kDetailBytes + details_.front().text.size();
      details_.pop_front();  // frees the text
    } else if (!spilled_.empty() && spilled_.front().index == index) {
      bytes_ -= kSpilledBytes + spilled_.front().event.detail.size();
      spilled_.pop_front();
    }
    --size;
    ++n;
  }
  records_.drop_front(n);
  first_index_ += n;
  // Packets no retained event refers to go too. Packet ids grow with event order, so the oldest
  // retained event's packet (or the next packet after it) bounds what is still referenced.
  std::uint64_t keep_from = packets_.end_id();
  for (std::size_t i = 0; i < records_.size(); ++i) {
    if (const std::uint64_t id = packet_id_of(first_index_ + i)) {
      keep_from = id;
      break;
    }
  }
  keep_from = std::min(keep_from, packets_.end_id());  // an event may name a packet never added
  if (keep_from > packets_.first_id()) {
    const auto drop = static_cast<std::size_t>(keep_from - packets_.first_id());
    const std::size_t whole = packets_.drop_before(keep_from);
    bytes_ -= drop * kPacketBytes + whole * kWholePacketBytes;
  }
}

void Trace::notify(std::uint64_t index) {
  if (index < first_index_) return;  // retention tighter than one event
  notifying_ = true;
  listener_->on_trace_event(*this, index);
  notifying_ = false;
}

void Trace::clear() {
  records_.clear();
  details_.clear();
  spilled_.clear();
  labels_.clear();
  conn_tuples_.clear();
  conn_tuple_set_.clear();
  packets_.clear();
  first_index_ = 0;
  bytes_ = 0;
  host_names.clear();
  link_names.clear();
}

}  // namespace tcpplay
