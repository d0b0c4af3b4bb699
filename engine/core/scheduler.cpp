#include "core/scheduler.h"

namespace tcpplay {

HandlerId Scheduler::add_handler(EventHandler* handler) {
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.push_back({});
  }
  slots_[slot].handler = handler;
  return {slot, slots_[slot].gen};
}

void Scheduler::remove_handler(HandlerId id) {
  if (!id.valid() || id.slot >= slots_.size() || slots_[id.slot].gen != id.gen) return;
  slots_[id.slot].handler = nullptr;
  ++slots_[id.slot].gen;
  free_slots_.push_back(id.slot);
}

std::uint64_t Scheduler::schedule(SimTime at, HandlerId target, std::uint32_t kind,
                                  std::uint64_t arg, bool arg_is_seq) {
  if (at < now_) at = now_;  // the past is not reachable; run it now, after what is queued
  const std::uint64_t seq = next_seq_++;
  push({at, seq, target, kind, arg_is_seq ? seq : arg});
  return seq;
}

void Scheduler::schedule_keyed(SimTime at, std::uint64_t seq, HandlerId target, std::uint32_t kind,
                               std::uint64_t arg) {
  if (has_run(at, seq)) {
    // Its turn has passed (only possible for a key in the past): run it now, after what is queued.
    at = now_;
    seq = next_seq_++;
  }
  push({at, seq, target, kind, arg});
}

void Scheduler::push(const Event& e) {
  if (root_vacant_) {
    root_vacant_ = false;
    sift_down(0, e);
    return;
  }
  std::size_t hole = heap_.size();
  heap_.push_back(e);
  Event* const h = heap_.data();
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / 2;
    if (!earlier(e, h[parent])) break;
    h[hole] = h[parent];
    hole = parent;
  }
  h[hole] = e;
}

void Scheduler::sift_down(std::size_t hole, const Event& e) {
  Event* const h = heap_.data();
  const std::size_t n = heap_.size();
  for (;;) {
    std::size_t child = 2 * hole + 1;
    if (child >= n) break;
    if (child + 1 < n && earlier(h[child + 1], h[child])) ++child;
    if (!earlier(h[child], e)) break;
    h[hole] = h[child];
    hole = child;
  }
  h[hole] = e;
}

void Scheduler::settle() {
  if (root_vacant_) pop_top();
}

bool Scheduler::top_is_live() {
  const Event& e = heap_.front();
  const Slot& s = slots_[e.target.slot];
  return s.handler != nullptr && s.gen == e.target.gen && s.handler->is_current(e.kind, e.arg);
}

void Scheduler::pop_top() {
  root_vacant_ = false;
  const Event last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0, last);
}

SimTime Scheduler::next_event_time() {
  settle();  // called from inside a handler
  while (!heap_.empty()) {
    if (top_is_live()) return heap_.front().at;
    pop_top();
  }
  return kNever;
}

bool Scheduler::step() {
  if (next_event_time() == kNever) return false;
  run_top();
  return true;
}

void Scheduler::run_top() {
  const Event e = heap_.front();
  root_vacant_ = true;
  if (e.at != now_) instant_events_ = 0;
  now_ = e.at;
  run_below_ = e.seq + 1;
  ++events_run_;
  ++instant_events_;
  slots_[e.target.slot].handler->on_event(e.kind, e.arg);
  settle();
}

void Scheduler::run_until(SimTime t) {
  // next_event_time() and step() in one pass: each event's liveness is asked once.
  settle();  // called from inside a handler
  while (!heap_.empty()) {
    if (!top_is_live()) {
      pop_top();
      continue;
    }
    if (heap_.front().at > t) break;
    run_top();
  }
  if (t > now_) {
    now_ = t;
    run_below_ = next_seq_;  // every event at or before t has run
    instant_events_ = 0;
  }
}

bool Scheduler::run_until(SimTime t, std::uint64_t max_events) {
  settle();
  for (std::uint64_t n = 0; !heap_.empty();) {
    if (!top_is_live()) {
      pop_top();
      continue;
    }
    if (heap_.front().at > t) break;
    if (n == max_events) return false;
    run_top();
    ++n;
  }
  if (t > now_) {
    now_ = t;
    run_below_ = next_seq_;
    instant_events_ = 0;
  }
  return true;
}

std::uint64_t Scheduler::run_until_idle(SimTime limit) {
  std::uint64_t n = 0;
  while (next_event_time() <= limit && step()) ++n;
  return n;
}

void Scheduler::clear() {
  heap_.clear();
  root_vacant_ = false;
  slots_.clear();
  free_slots_.clear();
  now_ = 0;
  run_below_ = 0;
  next_seq_ = 0;
  events_run_ = 0;
  instant_events_ = 0;
}

}  // namespace tcpplay
