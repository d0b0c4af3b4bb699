// Matching a lesson's triggers against the trace as it is written (see watch.h).
#include "scenario/watch.h"

#include "wire/tcp_header.h"

namespace tcpplay {

std::optional<std::uint16_t> parse_tcp_flag_letters(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::uint16_t bits = 0;
  for (char ch : text) {
    std::uint16_t b = 0;
    switch (ch) {
      case 'F': b = tcp_flag::fin; break;
      case 'S': b = tcp_flag::syn; break;
      case 'R': b = tcp_flag::rst; break;
      case 'P': b = tcp_flag::psh; break;
      case '.': b = tcp_flag::ack; break;
      case 'U': b = tcp_flag::urg; break;
      case 'E': b = tcp_flag::ece; break;
      case 'W': b = tcp_flag::cwr; break;
      default: return std::nullopt;
    }
    if (bits & b) return std::nullopt;
    bits |= b;
  }
  return bits;
}

const std::vector<std::string>& tcp_state_names() {
  // RFC 9293 §3.3.2, as TcpState's to_string() writes them.
  static const std::vector<std::string> names = {
      "CLOSED",     "LISTEN",     "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
      "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",  "LAST_ACK",     "TIME_WAIT"};
  return names;
}

const std::vector<std::string>& tcp_timer_names() {
  // TcpConnection::timer_name().
  static const std::vector<std::string> names = {
      "retransmit", "persist", "delayed_ack", "keepalive", "time_wait",
      "fin_wait_2", "connect", "app_read",    "idle",      "cork"};
  return names;
}

const std::vector<std::string>& socket_errno_names() {
  static const std::vector<std::string> names = {
      "ECONNREFUSED", "ECONNRESET",  "ETIMEDOUT",   "EPIPE",    "EADDRINUSE",
      "EHOSTUNREACH", "ENETUNREACH", "ENOPROTOOPT", "EMSGSIZE", "EAGAIN"};
  return names;
}

const std::vector<std::string>& socket_call_names() {
  static const std::vector<std::string> names = {"connect", "read",   "send",
                                                 "recv",    "listen", "bind"};
  return names;
}

LessonWatcher::LessonWatcher(const std::vector<WatchItem>& items,
                             std::vector<std::pair<std::string, std::string>> link_ends)
    : link_ends_(std::move(link_ends)) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].when) continue;
    items_.push_back(&items[i]);
    number_.push_back(i + 1);
  }
  seen_.assign(items_.size(), 0);
  fired_.assign(items_.size(), false);
  pending_ = items_.size();
}

namespace {

const std::string& host_name(const Trace& t, int host) {
  static const std::string none;
  return host >= 0 && static_cast<std::size_t>(host) < t.host_names.size() ? t.host_names[host]
                                                                           : none;
}

const std::string& link_name(const Trace& t, int link) {
  static const std::string none;
  return link >= 0 && static_cast<std::size_t>(link) < t.link_names.size() ? t.link_names[link]
                                                                           : none;
}

}  // namespace

bool trigger_has_kind(const WatchTrigger& w, TraceKind k) {
  switch (w.event) {
    case WatchTrigger::Event::state: return k == TraceKind::state_change;
    case WatchTrigger::Event::packet: return k == TraceKind::packet_sent;
    case WatchTrigger::Event::drop: return k == TraceKind::packet_dropped;
    case WatchTrigger::Event::app: return k == TraceKind::app;
    case WatchTrigger::Event::timer: return k == w.timer_action;
    case WatchTrigger::Event::note: return k == TraceKind::note;
    case WatchTrigger::Event::error: return k == TraceKind::socket_error;
  }
  return false;
}

bool trigger_matches(const Trace& trace, const TraceEvent& e, const WatchTrigger& w,
                     const std::vector<std::pair<std::string, std::string>>& link_ends) {
  if (e.time < w.after) return false;
  if (!w.host.empty() && host_name(trace, e.host) != w.host) return false;
  if (!w.link.empty() && link_name(trace, e.link) != w.link) return false;
  switch (w.event) {
    case WatchTrigger::Event::state:
      if (!w.from_state.empty() && w.from_state != e.from) return false;
      if (!w.to_state.empty() && w.to_state != e.to) return false;
      return w.cause.empty() || e.detail.find(w.cause) != std::string::npos;
    case WatchTrigger::Event::packet:
    case WatchTrigger::Event::drop: {
      if (!w.to_host.empty()) {
        if (e.link < 0 || static_cast<std::size_t>(e.link) >= link_ends.size()) return false;
        const auto& [a, b] = link_ends[e.link];
        const std::string& sender = host_name(trace, e.host);
        if ((sender == a ? b : sender == b ? a : std::string()) != w.to_host) return false;
      }
      if (!w.tag.empty() && w.tag != e.tag) return false;
      if (!w.reason.empty() && w.reason != e.name) return false;
      if (w.flags || w.win) {
        const std::optional<Packet> p = trace.packet(e.packet_id);
        if (!p || !p->is_tcp()) return false;
        if (w.flags && (p->tcp.flags & 0xFF) != *w.flags) return false;
        if (w.win && p->tcp.window != *w.win) return false;
      }
      return true;
    }
    case WatchTrigger::Event::app:
      if (!w.name.empty() && w.name != e.name) return false;
      return w.contains.empty() || e.detail.find(w.contains) != std::string::npos;
    case WatchTrigger::Event::note:
      return w.contains.empty() || e.detail.find(w.contains) != std::string::npos;
    case WatchTrigger::Event::timer: return w.timer.empty() || w.timer == e.name;
    case WatchTrigger::Event::error:
      if (!w.err.empty() && w.err != e.name) return false;
      if (!w.call.empty() && w.call != e.from) return false;
      return w.contains.empty() || e.detail.find(w.contains) != std::string::npos;
  }
  return false;
}

void LessonWatcher::on_trace_event(Trace& trace, std::uint64_t index) {
  const TraceKind kind = trace.kind_at(index);
  bool wanted = false;
  for (std::size_t i = 0; i < items_.size() && !wanted; ++i)
    wanted = !fired_[i] && trigger_has_kind(*items_[i]->when, kind);
  if (!wanted) return;
  const TraceEvent e = trace.at(index);
  for (std::size_t i = 0; i < items_.size(); ++i) {
    const WatchTrigger& w = *items_[i]->when;
    if (fired_[i] || !trigger_has_kind(w, kind) || !trigger_matches(trace, e, w, link_ends_))
      continue;
    if (++seen_[i] < w.nth) continue;
    fired_[i] = true;
    --pending_;
    TraceEvent point;
    point.time = e.time;
    point.kind = TraceKind::lesson_point;
    point.host = e.host;
    point.link = e.link;
    point.conn = e.conn;
    point.original = number_[i];
    point.detail = items_[i]->text;
    trace.add(std::move(point));
  }
  if (pending_ == 0 && detach_) trace.set_listener(nullptr);
}

}  // namespace tcpplay
