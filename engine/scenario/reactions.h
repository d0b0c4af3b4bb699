// Reactions: timeline actions that run when something happens rather than at a time (an
// action with "when"). Internal to the ScenarioRunner (scenario.h); included by its .cpp files.
//
// A reaction is armed at its `at` (0 s when it has none) and then watches:
//   - the trace, with a lesson trigger's matcher (watch.h: trigger_matches) narrowed by the
//     sending socket, the payload length and the sequence number;
//   - the application's side of a named TCP socket: bytes handed to it ("received") and the
//     peer's FIN read ("peer_closed").
// When its trigger matches (its nth match at or after `after`), it schedules a scheduler event
// at that same time; the action runs in that event. So it runs after the event that triggered
// it has finished, and after the events already queued for that instant; two reactions fired
// by one event run in the order they were armed. Once (the default), or every match with
// "repeat": true. Everything here lives in the simulation's heap with the runner, so a seek
// back restores the reactions' counts with the rest.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "scenario/scenario.h"

namespace tcpplay {

class ScenarioRunner::Reactions : public TraceListener {
 public:
  static constexpr std::uint32_t kFireEvent = 1;  ///< the runner's scheduler event kind

  Reactions(ScenarioRunner& runner, std::vector<std::pair<std::string, std::string>> link_ends)
      : runner_(runner), link_ends_(std::move(link_ends)) {}

  /// Starts watching for `a`'s trigger (a copy of the action is kept).
  void arm(const Action& a);
  /// Runs the action of armed reaction `index` (the scheduler event that a match queued).
  void fire(std::uint64_t index);
  /// Armed reactions whose trigger is a trace event and that may still fire.
  std::size_t trace_pending() const { return trace_pending_; }

  void on_trace_event(Trace& trace, std::uint64_t index) override;
  /// The application of `c` (named `name`) was handed bytes: its total went from `before` to
  /// `after`.
  void on_received(const std::string& name, TcpConnection& c, std::uint64_t before,
                   std::uint64_t after);
  void on_peer_closed(const std::string& name, TcpConnection& c);

 private:
  struct Armed {
    Action action;  // with `reaction` set
    std::uint32_t seen = 0;
    bool done = false;  // fired once and does not repeat
  };
  bool socket_matches(const std::string& want, int conn) const;
  bool packet_matches(const Trace& trace, const TraceEvent& e, const ReactionTrigger& t) const;
  /// Counts a match of reaction `i` and queues its action when it is due.
  void matched(std::size_t i, int host, int conn);

  ScenarioRunner& runner_;
  std::vector<std::pair<std::string, std::string>> link_ends_;
  std::vector<Armed> armed_;
  std::size_t trace_pending_ = 0;
};

}  // namespace tcpplay
