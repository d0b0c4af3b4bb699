// What every application and middlebox shares: a home host, a name, cancellable timers on the
// simulation's scheduler, lazy idle timers, and narration (TraceKind::app events whose `name` is
// the component's name and whose `detail` says what happened, in words a learner reads).
//
// Call flow: the component registers itself with the scheduler (EventHandler); set_timer()
// schedules an event that carries a timer id; on_event() looks the id up and runs the callback
// once. Cancelled timers leave their event in the queue, and is_current() makes the scheduler
// skip it (ns-3 EventId style, no tick sweeps).
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "json/json_writer.h"
#include "sim/simulation.h"

namespace tcpplay {

/// An address and a port: a server to connect to, a load balancer target.
struct Endpoint {
  Ipv4Addr addr = 0;
  std::uint16_t port = 0;
  bool operator==(const Endpoint&) const = default;
  bool operator<(const Endpoint& o) const { return addr != o.addr ? addr < o.addr : port < o.port; }
};
/// "10.0.1.2:80"
std::string format_endpoint(const Endpoint& e);
std::string format_endpoint(Ipv4Addr addr, std::uint16_t port);
/// Parses "10.0.1.2:80", or "server:80" where `server` names a host of `net` (if given).
Result<Endpoint> parse_endpoint(std::string_view text, Network* net = nullptr);

/// Virtual time in a snapshot: integer nanoseconds, or null for "never" (kNever).
/// `key`: t in nanoseconds, or null when t is kNever (a timer that is not armed).
void time_field(JsonWriter& w, std::string_view key, SimTime t);

/// A connection or flow idle timer that is cheap to keep fresh: activity only records the time
/// (touch), and the one scheduled event re-arms itself at the newer deadline when it fires
/// early. The deadline is always last_activity + timeout.
struct IdleTimer {
  SimTime timeout = 0;        ///< 0 = off
  SimTime last_activity = 0;  ///< time of the last activity that counts
  std::uint64_t timer = 0;    ///< pending scheduler timer id (0 = none)
  SimTime deadline() const { return timeout > 0 && timer != 0 ? last_activity + timeout : kNever; }
};

/// Bytes an application wrote that did not fit in the send buffer yet, as a blocking write()
/// would keep them. flush() on on_writable.
struct SendQueue {
  std::deque<Payload> pieces;
  std::uint64_t bytes = 0;
  bool empty() const { return pieces.empty(); }
  /// Queues `p` and writes what fits; returns the bytes TCP accepted now.
  std::uint64_t write(TcpConnection& c, const Payload& p);
  /// Writes queued bytes while they fit; returns the bytes TCP accepted.
  std::uint64_t flush(TcpConnection& c);
  void clear() {
    pieces.clear();
    bytes = 0;
  }
};

class AppBase : public Component, public EventHandler {
 public:
  AppBase(Simulation& sim, Host& host, std::string name);
  ~AppBase() override;
  AppBase(const AppBase&) = delete;
  AppBase& operator=(const AppBase&) = delete;

  const std::string& name() const override { return name_; }
  Host& host() const { return host_; }

  void on_event(std::uint32_t kind, std::uint64_t arg) override;
  bool is_current(std::uint32_t kind, std::uint64_t arg) const override;

 protected:
  using TimerId = std::uint64_t;  ///< 0 = no timer

  SimTime now() const { return sim_.now(); }
  TcpStack& tcp() { return sim_.tcp(host_); }
  UdpStack& udp() { return sim_.udp(host_); }
  /// The TCP parameters for this component's sockets: `own` if given, else the host's defaults.
  TcpConfig tcp_config(const std::optional<TcpConfig>& own) {
    return own ? *own : tcp().defaults();
  }

  /// Runs `fn` once at time `at` (>= now). Returns its id.
  TimerId set_timer(SimTime at, std::function<void()> fn);
  /// Cancels the timer (if still pending) and sets `id` to 0.
  void cancel_timer(TimerId& id);
  SimTime timer_deadline(TimerId id) const;

  /// Starts (or restarts) an idle timer counting from now; `on_expire` runs when
  /// last_activity + timeout passes without a touch. The IdleTimer must stay at one address
  /// while armed (keep it in a node-based container) and be stopped before it is destroyed.
  void idle_start(IdleTimer& t, SimTime timeout, std::function<void()> on_expire);
  /// Activity that counts: the deadline moves to now + timeout.
  void idle_touch(IdleTimer& t) { t.last_activity = now(); }
  void idle_stop(IdleTimer& t) { cancel_timer(t.timer); }
  /// A live change of an armed timer's deadline: the same callback runs at `at` instead (at
  /// once if `at` has passed). No-op for id 0 or a timer that already ran.
  void retime_timer(TimerId& id, SimTime at);
  /// A live change of an idle timer's length (a `set` on "app:NAME" / "middlebox:NAME"), by the
  /// rule TCP's armed timers follow: the deadline is counted from when the timer last started
  /// (its last activity) with the new length, so it is last_activity + timeout, at once if that
  /// has passed. 0 turns an armed timer off. A timer not armed now gets the new length the next
  /// time the component starts it.
  void idle_retime(IdleTimer& t, SimTime timeout);

  /// One narration line (TraceKind::app). `c` attributes it to a TCP connection (id and tuple).
  void narrate(std::string detail, const TcpConnection* c = nullptr) const;
  void narrate(std::string detail, const FourTuple& tuple, int conn = -1) const;

  /// The fields every snapshot starts with: name, kind, host.
  void snapshot_header(JsonWriter& w) const;

  Simulation& sim_;
  Host& host_;

 private:
  void idle_arm(IdleTimer& t, std::function<void()> on_expire);

  std::string name_;
  HandlerId handler_;
  struct Pending {
    SimTime at;
    std::function<void()> fn;
  };
  std::map<TimerId, Pending> timers_;
  TimerId next_timer_ = 1;
};

/// The value of a live duration parameter (`set` on an app or middlebox): "30s", "250ms", at
/// least `min`. The error names the parameter and shows the value.
Result<SimTime> live_duration(std::string_view param, std::string_view value, SimTime min = 0);
/// The value of a live choice parameter: one of `choices`.
Status live_choice(std::string_view param, std::string_view value,
                   std::initializer_list<std::string_view> choices);

/// "1.5 s", "60 s", "250 ms": durations in narration.
std::string say_duration(SimTime d);
/// "60.003 s": a time in narration.
std::string say_time(SimTime t);

}  // namespace tcpplay
