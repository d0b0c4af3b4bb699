// Scenarios: a JSON document describing hosts, links, routes and a timeline of actions, loaded
// into a validated, typed Scenario, and the ScenarioRunner that turns one into a Simulation.
//
// Call flow: Scenario::load(text, overrides) -> parse JSON -> apply overrides -> check every
// part, collecting all errors (never throws, never aborts) -> typed Scenario. ScenarioRunner
// builds the Simulation from it (hosts, links, routes, then the middleboxes and the apps),
// and schedules each timeline action as a scheduler event; live
// actions from the UI go through the same parser (apply_action) and are appended to the
// document, so scenario_json() always replays to the same trace.
//
// The JSON reading lives in three translation units: scenario_load.cpp (the document),
// scenario_actions.cpp (timeline actions, and the runner's methods that take JSON) and
// scenario_components.cpp (apps and middleboxes). The run itself is scenario_runner.cpp.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/scheduler.h"
#include "core/time.h"
#include "net/link.h"
#include "scenario/watch.h"
#include "sim/simulation.h"
#include "tcp/tcp_config.h"
#include "tcp/tcp_socket_api.h"
#include "trace/trace.h"
#include "wire/ipv4.h"
#include "wire/payload.h"

namespace tcpplay {

class Json;

/// One problem in a scenario. `path` is a JSON pointer ("/links/0/delay", "" for the root).
struct ScenarioError {
  std::string path;
  std::string message;
  /// "path: message"
  std::string text() const { return path + ": " + message; }
};

/// A `--set path=value` override. `path` is a JSON pointer ("/links/0/loss") or the dotted form
/// ("links.0.loss"); `value` is parsed as JSON if it parses, else taken as a string.
struct Override {
  std::string path;
  std::string value;
};
/// Splits "path=value" at the first '='.
Result<Override> parse_override(std::string_view text);
/// Applies overrides to a JSON text and returns the new (compact) text; errors name the path.
Result<std::string> apply_overrides(std::string_view json_text,
                                    const std::vector<Override>& overrides);

struct HostSpec {
  std::string name;
  Ipv4Addr addr = 0;
  TcpConfig tcp;  ///< profile defaults + scenario-wide params + the host's params
  bool forwarding = false;
  bool manual = false;
  /// `tcp.isn` (the host's, else the scenario's): every connection's ISS, for tests.
  std::optional<std::uint32_t> isn;
};

struct LinkSpec {
  std::string name;
  std::string a, b;  ///< host names
  LinkParams params;
};

struct RouteSpec {
  std::string host;
  Ipv4Addr prefix = 0;
  int prefix_len = 0;  ///< 0 = default route
  std::string link;
};

enum class ActionKind {
  listen,
  connect,
  send,
  shutdown,
  close,
  abort,
  read,
  set,
  link_down,
  link_up,
  manual,
  inject,
  drop,
  udp_bind,
  udp_send,
  note,
  udp_connect,
  filter,  ///< switch a packet filter's rule on or off
};
/// The name used in JSON ("link_down").
const char* to_string(ActionKind kind);

/// A reaction's trigger (an action's "when"): what makes it run, instead of a time. A trace
/// trigger is a lesson trigger (watch.h) narrowed further; `received` and `peer_closed` are
/// seen by the runner as the application sees them (engine/scenario/reactions.cpp).
struct ReactionTrigger {
  enum class Kind { trace, received, peer_closed };
  Kind kind = Kind::trace;
  WatchTrigger when;   ///< trace: the event to match; `nth` and `after` apply to every kind
  std::string socket;  ///< state, packet (the sending socket), received, peer_closed
  std::optional<std::uint32_t> len;  ///< packet: exactly this many payload bytes
  std::optional<std::uint32_t> seq;  ///< packet: this sequence number
  bool seq_relative = false;         ///< packet: `seq` counts from the sender's ISN
  std::uint64_t bytes = 0;           ///< received: once this many bytes reached the application
};

/// One timeline action, validated and with names resolved. Only the fields of its kind are used.
struct Action {
  SimTime at = 0;
  /// Set for a live edit: it ran at `at` after exactly this many of that instant's events, and a
  /// replay runs it at that same point (not as a scheduler event in timeline order).
  std::optional<std::uint64_t> after_events;
  ActionKind kind = ActionKind::note;
  /// A reaction: armed at `at`, it runs each time (`repeat`) or the first time (the default)
  /// its trigger matches, as a new scheduler event at that moment (reactions.cpp).
  std::optional<ReactionTrigger> reaction;  ///< "when"
  bool repeat = false;
  std::string path;  ///< where it came from, "/timeline/3" (or "live")
  std::string host;  ///< listen, connect, manual, inject, udp_bind
  /// send, shutdown, close, abort, read (also a UDP socket: recv), udp_send, udp_connect; set
  /// "socket:" target
  std::string socket;
  /// send, shutdown, close, abort, read, set "conn:ID": the connection by its trace id instead
  /// of a socket name (-1: by name). Ids are given in creation order by the network, so a
  /// replay of the same document meets the same connection under the same id.
  int conn = -1;
  std::string name;  ///< listen, connect, udp_bind: the socket name defined
  std::string to;    ///< connect, inject, udp_send: as written (host name or address)
  Ipv4Addr to_addr = 0;
  std::uint16_t port = 0;  ///< listen, connect and udp_send: destination; udp_bind: local (0 = any)
  std::uint16_t src_port = 0;  ///< connect (0 = ephemeral)
  std::uint32_t backlog = 128;
  /// connect: the connection's ISS; listen: the ISS of each connection it accepts (for tests;
  /// it wins over the host's `tcp.isn` and the seeded rule).
  std::optional<std::uint32_t> isn;
  bool auto_read = true;  ///< listen, connect: false = the data waits for `read` actions
  /// listen, connect: TCP params; udp_bind: its socket options (SO_RCVTIMEO, SO_SNDTIMEO)
  std::vector<std::pair<std::string, std::string>> params;
  std::optional<std::string> text;  ///< send, udp_send, note
  std::uint64_t bytes = 0;          ///< send, udp_send, read: generated bytes / bytes to read
  bool urgent = false;
  bool on = false;  ///< manual, filter
  /// set: "link:NAME" | "tcp:HOST" | "socket:NAME" | "conn:ID" | "app:NAME" | "middlebox:NAME"
  std::string target, param, value;
  /// set on "app:NAME" or "middlebox:NAME": the component's name (its type and the parameter
  /// are checked by check_component_set once the components are parsed)
  std::string component;
  std::string link;         ///< link_down, link_up, set on a link, drop
  std::uint32_t count = 1;  ///< drop: how many of the next packets `host` sends on `link`
  std::function<void(LinkParams&)> link_edit;  ///< set on a link: the validated change
  CraftedSegment segment;                      ///< inject
};

/// A socket name defined by the timeline: a connect, a listen (whose accepted connections are
/// NAME.1, NAME.2, ...) or a UDP bind; `at` is when it comes into being.
struct SocketDef {
  enum class Kind { connection, listener, udp };
  Kind kind = Kind::connection;
  SimTime at = 0;
  std::size_t order = 0;  ///< position in run order of the action that defines it
  std::string path;       ///< that action, "/timeline/4"
};

/// An application ("apps") or middlebox ("middleboxes") of the document, validated. `create`
/// holds the typed parameters (built by the loader, with host names resolved to addresses) and
/// adds the component to a Simulation: sim.add_component<T>(sim, host, name, params).
struct ComponentSpec {
  std::string type;  ///< "http_server", "alb", ... (see component_types())
  std::string name;  ///< unique among apps and middleboxes; the trace's app events use it
  std::string host;
  std::string path;  ///< where it came from, "/apps/2"
  bool middlebox = false;
  std::set<std::string> filter_rules;  ///< a "filter": its rule names (for "filter" actions)
  std::function<Component&(Simulation&, Host&)> create;
};
/// The "type" values of "apps" and of "middleboxes".
const std::vector<std::string>& app_types();
const std::vector<std::string>& middlebox_types();
/// The parameter keys a component type accepts (besides "type", "name" and "host"), as in the
/// C++ params struct; "pool" gives the keys of http_client's pool object; empty otherwise.
std::vector<std::string> component_keys(std::string_view type);

struct LoadResult;

/// A validated scenario. Built only by load(); every field is checked.
struct Scenario {
  /// The newest scenario format this engine reads (`"version"`; missing = 1).
  static constexpr std::uint64_t kFormatVersion = 1;
  std::string title, description;
  std::vector<WatchItem> watch;  ///< what to watch, each with its trigger when it has one
  std::uint64_t seed = 1;
  SimTime duration = 60 * kSecond;
  Trace::Retention retention;
  /// `limits.max_packets`: the most packets queued on or crossing links at once; past it the run
  /// ends with RunLimitExceeded (a routing loop with duplication, an unbounded queue).
  std::uint64_t max_packets = Network::kDefaultMaxPackets;
  std::vector<HostSpec> hosts;
  std::vector<LinkSpec> links;
  std::vector<RouteSpec> routes;
  std::vector<ComponentSpec> middleboxes;  ///< created first, in file order
  std::vector<ComponentSpec> apps;         ///< then these, in file order
  std::vector<Action> timeline;            ///< by time; file order among equal times
  std::map<std::string, SocketDef> sockets;
  std::string document;  ///< the JSON it came from, after overrides (compact)

  /// Never throws: every problem found is in LoadResult::errors.
  static LoadResult load(std::string_view json_text, const std::vector<Override>& overrides = {});
  /// By name, in O(log n) (a scenario may have 200,000 hosts, and the loader looks up each
  /// link's and action's hosts): the index is rebuilt when hosts or links were appended.
  const HostSpec* find_host(std::string_view name) const;
  const LinkSpec* find_link(std::string_view name) const;
  const ComponentSpec* find_component(std::string_view name) const;

 private:
  /// name -> position in hosts / links, for the first `indexed` entries.
  struct NameIndex {
    std::map<std::string, std::size_t, std::less<>> at;
    std::size_t indexed = 0;
  };
  mutable NameIndex host_index_, link_index_;
};

struct LoadResult {
  std::vector<ScenarioError> errors;
  std::optional<Scenario> scenario;  ///< set exactly when errors is empty
  bool ok() const { return errors.empty(); }
  /// Every error as "path: message", one a line.
  std::string error_text() const;
};

/// All errors of a scenario text (empty = valid).
std::vector<ScenarioError> validate_scenario(std::string_view json_text);

/// Runs a scenario: owns the Simulation, schedules the timeline, names the sockets.
class ScenarioRunner : public EventHandler {
 public:
  explicit ScenarioRunner(Scenario scenario);
  ~ScenarioRunner() override;
  ScenarioRunner(const ScenarioRunner&) = delete;
  ScenarioRunner& operator=(const ScenarioRunner&) = delete;

  Simulation& sim() { return *sim_; }
  const Scenario& scenario() const { return scenario_; }
  SimTime now() const { return sim_->now(); }
  /// The scenario's `duration` (what run() runs to).
  SimTime duration() const { return scenario_.duration; }

  /// Runs every event up to t (and the recorded live edits due by then, each at its place).
  void run_until(SimTime t);
  /// At most `max_events` events (live edits are not counted): false when it stopped early.
  bool run_until(SimTime t, std::uint64_t max_events);
  void run() { run_until(duration()); }
  /// Runs one event (and the recorded live edits due before or right after it); false when
  /// none is left.
  bool step();
  std::uint64_t events_run() { return sim_->net().sched().events_run(); }

  /// A live action (the UI): validated like a timeline entry, run now, and appended to the
  /// document with "at" = now. An action that fails changes nothing and is not recorded: an
  /// invalid one returns every error as "path: message" lines, a valid one that fails when run
  /// (its socket is gone) returns that message (with the action's path) and leaves no trace
  /// note, so that what was recorded replays to the same trace. `errors`, when given, receives
  /// the same errors as data.
  Status apply_action(const Json& action, std::vector<ScenarioError>* errors = nullptr);
  /// Checks a live action as apply_action() would, without running or recording it (errors
  /// as there). What it cannot know is whether a valid action fails when run (a gone socket).
  Status check_action(const Json& action, std::vector<ScenarioError>* errors = nullptr);
  /// The same, from JSON text.
  Status apply_action_text(std::string_view action_json,
                           std::vector<ScenarioError>* errors = nullptr);
  /// Changes the document (`--set` form) and restarts the run from time 0 with it; on error
  /// nothing changes.
  Status apply_set(std::string_view path, std::string_view value,
                   std::vector<ScenarioError>* errors = nullptr);
  /// The current scenario, including live actions, as indented JSON.
  std::string scenario_json() const;
  /// The live actions run so far (since the runner was built), as recorded (JSON with "at" and
  /// "after_events").
  std::size_t live_action_count() const { return live_actions_.size(); }
  const std::string& live_action(std::size_t i) const { return live_actions_[i]; }

  /// The live TCP connection with this name ("c1", "srv.2"), or nullptr.
  TcpConnection* socket(const std::string& name);
  UdpSocket* udp_socket(const std::string& name);
  /// The scenario name of a connection id, "" if it has none.
  std::string socket_name(int conn_id) const;

  void on_event(std::uint32_t kind, std::uint64_t arg) override;

 private:
  // Reactions (reactions.cpp): the armed ones, matched against the trace and the sockets.
  class Reactions;
  friend class Reactions;
  /// Which of the lesson watcher and the reactions listen to the trace.
  void attach_trace_listener();
  class UdpObserverImpl;
  friend class UdpObserverImpl;
  class SocketObserver;
  friend class SocketObserver;
  struct PendingSend {
    std::optional<Payload> text;  // bytes given as text
    std::uint64_t generated = 0;  // or this many generated bytes
    bool urgent = false;
  };
  enum class AfterSend { none, shutdown, close };
  struct SocketEntry {
    int host = -1;
    int conn_id = -1;
    std::deque<PendingSend> pending;  // what did not fit in the send buffer yet
    std::uint64_t stream_offset = 0;  // bytes handed to TCP so far (for generated data)
    std::uint64_t received = 0;       // bytes handed to the application so far
    AfterSend after = AfterSend::none;
    // A blocking read that found nothing: it waits for data (SO_RCVTIMEO: at most until the
    // timer with this token fires, then EAGAIN). read_wanted 0 = no read waiting.
    std::uint64_t read_wanted = 0, read_token = 0;
    // SO_SNDTIMEO: the token of the timer of the send at the front of `pending` (0 = none), and
    // how much of that send TCP has taken.
    std::uint64_t send_token = 0, front_taken = 0;
  };
  struct PortEntry {
    int host = -1;
    std::uint16_t port = 0;
  };
  struct Datagram {
    Ipv4Addr from = 0;
    std::uint16_t from_port = 0;
    Payload data;
  };
  /// A timeline UDP socket: what arrived and was not read yet, and a blocking recv.
  struct UdpEntry {
    int host = -1;
    std::uint16_t port = 0;
    std::deque<Datagram> queue;
    std::uint64_t queued_bytes = 0;
    SimTime recv_timeout = 0, send_timeout = 0;  // SO_RCVTIMEO (SO_SNDTIMEO: UDP never waits)
    bool read_waiting = false;
    std::uint64_t read_token = 0;
  };

  void build();
  void teardown();
  /// Runs an action; a failure leaves a trace note where it happened unless `note_failure` is
  /// false (a live action that fails is not recorded, so it must leave nothing behind).
  Status run_action(const Action& a, bool note_failure = true);
  Status do_listen(const Action& a);
  Status do_connect(const Action& a);
  Status do_send(const Action& a);
  Status do_end(const Action& a);
  Status do_read(const Action& a);
  Status do_set(const Action& a);
  /// A `set` on one connection: traced as a param_change, then applied (set_option).
  Status set_on_connection(TcpConnection& c, const Action& a);
  Status do_link_up_down(const Action& a);
  Status do_drop(const Action& a);
  Status do_manual(const Action& a);
  Status do_filter(const Action& a);
  Status do_inject(const Action& a);
  Status do_udp_bind(const Action& a);
  Status do_udp_send(const Action& a);
  Status do_udp_connect(const Action& a);
  Status do_udp_read(const Action& a, UdpEntry& u);
  /// Completes a waiting recv (or a recv now): the next datagram, or the pending error.
  /// False when there is neither (the call would block).
  bool udp_recv_now(const std::string& name, UdpEntry& u);
  /// A socket_error event for the timeline socket `name` (conn -1 for UDP).
  void trace_error(int host, int conn, const std::string& name, const char* err, const char* call,
                   const std::string& detail);
  /// The runner's own timers (SO_RCVTIMEO, SO_SNDTIMEO): a token for on_event's argument.
  std::uint64_t arm_timer(std::uint32_t kind, SimTime delay);
  void on_read_timeout(std::uint64_t token);
  void on_send_timeout(std::uint64_t token);
  /// send, read, shutdown, close, abort and set on a connection given by id (scenario_conn.cpp).
  Status do_by_conn(const Action& a);
  SocketEntry* entry(const std::string& name);
  void pump(SocketEntry& e, TcpConnection& c);
  void add_socket(const std::string& name, TcpConnection& c);
  void trace_app(int host, int conn, const std::string& who, std::string what);
  void trace_param(int host, const std::string& path, std::string value);
  const char* intern(const std::string& s);

  // Connection callbacks (from SocketObserver).
  void on_established(TcpConnection& c, SocketObserver& o);
  void on_data(TcpConnection& c, const Payload& data);
  void on_urgent(TcpConnection& c, std::uint64_t offset);
  void on_peer_closed(TcpConnection& c);
  void on_writable(TcpConnection& c);
  void on_readable(TcpConnection& c);
  void on_closed(TcpConnection& c, const char* reason);

  /// Runs the recorded live edits (timeline actions with after_events) at or before `limit`
  /// that are due before the next event: at an earlier time, or at its time once that many of
  /// that instant's events have run.
  void run_due_live_edits(SimTime limit);

  Scenario scenario_;
  std::size_t next_live_edit_ = 0;         // index into scenario_.timeline of the next one
  std::vector<std::string> live_actions_;  // JSON text, each with "at"
  std::set<std::string> strings_;          // stable storage for TraceEvent::name
  std::vector<std::unique_ptr<SocketObserver>> observers_;
  /// Connection id -> stream offset just past its latest urgent data (RCV.UP), until the byte
  /// before it is delivered: the application reads that byte out of band (on_data).
  std::map<int, std::uint64_t> urgent_marks_;
  std::map<std::string, SocketEntry> sockets_;
  std::map<int, std::string> names_by_id_;
  std::map<std::string, PortEntry> listeners_;
  std::map<std::string, UdpEntry> udp_;
  std::unique_ptr<UdpObserverImpl> udp_observer_;
  std::uint64_t next_token_ = 0;
  // The lesson's triggers (watch.h), listening to sim_'s trace: destroyed after sim_.
  std::unique_ptr<LessonWatcher> watcher_;
  std::unique_ptr<Reactions> reactions_;  // also listening to sim_'s trace
  // After the observers: destroyed first, while the observers its connections call are alive.
  std::unique_ptr<Simulation> sim_;
  HandlerId handler_;
};

}  // namespace tcpplay
