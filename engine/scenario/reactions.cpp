// Reactions at run time (reactions.h): arming, matching triggers, and running the action as a
// scheduler event right after the moment that triggered it.
#include "scenario/reactions.h"

#include "tcp/tcp_connection.h"
#include "tcp/tcp_stack.h"

namespace tcpplay {

void ScenarioRunner::Reactions::arm(const Action& a) {
  armed_.push_back(Armed{a});
  if (a.reaction->kind == ReactionTrigger::Kind::trace) {
    ++trace_pending_;
    runner_.attach_trace_listener();
  }
}

bool ScenarioRunner::Reactions::socket_matches(const std::string& want, int conn) const {
  if (want.empty()) return true;
  const std::string name = runner_.socket_name(conn);
  if (name == want) return true;
  // A listener's name stands for the connections it accepted ("srv" for "srv.1", "srv.2").
  auto it = runner_.scenario_.sockets.find(want);
  return it != runner_.scenario_.sockets.end() && it->second.kind == SocketDef::Kind::listener &&
         name.size() > want.size() + 1 && name.compare(0, want.size() + 1, want + ".") == 0;
}

bool ScenarioRunner::Reactions::packet_matches(const Trace& trace, const TraceEvent& e,
                                               const ReactionTrigger& t) const {
  if (!t.len && !t.seq) return true;
  const std::optional<Packet> p = trace.packet(e.packet_id);
  if (!p || !p->is_tcp()) return false;
  if (t.len && p->payload.size() != *t.len) return false;
  if (!t.seq) return true;
  std::uint32_t want = *t.seq;
  if (t.seq_relative) {
    // From the ISS of the connection that sent it (a router forwarding it keeps its id).
    const TcpConnection* sender = nullptr;
    Simulation& sim = *runner_.sim_;
    for (std::size_t h = 0; h < sim.net().host_count() && !sender && e.conn >= 0; ++h)
      sender = sim.tcp(h).find(e.conn);
    if (!sender) return false;
    want += sender->iss();
  }
  return p->tcp.seq == want;
}

void ScenarioRunner::Reactions::on_trace_event(Trace& trace, std::uint64_t index) {
  // The lesson's points first: it is called from here while reactions listen.
  if (runner_.watcher_ && runner_.watcher_->pending() > 0)
    runner_.watcher_->on_trace_event(trace, index);
  const TraceKind kind = trace.kind_at(index);
  bool wanted = false;
  for (std::size_t i = 0; i < armed_.size() && !wanted; ++i) {
    const Armed& r = armed_[i];
    wanted = !r.done && r.action.reaction->kind == ReactionTrigger::Kind::trace &&
             trigger_has_kind(r.action.reaction->when, kind);
  }
  if (!wanted) return;
  const TraceEvent e = trace.at(index);
  for (std::size_t i = 0; i < armed_.size(); ++i) {
    const ReactionTrigger& t = *armed_[i].action.reaction;
    if (armed_[i].done || t.kind != ReactionTrigger::Kind::trace ||
        !trigger_has_kind(t.when, kind) || !trigger_matches(trace, e, t.when, link_ends_))
      continue;
    if (!socket_matches(t.socket, e.conn)) continue;
    if (t.when.event == WatchTrigger::Event::packet && !packet_matches(trace, e, t)) continue;
    matched(i, e.host, e.conn);
  }
}

void ScenarioRunner::Reactions::on_received(const std::string& name, TcpConnection& c,
                                            std::uint64_t before, std::uint64_t after) {
  for (std::size_t i = 0; i < armed_.size(); ++i) {
    const ReactionTrigger& t = *armed_[i].action.reaction;
    if (armed_[i].done || t.kind != ReactionTrigger::Kind::received || after < t.bytes ||
        !socket_matches(t.socket, c.id()) || runner_.now() < t.when.after)
      continue;
    // Once: the first delivery that brings the total to `bytes` or more. Repeating: every
    // multiple of `bytes` the total passes (a delivery may pass several).
    const std::uint64_t times = armed_[i].action.repeat ? after / t.bytes - before / t.bytes : 1;
    for (std::uint64_t k = 0; k < times && !armed_[i].done; ++k)
      matched(i, c.stack().host().index(), c.id());
  }
  (void)name;
}

void ScenarioRunner::Reactions::on_peer_closed(const std::string& name, TcpConnection& c) {
  for (std::size_t i = 0; i < armed_.size(); ++i) {
    const ReactionTrigger& t = *armed_[i].action.reaction;
    if (armed_[i].done || t.kind != ReactionTrigger::Kind::peer_closed ||
        !socket_matches(t.socket, c.id()) || runner_.now() < t.when.after)
      continue;
    matched(i, c.stack().host().index(), c.id());
  }
  (void)name;
}

void ScenarioRunner::Reactions::matched(std::size_t i, int host, int conn) {
  Armed& r = armed_[i];
  if (++r.seen < r.action.reaction->when.nth) return;
  if (!r.action.repeat) {
    r.done = true;
    if (r.action.reaction->kind == ReactionTrigger::Kind::trace && --trace_pending_ == 0)
      runner_.attach_trace_listener();
  }
  (void)conn;
  // The host rides in the argument's high half, for the trace line of the firing.
  const std::uint64_t arg = i | static_cast<std::uint64_t>(host + 1) << 32;
  runner_.sim_->net().sched().schedule(runner_.now(), runner_.handler_, kFireEvent, arg);
}

void ScenarioRunner::Reactions::fire(std::uint64_t arg) {
  const std::size_t i = arg & 0xFFFFFFFFu;
  if (i >= armed_.size()) return;
  const int host = static_cast<int>(arg >> 32) - 1;
  Action a = armed_[i].action;  // copied: the action may arm more reactions (armed_ grows)
  a.reaction.reset();
  runner_.trace_app(host, -1, "reaction", a.path + " fired: " + to_string(a.kind));
  (void)runner_.run_action(a);
}

// --- the runner's side ------------------------------------------------------------------------

void ScenarioRunner::attach_trace_listener() {
  Trace& trace = sim_->trace();
  if (reactions_ && reactions_->trace_pending() > 0) {
    // The reactions listen and pass every event on to the lesson's triggers.
    watcher_->set_detach_when_done(false);
    trace.set_listener(reactions_.get());
  } else if (watcher_ && watcher_->pending() > 0) {
    watcher_->set_detach_when_done(true);
    trace.set_listener(watcher_.get());
  } else {
    trace.set_listener(nullptr);
  }
}

}  // namespace tcpplay
