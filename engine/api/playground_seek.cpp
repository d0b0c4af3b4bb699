// Playground: checkpoints, seeking, stepping back, the recorded actions, branches and undo
// (the rules are in playground.h, above seek()).
//
// The simulation (the ScenarioRunner and everything it owns) lives in heap_, a SimHeap; a
// checkpoint is a page-diff image of that heap (HeapCheckpoints) plus where the run was
// (CheckpointInfo). What the Playground keeps outside the heap (the recorded actions, the feed's
// labels and sequence bases, the tcpdump lines, named sockets) is brought back in rewound().
//
// Invariant: a checkpoint at place P holds the recorded actions before P, and `applied` of them
// (an action taken at P is applied after the checkpoint at P was taken: checkpoints are taken
// only after an event ran). So after restoring one, the actions from `applied` on are applied
// again as the run reaches their places.
#include <algorithm>

#include "api/playground.h"
#include "core/duration.h"
#include "json/json.h"
#include "json/json_writer.h"
#include "net/network.h"
#include "scenario/param_catalogue.h"
#include "scenario/scenario.h"
#include "tcp/tcp_config.h"

namespace tcpplay {

namespace {

/// The engine's tables made on first use (function-local statics), made here once before any
/// simulation heap exists, so that none of them is ever made inside one (sim_heap.h).
void warm_up_tables() {
  static const bool done = [] {
    (void)TcpConfig::params();
    (void)TcpConfig::socket_options();
    (void)param_catalogue();
    (void)app_types();
    (void)middlebox_types();
    (void)component_keys("http_client");
    (void)validate_scenario(
        R"({"hosts":[{"name":"a","addr":"10.0.0.1"},{"name":"b","addr":"10.0.0.2"}],)"
        R"("links":[{"name":"l","a":"a","b":"b"}],"apps":[{"type":"tcp_echo","name":"e","host":"b","port":7}],)"
        R"("timeline":[{"at":"0s","do":"note","text":"x"},{"at":"0s","do":"set","target":"tcp:a","param":"mss","value":1000}]})");
    return true;
  }();
  (void)done;
}

/// Anything but a PlaygroundError becomes one with the CLI's wording ("internal error: ...").
template <typename F>
auto guarded_seek(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const PlaygroundError&) {
    throw;
  } catch (const std::exception& e) {
    throw PlaygroundError(std::string("internal error: ") + e.what());
  }
}

}  // namespace

Playground::Playground() { warm_up_tables(); }

// --- building a run --------------------------------------------------------------------------

void Playground::drop_run() {
  runner_.reset();  // its blocks are freed into its heap, which goes next
  checkpoints_.clear();
  cp_info_.clear();
  heap_.reset();
}

void Playground::start_fresh(std::string text, std::vector<Override> overrides) {
  drop_run();
  ended_.clear();
  dropped_scenario_.clear();
  heap_ = std::make_unique<SimHeap>();
  std::string error;
  running([&] {
    LoadResult r = Scenario::load(text, overrides);
    if (!r.ok()) {
      SimHeapPause pause;  // the message outlives the heap
      error = r.error_text();
      return;
    }
    runner_ = std::make_unique<ScenarioRunner>(std::move(*r.scenario));
  });
  if (!runner_) {
    drop_run();
    throw PlaygroundError("internal error: the scenario no longer loads:\n" + error);
  }
  restarted();
  take_checkpoint();
}

// --- where the run is ------------------------------------------------------------------------

Playground::Position Playground::here() const {
  const Scheduler& s = runner().sim().net().sched();
  return {s.now(), s.events_run_this_instant()};
}

std::size_t Playground::applied() const { return runner_ ? runner_->live_action_count() : 0; }

std::uint64_t Playground::events_run() const { return runner().sim().net().sched().events_run(); }

// --- running ---------------------------------------------------------------------------------

void Playground::apply_due_actions() {
  ScenarioRunner& r = runner();
  for (std::size_t i = applied(); i < actions_.size() && actions_[i].at <= here(); i = applied()) {
    Status st = Status::success();
    const std::string& json = actions_[i].json;
    running([&] { st = r.apply_action_text(json); });
    // It ran at this very place before; the run is deterministic, so it runs again.
    if (!st || applied() != i + 1)
      throw PlaygroundError("internal error: a recorded action failed on replay: " + json);
  }
}

std::pair<std::uint64_t, bool> Playground::run_to(Position target, std::uint64_t max_events) {
  ScenarioRunner& r = runner();
  Scheduler& sched = r.sim().net().sched();
  const std::uint64_t start = sched.events_run();
  bool done = false;
  running([&] {
    if (target.k == UINT64_MAX) {
      done = r.run_until(target.t, max_events);
      return;
    }
    // Every event before target.t, then target.k events of that instant, one by one.
    if (target.t > 0 && sched.now() < target.t - 1) {
      if (!r.run_until(target.t - 1, max_events)) return;
    }
    for (;;) {
      const Scheduler& s = sched;
      if (Position{s.now(), s.events_run_this_instant()} >= target) break;
      const SimTime next = sched.next_event_time();
      if (next == kNever || next > target.t) {
        // No event left before the place: only the clock moves (as when the action was taken).
        if (sched.now() < target.t) r.run_until(target.t, 0);
        break;
      }
      if (target.k == 0 && next == target.t) break;  // only at time 0, before its events
      if (sched.events_run() - start >= max_events) return;
      r.step();
    }
    done = true;
  });
  return {sched.events_run() - start, done};
}

std::pair<std::uint64_t, bool> Playground::advance(Position target, std::uint64_t max_events,
                                                   bool file) {
  const Scheduler& sched = runner().sim().net().sched();
  std::uint64_t ran = 0;
  for (;;) {
    apply_due_actions();
    Position goal = target;
    const std::size_t next_action = applied();
    const bool to_action = next_action < actions_.size() && actions_[next_action].at <= target;
    if (to_action) goal = actions_[next_action].at;
    // Stop at the next multiple of kCheckpointEvents for a checkpoint.
    const std::uint64_t events = sched.events_run();
    const std::uint64_t to_boundary = kCheckpointEvents - events % kCheckpointEvents;
    const std::uint64_t chunk = std::min(max_events - ran, to_boundary);
    if (file) file_checkpoint(chunk);
    const auto [n, done] = run_to(goal, chunk);
    ran += n;
    maybe_checkpoint();
    if (done && !to_action) {
      apply_due_actions();
      return {ran, true};
    }
    if (!done && ran >= max_events) {
      apply_due_actions();
      return {ran, false};
    }
    if (!done && n == 0)
      throw PlaygroundError("internal error: the run does not move toward its target");
  }
}

bool Playground::step_one() {
  Scheduler& sched = runner().sim().net().sched();
  apply_due_actions();
  const SimTime next = sched.next_event_time();
  if (next == kNever) return false;
  // The place right after the next event.
  const Position after{next, next == sched.now() ? sched.events_run_this_instant() + 1 : 1};
  advance(after, 1);
  return true;
}

// --- checkpoints -----------------------------------------------------------------------------

void Playground::take_checkpoint() {
  if (checkpoints_.pending_pages()) {
    checkpoints_.work(SIZE_MAX);
    thin_checkpoints();
  }
  const Scheduler& sched = runner().sim().net().sched();
  CheckpointInfo info;
  info.id = checkpoints_.take(*heap_);
  info.at = here();
  info.events = sched.events_run();
  info.applied = applied();
  cp_info_.push_back(info);
  // Filed at twice the pace of the run, so that it is done halfway to the next one.
  staged_pages_ = checkpoints_.pending_pages();
}

void Playground::file_checkpoint(std::uint64_t events) {
  if (!heap_) return;
  // Past the size where no more are taken (maybe_checkpoint), the staging area is not readied.
  const SimHeap* next = heap_->reserved_bytes() > 2 * kCheckpointBytes ? nullptr : heap_.get();
  const bool pending = checkpoints_.pending_pages() > 0;
  const std::uint64_t pages = 64 + staged_pages_ * 2 * events / kCheckpointEvents;
  if (checkpoints_.work(static_cast<std::size_t>(pages), next) && pending) thin_checkpoints();
}

void Playground::thin_checkpoints() {
  // While over the cap, merge away the checkpoint whose neighbours are closest (the first and
  // the newest stay), so they stay about evenly spread.
  while (checkpoints_.bytes() > kCheckpointBytes && cp_info_.size() > 2) {
    std::size_t best = 1;
    for (std::size_t i = 2; i + 1 < cp_info_.size(); ++i)
      if (cp_info_[i + 1].events - cp_info_[i - 1].events <
          cp_info_[best + 1].events - cp_info_[best - 1].events)
        best = i;
    checkpoints_.drop(cp_info_[best].id);
    cp_info_.erase(cp_info_.begin() + static_cast<std::ptrdiff_t>(best));
  }
}

void Playground::maybe_checkpoint() {
  const std::uint64_t events = runner().sim().net().sched().events_run();
  if (events % kCheckpointEvents != 0 || (!cp_info_.empty() && cp_info_.back().events >= events))
    return;
  // A heap over twice the cap could give one checkpoint larger than the cap (the pages changed
  // since the last one), briefly doubling the memory: past that size no more are taken, and a
  // seek replays from the newest one there is. The lessons' heaps are under 32 MB; a routing
  // loop with a million packets in flight took the module past its 1 GiB before it reached its
  // max_packets limit.
  if (heap_ && heap_->reserved_bytes() > 2 * kCheckpointBytes) return;
  take_checkpoint();
}

void Playground::invalidate_after(Position at, std::size_t applied_count) {
  std::size_t keep = cp_info_.size();
  while (keep > 0 && (cp_info_[keep - 1].at > at || cp_info_[keep - 1].applied > applied_count))
    --keep;
  if (keep == cp_info_.size()) return;
  checkpoints_.drop_after(keep ? cp_info_[keep - 1].id : 0, *heap_);
  cp_info_.resize(keep);
}

void Playground::restore(const CheckpointInfo& cp) {
  checkpoints_.restore(*heap_, cp.id);
  ended_.clear();  // a run that ended on a limit ended later than this
  rewound();
}

template <typename Keep>
bool Playground::restore_latest(Keep&& keep, bool only_if_ahead) {
  for (std::size_t i = cp_info_.size(); i-- > 0;) {
    if (!keep(cp_info_[i])) continue;
    if (only_if_ahead && cp_info_[i].events <= events_run() + kCheckpointEvents) return false;
    restore(cp_info_[i]);
    return true;
  }
  return false;
}

void Playground::rewound() {
  const Trace& trace = runner().sim().trace();
  const std::uint64_t end = trace.end_index();
  feed_.rewind(trace, end);
  if (formatted_until_ > end) {
    while (!text_marks_.empty() && text_marks_.back().index > end) text_marks_.pop_back();
    if (text_marks_.empty()) {
      formatter_.reset();
      formatted_until_ = 0;
    } else {
      formatter_ = text_marks_.back().formatter;
      formatted_until_ = text_marks_.back().index;
    }
    while (!lines_.empty() && lines_.back().index >= formatted_until_) lines_.pop_back();
  }
}

// --- seeking ---------------------------------------------------------------------------------

void Playground::seek_to(Position target) {
  const bool back = target < here();
  if (!back) check_not_ended();
  // Back: the newest checkpoint at or before the target. Forward: a later checkpoint on the way
  // when it saves replaying more than one interval.
  restore_latest([&](const CheckpointInfo& c) { return c.at <= target; }, !back);
  advance(target, UINT64_MAX);
}

void Playground::seek(SimTime t) {
  guarded_seek([&] {
    if (t < 0)
      throw PlaygroundError("seek: expected a time of 0 or more, got " + std::to_string(t));
    seek_to(Position{t, UINT64_MAX});
  });
}

bool Playground::step_back() {
  bool moved = false;
  guarded_seek([&] {
    const std::uint64_t events = events_run();
    if (events == 0) {
      if (runner().now() == 0) return;
      // Only the clock moved: back to time 0, before any event.
      restore(cp_info_.front());
      apply_due_actions();
      moved = true;
      return;
    }
    const std::uint64_t target = events - 1;
    restore_latest([&](const CheckpointInfo& c) { return c.events <= target; }, false);
    const std::uint64_t left = target - events_run();
    if (left) advance(Position{kNever, UINT64_MAX}, left);
    else apply_due_actions();
    moved = true;
  });
  return moved;
}

void Playground::undo_last_action() {
  guarded_seek([&] {
    if (actions_.empty()) throw PlaygroundError("undo_last_action: no recorded action to undo");
    const RecordedAction last = actions_.back();
    actions_.pop_back();
    std::erase_if(live_named_, [&](const NamedSocket& s) { return s.action >= actions_.size(); });
    invalidate_after(last.at, actions_.size());
    // Where it was taken, without it: every checkpoint at or after that place had it.
    if (applied() > actions_.size() || here() >= last.at) {
      restore_latest(
          [&](const CheckpointInfo& c) { return c.at <= last.at && c.applied <= actions_.size(); },
          false);
    }
    advance(last.at, UINT64_MAX);
  });
}

// --- reading ---------------------------------------------------------------------------------

std::string Playground::actions_json() const {
  return guarded_seek([&] {
    const std::size_t n = applied();
    std::string out;
    JsonWriter w(out);
    w.begin_array();
    for (std::size_t i = 0; i < actions_.size(); ++i) {
      w.begin_object()
          .field("index", static_cast<std::int64_t>(i))
          .field("at", static_cast<std::int64_t>(actions_[i].at.t))
          .field("after_events", static_cast<std::int64_t>(actions_[i].at.k))
          .field("ahead", i >= n)
          .key("action")
          .raw(actions_[i].json)
          .end_object();
    }
    w.end_array();
    return out;
  });
}

std::string Playground::checkpoint_stats() const {
  const SimHeap* h = heap_.get();
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("count", static_cast<std::int64_t>(cp_info_.size()))
      .field("bytes", static_cast<std::int64_t>(checkpoints_.bytes()))
      .field("staging_bytes", static_cast<std::int64_t>(checkpoints_.staging_bytes()))
      .field("pending_pages", static_cast<std::int64_t>(checkpoints_.pending_pages()))
      .field("arena_bytes", static_cast<std::int64_t>(h ? h->reserved_bytes() : 0))
      .field("arena_in_use", static_cast<std::int64_t>(h ? h->state().in_use : 0))
      .field("interval_events", static_cast<std::int64_t>(kCheckpointEvents))
      .field("cap_bytes", static_cast<std::int64_t>(kCheckpointBytes))
      .end_object();
  return out;
}

}  // namespace tcpplay
