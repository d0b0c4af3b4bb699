// Discrete-event scheduler. Events at the same time run in insertion order (a sequence number
// breaks ties), so a run is a pure function of the scenario and its seed.
//
// Events carry a handler id, a kind and a 64-bit argument instead of a closure, so scheduling
// never allocates. Handlers can go away while events for them are pending: they live in a slot
// table with generations, and events for a released slot are skipped. Restartable deadlines use
// Timer: restarting or cancelling a Timer leaves its old event in the queue, and the scheduler
// skips it because the handler reports it as no longer current.
#pragma once
#include <cstdint>
#include <vector>

#include "core/time.h"

namespace tcpplay {

struct HandlerId {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t gen = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void on_event(std::uint32_t kind, std::uint64_t arg) = 0;
  /// False when the event was superseded (its timer restarted or was cancelled).
  virtual bool is_current(std::uint32_t /*kind*/, std::uint64_t /*arg*/) const { return true; }
};

class Scheduler {
 public:
  SimTime now() const { return now_; }

  HandlerId add_handler(EventHandler* handler);
  void remove_handler(HandlerId id);

  /// Returns the event's sequence number; with arg_is_seq the event's argument is that number.
  std::uint64_t schedule(SimTime at, HandlerId target, std::uint32_t kind, std::uint64_t arg,
                         bool arg_is_seq = false);

  /// Keyed events, for handlers that keep their own time-ordered queues (a link direction's
  /// packets in flight): reserve_seq() takes the sequence number an event scheduled now would
  /// get, and schedule_keyed() queues an event with a sequence number reserved earlier, so it
  /// runs exactly where it would have run had it been scheduled at reservation time. A reserved
  /// number that is never scheduled is an event that needed no running.
  std::uint64_t reserve_seq() { return next_seq_++; }
  void schedule_keyed(SimTime at, std::uint64_t seq, HandlerId target, std::uint32_t kind,
                      std::uint64_t arg);
  /// True when an event with key (at, seq) would already have run (or be running): events run in
  /// increasing (time, sequence) order, so this compares with the key of the last event run.
  bool has_run(SimTime at, std::uint64_t seq) const {
    return at < now_ || (at == now_ && seq < run_below_);
  }

  /// Time of the next live event, or kNever.
  SimTime next_event_time();
  /// Runs one live event; false if there is none.
  bool step();
  /// Runs every event with time <= t, then sets the clock to t.
  void run_until(SimTime t);
  /// The same, running at most `max_events` events: false (the clock at the last event run)
  /// when events at or before t are left.
  bool run_until(SimTime t, std::uint64_t max_events);
  /// Runs until no events are left or the clock would pass `limit`; returns events run.
  std::uint64_t run_until_idle(SimTime limit = kNever);

  std::uint64_t events_run() const { return events_run_; }
  /// Events already run at the current time (0 right after the clock moved to it): with now(),
  /// a position between two events of one instant, which is where a live edit happened.
  std::uint64_t events_run_this_instant() const { return instant_events_; }
  std::size_t pending() const { return heap_.size() - (root_vacant_ ? 1 : 0); }
  /// Drops every pending event and handler and rewinds the clock to 0.
  void clear();

 private:
  struct Event {
    SimTime at;
    std::uint64_t seq;
    HandlerId target;
    std::uint32_t kind;
    std::uint64_t arg;
  };
  static bool earlier(const Event& a, const Event& b) {
    return a.at < b.at || (a.at == b.at && a.seq < b.seq);
  }
  struct Slot {
    EventHandler* handler = nullptr;
    std::uint32_t gen = 0;
  };
  bool top_is_live();
  void pop_top();
  void run_top();  // runs the event at the top, which is live
  // A binary min-heap on (at, seq), sifted by moving a hole rather than swapping. While an
  // event runs, its root slot stays vacant: most handlers schedule one event, which then takes
  // the root with one sift down instead of a pop and a push.
  void push(const Event& e);
  void sift_down(std::size_t hole, const Event& e);  // e is not an element of heap_
  void settle();  // fills a root left vacant by the event that ran

  SimTime now_ = 0;
  std::uint64_t run_below_ = 0;  // at now_, events with a lower sequence number have run
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_run_ = 0;
  std::uint64_t instant_events_ = 0;
  std::vector<Event> heap_;
  bool root_vacant_ = false;  // heap_[0] is the event running now, no longer queued
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
};

/// One restartable deadline owned by an EventHandler. The handler's is_current() must answer
/// `timer.matches(arg)`, and its on_event() must call fire() and act only when it returns true.
///
/// Restarting a timer to a later deadline (the retransmission timer on every ACK) does not queue
/// a new event: the one already queued fires early, sees the later deadline and queues itself
/// again. Cancelling leaves the queued event in place (the scheduler skips it while the timer is
/// idle), so that arming again before it is due (the delayed-ACK timer, cancelled by every ACK
/// sent and armed by the next segment) reuses it. So restarts cost no heap operation, and the
/// queue holds about one event per timer.
class Timer {
 public:
  void arm(Scheduler& sched, HandlerId owner, std::uint32_t kind, SimTime at) {
    armed_ = true;
    deadline_ = at;
    if (queued_ && queued_at_ <= at && !sched.has_run(queued_at_, token_)) return;
    queue(sched, owner, kind, at);
  }
  void cancel() { armed_ = false; }
  /// Called when the event fires: true when the deadline has come; false for an event that
  /// was superseded or came early for a deadline that moved later (it is queued again).
  bool fire(Scheduler& sched, HandlerId owner, std::uint32_t kind, std::uint64_t arg) {
    if (!matches(arg)) return false;
    queued_ = false;
    if (sched.now() < deadline_) {
      queue(sched, owner, kind, deadline_);
      return false;
    }
    armed_ = false;
    return true;
  }
  /// The event with this argument is the timer's, and the timer is armed.
  bool matches(std::uint64_t arg) const { return queued_ && armed_ && arg == token_; }
  bool armed() const { return armed_; }
  SimTime deadline() const { return armed_ ? deadline_ : kNever; }

 private:
  void queue(Scheduler& sched, HandlerId owner, std::uint32_t kind, SimTime at) {
    queued_ = true;
    queued_at_ = at;
    token_ = sched.schedule(at, owner, kind, 0, true);  // the event's sequence number
  }
  // 24 bytes: a TCP connection has nine of these (issue 9, benchmark 3). A 32-bit token only
  // has to tell apart the events of one timer that can be queued at once (a handful).
  SimTime deadline_ = kNever;
  SimTime queued_at_ = kNever;
  std::uint32_t token_ = 0;
  bool armed_ = false;
  bool queued_ = false;
};

}  // namespace tcpplay
