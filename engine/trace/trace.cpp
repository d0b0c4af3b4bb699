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
  }
  return "unknown";
}

std::string format_tuple(const FourTuple& t) {
  return format_ipv4(t.local_addr) + ":" + std::to_string(t.local_port) + " > " +
         format_ipv4(t.remote_addr) + ":" + std::to_string(t.remote_port);
}

std::uint64_t Trace::add_packet(const Packet& p) {
  packets_.emplace_back_slot() = p;
  bytes_ += kPacketBytes;
  return first_packet_id_ + packets_.size() - 1;
}

const Packet* Trace::packet(std::uint64_t id) const {
  if (id < first_packet_id_ || id >= first_packet_id_ + packets_.size()) return nullptr;
  return &packets_[id - first_packet_id_];
}

Trace::Record& Trace::next_record(SimTime time, TraceKind kind) {
  Record& r = records_.emplace_back_slot();  // a reused slot: every field is written
  r = Record{time, static_cast<std::uint64_t>(kNever), "", FourTuple{}, -1, -1, -1, kind, 0, 0, 0};
  bytes_ += kRecordBytes;
  return r;
}

int Trace::label_id(const char* label) {
  if (!label || !*label) return 0;
  for (std::size_t i = 1; i < labels_.size(); ++i)
    if (labels_[i] == label) return static_cast<int>(i);
  if (labels_.size() > 255) return -1;
  labels_.push_back(label);
  return static_cast<int>(labels_.size() - 1);
}

bool Trace::fits(const TraceEvent& ev, Record& r) {
  const auto fits16 = [](std::int32_t v) { return v >= -1 && v <= INT16_MAX; };
  if (!fits16(ev.host) || !fits16(ev.link)) return false;
  if (ev.packet_id != 0 && ev.deadline != kNever) return false;
  const int from = label_id(ev.from), to = label_id(ev.to);
  if (from < 0 || to < 0) return false;
  r.value = ev.packet_id != 0 ? ev.packet_id : static_cast<std::uint64_t>(ev.deadline);
  r.name = ev.name ? ev.name : "";
  r.tuple = ev.tuple;
  r.conn = ev.conn;
  r.host = static_cast<std::int16_t>(ev.host);
  r.link = static_cast<std::int16_t>(ev.link);
  r.from = static_cast<std::uint8_t>(from);
  r.to = static_cast<std::uint8_t>(to);
  r.flags = ev.packet_id != 0 ? kValueIsPacket : 0;
  return true;
}

std::uint64_t Trace::add(TraceEvent ev) {
  const std::uint64_t index = end_index();
  Record& r = next_record(ev.time, ev.kind);
  if (!fits(ev, r)) {
    r.flags = kSpilled;
    bytes_ += kSpilledBytes + ev.detail.size();
    ev.index = index;
    Spilled& s = spilled_.emplace_back_slot();
    s.index = index;
    s.event = std::move(ev);
  } else if (!ev.detail.empty()) {
    r.flags |= kHasDetail;
    bytes_ += kDetailBytes + ev.detail.size();
    Detail& d = details_.emplace_back_slot();
    d.index = index;
    d.text = std::move(ev.detail);
  }
  return committed(index);
}

std::uint64_t Trace::add_packet_event(SimTime time, TraceKind kind, int host, int link,
                                      std::uint64_t packet_id, const char* name) {
  if (host > INT16_MAX || link > INT16_MAX) {
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
  Record& r = next_record(time, kind);
  r.host = static_cast<std::int16_t>(host);
  r.link = static_cast<std::int16_t>(link);
  r.value = packet_id;
  r.name = name;
  r.flags = kValueIsPacket;
  return committed(index);
}

std::uint64_t Trace::add_conn_event(SimTime time, TraceKind kind, int host, int conn,
                                    const FourTuple& tuple, const char* name, SimTime deadline) {
  if (host > INT16_MAX) {
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
  Record& r = next_record(time, kind);
  r.host = static_cast<std::int16_t>(host);
  r.conn = conn;
  r.tuple = tuple;
  r.name = name;
  r.value = static_cast<std::uint64_t>(deadline);
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
  if (r.flags & kValueIsPacket) return r.value;
  if (r.flags & kSpilled) return find_by_index(spilled_, index).event.packet_id;
  return 0;
}

TraceEvent Trace::at(std::uint64_t index) const {
  const Record& r = records_[index - first_index_];
  if (r.flags & kSpilled) return find_by_index(spilled_, index).event;
  TraceEvent e;
  e.index = index;
  e.time = r.time;
  e.kind = r.kind;
  e.host = r.host;
  e.link = r.link;
  e.conn = r.conn;
  e.tuple = r.tuple;
  if (r.flags & kValueIsPacket) e.packet_id = r.value;
  else e.deadline = static_cast<SimTime>(r.value);
  e.from = labels_[r.from];
  e.to = labels_[r.to];
  e.name = r.name;
  if (r.flags & kHasDetail) e.detail = find_by_index(details_, index).text;
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
  std::uint64_t keep_from = first_packet_id_ + packets_.size();
  for (std::size_t i = 0; i < records_.size(); ++i) {
    if (const std::uint64_t id = packet_id_of(first_index_ + i)) {
      keep_from = id;
      break;
    }
  }
  if (keep_from > first_packet_id_) {
    const std::uint64_t drop = keep_from - first_packet_id_;
    packets_.drop_front(static_cast<std::size_t>(drop));
    first_packet_id_ = keep_from;
    bytes_ -= static_cast<std::size_t>(drop) * kPacketBytes;
  }
}

void Trace::clear() {
  records_.clear();
  details_.clear();
  spilled_.clear();
  labels_.assign(1, "");
  packets_.clear();
  first_index_ = 0;
  first_packet_id_ = 1;
  bytes_ = 0;
  host_names.clear();
  link_names.clear();
}

}  // namespace tcpplay
