// Playground: the engine as one object for interactive front ends (the WebAssembly module's
// Embind layer wraps it one to one; native code and tests use it directly).
//
// It owns a ScenarioRunner and adds what a UI needs on top of it: loading with errors as data,
// reset, stepping by event or by packet, live edits (every one goes through
// ScenarioRunner::apply_action, so scenario_json() records it), an incremental event feed with
// tcpdump lines formatted once each, and JSON snapshots of the whole simulation.
//
// Errors: every method that can fail throws PlaygroundError, whose message is the text the CLI
// prints for the same problem ("path: message" lines for scenario and action errors). After an
// error the object keeps working: a failed load keeps the scenario that was loaded before, a
// failed action changes nothing. A run that ends on an error (a limit of the scenario's
// `limits`, or memory running out) throws that error once; then running and editing throw "the
// run ended: ...", reading still works after a limit (not after running out of memory: the run
// is dropped to free its memory), and load() or reset() start again. Nothing here includes
// Emscripten.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "api/event_feed.h"
#include "core/heap_checkpoints.h"
#include "core/sim_heap.h"
#include "core/time.h"
#include "scenario/scenario.h"
#include "trace/tcpdump_text.h"

namespace tcpplay {

class ScenarioRunner;

/// A bad argument, an invalid action, or no scenario loaded. what() is the message to show;
/// errors() the same as data: one {path, message} per problem (path "" when the problem is not
/// at a place in the scenario document, e.g. a bad argument).
class PlaygroundError : public std::runtime_error {
 public:
  explicit PlaygroundError(const std::string& message)
      : std::runtime_error(message), errors_{ScenarioError{"", message}} {}
  PlaygroundError(const std::string& message, std::vector<ScenarioError> errors)
      : std::runtime_error(message), errors_(std::move(errors)) {}
  const std::vector<ScenarioError>& errors() const { return errors_; }

 private:
  std::vector<ScenarioError> errors_;
};

/// How much one call may run: at most `max_events` events (0: no limit). The engine reads no
/// clock: a budget in wall time is the caller's, made of event budgets (web/api/playground.ts
/// runs 512 events at a time and reads performance.now() between them).
struct RunBudget {
  std::uint64_t max_events = 0;
};

/// Where a budgeted run stopped.
struct RunResult {
  SimTime now = 0;           ///< the clock after the call
  bool reached = false;      ///< the target was reached (false: the budget ran out first)
  std::uint64_t events = 0;  ///< events run by the call
  bool sent = false;         ///< step_packet: a packet was sent
};

/// One page of the binary feed (the columns are in feed()).
struct FeedPage {
  std::uint64_t run = 0, first = 0, end = 0, dropped = 0, next = 0, count = 0;
};

class Playground {
 public:
  /// The most events one events_since() call returns unless told otherwise.
  static constexpr std::int64_t kDefaultMaxEvents = 2000;
  /// step_packet() gives up after this many events without a packet.
  static constexpr std::uint64_t kStepPacketLimit = 1'000'000;

  Playground();
  ~Playground();
  Playground(const Playground&) = delete;
  Playground& operator=(const Playground&) = delete;

  // --- loading ---------------------------------------------------------------------------------

  /// Checks and loads a scenario. Returns its errors as a JSON array text,
  /// [{"path":"/links/0/delay","message":"..."}], "[]" when it loaded (the same errors, in the
  /// same order, as `tcpplay validate`). On error the previous scenario stays loaded.
  std::string load(std::string_view scenario_json);
  bool loaded() const { return runner_ != nullptr; }
  /// Reloads the current scenario (scenario_json(), live edits included) from time 0.
  void reset();
  /// Changes one value of the document (the CLI's `--set PATH=VALUE`) and restarts from time 0.
  void set_path(std::string_view path, std::string_view value);
  /// Counts loads and resets: a reader's event cursor from an older run is stale.
  std::uint64_t run_number() const { return run_number_; }

  // --- running ---------------------------------------------------------------------------------

  /// Runs every event up to virtual time `t` (ns) and sets the clock to `t`. `t` must not be
  /// before now(): virtual time never goes backwards.
  void run_until(SimTime t);
  /// The same with a duration ("2s", "250ms") or a bare count of nanoseconds ("2000000000").
  void run_until_text(std::string_view t);
  /// The same within a budget: stops early (reached = false, the clock at the last event run)
  /// when the budget runs out; call again to go on.
  RunResult run_until(SimTime t, RunBudget budget);
  /// Runs one event; false when none is left (one event needs no budget).
  bool step();
  /// Runs events up to and including the first one that sends a packet; false when the events
  /// ran out (or kStepPacketLimit passed) without one.
  bool step_packet();
  /// The same within a budget: `sent` says a packet was sent, `reached` is false when the budget
  /// stopped it first.
  RunResult step_packet(RunBudget budget);
  SimTime now() const;
  /// The time of the next pending event, -1 when there is none.
  SimTime next_event_time();
  /// The scenario's `duration` (how far `tcpplay run` goes).
  SimTime duration() const;

  // --- live edits ------------------------------------------------------------------------------

  /// One timeline action as JSON ({"do":"send","socket":"c1","text":"hi"}; "at" is ignored:
  /// it runs now). Any action kind the scenario format has: listen, connect, send, shutdown,
  /// close, abort, read, set, link_down, link_up, manual, inject, udp_bind, udp_send, note.
  /// Throws with the "path: message" lines of `tcpplay validate` for the same timeline entry
  /// when it is invalid, or with the run-time error a valid action met (its socket is gone);
  /// either way nothing changes and nothing is recorded. errors() has them as data.
  void apply(std::string_view action_json);
  /// Sets several link parameters: `params_json` is an object such as {"loss":0.1,"delay":"5ms"}.
  /// All or nothing: every field is checked first, and on an error nothing changes and the
  /// error names the field ("set_link: delay: expected a duration ...", errors() path "delay",
  /// or "link" for an unknown link). Recorded as one `set` action per key, in key order, all at
  /// this instant. Packets already on the wire keep their arrival time; later ones see the new
  /// values (Link::set_params).
  void set_link(std::string_view link, std::string_view params_json);
  /// The seq/ack that an inject from `host` (port `src_port`) to `to` (host name or address,
  /// port `dst_port`) would fill in: {"seq":N,"ack":N}. An error when there is no connection
  /// on the 4-tuple at either end (nor a segment seen on it in manual mode).
  std::string suggest_seq_ack(std::string_view host, std::string_view to, std::int64_t src_port,
                              std::int64_t dst_port);

  // --- reading ---------------------------------------------------------------------------------

  /// Trace events from index `cursor` on, at most `max_events` of them, as JSON text:
  /// {"run":R,"first":F,"end":E,"dropped":D,"next":N,"events":[...]}. `first` is the first
  /// retained index, `end` one past the last event, `dropped` how many events at or after
  /// `cursor` retention removed before they were read, `next` the cursor for the next call. Each
  /// event is event_to_json()'s object; packet_sent events add "text", their tcpdump line. A
  /// packet event read while its packet was still on its way has no "peer_conn" yet (the
  /// receiving connection is known once it arrives; read it again, or the JSONL, to see it).
  /// Work is proportional to the events returned, never to the history.
  std::string events_since(std::int64_t cursor, std::int64_t max_events = kDefaultMaxEvents);
  /// The binary feed: writes events [cursor, cursor + max_events) (clipped to what is retained)
  /// into feed()'s columns, replacing the previous page. Same cursor rules as events_since().
  FeedPage feed_fill(std::int64_t cursor, std::int64_t max_events);
  const EventFeed& feed() const { return feed_; }
  /// The feed's label table as a JSON array of strings (ids index it).
  std::string feed_labels() const;
  /// An event's text: the tcpdump line of a packet_sent, else its detail; "" when it has none
  /// or is no longer retained.
  std::string event_text(std::int64_t index);
  /// Host and link names by index, as JSON arrays (the feed's host and link columns index them).
  std::string host_names() const;
  std::string link_names() const;

  /// Everything a UI shows about the current state, as JSON (see playground_snapshot.cpp).
  std::string snapshot();
  /// A connection's time series from cursor `since` on: {"id","name","generation","reset",
  /// "from","next","t","cwnd","ssthresh","in_flight","srtt","rto","rwnd"}, one array each (times
  /// in ns). Pass 0 first, then the `next` of the previous call to get only the new samples.
  /// Past 20,000 points the series thins itself, rewriting its history: a cursor from before
  /// that gets every sample again with "reset":true (replace, don't append). "from" is the
  /// index of the first sample returned. A cursor is the sample index plus generation * 2^32
  /// (the number of thinnings so far): below 20,000 samples, simply the index.
  std::string series(std::int64_t conn_id, std::int64_t since = 0);
  std::vector<std::uint8_t> pcap() const;
  std::string tcpdump_text() const;
  /// The trace as JSON Lines; `payload` "text" or "hex" adds each packet's payload ("none":
  /// without, as `tcpplay run --jsonl`; see JsonlOptions). Another value throws.
  std::string jsonl(const std::string& payload = "none") const;
  /// The current scenario, live edits included, as indented JSON: every recorded action,
  /// also those ahead of the playhead after a seek back (see actions_json()).
  std::string scenario_json() const;

  // --- seeking, branches and undo (playground_seek.cpp) ----------------------------------------
  //
  // The simulation lives in its own heap (engine/core/sim_heap.h); a checkpoint of that heap is
  // taken every kCheckpointEvents events (at the first time the run gets there), kept as page
  // diffs within kCheckpointBytes. Seeking restores the newest checkpoint at or before the
  // target and replays from it, so the trace, snapshots and series after a seek are those of
  // the run at that time, and the trace ends where it ended then.
  //
  // The live actions (apply(), set_link()) are recorded with their place: time and how many of
  // that instant's events had run. The rule:
  //  - seeking back alone changes nothing: the actions after the playhead stay recorded ("ahead")
  //    and run again at their place when the run gets there;
  //  - acting while actions are ahead (acting in the past) starts a new branch: the ahead
  //    actions are dropped, and so are the checkpoints after the playhead;
  //  - undo_last_action() drops the newest recorded action and seeks to where it was taken.
  // reset() and set_path() bake the recorded actions into the scenario (its timeline) and start
  // again: nothing is left to undo after them.

  /// Events between two checkpoints: a seek replays at most this many (about 4 ms in
  /// WebAssembly). Fewer would keep more copies of the pages that change between two of them
  /// (about 2 MB each in lesson 18, besides the trace itself).
  static constexpr std::uint64_t kCheckpointEvents = 16384;
  /// The most memory checkpoints keep; past it old checkpoints are merged away (the closest
  /// pair first).
  static constexpr std::size_t kCheckpointBytes = 64u << 20;

  /// Goes to virtual time `t` (ns): back by restoring a checkpoint and replaying, forward by
  /// running (from a later checkpoint when one is nearer). Every event at or before `t` has run
  /// after it, and the clock is `t`.
  void seek(SimTime t);
  /// Goes back one event (the state after the one before the last, with the actions recorded
  /// right after it); false at time 0 with no event run.
  bool step_back();
  /// Drops the newest recorded action and goes to where it was taken (just before it); throws
  /// when there is none.
  void undo_last_action();
  /// The recorded actions in order: [{"index","at","after_events","ahead","action"}], "at" in ns,
  /// "action" the JSON as recorded, "ahead" true for those after the playhead.
  std::string actions_json() const;
  /// {"count","bytes","arena_bytes","arena_in_use","interval_events","cap_bytes"}: checkpoints
  /// and the simulation's own heap.
  std::string checkpoint_stats() const;
  /// Events run since time 0 (a replay counts them again from its checkpoint).
  std::uint64_t events_run() const;

  // --- the parameter catalogue (scenario/param_catalogue.h) -----------------------------------

  /// Every TCP, link, app and middlebox parameter as a JSON array (param_catalogue_json()):
  /// name, type, unit, range or values, default per profile, description. Needs no scenario.
  static std::string parameters();

  // --- packets by id (playground_packet.cpp) ---------------------------------------------------

  /// The wire bytes of packet `id` (the id packet events refer to), exactly as pcap() writes
  /// them. Throws when the id was never assigned or retention dropped it.
  std::vector<std::uint8_t> packet_bytes(std::uint64_t id) const;
  /// Those bytes dissected, as JSON (engine/api/packet_json.h): every field of every layer with
  /// its byte offset and length, checksums with their validity, TCP options as values.
  std::string packet_fields(std::uint64_t id) const;

  /// A duration ("2s", "250ms") or a bare count of nanoseconds, as a time; PlaygroundError
  /// "run_until: expected a duration ..." otherwise.
  static SimTime time_arg(std::string_view t);
  /// For JavaScript numbers: `v` as an integer, or PlaygroundError "what: expected an integer...".
  static std::int64_t integer_arg(double v, std::string_view what);

 private:
  struct NamedSocket {  // a listen or udp_bind with a name, for snapshots
    bool udp = false;
    std::string host, name;
    std::uint16_t port = 0;
    std::size_t action = 0;  // the recorded action that defined it (live ones)
  };
  struct PacketLine {
    std::uint64_t index;
    std::string text;
  };

  /// A place in the run: virtual time, and events of that instant run.
  struct Position {
    SimTime t = 0;
    std::uint64_t k = 0;
    // clang 14 misreads a defaulted <=>.
    // NOLINTNEXTLINE(modernize-use-nullptr)
    auto operator<=>(const Position&) const = default;
  };
  struct RecordedAction {
    Position at;
    std::string json;  // as the runner recorded it, with "at" and "after_events"
  };
  struct CheckpointInfo {
    std::uint64_t id = 0;
    Position at;
    std::uint64_t events = 0;  // events run
    std::size_t applied = 0;   // recorded actions applied
  };
  struct TextMark {  // the tcpdump formatter before packet line `index`
    std::uint64_t index;
    TcpdumpFormatter formatter;
  };

  ScenarioRunner& runner() const;
  void restarted();
  /// Drops the run, its heap and checkpoints, then builds `text` (with `overrides`) in a new
  /// heap at time 0.
  void start_fresh(std::string text, std::vector<Override> overrides);
  void drop_run();
  Position here() const;
  std::size_t applied() const;
  /// Runs toward `target`, at most `max_events` events, applying the recorded actions ahead at
  /// their places and taking checkpoints: {events run, reached}.
  /// `file`: file part of a staged checkpoint before each chunk (a budgeted run_until: the
  /// page's frames); otherwise (a seek's replay, a run without a budget) the next take()
  /// finishes it.
  std::pair<std::uint64_t, bool> advance(Position target, std::uint64_t max_events,
                                         bool file = false);
  std::pair<std::uint64_t, bool> run_to(Position target, std::uint64_t max_events);
  void apply_due_actions();
  /// Files part of a staged checkpoint before `events` more events run (HeapCheckpoints::work).
  void file_checkpoint(std::uint64_t events);
  /// Drops checkpoints while they hold more than kCheckpointBytes.
  void thin_checkpoints();
  void maybe_checkpoint();
  void take_checkpoint();
  /// Restores the newest checkpoint whose `keep` is true; false when none is newer than now.
  template <typename Keep>
  bool restore_latest(Keep&& keep, bool only_if_ahead);
  void restore(const CheckpointInfo& cp);
  /// Forgets the checkpoints after `at` and those with more than `applied` actions.
  void invalidate_after(Position at, std::size_t applied);
  /// After a restore: what lives outside the heap follows the trace back to its end.
  void rewound();
  void seek_to(Position target);
  /// Runs one event, with the recorded actions due before and right after it; false when none
  /// is left.
  bool step_one();
  /// Packet lines between two saved formatter states.
  static constexpr std::size_t kTextMarkLines = 2048;
  void format_lines_until(std::uint64_t end);
  /// Runs `chunk(n)` (which runs at most n events and returns how many it ran and whether it is
  /// done) with n from the budget.
  template <typename Chunk>
  RunResult run_budgeted(RunBudget budget, Chunk&& chunk);
  void remember_named_socket(std::string_view action_json);
  std::vector<NamedSocket> named_sockets() const;

  /// Runs `f`, which runs the simulation: a RunLimitExceeded or std::bad_alloc ends the run.
  /// (One copy of the handlers for every caller: the module's size is on a budget.)
  template <typename F>
  void running(F&& f) {
    using Fn = std::remove_reference_t<F>;
    running_impl([](void* c) { (*static_cast<Fn*>(c))(); }, &f);
  }
  void running_impl(void (*call)(void*), void* f);
  void end_run(std::string why, bool drop_runner);
  /// Throws "the run ended: ..." once a run ended on an error.
  void check_not_ended() const;

  // The simulation's heap: declared before runner_, so destroyed after it.
  std::unique_ptr<SimHeap> heap_;
  std::unique_ptr<ScenarioRunner> runner_;
  std::uint64_t run_number_ = 0;
  HeapCheckpoints checkpoints_;
  std::size_t staged_pages_ = 0;  ///< the newest checkpoint's pages when it was taken
  std::vector<CheckpointInfo> cp_info_;
  std::vector<RecordedAction> actions_;
  std::vector<TextMark> text_marks_;
  // Why the run ended ("" while it can go on), and the document to reset() to when the runner
  // was dropped.
  std::string ended_;
  std::string dropped_scenario_;
  // The incremental tcpdump view: packet_sent events before formatted_until_ were formatted
  // (in order, once each); lines_ keeps those still retained by the trace.
  TcpdumpFormatter formatter_;
  std::uint64_t formatted_until_ = 0;
  std::deque<PacketLine> lines_;
  std::vector<NamedSocket> live_named_;  // named sockets defined by live actions (index: action)
  EventFeed feed_;
};

}  // namespace tcpplay
