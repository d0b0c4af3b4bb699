#include "trace/trace.h"

#include <algorithm>

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
  bytes_ += sizeof(Packet);
  return first_packet_id_ + packets_.size() - 1;
}

const Packet* Trace::packet(std::uint64_t id) const {
  if (id < first_packet_id_ || id >= first_packet_id_ + packets_.size()) return nullptr;
  return &packets_[id - first_packet_id_];
}

namespace {
constexpr std::size_t kShortString = 15;  // libstdc++ and libc++ keep at least this much inline
}

TraceEvent& Trace::next_slot(SimTime time, TraceKind kind) {
  TraceEvent& e = events_.emplace_back_slot();
  // A reused slot still holds a dropped event: overwrite every field.
  e.index = first_index_ + events_.size() - 1;
  e.time = time;
  e.kind = kind;
  e.host = -1;
  e.link = -1;
  e.conn = -1;
  e.tuple = FourTuple{};
  e.packet_id = 0;
  e.from = "";
  e.to = "";
  e.name = "";
  e.deadline = kNever;
  if (e.detail.capacity() > kShortString) std::string().swap(e.detail);
  else e.detail.clear();
  bytes_ += sizeof(TraceEvent);
  return e;
}

std::uint64_t Trace::add(TraceEvent ev) {
  const std::uint64_t index = end_index();
  ev.index = index;
  bytes_ += sizeof(TraceEvent);
  if (ev.detail.size() > kShortString) {
    bytes_ += ev.detail.capacity();
    detail_bytes_.push_back({index, ev.detail.capacity()});
  }
  TraceEvent& slot = events_.emplace_back_slot();
  // A reused slot may hold a long detail whose buffer a short one would be copied into and keep.
  if (slot.detail.capacity() > kShortString) std::string().swap(slot.detail);
  slot = std::move(ev);
  return committed(index);
}

std::uint64_t Trace::add_packet_event(SimTime time, TraceKind kind, int host, int link,
                                      std::uint64_t packet_id, const char* name) {
  TraceEvent& e = next_slot(time, kind);
  e.host = host;
  e.link = link;
  e.packet_id = packet_id;
  e.name = name;
  return committed(e.index);
}

std::uint64_t Trace::add_conn_event(SimTime time, TraceKind kind, int host, int conn,
                                    const FourTuple& tuple, const char* name, SimTime deadline) {
  TraceEvent& e = next_slot(time, kind);
  e.host = host;
  e.conn = conn;
  e.tuple = tuple;
  e.name = name;
  e.deadline = deadline;
  return committed(e.index);
}

void Trace::enforce_retention() {
  if (!over()) return;
  // Drop in batches of 1/16 of the limit, so that a full trace does not pay for this on every
  // event it records. Counted first (from sizes and detail_bytes_, not reading the events).
  const std::size_t batch = std::max<std::size_t>(1, retention_.max_events / 16);
  std::size_t n = 0;
  std::size_t size = events_.size();
  while (size > 0) {
    const bool still_over = (retention_.max_events && size > retention_.max_events) ||
                            (retention_.max_bytes && bytes_ > retention_.max_bytes);
    if (!still_over && n >= batch) break;
    bytes_ -= sizeof(TraceEvent);
    if (!detail_bytes_.empty() && detail_bytes_.front().index == first_index_ + n) {
      bytes_ -= detail_bytes_.front().bytes;
      detail_bytes_.pop_front();
    }
    --size;
    ++n;
  }
  events_.drop_front(n);
  first_index_ += n;
  // Packets no retained event refers to go too. Packet ids grow with event order, so the oldest
  // retained event's packet (or the next packet after it) bounds what is still referenced.
  std::uint64_t keep_from = first_packet_id_ + packets_.size();
  for (std::size_t i = 0; i < events_.size(); ++i) {
    if (events_[i].packet_id != 0) {
      keep_from = events_[i].packet_id;
      break;
    }
  }
  if (keep_from > first_packet_id_) {
    const std::uint64_t drop = keep_from - first_packet_id_;
    packets_.drop_front(static_cast<std::size_t>(drop));
    first_packet_id_ = keep_from;
    bytes_ -= static_cast<std::size_t>(drop) * sizeof(Packet);
  }
}

void Trace::clear() {
  events_.clear();
  detail_bytes_.clear();
  packets_.clear();
  first_index_ = 0;
  first_packet_id_ = 1;
  bytes_ = 0;
  host_names.clear();
  link_names.clear();
}

}  // namespace tcpplay
