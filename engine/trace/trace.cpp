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
  packets_.push_back(p);
  bytes_ += sizeof(Packet);
  return first_packet_id_ + packets_.size() - 1;
}

const Packet* Trace::packet(std::uint64_t id) const {
  if (id < first_packet_id_ || id >= first_packet_id_ + packets_.size()) return nullptr;
  return &packets_[id - first_packet_id_];
}

std::size_t Trace::event_bytes(const TraceEvent& e) {
  return sizeof(TraceEvent) + (e.detail.size() > 15 ? e.detail.capacity() : 0);
}

std::uint64_t Trace::add(TraceEvent ev) {
  const std::uint64_t index = end_index();
  ev.index = index;
  bytes_ += event_bytes(ev);
  events_.push_back(std::move(ev));
  if ((retention_.max_events && events_.size() > retention_.max_events) ||
      (retention_.max_bytes && bytes_ > retention_.max_bytes))
    enforce_retention();
  return index;  // the event itself may already be gone if retention is tighter than one event
}

void Trace::enforce_retention() {
  auto over = [&] {
    return (retention_.max_events && events_.size() > retention_.max_events) ||
           (retention_.max_bytes && bytes_ > retention_.max_bytes);
  };
  if (!over()) return;
  // Drop in batches of 1/16 of the limit, so that a full trace does not pay for this on every
  // event it records.
  const std::size_t batch = std::max<std::size_t>(1, retention_.max_events / 16);
  std::size_t dropped = 0;
  while (!events_.empty() && (over() || dropped < batch)) {
    bytes_ -= event_bytes(events_.front());
    events_.pop_front();
    ++first_index_;
    ++dropped;
  }
  // Packets no retained event refers to go too. Packet ids grow with event order, so the oldest
  // retained event's packet (or the next packet after it) bounds what is still referenced.
  std::uint64_t keep_from = first_packet_id_ + packets_.size();
  for (std::size_t i = 0; i < events_.size(); ++i) {
    if (events_[i].packet_id != 0) {
      keep_from = events_[i].packet_id;
      break;
    }
  }
  while (!packets_.empty() && first_packet_id_ < keep_from) {
    packets_.pop_front();
    ++first_packet_id_;
    bytes_ -= sizeof(Packet);
  }
}

void Trace::clear() {
  events_.clear();
  packets_.clear();
  first_index_ = 0;
  first_packet_id_ = 1;
  bytes_ = 0;
  host_names.clear();
  link_names.clear();
}

}  // namespace tcpplay
