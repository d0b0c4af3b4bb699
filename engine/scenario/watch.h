// A lesson's "watch" items and their triggers ("when"): what to look for in the trace, checked
// by the scenario loader (every name must exist) and matched by the engine while it runs, so the
// CLI, the tests and the page agree on the moment each point is reached.
//
// A trigger matches one kind of trace event and narrows it with fields; the item's point is
// reached at its `nth` match (default the first) at or after `after`. The engine then adds a
// `lesson_point` event right after the matching one (TraceKind::lesson_point).
//
//   {"event": "state",  "host": "client", "from": "SYN_SENT", "to": "ESTABLISHED", "cause": "..."}
//   {"event": "packet", "from": "lb", "to": "client", "link": "l1", "flags": "R", "tag": "keepalive",
//    "win": 0}
//   {"event": "drop",   "host": "client", "link": "l1", "reason": "loss", "flags": "S"}
//   {"event": "app",    "name": "alb", "host": "lb", "contains": "504"}
//   {"event": "timer",  "host": "client", "timer": "time_wait", "action": "fired"}
//   {"event": "note",   "host": "reno", "contains": "fast retransmit"}
//   {"event": "error",  "host": "client", "errno": "ECONNREFUSED", "call": "connect"}
// plus, on any of them, "nth": 2 and "after": "300s".
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "trace/trace.h"

namespace tcpplay {

struct WatchTrigger {
  enum class Event { state, packet, drop, app, timer, note, error };
  Event event = Event::state;
  std::string host;     ///< state, drop, app, timer: the host; packet: the sender ("from")
  std::string to_host;  ///< packet: the host at the other end of the link
  std::string link;     ///< packet, drop
  std::string from_state, to_state;    ///< state ("SYN_SENT")
  std::string cause;                   ///< state: text the change's cause contains
  std::optional<std::uint16_t> flags;  ///< packet, drop: exactly these TCP flags
  std::string tag;                     ///< packet: "retransmission", "keepalive", ...
  std::optional<std::uint32_t> win;    ///< packet: the window field as sent (unscaled)
  std::string reason;                  ///< drop: "loss", "queue_full", ...
  std::string name;                    ///< app: the app, middlebox or socket name
  std::string contains;                ///< app, note, error: text the message (detail) contains
  std::string err;                     ///< error: the errno ("EAGAIN")
  std::string call;                    ///< error: the call ("read", "connect", "send", "recv", ...)
  std::string timer;                   ///< timer: "time_wait", "retransmit", ...
  TraceKind timer_action = TraceKind::timer_fired;  ///< timer: set, fired or cancelled
  std::uint32_t nth = 1;
  SimTime after = 0;
};

/// One "watch" item: a plain string (no trigger) or {"text": ..., "when": {...}}.
struct WatchItem {
  std::string text;
  std::optional<WatchTrigger> when;
};

/// The flag letters as tcpdump prints them ("S.", "R", "FP.") -> TCP flag bits; nullopt for a
/// letter outside "FSRPUEW." or a repeated one.
std::optional<std::uint16_t> parse_tcp_flag_letters(const std::string& text);
/// The eleven state names the trace uses ("SYN_RECEIVED").
const std::vector<std::string>& tcp_state_names();
/// The TCP timer names the trace uses ("time_wait").
const std::vector<std::string>& tcp_timer_names();
/// The errno names a socket_error event can carry (trace/socket_error.h).
const std::vector<std::string>& socket_errno_names();
/// The calls a socket_error event names.
const std::vector<std::string>& socket_call_names();

/// True when trace events of kind `k` are what trigger `w` looks at.
bool trigger_has_kind(const WatchTrigger& w, TraceKind k);
/// True when event `e` of `trace` matches every field of `w` but `nth` (counted by the caller).
/// `link_ends` gives each link index's two host names. Shared by lesson points and reactions.
bool trigger_matches(const Trace& trace, const TraceEvent& e, const WatchTrigger& w,
                     const std::vector<std::pair<std::string, std::string>>& link_ends);

/// Matches a scenario's triggers against the trace as it grows and adds a lesson_point event
/// for each one reached. It listens to the trace of the runner's Simulation and detaches itself
/// once every trigger has fired.
class LessonWatcher : public TraceListener {
 public:
  /// `link_ends` gives each link index's two host names (the trace's order).
  LessonWatcher(const std::vector<WatchItem>& items,
                std::vector<std::pair<std::string, std::string>> link_ends);
  void on_trace_event(Trace& trace, std::uint64_t index) override;
  /// Triggers not reached yet.
  std::size_t pending() const { return pending_; }
  /// Whether it takes itself off the trace once every trigger fired (the default); off while
  /// it is called by another listener (the scenario's reactions) rather than by the trace.
  void set_detach_when_done(bool on) { detach_ = on; }

 private:
  std::vector<const WatchItem*> items_;
  std::vector<std::size_t> number_;  // each item's number from 1
  std::vector<std::uint32_t> seen_;  // matches so far
  std::vector<bool> fired_;
  std::size_t pending_ = 0;
  bool detach_ = true;
  std::vector<std::pair<std::string, std::string>> link_ends_;
};

}  // namespace tcpplay
